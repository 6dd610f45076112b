"""Retention of the cleansing history: ``de06 cleanse prune`` and the DAG ``lltp_retention``.

Every run writes one outcome row and one cleaned row (with its rule trail) per record it read. A
full run adds 2.4M rows at 1.2M records, and the daily incremental run re-reads every record still
in review or unmatched, so without retention the per-run tables grow without bound, and so do
the index each COPY inserts into and the history ``record_current`` reads.

:func:`prune_history` works on the runs **past the window** (finished before it) and deletes:

- every row of a **dry** or failed run (never current), a run still marked running that made no
  progress since before the window (an Airflow run that failed and was never cleared) counting as
  failed;
- the rows of a finished run that a **later finished, non-dry run, also past the window,** has
  superseded (the same record has an outcome in it, so ``record_current`` never shows them again).

What stays: every row of the runs inside the window, and every row they superseded, so reverting
a recent run still brings back exactly the state before it; every row that is still some record's
current outcome; each run's row with its counts and partition rows; the review queue (but for a
stalled run's open items, withdrawn as a revert would) and the data-quality results. Runs past
the window are stamped (``cleanse_run.pruned_at``, the first time) and can no longer be reverted
or rerun. Counts only; nothing here reads or logs personal data.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from de06.errors import InputError

log = logging.getLogger(__name__)
#: Days of history kept whole (a month of daily runs, four Friday reviews).
KEEP_DAYS = 30

#: The per-run tables, each with the statement that deletes its rows no reader needs (in order:
#: cleaned rows go when their outcome row has gone).
_PRUNED_TABLES = (("record_outcome", "prune_outcomes"), ("record_cleaned", "prune_cleaned"))


def prune_history(
    lltp, keep_days: int = KEEP_DAYS, *, dry_run: bool = False, now: datetime | None = None
) -> dict:
    """Prune the runs finished more than ``keep_days`` days before ``now`` (default: the clock),
    and the runs still marked running that made no progress since then (they are marked failed).

    One transaction; with ``dry_run`` it is rolled back, so the counts say what a real prune would
    delete. Returns ``{"cutoff", "runs_past_window", "record_outcome", "record_cleaned",
    "deleted_by_run", "stalled_marked_failed", "review_withdrawn", "dry_run"}``;
    ``deleted_by_run`` lists only the runs that lost rows; ``review_withdrawn`` counts the open
    review items of the stalled runs, withdrawn as a revert would.
    """
    if isinstance(keep_days, float) and keep_days.is_integer():  # 30.0 from a JSON form: 30 days
        keep_days = int(keep_days)
    if isinstance(keep_days, bool) or not isinstance(keep_days, int) or keep_days < 1:
        raise InputError(
            f"keep_days must be a whole number of days >= 1, got {keep_days!r}",
            f"pass e.g. --keep-days {KEEP_DAYS} (runs finished within that many days stay whole)",
        )
    if not isinstance(dry_run, bool):
        raise InputError(f"dry_run must be true or false, got {dry_run!r}", "pass a boolean")
    if now is not None and now.tzinfo is None:
        raise InputError("now must carry a time zone", "pass e.g. datetime.now(UTC)")
    # here, not at the top: the DAG file and the CLI import this module for KEEP_DAYS at parse
    # time, and the pipeline brings the matcher with it
    from de06.cleanse.pipeline import sql, withdraw_open_reviews

    cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    deleted: dict[int, dict[str, int]] = {}
    try:
        with lltp.cursor() as cur:
            cur.execute(sql("prune_runs"), {"cutoff": cutoff})
            found = cur.fetchall()
            runs = [r for r, _ in found]
            stalled = [r for r, is_stalled in found if is_stalled]
            withdrawn = 0
            if stalled:
                # no progress since before the window: given up, its rows are never current, and
                # its open review items go as a revert's do
                cur.execute("UPDATE cleanse_run SET status = 'failed' WHERE run_id = ANY (%s)", (stalled,))
                withdrawn = withdraw_open_reviews(cur, stalled)
            if runs:
                for table, statement in _PRUNED_TABLES:
                    cur.execute(sql(statement), {"runs": runs})
                    for run_id, n in cur.fetchall():
                        deleted.setdefault(run_id, {"record_outcome": 0, "record_cleaned": 0})[table] = n
                cur.execute(
                    "UPDATE cleanse_run SET pruned_at = coalesce(pruned_at, now()) WHERE run_id = ANY (%s)",
                    (runs,),
                )
    except BaseException:
        lltp.rollback()
        raise
    if dry_run:
        lltp.rollback()
    else:
        lltp.commit()
    out = {
        "cutoff": cutoff.isoformat(),
        "runs_past_window": len(runs),
        "record_outcome": sum(d["record_outcome"] for d in deleted.values()),
        "record_cleaned": sum(d["record_cleaned"] for d in deleted.values()),
        "deleted_by_run": {str(k): deleted[k] for k in sorted(deleted)},
        "stalled_marked_failed": stalled,
        "review_withdrawn": withdrawn,
        "dry_run": dry_run,
    }
    log.info(
        "prune%s: %d run(s) finished before %s; %d outcome and %d cleaned row(s) from %d run(s)",
        " (dry run, rolled back)" if dry_run else "",
        len(runs),
        out["cutoff"],
        out["record_outcome"],
        out["record_cleaned"],
        len(deleted),
    )
    return out


__all__ = ["KEEP_DAYS", "prune_history"]
