"""A breached suite threshold inside a DAG mails an alert naming dataset and dimension."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.postgres


def _provinces_with_one_twice():
    import pandas as pd
    from de06.domain.provinces import PROVINCES

    rows = [
        {"stt": i + 1, "province_code": p.code, "status": "completed", "pv06": "accessed",
         "source_code_security": True, "system_security": True}
        for i, p in enumerate(PROVINCES)
    ]  # fmt: skip
    rows[-1]["province_code"] = rows[0]["province_code"]
    return pd.DataFrame(rows)


def test_breach_in_a_dag_sends_one_mail_per_dimension(migrated, quality_dirs, smtp):
    from de06.quality import validate_dataframe

    summary = validate_dataframe(
        "province_status", _provinces_with_one_twice(), dag_id="friday_report",
        run_id=f"manual__{uuid.uuid4().hex[:8]}", task_id="clean_validate",
    )  # fmt: skip
    assert not summary.passed
    dims = {b["dimension"] for b in summary.breaches}
    assert len(smtp.messages) == len(dims) >= 1
    subjects = " ".join(m["Subject"] for m in smtp.messages)
    assert "province_status" in subjects
    assert all(d in subjects for d in dims)


def test_manual_validation_and_alert_false_send_nothing(migrated, quality_dirs, smtp):
    from de06.quality import validate_dataframe

    df = _provinces_with_one_twice()
    validate_dataframe("province_status", df)  # dag_id "manual": a person is looking already
    validate_dataframe("province_status", df, dag_id="friday_report", run_id="manual__x", alert=False)
    assert smtp.messages == []
