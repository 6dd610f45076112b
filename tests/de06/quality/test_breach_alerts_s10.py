"""One breach alert per dimension, with its real threshold and its failed critical expectations.

The demo's friday_report sent four alerts for two breached dimensions (du and sạch each twice); the
copies came from the critical expectations, carried threshold None and read ``du 75.0 < 0.0``.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from de06.quality import scoring

FIX = Path(__file__).parents[1] / "report" / "fixtures"
ROW_COUNT = "expect_table_row_count_to_equal"
UNIQUE = "expect_column_values_to_be_unique"
UNIQUE_PROVINCE = f"{UNIQUE}(province_code)"


def _r(dim, success, pct=None, critical=False, etype="expect_column_values_to_not_be_null", column=None):
    res = {} if pct is None else {"element_count": 62, "unexpected_percent": pct}
    meta = {"dimension": dim, **({"critical": True} if critical else {})}
    kw = {"column": column} if column else {}
    return {
        "success": success,
        "result": res,
        "exception_info": {"raised_exception": False},
        "expectation_config": {"type": etype, "kwargs": kw, "meta": meta},
    }


def _province_status_like() -> list[dict]:
    """du: the critical row count fails (3 of 4 hold: 75.0); sạch: the critical unique province
    code and the unique row number fail; đúng holds."""
    return [
        _r("dung", True, pct=0.0, etype="expect_column_values_to_be_in_set", column="status"),
        _r("du", False, critical=True, etype=ROW_COUNT),
        *[_r("du", True, pct=0.0, column=c) for c in ("province_code", "status", "pv06")],
        _r("sach", False, pct=3.2, critical=True, etype=UNIQUE, column="province_code"),
        _r("sach", False, pct=3.2, etype=UNIQUE, column="stt"),
    ]


FAIL_BELOW = {"dung": 95.0, "du": 100.0, "sach": 100.0}


@pytest.mark.unit
def test_critical_breaches_carry_the_real_threshold_and_fold_into_one_per_dimension():
    results = _province_status_like()
    found = scoring.breaches(results, scoring.scores(results), FAIL_BELOW)
    assert all(b.threshold == FAIL_BELOW[b.dimension] for b in found)  # never None
    dims = scoring.by_dimension(found)
    assert [(d.dimension, d.score, d.threshold, d.below_threshold, d.expectations) for d in dims] == [
        ("du", 75.0, 100.0, True, (ROW_COUNT,)),
        ("sach", 96.8, 100.0, True, (UNIQUE_PROVINCE,)),
    ]


@pytest.mark.unit
def test_a_dimension_breached_only_by_a_critical_expectation_says_so():
    results = [_r("dung", True, pct=0.0, column=f"c{i}") for i in range(19)]
    results.append(_r("dung", False, critical=True, etype=ROW_COUNT))  # 19 of 20: 95.0, not below
    found = scoring.breaches(results, scoring.scores(results), {"dung": 95.0})
    (d,) = scoring.by_dimension(found)
    assert (d.score, d.threshold, d.below_threshold, d.expectations) == (95.0, 95.0, False, (ROW_COUNT,))


@pytest.mark.unit
def test_summaries_stored_before_the_fix_fold_the_same_way():
    """quality.json of the demo run: the critical copies carry threshold None and no thresholds map."""
    old = [
        {"dimension": "du", "score": 75.0, "threshold": 100.0, "expectation": None},
        {"dimension": "sach", "score": 96.8, "threshold": 100.0, "expectation": None},
        {"dimension": "du", "score": 75.0, "threshold": None, "expectation": ROW_COUNT},
        {"dimension": "sach", "score": 96.8, "threshold": None, "expectation": UNIQUE_PROVINCE},
        {"dimension": "dung", "score": 96.0, "threshold": None, "expectation": "x(a)"},
    ]
    dims = {d.dimension: d for d in scoring.by_dimension(old, {"dung": 95.0})}
    assert list(dims) == ["du", "sach", "dung"]
    assert dims["du"].threshold == 100.0 and dims["du"].below_threshold
    assert dims["dung"].threshold == 95.0 and not dims["dung"].below_threshold
    assert dims["dung"].expectations == ("x(a)",)


# ---- the alerts, over real SMTP -------------------------------------------------------------


def _html(msg) -> str:
    return "\n".join(p.get_content() for p in msg.walk() if p.get_content_type() == "text/html")


def _check_one_alert_per_dimension(sink, sent: list[dict], expected: dict[str, tuple]) -> None:
    assert len(sink.messages) == len(sent) == len(expected), [m["Subject"] for m in sink.messages]
    by_dim = {e["dimension"]: e for e in sent}
    assert set(by_dim) == set(expected)
    for msg in sink.messages:
        subject, body = msg["Subject"], _html(msg)
        assert "< 0.0" not in subject and "< —" not in subject and "Threshold</th><td>0.0" not in body
        (dim,) = [d for d in expected if f"province_status / {d} " in subject or f"/ {d}:" in subject]
        head, crit = expected[dim]
        assert subject.startswith(f"[de06] quality breach: province_status / {dim}{head}"), subject
        for label in crit:
            assert label in body  # the failed critical expectations, listed inside the one alert
        assert by_dim[dim]["sent"] is True and by_dim[dim]["critical_failed"] == list(crit)


@pytest.mark.http
def test_demo_quality_json_sends_one_alert_per_dimension_with_real_thresholds(tmp_path, smtp):
    """The quality.json the demo's clean_validate wrote (critical copies with threshold None)."""
    from de06.report import friday

    breaches = [
        {"dimension": "du", "score": 75.0, "threshold": 100.0, "expectation": None},
        {"dimension": "sach", "score": 96.8, "threshold": 100.0, "expectation": None},
        {"dimension": "du", "score": 75.0, "threshold": None, "expectation": ROW_COUNT},
        {"dimension": "sach", "score": 96.8, "threshold": None, "expectation": UNIQUE_PROVINCE},
    ]
    quality = {
        "available": True,
        "passed": False,
        "scores": {},
        "report_url": "http://x/r",
        "breaches": breaches,
    }
    (tmp_path / "quality.json").write_text(json.dumps(quality), encoding="utf-8")
    sent = friday.alert_breaches(tmp_path, dag_id="friday_report", run_id="manual__demo")
    _check_one_alert_per_dimension(
        smtp,
        sent,
        {
            "du": (f" 75.0 < 100.0, critical expectation failed: {ROW_COUNT}", [ROW_COUNT]),
            "sach": (f" 96.8 < 100.0, critical expectation failed: {UNIQUE_PROVINCE}", [UNIQUE_PROVINCE]),
        },
    )
    assert {e["threshold"] for e in sent} == {100.0}


