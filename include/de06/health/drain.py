"""Drain the bhxh inbox and outbox: validate submissions, map and resolve entries, push them.

Every step claims its rows with ``FOR UPDATE SKIP LOCKED`` so concurrent runs never take the same
submission or item, and a run drains everything that is due, not only what its event announced.
An in-flight item whose lease expired (a worker died) is claimed again; the idempotency key makes
the second push harmless. Connections are passed in (psycopg2 connections; inside Airflow from
``PostgresHook``), so this module has no Airflow import.

An unreachable API (nothing answered, every push failed at the transport level) never makes a
green run: its items stay pending (a push that never left does not count towards
``max_attempts``), the summary says ``unreachable: true`` with ``transport_errors``, and
:func:`drain` raises :class:`EndpointUnreachable` (one line: the endpoint and the fix) after the
run is recorded. The run does not wait out ``max_run_s`` for it: once the API has given no answer
at all since the run started and pushes have failed at the transport level for
``unreachable_after_s`` (the first such failure that long ago), the loop stops claiming and pushing
(``gave_up_after_s`` in the summary). Any answer, a 5xx or 429 included, means the API is there:
that run is never cut short. ``push_run`` records ``answers``, ``transport_errors`` and
``unreachable``, from which :mod:`de06.health.outage` tells an outage's first failed run from the
ones after it.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial

from de06.db.errors import values_hidden
from de06.errors import De06Error
from de06.health import mapping, resolve
from de06.health.client import Outcome, VneidClient, backoff
from de06.health.knobs import DEFAULTS
from de06.health.validate import check_submission
from psycopg2.extras import execute_values

log = logging.getLogger(__name__)

#: ``before``: the run's cut-off (a scheduled run drains what had arrived when it started), or NULL.
_ARRIVED = "(%(before)s::timestamptz IS NULL OR received_at <= %(before)s)"
CLAIM_SUBMISSIONS = f"""
UPDATE submission s SET status = 'processing', claimed_at = clock_timestamp()
WHERE submission_id IN (
    SELECT submission_id FROM submission
    WHERE (status = 'received'
       OR (status = 'processing' AND claimed_at < clock_timestamp() - make_interval(secs => %(lease)s)))
    AND {_ARRIVED}
    ORDER BY submission_id LIMIT %(limit)s FOR UPDATE SKIP LOCKED)
RETURNING submission_id, body, received_at
"""
INSERT_ITEMS = """
INSERT INTO outbox_item (submission_id, idempotency_key, facility_code, episode_key, entry_type, seq,
    identity, citizen_id, book_owner_id, occurred_at, payload, status, visit_time, received_at, signalled_at)
VALUES %s
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING item_id, idempotency_key
"""
ITEM_TEMPLATE = "(%s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s, %s::jsonb, %s, %s, %s, clock_timestamp())"
INSERT_PARKED_MANY = "INSERT INTO parked_item (item_id, reason, population_mark) VALUES %s"
FINISH_SUBMISSIONS = """
UPDATE submission s SET status = v.status, reason = v.reason, counts = v.counts,
    processed_at = clock_timestamp()
FROM (VALUES %s) AS v (submission_id, status, reason, counts)
WHERE s.submission_id = v.submission_id
"""
CLAIM_PARKED = """
SELECT p.item_id, o.identity FROM parked_item p JOIN outbox_item o USING (item_id)
WHERE p.resolved_at IS NULL AND o.status = 'parked'
  AND (p.population_mark IS NULL OR p.population_mark < %(mark)s)
ORDER BY p.item_id LIMIT %(limit)s FOR UPDATE OF p SKIP LOCKED
"""
UNPARK = """
UPDATE outbox_item SET status = 'pending', citizen_id = %s, book_owner_id = %s,
    next_attempt_at = clock_timestamp() WHERE item_id = %s
