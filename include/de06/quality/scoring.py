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

:func:`breaches` lists each cause (a dimension below its threshold; each failed critical
expectation, carrying its dimension's threshold too); :func:`by_dimension` folds them into one
:class:`DimensionBreach` per dimension, which is what an alert reports (one alert per dimension).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from de06.quality.dimensions import DIMENSIONS


@dataclass(frozen=True)
class Breach:
    dimension: str
    score: float | None
    threshold: float | None  # the suite's fail_below for the dimension (None: the suite sets none)
    expectation: str | None = None  # set: this breach is that failed critical expectation

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
            out.append(Breach(d, dim_scores.get(d), fail_below.get(d), label(r)))
    return out


@dataclass(frozen=True)
class DimensionBreach:
    """Everything that breached one dimension: its score against its threshold and the critical
    expectations that failed in it (labels: type and columns, never values)."""

    dimension: str
    score: float | None
    threshold: float | None
    expectations: tuple[str, ...] = ()

    @property
    def below_threshold(self) -> bool:
        return self.score is not None and self.threshold is not None and self.score < self.threshold


def _get(b: Breach | Mapping[str, Any], key: str) -> Any:
    return b.get(key) if isinstance(b, Mapping) else getattr(b, key, None)


def by_dimension(
    found: Iterable[Breach | Mapping[str, Any]], thresholds: Mapping[str, float] | None = None
) -> list[DimensionBreach]:
    """One :class:`DimensionBreach` per dimension, in order of first appearance.

    ``found``: :class:`Breach` objects or their dicts (``QualitySummary.breaches``, written before
    critical breaches carried the threshold too: ``thresholds``, the suite's ``fail_below``, fills
    it in). A dimension is never reported against a threshold it does not have."""
    groups: dict[str, dict[str, Any]] = {}
    for b in found:
        g = groups.setdefault(
            _get(b, "dimension") or "overall", {"score": None, "threshold": None, "exp": []}
        )
        for key in ("score", "threshold"):
            if g[key] is None and _get(b, key) is not None:
                g[key] = float(_get(b, key))
        exp = _get(b, "expectation")
        if exp and exp not in g["exp"]:
            g["exp"].append(str(exp))
    out = []
    for dim, g in groups.items():
        threshold = g["threshold"]
        if threshold is None and (thresholds or {}).get(dim) is not None:
            threshold = float(thresholds[dim])
        out.append(DimensionBreach(dim, g["score"], threshold, tuple(g["exp"])))
    return out
