"""The cleansing run, step by step; the DAG ``lltp_cleanse`` and the benchmark call these.

start_run -> process_partition (one per province code + 'none') -> reconcile -> finish_run.
A partition's outcomes, cleaned values, rule trail, review items and its status row are written in
one transaction, so a killed run resumes without redoing or duplicating finished partitions, and a
rerun of a finished run changes nothing. Source tables are only read. Nothing here logs raw
personal data: counts only.
"""

from __future__ import annotations

import json
import logging
import operator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

from de06.cleanse.review import ReviewEntry, enqueue_reviews
from de06.db.copyrows import copy_rows
from de06.db.errors import values_hidden
from de06.domain.provinces import CODES
from de06.errors import De06Error, InputError
from de06.identity.matcher import MatchResult, match_std, term_frequencies
from de06.identity.scoring import TermFrequencies
from de06.identity.standardize import StdIdentity, standardize
from de06.runtime.memory import gc_paused

log = logging.getLogger(__name__)
NONE_PARTITION = "none"
ALL_PARTITIONS: tuple[str, ...] = (*CODES, NONE_PARTITION)
BATCH = 5_000
#: Planner settings for the one statement that declares a partition's source cursor (undone right
#: after it, so the rest of the partition's transaction plans as usual). A cursor is planned for
#: its first rows (``cursor_tuple_fraction`` 0.1), which made every partition read walk the whole
#: ``judicial_record`` in key order instead of its province's index (0.3 s of PostgreSQL CPU for a
#: partition of 17k records, 64 times a run). And an incremental run planned while
#: ``record_outcome`` is analysed empty (a first run, or one after a reset) chose a sequential scan
#: of it for each source record; the table then grows under the read as the other partitions write,
#: and the read of the two largest partitions of a full-scale DAG run did not finish in 10 minutes
#: (4 Dec 2026). Without sequential scans the per-record check is an index probe whatever the
#: statistics say.
PARTITION_READ_PLAN = {"cursor_tuple_fraction": "1.0", "enable_seqscan": "off"}
MODES = ("full", "incremental")


def sql(name: str) -> str:
    return resources.files("de06.cleanse").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def ensure_open(run_id: int, status: str, pruned_at) -> None:
    """A run takes more work (rerun, partitions, being finished) only while it is running or done
    and not pruned; otherwise a clear error. The one gate for :func:`start_run`,
    :func:`process_partition` and :func:`finish_run`."""
    if status == "reverted":
        raise De06Error(f"run {run_id} was reverted", "start a new run instead of rerunning a reverted one")
    if pruned_at is not None:
        raise De06Error(
            f"run {run_id} is past the retention window and was pruned",
            "start a new run instead of rerunning a pruned one",
        )
    if status not in ("running", "done"):
        raise De06Error(f"run {run_id} is {status}", "start a new run for these records")


def withdraw_open_reviews(cur, run_ids: list[int]) -> int:
    """Withdraw the open review items these runs left (a later run refreshes an item it still finds
    doubtful, so the items still carrying a run's id are the ones no later run has seen)."""
    cur.execute(
        "UPDATE review_item SET status = 'withdrawn', updated_at = now()"
        " WHERE source = 'lltp' AND status = 'open' AND run_id = ANY (%s)",
        (list(run_ids),),
    )
    return cur.rowcount


def resolve_partitions(provinces: list[str] | None) -> list[str]:
    """Partitions for a province subset (codes, names or 'none'); all 64 when empty."""
    if not provinces:
        return list(ALL_PARTITIONS)
    import re

    from de06.domain.provinces import lookup

    # "001, 031" is two provinces (an address-style reading would keep only the last)
    items = [x.strip() for p in provinces for x in re.split(r"[,;]", str(p)) if x.strip()]
    if not items:
        raise InputError(
            "the province subset holds no province", "give codes or names, or leave it empty for all"
        )
    out, bad = [], []
    for p in items:
        code = NONE_PARTITION if p.lower() == NONE_PARTITION else lookup(p)
        (out if code else bad).append(code or p)
    if bad:
        raise InputError(
            f"unknown province(s) in the subset: {', '.join(b[:30] for b in bad[:5])}"
            + (f" and {len(bad) - 5} more" if len(bad) > 5 else ""),
            "use 3-digit codes (001..096), province names, or 'none'",
        )
    return sorted(set(out), key=ALL_PARTITIONS.index)