"""
PARK_CHECKED = (
    "UPDATE parked_item SET checked_at = clock_timestamp(), population_mark = %s, reason = %s "
    "WHERE item_id = %s"
)
RESOLVED = "UPDATE parked_item SET resolved_at = clock_timestamp() WHERE item_id = %s"
CLAIM_ITEMS = f"""
UPDATE outbox_item o SET status = 'in_flight', claimed_at = clock_timestamp(), claimed_by = %(who)s,
    pushed_at = coalesce(o.pushed_at, clock_timestamp()), attempts = o.attempts + 1
WHERE item_id IN (
    SELECT item_id FROM outbox_item
    WHERE ((status = 'pending' AND next_attempt_at <= clock_timestamp())
       OR (status = 'in_flight' AND claimed_at < clock_timestamp() - make_interval(secs => %(lease)s)))
    AND {_ARRIVED}
    ORDER BY next_attempt_at LIMIT %(limit)s FOR UPDATE SKIP LOCKED)
RETURNING item_id, idempotency_key, citizen_id, book_owner_id, entry_type, facility_code, episode_key,
    occurred_at, payload, attempts
"""
ACK_MANY = """
UPDATE outbox_item o SET status = 'acked', acked_at = clock_timestamp(), entry_id = v.entry_id,
    last_error = NULL
FROM (VALUES %s) AS v (item_id, entry_id) WHERE o.item_id = v.item_id AND o.status = 'in_flight'
"""
DEAD_MANY = """
UPDATE outbox_item o SET status = 'dead', last_error = v.reason
FROM (VALUES %s) AS v (item_id, http_status, reason) WHERE o.item_id = v.item_id AND o.status = 'in_flight'
"""
INSERT_DEAD_MANY = "INSERT INTO dead_letter (item_id, http_status, reason) VALUES %s"
#: ``unsent``: the push never reached the API (refused, breaker open): not a delivery attempt.
RETRY_MANY = """
UPDATE outbox_item o SET status = 'pending', last_error = v.reason,
    next_attempt_at = clock_timestamp() + make_interval(secs => v.wait_s),
    attempts = o.attempts - CASE WHEN v.unsent THEN 1 ELSE 0 END
FROM (VALUES %s) AS v (item_id, reason, wait_s, unsent)
WHERE o.item_id = v.item_id AND o.status = 'in_flight'
"""
WORK_LEFT = f"""
SELECT (SELECT count(*) FROM submission WHERE status = 'received' AND {_ARRIVED}),
       (SELECT count(*) FROM outbox_item WHERE status = 'pending' AND next_attempt_at <= clock_timestamp()
            AND {_ARRIVED}),
       (SELECT min(next_attempt_at) FROM outbox_item WHERE status = 'pending' AND {_ARRIVED})
"""
LATENCY = """
SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99])
           WITHIN GROUP (ORDER BY extract(epoch FROM acked_at - received_at)),
       max(extract(epoch FROM acked_at - received_at)),
       percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM acked_at - visit_time))
FROM outbox_item WHERE status = 'acked' AND item_id = ANY(%s)
"""
INSERT_RUN = """
INSERT INTO push_run (run_id, mode, started_at, finished_at, submissions, rejected, duplicates, acked,
    retried, dead, parked, unparked, left_pending, latency_p50_s, latency_p95_s, latency_p99_s,
    latency_max_s, visit_p95_s, answers, transport_errors, unreachable)
VALUES (%(run_id)s, %(mode)s, %(started_at)s, %(finished_at)s, %(submissions)s, %(rejected)s,
    %(duplicates)s,
    %(acked)s, %(retried)s, %(dead)s, %(parked)s, %(unparked)s, %(left_pending)s, %(p50)s, %(p95)s, %(p99)s,
    %(max)s, %(visit_p95)s, %(answers)s, %(transport_errors)s, %(unreachable)s)
