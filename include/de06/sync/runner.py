"""One sync run: lock, run record, snapshot of the source, chunks (each one lltp transaction that
also advances the cursor), reconciliation.

Late rows (a transaction that commits after the cursor passed its updated_at): every run re-reads
a lookback window behind the cursor; the ledger (one row per processed sheet_id) skips what was
already processed, so re-reads are never counted or applied twice. A row that commits later than
the lookback is caught by a full resync (mode ``full``), which re-reads the whole source through
the same ledger. We chose this over ``xmin``/commit-order tracking because it works unchanged on
any PostgreSQL (no ``track_commit_timestamp``, no rights to watch other sessions) and stays correct
under retries; its cost is the re-read of the window.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg2

from de06.db.errors import values_hidden
from de06.errors import DatabaseUnavailable, De06Error
from de06.sync import apply, cursor, extract, lock, reconciliation, resolve
from de06.sync.mapping import load_refs
from de06.sync.rules import OUTCOMES, decide

log = logging.getLogger(__name__)
Connector = Callable[[str], "psycopg2.extensions.connection"]

RUN_SQL = """
INSERT INTO qp_sync_run AS r (run_key, mode, attempts) VALUES (%s, %s, 1)
ON CONFLICT (run_key) DO UPDATE SET attempts = r.attempts + 1,
    status = CASE WHEN r.status = 'succeeded' THEN r.status ELSE 'running' END, finished_at = NULL
RETURNING run_id, status, window_from_ts, window_from_pk, mode
"""
SKIP_SQL = """
INSERT INTO qp_sync_run (run_key, mode, status, message, finished_at)
VALUES (%s, %s, 'skipped', 'another sync held the lock', now()) ON CONFLICT (run_key) DO NOTHING
"""
WINDOW_SQL = "UPDATE qp_sync_run SET window_from_ts = %s, window_from_pk = %s WHERE run_id = %s"
FINISH_SQL = """
UPDATE qp_sync_run SET status = %s, high_ts = %s, high_pk = %s, source_rows = %s, new_rows = new_rows + %s,
    applied = %s, stale = %s, duplicates = %s, quarantined = %s, parked = %s, reconciled = %s,
    message = %s, finished_at = now() WHERE run_id = %s