@dataclass(frozen=True)
class RunInfo:
    run_id: int
    partitions: list[str]
    mode: str
    dry_run: bool
    started_at: datetime


def start_run(
    conn,
    run_key: str,
    mode: str = "incremental",
    provinces: list[str] | None = None,
    dry_run: bool = False,
    dancu=None,
) -> RunInfo:
    """Create (or find, on a rerun) the run row for ``run_key``; with ``dancu``, store the
    population's name-key term frequencies on it once (all partitions use the same). Commits."""
    if mode not in MODES:
        raise InputError(f"unknown mode {mode!r}", "use full or incremental")
    if not isinstance(dry_run, bool):  # "false" from a conf would mean True
        raise InputError("dry_run must be true or false", "pass a JSON boolean, not a string")
    parts = resolve_partitions(provinces)
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO cleanse_run (run_key, mode, provinces, dry_run) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (run_key) DO NOTHING",
            (run_key, mode, parts if provinces else None, dry_run),
        )
        cur.execute(
            "SELECT run_id, mode, provinces, dry_run, started_at, status, pruned_at FROM cleanse_run"
            " WHERE run_key = %s",
            (run_key,),
        )
        run_id, mode, stored, dry, started, status, pruned_at = cur.fetchone()
        if dancu is not None:
            cur.execute("SELECT tf IS NULL FROM cleanse_run WHERE run_id = %s", (run_id,))
            if cur.fetchone()[0]:
                tf = term_frequencies(dancu)
                dancu.rollback()
                cur.execute(
                    "UPDATE cleanse_run SET tf = %s WHERE run_id = %s", (json.dumps(tf.as_json()), run_id)
                )
    conn.commit()
    ensure_open(run_id, status, pruned_at)
    return RunInfo(run_id, list(stored) if stored else list(ALL_PARTITIONS), mode, dry, started)


def partition_sizes(conn, until: datetime | None = None) -> dict[str, int]:
    """Source records per partition created up to ``until`` (now when None); partitions without
    records are absent. Does not commit."""
    with conn.cursor() as cur:
        cur.execute(sql("partition_sizes"), {"codes": list(CODES), "until": until or datetime.now(tz=UTC)})
        return {p: int(n) for p, n in cur.fetchall()}


def largest_first(conn, partitions: list[str]) -> list[str]:
    """``partitions`` ordered by their number of source records, largest first (ties in code
    order): workers take mapped tasks in this order, so the biggest provinces do not start last
    and leave one slot running alone at the end of a run."""
    sizes = partition_sizes(conn)
    conn.rollback()
    order = {p: i for i, p in enumerate(ALL_PARTITIONS)}
    return sorted(partitions, key=lambda p: (-sizes.get(p, 0), order.get(p, len(order))))


def run_info(conn, run_id: int) -> RunInfo:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT run_id, mode, provinces, dry_run, started_at FROM cleanse_run WHERE run_id = %s",
            (run_id,),
        )
        row = cur.fetchone()
    if row is None:
        raise InputError(f"cleanse run {run_id} does not exist", "list runs with `de06 cleanse runs`")
    return RunInfo(row[0], list(row[2]) if row[2] else list(ALL_PARTITIONS), row[1], row[3], row[4])


def _copy(cur, table: str, cols: tuple[str, ...], rows: list[tuple]) -> None:
    copy_rows(cur, table, cols, rows)


OUTCOME_COLS = (
    "run_id",
    "record_id",
    "partition",
    "outcome",
    "citizen_id",
    "tier",
    "score",
    "reasons",
    "reject_reason",
    "deceased",
    "record_updated_at",
    "decided_by_review",
)
CLEANED_COLS = (
    "run_id",
    "record_id",
    "full_name",
    "family_name",
    "middle_name",
    "given_name",
    "name_key",
    "dob",
    "dob_flags",
    "sex",
    "id_kind",
    "id_number",
    "id_flags",
    "birth_province",
    "pop_full_name",
    "pop_dob",
    "pop_sex",
    "pop_cccd",
    "pop_birth_province",
    "trail",
)
#: Population columns written beside a linked record's own cleaned values (pop_* above), in the
#: order of sql/population_values.sql.
POP_FIELDS = ("full_name", "dob", "sex", "cccd", "birth_province")
_NO_POP = (None,) * len(POP_FIELDS)
_pop_values = operator.itemgetter(*POP_FIELDS)
#: The identity fields of a source row (select_records.sql, between record_id and updated_at), in
#: the order ``standardize`` takes them; a review item shows them.
RAW_FIELDS = ("full_name", "dob_text", "id_number", "sex_text", "birth_place", "residence")