ON CONFLICT (run_id) DO UPDATE SET finished_at = EXCLUDED.finished_at, submissions = EXCLUDED.submissions,
    rejected = EXCLUDED.rejected, acked = EXCLUDED.acked, retried = EXCLUDED.retried, dead = EXCLUDED.dead,
    parked = EXCLUDED.parked, unparked = EXCLUDED.unparked, left_pending = EXCLUDED.left_pending,
    latency_p50_s = EXCLUDED.latency_p50_s, latency_p95_s = EXCLUDED.latency_p95_s,
    latency_p99_s = EXCLUDED.latency_p99_s, latency_max_s = EXCLUDED.latency_max_s,
    visit_p95_s = EXCLUDED.visit_p95_s, answers = EXCLUDED.answers,
    transport_errors = EXCLUDED.transport_errors, unreachable = EXCLUDED.unreachable
"""


@dataclass
class Settings:
    batch_size: int = int(DEFAULTS["batch_size"])
    concurrency: int = int(DEFAULTS["concurrency"])
    # entries per call to the batch endpoint (0: one call per entry)
    api_batch: int = int(DEFAULTS["api_batch"])
    lease_s: float = 60.0
    retry_base_s: float = DEFAULTS["retry_base_s"]
    retry_cap_s: float = 60.0
    max_attempts: int = 100
    max_run_s: float = DEFAULTS["max_run_s"]
    # keep polling this long after the work ran out (0: exit at once)
    idle_exit_s: float = DEFAULTS["idle_exit_s"]
    # stop early after this long of transport failures and no answer
    unreachable_after_s: float = DEFAULTS["unreachable_after_s"]
    snapshot: bool = False  # drain only what had been received when the run started (scheduled runs)


@dataclass
class Stats:
    run_id: str
    mode: str = "event"
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    submissions: int = 0
    rejected: int = 0
    duplicates: int = 0
    acked: int = 0
    retried: int = 0
    dead: int = 0
    parked: int = 0
    unparked: int = 0
    left_pending: int = 0
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    max: float | None = None
    visit_p95: float | None = None
    transport_errors: int = 0  # push calls that failed below HTTP (refused, unresolvable, timed out)
    answers: int = 0  # HTTP answers of any status from the API during the run (0: it never reached it)
    unreachable: bool = False  # nothing answered and every push failed at the transport level
    gave_up_after_s: float | None = None  # stopped early: no answer, transport failures this long
    endpoint: str | None = None  # the API's base URL (no credentials)
    acked_ids: list[int] = field(default_factory=list, repr=False)

    def summary(self) -> dict:
        d = asdict(self)
        d.pop("acked_ids")
        d["started_at"] = self.started_at.isoformat()
        d["finished_at"] = self.finished_at.isoformat() if self.finished_at else None
        return d


# ---- ingest ------------------------------------------------------------------------------


def ingest(
    bhxh, dancu, stats: Stats, limit: int = 200, lease_s: float = 300.0, before: datetime | None = None
) -> int:
    """Validate and map one batch of received submissions. Returns how many were processed.

    One resolve per batch and set-based writes: a handful of statements per batch, not per entry.
    """
    with bhxh.cursor() as cur:
        cur.execute(CLAIM_SUBMISSIONS, {"limit": limit, "lease": lease_s, "before": before})
        claimed = cur.fetchall()
    bhxh.commit()
    if not claimed:
        return 0
    finished: list[tuple] = []
    drafts: list[tuple[int, datetime, mapping.Draft]] = []
    for sub_id, body, received_at in claimed:
        res = check_submission(bytes(body))
        if res.outcome == "rejected":
            finished.append((sub_id, "rejected", res.reason, None))
            stats.rejected += 1
            continue
        drafts.extend((sub_id, received_at, d) for d in mapping.drafts(res.envelope))
        finished.append((sub_id, "accepted", None, json.dumps(res.counts)))
        stats.submissions += 1
    mark = resolve.population_mark(dancu) if drafts else None
    resolutions = resolve.resolve_many(dancu, [d.identity for _s, _r, d in drafts]) if drafts else []
    rows, reasons = [], {}
    for (sub_id, received_at, d), r in zip(drafts, resolutions, strict=True):
        key = d.idempotency_key
        if r.park_reason:
            reasons[key] = r.park_reason
        rows.append(
            (
                sub_id,
                key,
                d.facility_code,
                d.episode_key,
                d.entry_type,
                d.seq,
                json.dumps(d.identity, ensure_ascii=False),
                r.citizen_id,
                r.book_owner_id,
                d.occurred_at,
                json.dumps(d.payload, ensure_ascii=False),
                "parked" if r.park_reason else "pending",
                d.visit_time,
                received_at,
            )
        )
    refused = values_hidden(
        "ingesting a batch of health-book submissions: a row was refused",
        "nothing of the batch was kept and its submissions are claimed again when their lease ends;"
        " correct the code or the schema named by the table and column above (values are not"
        " shown: personal data)",
    )
    with refused, bhxh.cursor() as cur:
        if rows:
            inserted = execute_values(
                cur, INSERT_ITEMS, rows, template=ITEM_TEMPLATE, page_size=1000, fetch=True
            )
            parked = [(item_id, reasons[key], mark) for item_id, key in inserted if key in reasons]
            if parked:
                execute_values(cur, INSERT_PARKED_MANY, parked, page_size=1000)
                stats.parked += len(parked)
        execute_values(
            cur, FINISH_SUBMISSIONS, finished, template="(%s::bigint, %s, %s, %s::jsonb)", page_size=1000
        )
    bhxh.commit()
    return len(claimed)


def unpark(bhxh, dancu, stats: Stats, limit: int = 1000) -> int:
    """Retry parked items whose population snapshot is older than the population's last change."""
    mark = resolve.population_mark(dancu)
    if mark is None:
        return 0
    with bhxh.cursor() as cur:
        cur.execute(CLAIM_PARKED, {"mark": mark, "limit": limit})
        rows = cur.fetchall()
        if rows:
            res = resolve.resolve_many(dancu, [r[1] for r in rows])
            for (item_id, _ident), r in zip(rows, res, strict=True):
                if r.park_reason:
                    cur.execute(PARK_CHECKED, (mark, r.park_reason, item_id))
                else:
                    cur.execute(UNPARK, (r.citizen_id, r.book_owner_id, item_id))
                    cur.execute(RESOLVED, (item_id,))
                    stats.unparked += 1
    bhxh.commit()
    return len(rows)