"""
FAIL_SQL = (
    "UPDATE qp_sync_run SET status = 'failed', message = %s, new_rows = new_rows + %s, finished_at = now()"
    " WHERE run_id = %s"
)


@dataclass
class SyncOptions:
    run_key: str
    full: bool = False
    lookback: dt.timedelta = dt.timedelta(hours=1)
    chunk_size: int = 5000
    until: dt.datetime | None = None  # only sheets stamped before this (backfill of an interval)
    wait_seconds: float = 0.0  # 0: skip when another run holds the lock; >0: wait that long
    after_chunk: Callable[[int], None] | None = None  # fault-injection hook (tests)


@dataclass
class SyncResult:
    run_key: str
    status: str  # succeeded, skipped, already_done
    run_id: int | None = None
    source_rows: int = 0
    new_rows: int = 0
    chunks: int = 0
    window: dict[str, int] = field(default_factory=dict)  # outcomes in the window (ledger)
    new: dict[str, int] = field(default_factory=dict)  # outcomes decided by this attempt
    reconciled: bool | None = None
    review_links: int = 0  # qp convictions linked by a reviewer's decision at the start of this run
    line: str = ""

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _default_connector(conn_id: str):
    from de06.db import connect

    return connect(conn_id)


def run_sync(opts: SyncOptions, connector: Connector = _default_connector) -> SyncResult:
    """Run (or resume) one sync. Raises De06Error when the source fails or reconciliation does not
    balance; the run row records why."""
    mode = "full" if opts.full else "incremental"
    lltp = connector("lltp")
    lltp.autocommit = False
    qp = dancu = None
    try:
        if not lock.acquire(lltp, wait_seconds=opts.wait_seconds):
            with lltp.cursor() as cur:
                cur.execute(SKIP_SQL, (opts.run_key, mode))
            lltp.commit()
            log.warning("qp sync %s skipped: another run holds the lock", opts.run_key)
            return SyncResult(opts.run_key, "skipped", line="skipped: another sync is running")
        with lltp.cursor() as cur:
            cur.execute(RUN_SQL, (opts.run_key, mode))
            run_id, status, wf_ts, wf_pk, mode = cur.fetchone()
        lltp.commit()
        if status == "succeeded":
            return SyncResult(opts.run_key, "already_done", run_id, line="this run already succeeded")
        if wf_ts is None:
            start = cursor.window_start(cursor.read(lltp), opts.lookback, mode == "full")
            with lltp.cursor() as cur:
                cur.execute(WINDOW_SQL, (start[0], start[1], run_id))
            lltp.commit()
        else:
            start = (wf_ts, wf_pk)
        result = SyncResult(opts.run_key, "running", run_id, new=dict.fromkeys(OUTCOMES, 0))
        result.review_links = resolve.apply_review_decisions(lltp, run_id)
        lltp.commit()
        try:
            qp = connector("qp")
            extract.open_snapshot(qp)
            high = extract.high_watermark(qp, opts.until)
            refs = load_refs(lltp)
            match_cache: dict = {}
            if high is not None and high > start:
                for i, rows in enumerate(extract.chunks(qp, start, high, opts.chunk_size)):
                    with values_hidden(
                        f"qp sync run {run_id} chunk {i + 1}: a row was refused",
                        "the chunk was not kept and the next attempt resumes from the cursor; correct"
                        " the code or the schema named above (values are not shown: personal data)",
                    ):
                        dancu = _chunk(lltp, rows, refs, run_id, result, dancu, connector, match_cache)
                    result.chunks += 1
                    if opts.after_chunk is not None:
                        opts.after_chunk(i)
                source_rows = extract.count_window(qp, start, high)
            else:
                high, source_rows = start, 0
        except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
            lltp.rollback()
            msg = f"source or target connection lost after {result.chunks} chunk(s): {type(exc).__name__}"
            with lltp.cursor() as cur:
                cur.execute(FAIL_SQL, (msg, result.new_rows, run_id))
            lltp.commit()
            raise DatabaseUnavailable(
                msg, "the next attempt resumes from the cursor; check the qp server"
            ) from exc
        except Exception as exc:
            lltp.rollback()
            with lltp.cursor() as cur:
                cur.execute(
                    FAIL_SQL,
                    (f"failed after {result.chunks} chunk(s): {type(exc).__name__}", result.new_rows, run_id),
                )
            lltp.commit()
            raise
        outcomes = reconciliation.ledger_outcomes(lltp, start, high)
        rec = reconciliation.balance(source_rows, outcomes)
        result.source_rows, result.window, result.reconciled = source_rows, rec.outcomes, rec.balanced
        result.status, result.line = ("succeeded" if rec.balanced else "failed"), rec.line()
        with lltp.cursor() as cur:
            cur.execute(
                FINISH_SQL,
                (
                    result.status,
                    high[0],
                    high[1],
                    source_rows,
                    result.new_rows,
                    *(rec.outcomes[k] for k in OUTCOMES),
                    rec.balanced,
                    rec.line(),
                    run_id,
                ),
            )
        lltp.commit()
        if not rec.balanced:
            raise De06Error(
                f"qp sync run {opts.run_key} does not reconcile: {rec.line()}",
                "inspect qp_sync_ledger for the window, fix, then run a full resync",
            )
        return result
    finally:
        for c in (qp, dancu):
            if c is not None:
                try:
                    c.close()
                except psycopg2.Error:
                    pass
        try:
            lltp.rollback()
            lock.release(lltp)
        except psycopg2.Error:
            pass
        lltp.close()


def _chunk(lltp, rows, refs, run_id, result: SyncResult, dancu, connector, match_cache: dict):
    """Process one chunk in one lltp transaction (writes + ledger + cursor)."""
    last = (rows[-1]["updated_at"], rows[-1]["sheet_id"])
    with lltp.cursor() as cur:
        done = apply.seen(cur, [r["sheet_id"] for r in rows])
        fresh = [r for r in rows if r["sheet_id"] not in done]
        if fresh:
            keys = sorted({r["conviction_ref"] for r in fresh})
            state = apply.load_state(cur, keys)
            parked = apply.load_parked(cur, keys)
            plan = decide(fresh, state, parked, refs)
            resolutions = {}
            if plan.new_keys:
                if dancu is None:
                    dancu = connector("dancu")
                resolutions = resolve.resolve(list(plan.new_keys.values()), dancu, match_cache)
                dancu.rollback()
            apply.write(cur, plan, resolutions, run_id)
            resolve.enqueue_reviews(lltp, list(resolutions.values()), plan.new_keys, run_id)
            for k, v in plan.counts().items():
                result.new[k] += v
            result.new_rows += len(fresh)
        cursor.advance(cur, last, run_id)
    lltp.commit()
    return dancu