def _apply_decisions(cur, results: list[MatchResult]) -> None:
    keys = [r.key for r in results]
    cur.execute(sql("decisions"), {"keys": keys})
    decided = {k: (d, cid, who) for k, d, cid, who in cur.fetchall()}
    for r in results:
        if r.key not in decided:
            continue
        d, cid, who = decided[r.key]
        r.candidates = []
        r.score = None
        if d == "link":
            r.outcome, r.citizen_id, r.tier = "linked", int(cid), "review_decision"
            r.reasons = ["review_decision:link"]
        else:
            r.outcome, r.citizen_id, r.tier = "unmatched", None, "review_decision"
            r.reasons = ["review_decision:not_match"]
        r.decided = True


def process_batch(run: RunInfo, partition: str, rows: list[tuple], lltp, dancu, tf) -> dict[str, int]:
    """Standardise, match and write one batch of source rows (not committed here)."""
    stds: list[StdIdentity] = [standardize(str(row[0]), *row[1:-1]) for row in rows]
    results = match_std(stds, dancu, tf)  # one per row, in the rows' order
    counts = {"linked": 0, "review": 0, "unmatched": 0, "rejected": 0, "deceased": 0, "decided": 0}
    run_id, dry = run.run_id, run.dry_run
    with lltp.cursor() as cur:
        _apply_decisions(cur, results)
        # population values of a linked citizen come with the match; only a person's decision
        # links to a citizen the matcher did not fetch
        need = [r.citizen_id for r in results if r.outcome == "linked" and r.citizen is None]
        pop = {}
        if need:
            with dancu.cursor() as dcur:
                dcur.execute(sql("population_values"), {"ids": need})
                pop = {row[0]: row[1:] for row in dcur.fetchall()}
        outcomes, cleaned = [], []
        reviews: list[ReviewEntry] = []
        province = partition if partition != NONE_PARTITION else None
        for r, row in zip(results, rows, strict=True):
            s = r.std
            rid = row[0]
            counts[r.outcome] += 1
            counts["deceased"] += r.deceased
            decided = r.decided
            counts["decided"] += decided
            outcomes.append(
                (
                    run_id,
                    rid,
                    partition,
                    r.outcome,
                    r.citizen_id,
                    r.tier,
                    r.score,
                    r.reasons,
                    r.reasons[0] if r.outcome == "rejected" else None,
                    r.deceased,
                    row[-1],  # updated_at
                    decided,
                )
            )
            if r.outcome != "linked":
                p = _NO_POP
            elif r.citizen is not None and not decided:
                p = _pop_values(r.citizen)
            else:
                p = pop.get(r.citizen_id, _NO_POP)
            n, d, i = s.name, s.dob, s.id
            trail = (
                json.dumps([(t.rule, t.field, t.before, t.after) for t in s.trail], ensure_ascii=False)
                if s.trail
                else "[]"
            )
            cleaned.append(
                (
                    run_id,
                    rid,
                    n.cleaned if n else None,
                    n.family if n else None,
                    n.middle if n else None,
                    n.given if n else None,
                    n.folded if n else None,
                    d.iso if d.ok and not d.year_only else None,
                    d.flags,
                    s.sex,
                    i.kind,
                    i.value,
                    i.flags,
                    s.province,
                    *p,
                    trail,
                )
            )
            if r.outcome == "review" and not dry:
                reviews.append(ReviewEntry(r.key, r, province, dict(zip(RAW_FIELDS, row[1:-1], strict=True))))
        enqueue_reviews(lltp, "lltp", reviews, run_id=run_id)
        settled = [r.key for r in results if r.outcome != "review" and not r.decided]
        if settled and not run.dry_run:
            # a record no longer doubtful leaves the queue (decided items are never touched)
            cur.execute(
                "UPDATE review_item SET status = 'withdrawn', updated_at = now()"
                " WHERE source = 'lltp' AND status = 'open' AND source_key = ANY (%s)",
                (settled,),
            )
        _copy(cur, "record_outcome", OUTCOME_COLS, outcomes)
        _copy(cur, "record_cleaned", CLEANED_COLS, cleaned)
    return counts