# ---- push --------------------------------------------------------------------------------


def body_of(row) -> dict:
    _id, _key, citizen, owner, etype, fac, episode, occurred, payload, _att = row
    return {
        "citizen_id": citizen.strip(),
        "book_owner_id": owner.strip(),
        "entry_type": etype,
        "facility_code": fac.strip(),
        "episode_key": episode,
        "occurred_at": occurred.astimezone(mapping.VN).isoformat(),
        "payload": payload,
    }


def push_batch(
    bhxh,
    client: VneidClient,
    stats: Stats,
    cfg: Settings,
    pool: ThreadPoolExecutor,
    who: str,
    before: datetime | None = None,
) -> int:
    with bhxh.cursor() as cur:
        cur.execute(
            CLAIM_ITEMS, {"limit": cfg.batch_size, "lease": cfg.lease_s, "who": who, "before": before}
        )
        rows = cur.fetchall()
    bhxh.commit()
    if not rows:
        return 0
    if cfg.api_batch > 0:
        chunks = [rows[i : i + cfg.api_batch] for i in range(0, len(rows), cfg.api_batch)]
        outcomes: list[Outcome] = [
            o
            for part in pool.map(lambda ch: client.push_many([(body_of(r), r[1]) for r in ch]), chunks)
            for o in part
        ]
    else:
        outcomes = list(pool.map(lambda r: client.push(body_of(r), r[1]), rows))
    acks, dead, retry = [], [], []
    for row, out in zip(rows, outcomes, strict=True):
        item_id, attempts = row[0], row[9]
        if out.kind == "acked":
            acks.append((item_id, out.entry_id))
            stats.acked_ids.append(item_id)
        elif out.kind == "dead" or (attempts >= cfg.max_attempts and not out.unsent):
            reason = out.reason if out.kind == "dead" else f"gave up after {attempts} attempts: {out.reason}"
            dead.append((item_id, out.http_status, reason))
        else:  # an unsent push (endpoint down, breaker open) never dead-letters an item
            wait = (
                out.retry_after_s
                if out.retry_after_s is not None
                else backoff(attempts, cfg.retry_base_s, cfg.retry_cap_s)
            )
            retry.append((item_id, out.reason, max(0.0, wait), out.unsent))
    with bhxh.cursor() as cur:
        if acks:
            execute_values(cur, ACK_MANY, acks, template="(%s::bigint, %s)")
        if dead:
            execute_values(cur, DEAD_MANY, dead, template="(%s::bigint, %s::int, %s)")
            execute_values(cur, INSERT_DEAD_MANY, dead)
        if retry:
            execute_values(cur, RETRY_MANY, retry, template="(%s::bigint, %s, %s::float8, %s::boolean)")
    bhxh.commit()
    stats.acked += len(acks)
    stats.dead += len(dead)
    stats.retried += len(retry)
    return len(rows)


