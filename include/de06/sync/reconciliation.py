"""Per-run reconciliation: every source sheet in the run's window has exactly one recorded outcome.

source rows in window (counted in the source, in the run's snapshot)
  = applied + stale + duplicate + quarantined + parked (counted in the ledger for the same window)
"""

from __future__ import annotations

from dataclasses import dataclass

from de06.sync.extract import Pos
from de06.sync.rules import OUTCOMES

LEDGER_WINDOW_SQL = """
SELECT outcome, count(*) FROM qp_sync_ledger
 WHERE (source_updated_at, sheet_id) > (%s, %s) AND (source_updated_at, sheet_id) <= (%s, %s)
 GROUP BY outcome
"""


@dataclass(frozen=True)
class Reconciliation:
    source_rows: int
    outcomes: dict[str, int]

    @property
    def accounted(self) -> int:
        return sum(self.outcomes.values())

    @property
    def balanced(self) -> bool:
        return self.source_rows == self.accounted

    def line(self) -> str:
        parts = " + ".join(f"{k} {self.outcomes.get(k, 0)}" for k in OUTCOMES)
        op = "=" if self.balanced else "!="
        return f"source rows {self.source_rows} {op} {parts}"


def ledger_outcomes(conn_lltp, after: Pos, high: Pos) -> dict[str, int]:
    with conn_lltp.cursor() as cur:
        cur.execute(LEDGER_WINDOW_SQL, (after[0], after[1], high[0], high[1]))
        got = dict(cur.fetchall())
    return {k: int(got.get(k, 0)) for k in OUTCOMES}


def balance(source_rows: int, outcomes: dict[str, int]) -> Reconciliation:
    return Reconciliation(source_rows, {k: int(outcomes.get(k, 0)) for k in OUTCOMES})