def _set_local(settings: dict[str, str]) -> str:
    """One statement setting planner ``settings`` for the rest of the transaction (names and values
    are the code's own, never input)."""
    return "; ".join(f"SET LOCAL {k} = {v}" for k, v in settings.items())


def process_partition(run_id: int, partition: str, lltp, dancu, batch: int = BATCH) -> dict:
    """Cleanse one partition of a run; a partition already done is skipped (returns its counts)."""
    run = run_info(lltp, run_id)
    with lltp.cursor() as cur:
        cur.execute(
            "SELECT counts FROM cleanse_partition WHERE run_id = %s AND partition = %s", (run_id, partition)
        )
        done = cur.fetchone()
    if done:
        lltp.rollback()
        return {**done[0], "skipped": True}
    with lltp.cursor() as cur:
        cur.execute("SELECT tf, status, pruned_at FROM cleanse_run WHERE run_id = %s", (run_id,))
        stored_tf, status, pruned_at = cur.fetchone()
    lltp.rollback()
    ensure_open(run_id, status, pruned_at)
    tf = TermFrequencies.from_json(stored_tf) if stored_tf else term_frequencies(dancu)
    totals = {
        "input": 0,
        "linked": 0,
        "review": 0,
        "unmatched": 0,
        "rejected": 0,
        "deceased": 0,
        "decided": 0,
    }
    params = {"codes": list(CODES), "partition": partition, "started_at": run.started_at, "mode": run.mode}
    refused = values_hidden(
        f"run {run_id} partition {partition}: a row was refused",
        "nothing of the partition was kept; correct the source record or the rule named by the"
        " table, column and line above (values are not shown: personal data) and rerun the run",
    )
    with refused, lltp.cursor(name=f"cleanse_{run_id}_{partition}") as src, gc_paused():
        src.itersize = batch
        with lltp.cursor() as plan:
            plan.execute(_set_local(PARTITION_READ_PLAN))
            src.execute(sql("select_records"), params)
            plan.execute(_set_local(dict.fromkeys(PARTITION_READ_PLAN, "DEFAULT")))
        while True:
            rows = src.fetchmany(batch)
            if not rows:
                break
            totals["input"] += len(rows)
            for k, v in process_batch(run, partition, rows, lltp, dancu, tf).items():
                totals[k] += v
    with lltp.cursor() as cur:
        cur.execute(
            "INSERT INTO cleanse_partition (run_id, partition, n_input, counts) VALUES (%s, %s, %s, %s)",
            (run_id, partition, totals["input"], json.dumps(totals)),
        )
    lltp.commit()
    dancu.rollback()
    log.info("run %s partition %s: %s", run_id, partition, totals)
    return totals


def reconcile(run_id: int, lltp) -> dict:
    """Outcomes must add up to the input, per partition and in total; raises when they do not."""
    run = run_info(lltp, run_id)
    with lltp.cursor() as cur:
        cur.execute(sql("reconcile"), {"run_id": run_id})
        rows = cur.fetchall()
        done = {p for p, _, _ in rows}
        missing = [p for p in run.partitions if p not in done]
        bad = [(p, n, m) for p, n, m in rows if n != m]
        n_in = sum(n for _, n, _ in rows)
        n_out = sum(m for _, _, m in rows)
    recount = None
    if run.mode == "full":
        sizes = partition_sizes(lltp, run.started_at)
        recount = sum(sizes.get(p, 0) for p in run.partitions)
    lltp.rollback()
    if missing:
        raise De06Error(
            f"run {run_id}: {len(missing)} partition(s) not processed ({', '.join(missing[:5])})",
            "rerun the run so the missing partitions finish",
        )
    if bad:
        p, n, m = bad[0]
        raise De06Error(
            f"run {run_id}: partition {p} has {m} outcomes for {n} input records",
            "revert the run (`de06 cleanse revert`) and run again",
        )
    if recount is not None and recount != n_out:
        raise De06Error(
            f"run {run_id}: {n_out} outcomes but {recount} input records in the source",
            "revert the run (`de06 cleanse revert`) and run again",
        )
    return {"input": n_in, "outcomes": n_out, "partitions": len(rows)}