@pytest.mark.http
def test_critical_only_breach_says_so_instead_of_a_threshold(tmp_path, smtp):
    from de06.report import friday

    breaches = [{"dimension": "dung", "score": 96.0, "threshold": 95.0, "expectation": "x(province_code)"}]
    quality = {"available": True, "passed": False, "report_url": "", "breaches": breaches, "thresholds": {}}
    (tmp_path / "quality.json").write_text(json.dumps(quality), encoding="utf-8")
    sent = friday.alert_breaches(tmp_path)
    assert [m["Subject"] for m in smtp.messages] == [
        "[de06] quality breach: province_status / dung 96.0: critical expectation failed: x(province_code)"
    ]
    assert sent[0]["below_threshold"] is False and sent[0]["threshold"] == 95.0


def _breached_tsv(tmp_path: Path) -> Path:
    """The clean letter with two provinces left out and the first one sent twice: 62 rows (the
    critical row count fails: du 75.0) and a province twice (the critical uniqueness fails: sạch)."""
    lines = [
        ln for ln in (FIX / "clean_week38.tsv").read_text(encoding="utf-8-sig").splitlines() if ln.strip()
    ]
    header, provinces, total = lines[0], lines[1:64], lines[64:]
    path = tmp_path / "week_breached.tsv"
    path.write_text("\n".join([header, provinces[0], *provinces[:-2], *total]) + "\n", encoding="utf-8")
    return path


@pytest.mark.postgres
@pytest.mark.http
def test_friday_clean_validate_then_alerts_one_per_dimension(migrated, quality_dirs, tmp_path, smtp):
    """The real path: GX suite province_status on a breached letter, then alert_breaches."""
    from de06.report import friday

    out = tmp_path / "report"
    out.mkdir()
    res = friday.clean_and_validate(
        _breached_tsv(tmp_path), out, run_id=f"manual__{uuid.uuid4().hex[:8]}", dag_id="friday_report"
    )
    assert res["quality_passed"] is False
    quality = json.loads((out / "quality.json").read_text(encoding="utf-8"))
    assert {b["dimension"] for b in quality["breaches"]} == {"du", "sach"}
    assert quality["scores"]["du"] == 75.0
    sent = friday.alert_breaches(out, dag_id="friday_report", run_id="manual__x")
    sach = quality["scores"]["sach"]
    _check_one_alert_per_dimension(
        smtp,
        sent,
        {
            "du": (f" 75.0 < 100.0, critical expectation failed: {ROW_COUNT}", [ROW_COUNT]),
            "sach": (
                f" {sach:.1f} < 100.0, critical expectation failed: {UNIQUE_PROVINCE}",
                [UNIQUE_PROVINCE],
            ),
        },
    )


@pytest.mark.postgres
@pytest.mark.http
def test_quality_breach_in_a_dag_still_fails_and_alerts_once_per_dimension(
    migrated, quality_dirs, tmp_path, smtp
):
    """Other consumers of the breaches: QualityBreach (a DAG task that fails on breach) names
    every cause; the runner's own alerts stay one per dimension, none with a made-up threshold."""
    import pandas as pd
    from de06.quality import QualityBreach, validate_dataframe
    from de06.report.rollout import validate_file

    df = pd.DataFrame(validate_file(_breached_tsv(tmp_path)).all_records())
    with pytest.raises(QualityBreach) as info:
        validate_dataframe(
            "province_status", df, dag_id="some_dag", run_id=f"manual__{uuid.uuid4().hex[:8]}",
            raise_on_breach=True, alert=True,
        )  # fmt: skip
    line = info.value.line()
    assert "dimension du scored 75.0 < threshold 100.0" in line
    assert f"dimension du: critical expectation {ROW_COUNT} failed" in line
    assert f"dimension sach: critical expectation {UNIQUE_PROVINCE} failed" in line
    assert not info.value.summary.passed
    subjects = [m["Subject"] for m in smtp.messages]
    assert len(subjects) == 2 and not any("< 0.0" in s for s in subjects), subjects
