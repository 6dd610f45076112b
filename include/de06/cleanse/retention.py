"""Retention of the cleansing history: ``de06 cleanse prune`` and the DAG ``lltp_retention``.

Every run writes one outcome row and one cleaned row (with its rule trail) per record it read. A
full run adds 2.4M rows at 1.2M records, and the daily incremental run re-reads every record still
in review or unmatched, so without retention the per-run tables grow without bound, and so do
the index each COPY inserts into and the history ``record_current`` reads.

:func:`prune_history` deletes, for the runs finished before the retention window:

- every row of a **dry** or failed run (never current);
- the rows of a finished run that a **later finished run has superseded** (the same record has an
  outcome in a later done, non-dry run, so ``record_current`` never shows them again).

What stays: every row of the runs inside the window (so a recent run can still be reverted to the
state before it), every row that is still some record's current outcome, each run's row with its
counts and partition rows, the review queue and the data-quality results. A pruned run is stamped
(``cleanse_run.pruned_at``) and can no longer be reverted. Counts only; nothing here reads or
logs personal data.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from importlib import resources

from de06.errors import InputError

log = logging.getLogger(__name__)
#: Days of history kept whole (a month of daily runs, four Friday reviews).
KEEP_DAYS = 30


def _sql(name: str) -> str:
    return resources.files("de06.cleanse").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def prune_history(
    lltp, keep_days: int = KEEP_DAYS, *, dry_run: bool = False, now: datetime | None = None
) -> dict:
    """Prune the runs finished more than ``keep_days`` days before ``now`` (default: the clock).

    One transaction; with ``dry_run`` it is rolled back, so the counts say what a real prune would
    delete. Returns ``{"cutoff", "runs", "record_outcome", "record_cleaned", "dry_run"}``.
    """
    if isinstance(keep_days, bool) or not isinstance(keep_days, int) or keep_days < 1:
        raise InputError(
            f"keep_days must be a whole number of days >= 1, got {keep_days!r}",
            f"pass e.g. --keep-days {KEEP_DAYS} (runs finished within that many days stay whole)",
        )
    cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    try:
        with lltp.cursor() as cur:
            cur.execute(_sql("prune_runs"), {"cutoff": cutoff})
            runs = [r[0] for r in cur.fetchall()]
            counts = {"record_outcome": 0, "record_cleaned": 0}
            if runs:
                cur.execute(_sql("prune_outcomes"), {"runs": runs})
                counts["record_outcome"] = cur.rowcount
                cur.execute(_sql("prune_cleaned"), {"runs": runs})
                counts["record_cleaned"] = cur.rowcount
                cur.execute("UPDATE cleanse_run SET pruned_at = now() WHERE run_id = ANY (%s)", (runs,))
    except BaseException:
        lltp.rollback()
        raise
    if dry_run:
        lltp.rollback()
    else:
        lltp.commit()
    out = {"cutoff": cutoff.isoformat(), "runs": runs, **counts, "dry_run": dry_run}
    log.info(
        "prune%s: %d run(s) finished before %s; %d outcome and %d cleaned row(s)",
        " (dry run, rolled back)" if dry_run else "",
        len(runs),
        out["cutoff"],
        counts["record_outcome"],
        counts["record_cleaned"],
    )
    return out


__all__ = ["KEEP_DAYS", "prune_history"]
