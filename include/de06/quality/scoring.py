"""Scores from a validation result: pure functions on GX's result JSON.

Definition (used by the summary, the store, the scorecard and the UI):

- each expectation gets an **observed success ratio** in [0, 1]: for row-wise expectations
  ``1 - unexpected_percent / 100`` over the rows it looked at (so a regex that holds for 97% of
  rows scores 0.97 whether or not its ``mostly`` let it pass); for aggregate expectations (row
  count, min/max, ...) 1 when it passed and 0 when it failed; an expectation that raised scores 0;
- a **dimension score** is 100 x the mean ratio of that dimension's expectations (0-100, one
  decimal); a dimension without expectations in the suite has no score (None);
- **overall** is the mean of the dimension scores present (each dimension weighs the same);
- a **breach** is a dimension scoring below the suite's ``meta.fail_below`` for it, or a failed
  expectation marked ``meta.critical``; the summary passes when there is no breach.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from de06.quality.dimensions import DIMENSIONS


@dataclass(frozen=True)
class Breach:
    dimension: str
    score: float
    threshold: float | None  # None for a failed critical expectation
    expectation: str | None = None

    def line(self) -> str:
        if self.expectation:
            return f"{self.dimension}: critical expectation failed: {self.expectation}"
        return f"{self.dimension}: score {self.score:.1f} below threshold {self.threshold:.1f}"


def label(result: dict[str, Any]) -> str:
    """``expect_column_values_to_be_unique(cccd)``: type and columns, never values."""
    cfg = result.get("expectation_config") or {}
    kw = cfg.get("kwargs") or {}
    cols = [kw[k] for k in ("column", "column_A", "column_B") if isinstance(kw.get(k), str)]
    cols += list(kw.get("column_list") or [])
    return f"{cfg.get('type', '?')}({', '.join(cols)})" if cols else str(cfg.get("type", "?"))


def ratio(result: dict[str, Any]) -> float:
    if (result.get("exception_info") or {}).get("raised_exception"):
        return 0.0
    res = result.get("result") or {}
    pct = res.get("unexpected_percent")
    if pct is not None and res.get("element_count"):
        return max(0.0, min(1.0, 1.0 - float(pct) / 100.0))
    return 1.0 if result.get("success") else 0.0


def dimension_of(result: dict[str, Any]) -> str:
    return ((result.get("expectation_config") or {}).get("meta") or {}).get("dimension", "")


def is_critical(result: dict[str, Any]) -> bool:
    return bool(((result.get("expectation_config") or {}).get("meta") or {}).get("critical"))


def scores(results: list[dict[str, Any]]) -> dict[str, float | None]:
    per: dict[str, list[float]] = {d: [] for d in DIMENSIONS}
    for r in results:
        d = dimension_of(r)
        if d in per:
            per[d].append(ratio(r))
    out: dict[str, float | None] = {
        d: (round(100.0 * sum(v) / len(v), 1) if v else None) for d, v in per.items()
    }
    present = [v for v in out.values() if v is not None]
    out["overall"] = round(sum(present) / len(present), 1) if present else None
    return out


def failed(results: list[dict[str, Any]]) -> list[str]:
    return [f"{dimension_of(r)}:{label(r)}" for r in results if not r.get("success")]


def breaches(
    results: list[dict[str, Any]], dim_scores: dict[str, float | None], fail_below: dict[str, float]
) -> list[Breach]:
    out = [
        Breach(d, s, fail_below[d])
        for d, s in dim_scores.items()
        if d in fail_below and s is not None and s < fail_below[d]
    ]
    for r in results:
        if is_critical(r) and not r.get("success"):
            d = dimension_of(r)
            out.append(Breach(d, dim_scores.get(d) or 0.0, None, label(r)))
    return out
