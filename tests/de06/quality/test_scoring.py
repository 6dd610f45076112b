"""Scores per dimension from GX result dicts (hand-made, as GX 1.x shapes them)."""

from __future__ import annotations

import pytest
from de06.quality import scoring


def _r(dim, success, pct=None, n=10, critical=False, etype="expect_column_values_to_not_be_null", column="a"):
    res = {} if pct is None else {"element_count": n, "unexpected_percent": pct}
    meta = {"dimension": dim, **({"critical": True} if critical else {})}
    return {
        "success": success,
        "result": res,
        "exception_info": {"raised_exception": False},
        "expectation_config": {"type": etype, "kwargs": {"column": column}, "meta": meta},
    }


@pytest.mark.unit
def test_observed_ratio_for_row_checks_and_pass_fail_for_aggregates():
    results = [_r("dung", True, pct=5.0), _r("dung", False, pct=25.0), _r("du", False), _r("du", True)]
    s = scoring.scores(results)
    assert s["dung"] == 85.0  # (0.95 + 0.75) / 2
    assert s["du"] == 50.0
    assert s["sach"] is None and s["song"] is None
    assert s["overall"] == 67.5


@pytest.mark.unit
def test_exception_scores_zero():
    r = _r("sach", False, pct=0.0)
    r["exception_info"] = {"raised_exception": True}
    assert scoring.ratio(r) == 0.0


@pytest.mark.unit
def test_breach_below_threshold_and_critical_failure():
    results = [_r("dung", True, pct=2.0), _r("sach", False, pct=0.5, critical=True, column="cccd")]
    s = scoring.scores(results)
    found = scoring.breaches(results, s, {"dung": 99.0, "sach": 90.0})
    lines = [b.line() for b in found]
    assert lines == [
        "dung: score 98.0 below threshold 99.0",
        "sach: critical expectation failed: expect_column_values_to_not_be_null(cccd)",
    ]
    assert scoring.failed(results) == ["sach:expect_column_values_to_not_be_null(cccd)"]


@pytest.mark.unit
def test_no_breach_when_all_hold():
    results = [_r("dung", True, pct=0.0), _r("du", True)]
    assert scoring.breaches(results, scoring.scores(results), {"dung": 99.0, "du": 100.0}) == []