def _db_now(bhxh) -> datetime:
    """The database's clock (``received_at`` is stamped by it), for a snapshot's cut-off."""
    with bhxh.cursor() as cur:
        cur.execute("SELECT clock_timestamp()")
        now = cur.fetchone()[0]
    bhxh.commit()
    return now


def work_left(bhxh, before: datetime | None = None) -> tuple[int, int, datetime | None]:
    with bhxh.cursor() as cur:
        cur.execute(WORK_LEFT, {"before": before})
        row = cur.fetchone()
    bhxh.commit()
    return row


def finish(bhxh, stats: Stats) -> Stats:
    stats.finished_at = datetime.now(UTC)
    with bhxh.cursor() as cur:
        cur.execute("SELECT count(*) FROM outbox_item WHERE status IN ('pending', 'in_flight')")
        stats.left_pending = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM submission_duplicate WHERE received_at >= %s", (stats.started_at,))
        stats.duplicates = cur.fetchone()[0]  # resubmissions the inbox recognised during the run
        if stats.acked_ids:
            cur.execute(LATENCY, (stats.acked_ids,))
            pct, mx, vp95 = cur.fetchone()
            stats.p50, stats.p95, stats.p99 = (float(x) for x in pct)
            stats.max, stats.visit_p95 = float(mx), (float(vp95) if vp95 is not None else None)
        cur.execute(
            INSERT_RUN, {**stats.summary(), "started_at": stats.started_at, "finished_at": stats.finished_at}
        )
    bhxh.commit()
    return stats


class EndpointUnreachable(De06Error):
    """The drain pushed nothing: the API never answered and every push failed at the transport
    level. The run is recorded and its items stay pending; ``stats`` is its summary."""

    def __init__(self, stats: Stats, last_error: str | None = None):
        self.stats = stats
        endpoint = stats.endpoint or "(unknown)"
        early = (
            f", run stopped after {stats.gave_up_after_s:.0f} s without an answer"
            if stats.gave_up_after_s is not None
            else ""
        )
        super().__init__(
            f"VNeID API at {endpoint} unreachable: {stats.transport_errors} push call(s) failed at the"
            f" transport level ({last_error or 'no answer'}), 0 acknowledged{early}, {stats.left_pending}"
            " item(s) left pending for the next run",
            "start the API (`de06 vneid-api serve`) or set DE06_VNEID_API_URL to where it runs"
            " (`de06 health drain --api-url URL` by hand; a run's api_url param must be listed in"
            " DE06_VNEID_ALLOWED_URLS)",
        )