def _lock_run(lltp, cur, run_id: int) -> tuple:
    """(status, pruned_at, reverted_at) of the run, its row locked: a prune or a revert deciding
    about this run finishes first, and is then seen here. A missing run is an error."""
    cur.execute(
        "SELECT status, pruned_at, reverted_at FROM cleanse_run WHERE run_id = %s FOR UPDATE", (run_id,)
    )
    row = cur.fetchone()
    if row is None:
        lltp.rollback()
        raise InputError(f"cleanse run {run_id} does not exist", "list runs with `de06 cleanse runs`")
    return row


def finish_run(run_id: int, lltp) -> dict:
    with lltp.cursor() as cur:
        status, pruned_at, _ = _lock_run(lltp, cur, run_id)
        try:
            ensure_open(run_id, status, pruned_at)
        except De06Error:
            lltp.rollback()
            raise
        cur.execute(
            "SELECT outcome, count(*) FROM record_outcome WHERE run_id = %s GROUP BY outcome", (run_id,)
        )
        counts = {o: n for o, n in cur.fetchall()}
        cur.execute(
            "UPDATE cleanse_run SET status = 'done', finished_at = COALESCE(finished_at, now()), counts = %s"
            " WHERE run_id = %s",
            (json.dumps(counts), run_id),
        )
    lltp.commit()
    return counts


def revert_run(run_id: int, lltp) -> dict:
    """Undo a run: its outcomes, cleaned values and trail are deleted, its open review items withdrawn.

    A pruned run (:mod:`de06.cleanse.retention`) is refused: the earlier outcomes it superseded are
    gone, so undoing it could not bring back the state before it. Reverting a reverted run changes
    nothing and says when it was reverted."""
    with lltp.cursor() as cur:
        status, pruned_at, reverted_at = _lock_run(lltp, cur, run_id)
        if status == "reverted":  # nothing left to undo; the first revert's time stays
            lltp.rollback()
            return {"already_reverted_at": reverted_at.astimezone(UTC).isoformat(timespec="seconds")}
        if pruned_at is not None:
            lltp.rollback()
            when = pruned_at.astimezone(UTC)
            raise De06Error(
                f"run {run_id} was pruned on {when:%Y-%m-%d %H:%M} UTC and cannot be reverted",
                "only runs inside the retention window can be reverted; to redo its records,"
                " start a new full run (`de06 cleanse run --mode full`)",
            )
        counts = {}
        # the rule trail is part of record_cleaned (lltp/014; rule_trail is a view of it)
        for table in ("record_cleaned", "record_outcome", "cleanse_partition"):
            cur.execute(f"DELETE FROM {table} WHERE run_id = %s", (run_id,))
            counts[table] = cur.rowcount
        counts["review_withdrawn"] = withdraw_open_reviews(cur, [run_id])
        cur.execute(
            "UPDATE cleanse_run SET status = 'reverted', reverted_at = now() WHERE run_id = %s", (run_id,)
        )
    lltp.commit()
    return counts


def reset_history(lltp) -> None:
    """Forget all cleansing runs and the judicial review items (a rebuilt simulated world reuses
    record ids, so old outcomes and decisions would attach to other people). The reveal log is
    kept: it is the audit of who saw personal data (lltp/024). Commits."""
    with lltp.cursor() as cur:
        cur.execute(
            "DELETE FROM review_decision WHERE item_id IN"
            " (SELECT item_id FROM review_item WHERE source = 'lltp')"
        )
        cur.execute("DELETE FROM review_item WHERE source = 'lltp'")
        cur.execute("TRUNCATE record_cleaned, record_outcome, cleanse_partition, cleanse_run")
    lltp.commit()


def run_all(
    lltp,
    dancu,
    run_key: str,
    mode: str = "full",
    provinces: list[str] | None = None,
    dry_run: bool = False,
    progress=None,
) -> dict:
    """Whole run in one process (CLI, benchmark): same steps as the DAG, in order."""
    run = start_run(lltp, run_key, mode, provinces, dry_run, dancu=dancu)
    for p in run.partitions:
        process_partition(run.run_id, p, lltp, dancu)
        if progress:
            progress(p)
    rec = reconcile(run.run_id, lltp)
    counts = finish_run(run.run_id, lltp)
    return {"run_id": run.run_id, "reconcile": rec, "counts": counts}
