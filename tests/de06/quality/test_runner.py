"""Runner contract: clear errors for wrong input, QualityBreach naming what broke, results stored."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pandas as pd
import pytest
from de06.db import connect
from de06.errors import InputError


def _provinces(n: int = 63) -> pd.DataFrame:
    from de06.domain.provinces import PROVINCES

    return pd.DataFrame(
        [
            {
                "stt": i + 1,
                "province_code": p.code,
                "status": "completed",
                "pv06": "accessed",
                "source_code_security": True,
                "system_security": i % 2 == 0,
            }
            for i, p in enumerate(PROVINCES[:n])
        ]  # fmt: skip
    )


@pytest.mark.unit
def test_missing_column_named_with_fix():
    from de06.quality import validate_dataframe

    with pytest.raises(InputError, match=r"lacks column\(s\) pv06.*fix:"):
        validate_dataframe("province_status", _provinces().drop(columns=["pv06"]))


@pytest.mark.unit
def test_missing_suite_parameter_named():
    from de06.quality import validate_dataframe

    df = pd.DataFrame(
        {"record_id": [1], "outcome": ["linked"], "citizen_id": [7], "score": [0.99], "reject_reason": [None],
         "created_at": [datetime.now(UTC)]}
    )  # fmt: skip
    with pytest.raises(InputError, match="input_count"):
        validate_dataframe("judicial_cleaned", df)


@pytest.mark.postgres
def test_breach_raises_and_is_stored(migrated, quality_dirs):
    from de06.quality import QualityBreach, validate_dataframe

    run_id = f"manual__{uuid.uuid4().hex[:8]}"
    df = _provinces(62)
    df.loc[61, "province_code"] = df.loc[0, "province_code"]  # one province twice, one missing
    with pytest.raises(QualityBreach) as err:
        validate_dataframe(
            "province_status", df, run_id=run_id, dag_id="dq_runner_test", raise_on_breach=True
        )
    msg = str(err.value)
    assert "province_status" in msg and "dimension du" in msg and "dimension sach" in msg
    assert "threshold 100.0" in msg and err.value.summary.report_path in msg
    with connect("lltp") as conn, conn.cursor() as cur:
        cur.execute("SELECT passed, score_sach, breaches FROM dq_result WHERE run_id = %s", (run_id,))
        rows = cur.fetchall()
    assert len(rows) == 1 and rows[0][0] is False and float(rows[0][1]) < 100.0
    assert any("expect_column_values_to_be_unique(province_code)" in b for b in rows[0][2])


@pytest.mark.postgres
def test_reconciled_outcomes_pass(migrated, quality_dirs):
    from de06.quality import validate_dataframe

    now = datetime.now(UTC)
    df = pd.DataFrame(
        {"record_id": [1, 2, 3, 4], "outcome": ["linked", "linked", "unmatched", "rejected"],
         "citizen_id": [10, 11, None, None], "score": [31.5, 12.0, 4.2, None],
         "reject_reason": [None, None, None, "dob_unparseable"], "created_at": [now] * 4}
    )  # fmt: skip
    s = validate_dataframe("judicial_cleaned", df, parameters={"input_count": 4}, dag_id="dq_runner_test")
    assert s.passed and s.scores["overall"] == 100.0 and s.failed_expectations == []
    bad = validate_dataframe("judicial_cleaned", df, parameters={"input_count": 5}, dag_id="dq_runner_test")
    assert not bad.passed
    assert "du:expect_table_row_count_to_equal" in bad.failed_expectations


@pytest.mark.postgres
def test_rollout_cleaner_output_fits_the_province_status_suite(migrated, quality_dirs):
    """The Friday report feeds the cleaner's rows (de06.report.rollout) straight into the suite."""
    from de06.quality import validate_dataframe
    from de06.report.friday import SAMPLE
    from de06.report.rollout import validate_file

    df = pd.DataFrame(validate_file(SAMPLE).all_records())
    s = validate_dataframe("province_status", df, dag_id="dq_runner_test", task_id="rollout_sample")
    assert s.row_count == len(df) and s.scores["dung"] is not None