def reachability(client: VneidClient, since: tuple[int, int], stats: Stats) -> None:
    """Fill ``stats.transport_errors``/``answers``/``unreachable``/``endpoint`` from the client's
    counters (``since``: their values when the run started)."""
    responses0, errors0 = since
    stats.endpoint = client.endpoint
    stats.transport_errors = client.transport_errors - errors0
    stats.answers = client.responses - responses0
    stats.unreachable = stats.transport_errors > 0 and stats.answers == 0 and stats.acked == 0


class _NoAnswer:
    """The drain's early exit: trips when, since the run started, the API has given no answer at all
    (``client.responses`` unchanged) and push calls have failed at the transport level for
    ``after_s`` (counted from the first failure the loop saw). Any answer, a 5xx or 429 included,
    disarms it for the rest of the run. Logs once when it trips."""

    def __init__(self, client, since: tuple[int, int], after_s: float, stats: Stats):
        self.client, self.after_s, self.stats = client, after_s, stats
        self.responses0, self.errors0 = since
        self.first_failure: float | None = None
        self.tripped = False

    def __call__(self) -> bool:
        if self.tripped:
            return True
        if self.client.responses != self.responses0 or self.client.transport_errors == self.errors0:
            return False
        now = time.monotonic()
        self.first_failure = self.first_failure or now
        if now - self.first_failure < self.after_s:
            return False
        self.tripped = True
        self.stats.gave_up_after_s = round(now - self.first_failure, 1)
        log.warning(
            "VNeID API at %s: no answer and %d push call(s) failed at the transport level over %.1f s"
            " (unreachable_after_s %g): the run stops claiming and pushing; items stay pending",
            self.client.endpoint,
            self.client.transport_errors - self.errors0,
            now - self.first_failure,
            self.after_s,
        )
        return True


class _Ingester(threading.Thread):
    """Validates and maps submissions on its own connections while the main loop pushes: parsing
    (CPU) overlaps HTTP waits. Errors are re-raised by the drain after ``join``."""

    def __init__(self, connect, stats: Stats, cfg: Settings, before: datetime | None = None):
        super().__init__(name="ingest", daemon=True)
        self.connect, self.stats, self.cfg, self.before = connect, stats, cfg, before
        self.stop = threading.Event()
        self.busy = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            bhxh, dancu = self.connect()
        except BaseException as exc:  # noqa: BLE001 - surfaced by the drain
            self.error = exc
            return
        try:
            while not self.stop.is_set():
                self.busy.set()
                try:
                    n = ingest(bhxh, dancu, self.stats, limit=self.cfg.batch_size, before=self.before)
                finally:
                    self.busy.clear()
                if not n:
                    self.stop.wait(0.05)
        except BaseException as exc:  # noqa: BLE001
            self.error = exc
        finally:
            bhxh.close()
            dancu.close()


def _nap_until(next_at: datetime, deadline: float, client) -> None:
    """Sleep until the next retry is due (at most 0.25 s, never past the run's deadline; an open
    circuit breaker's wait counts too)."""
    wait = (next_at - datetime.now(UTC)).total_seconds()
    time.sleep(max(0.05, min(wait, client.breaker.wait_s() or wait, deadline - time.monotonic(), 0.25)))


def _push_until_done(
    bhxh,
    dancu,
    client,
    stats: Stats,
    cfg: Settings,
    pool,
    who: str,
    before,
    deadline: float,
    *,
    ingester: _Ingester | None = None,
    should_stop=None,
    idle_exit_s: float = 0.0,
) -> None:
    """Ingest (unless ``ingester`` does it beside) and push until nothing is pending, the deadline,
    ``should_stop()`` or an ingester error. A retry that a push earned (5xx, 429) is waited for, not
    left pending; with nothing pending at all the loop ends after ``idle_exit_s``."""
    idle_since: float | None = None
    while time.monotonic() < deadline and not (should_stop and should_stop()):
        if ingester and ingester.error:
            break
        n = 0 if ingester else ingest(bhxh, dancu, stats, limit=cfg.batch_size, before=before)
        m = push_batch(bhxh, client, stats, cfg, pool, who, before)
        if n or m:
            idle_since = None
            continue
        received, due, next_at = work_left(bhxh, before)
        if received or due or (ingester and ingester.busy.is_set()):
            if ingester:
                time.sleep(0.02)
            continue
        if next_at is None:  # nothing pending at all
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= idle_exit_s:
                break
            time.sleep(0.2)
            continue
        _nap_until(next_at, deadline, client)


def drain(
    bhxh,
    dancu,
    client: VneidClient,
    cfg: Settings | None = None,
    *,
    run_id: str | None = None,
    mode: str = "event",
    should_stop=None,
    connect=None,
    raise_unreachable: bool = True,
) -> Stats:
    """Ingest, unpark and push until nothing is due (or ``max_run_s``); record the run in ``push_run``.

    ``connect``: optional factory of a second ``(bhxh, dancu)`` pair; with it, ingestion runs in its
    own thread beside the pushes. Before the run ends, a last sequential pass picks up anything the
    ingester committed while the loop was deciding to stop, so nothing waits for the next event;
    it also waits out the retries its own pushes earn, so the run never ends with work pending.
    With ``cfg.snapshot`` (the every-5-minutes variant) the run takes only what had been received
    when it started: what lands later waits for the next tick, as a plain scheduled job would.

    Raises :class:`EndpointUnreachable` after recording the run when the API never answered and
    every push failed at the transport level (``raise_unreachable=False``: return the stats, whose
    ``unreachable`` says so). Such a run ends once ``cfg.unreachable_after_s`` of transport failures
    have passed without any answer (:class:`_NoAnswer`), not at ``max_run_s``.
    """
    cfg = cfg or Settings()
    since = (client.responses, client.transport_errors)
    stats = Stats(run_id or f"{mode}-{uuid.uuid4().hex[:12]}", mode=mode)
    no_answer = _NoAnswer(client, since, cfg.unreachable_after_s, stats)
    who = f"{socket.gethostname()}:{stats.run_id}"
    deadline = time.monotonic() + cfg.max_run_s
    before = _db_now(bhxh) if cfg.snapshot else None
    unpark(bhxh, dancu, stats)
    ingester = _Ingester(connect, stats, cfg, before) if connect else None
    if ingester:
        ingester.start()
    try:
        with ThreadPoolExecutor(max_workers=cfg.concurrency, thread_name_prefix="push") as pool:
            push = partial(_push_until_done, bhxh, dancu, client, stats, cfg, pool, who, before, deadline)
            push(
                ingester=ingester,
                should_stop=lambda: no_answer() or bool(should_stop and should_stop()),
                idle_exit_s=cfg.idle_exit_s,
            )
            if ingester:
                ingester.stop.set()
                ingester.join()
                if ingester.error:
                    raise ingester.error
                push(should_stop=no_answer)  # the last sequential pass (see docstring)
    finally:
        if ingester and ingester.is_alive():
            ingester.stop.set()
            ingester.join(30)
    reachability(client, since, stats)
    finish(bhxh, stats)
    if stats.unreachable:
        exc = EndpointUnreachable(stats, client.last_transport_error)
        if raise_unreachable:
            raise exc  # the CLI prints its line, an Airflow task fails with it
        log.warning("%s", exc.line())
    elif stats.transport_errors:
        log.warning(
            "VNeID API at %s: %d push call(s) failed at the transport level in this run (retried)",
            stats.endpoint,
            stats.transport_errors,
        )
    return stats
