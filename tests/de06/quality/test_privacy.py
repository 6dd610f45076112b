"""No raw ID or name escapes a validation: results, Data Docs, scorecard, dq_result, summary, logs.

Hand-made citizens and judicial records with known raw IDs and names (and dirt that makes
expectations on those very columns fail) are validated; then every stored artefact is searched.
A control shows GX's unmasked result format would have leaked them, so the search can fail.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from datetime import UTC, date

import pytest
from de06.db import connect

LO, HI = 906_000_001, 906_000_099
CITIZENS = [
    # citizen_id, cccd, cmnd, full_name, dob, sex, birth, residence
    (LO + 0, "001089123451", "013579246", "Nguyễn Văn Thưởng", date(1989, 4, 2), "M", "001", "001"),
    (LO + 1, "079301123452", "013579246", "Trần Thị Ngọc Hoà", date(2001, 7, 9), "F", "079", "079"),
    (LO + 2, "046205123453", None, "Lê Quang Vũ", date(1995, 1, 1), "M", "046", "048"),  # ID says 2005
    (
        LO + 3,
        "038190123454",
        "024680135",
        unicodedata.normalize("NFD", "Phạm Thị Hương"),
        date(1990, 3, 3),
        "F",
        "038",
        "038",
    ),
]
RECORDS = [
    # record_id, full_name, dob_text, sex_text, id_number, office
    (LO + 0, "Đặng Văn Khoa", "12/05/1980", "Nam", "001080987651", "001"),
    (LO + 1, "Đặng Văn Khoa", "12/05/1980", "Nam", "001080987651", "001"),  # entered twice
    (LO + 2, "Võ Thị Hạnh", "31/02/1979", "Nữ", "0790123", "079"),  # bad date, bad ID
    (LO + 3, "Bùi Minh Tuấn", "1975", "x", "123456780", "048"),
]
RAW = sorted(
    {c[1] for c in CITIZENS} | {c[2] for c in CITIZENS if c[2]} | {c[3] for c in CITIZENS}
    | {unicodedata.normalize("NFC", c[3]) for c in CITIZENS}
    | {r[1] for r in RECORDS} | {r[4] for r in RECORDS}
)  # fmt: skip


@pytest.fixture(scope="module")
def seeded(migrated, quality_dirs):
    with connect("dancu_admin") as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM citizen WHERE citizen_id BETWEEN %s AND %s", (LO, HI))
        for c in CITIZENS:
            cur.execute(
                "INSERT INTO citizen (citizen_id, cccd, cmnd, full_name, family_name, given_name, dob, sex,"
                " birth_province, residence_province) VALUES (%s,%s,%s,%s,'x','y',%s,%s,%s,%s)",
                c,
            )
    with connect("lltp") as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM judicial_record WHERE record_id BETWEEN %s AND %s", (LO, HI))
        for r in RECORDS:
            cur.execute(
                "INSERT INTO judicial_record (record_id, full_name, dob_text, sex_text, id_number, office_province)"  # noqa: E501
                " VALUES (%s,%s,%s,%s,%s,%s)",
                r,
            )
    yield quality_dirs
    with connect("dancu_admin") as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM citizen WHERE citizen_id BETWEEN %s AND %s", (LO, HI))
    with connect("lltp") as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM judicial_record WHERE record_id BETWEEN %s AND %s", (LO, HI))


@pytest.fixture(scope="module")
def summaries(seeded):
    from de06.quality import scorecard, validate_query

    run = "manual__privacy_test"
    pop = validate_query(
        "population_extract", "dancu", "SELECT * FROM citizen WHERE citizen_id BETWEEN %(lo)s AND %(hi)s",
        params={"lo": LO, "hi": HI}, run_id=run, dag_id="privacy_test", task_id="population",
    )  # fmt: skip
    raw = validate_query(
        "judicial_raw", "lltp", "SELECT * FROM judicial_record WHERE record_id BETWEEN %(lo)s AND %(hi)s",
        params={"lo": LO, "hi": HI}, run_id=run, dag_id="privacy_test", task_id="judicial",
    )  # fmt: skip
    card = scorecard.build()
    return {"population": pop, "judicial": raw, "scorecard": card}


def _leaks(text: str) -> list[str]:
    folded = unicodedata.normalize("NFC", text)
    return [r for r in RAW if r in text or unicodedata.normalize("NFC", r) in folded]


@pytest.mark.postgres
def test_validations_find_the_dirt(summaries):
    pop, raw = summaries["population"], summaries["judicial"]
    assert pop.row_count == len(CITIZENS) and raw.row_count == len(RECORDS)
    assert "sach:expect_column_values_to_be_unique(cmnd)" in pop.failed_expectations
    assert "dung:expect_column_values_to_be_null(cccd_problem)" in pop.failed_expectations
    assert "sach:expect_column_values_to_be_in_set(name_is_nfc)" in pop.failed_expectations
    assert (
        "sach:expect_compound_columns_to_be_unique(full_name, dob_text, id_number)" in raw.failed_expectations
    )
    assert not pop.passed and not raw.passed
    assert all(0 <= v <= 100 for v in pop.scores.values() if v is not None)


@pytest.mark.postgres
def test_no_raw_value_in_any_artefact(summaries, seeded):
    files = [
        p for p in seeded.rglob("*") if p.is_file() and p.suffix in (".json", ".html", ".htm", ".txt", ".yml")
    ]
    assert any(p.suffix == ".html" and "validations" in p.parts for p in files), "Data Docs were not built"
    assert any(p.name == "index.html" and "scorecard" in p.parts for p in files)
    leaks = {str(p): _leaks(p.read_text(encoding="utf-8", errors="replace")) for p in files}
    assert {k: v for k, v in leaks.items() if v} == {}
    for s in (summaries["population"], summaries["judicial"]):
        assert _leaks(json.dumps(s.to_dict(), ensure_ascii=False)) == []
    with connect("lltp") as conn, conn.cursor() as cur:
        cur.execute("SELECT row_to_json(r)::text FROM dq_result r WHERE dag_id = 'privacy_test'")
        rows = [r[0] for r in cur.fetchall()]
    assert len(rows) >= 2 and _leaks("\n".join(rows)) == []


@pytest.mark.postgres
def test_logs_carry_no_raw_value(seeded, caplog, capsys):
    from de06.quality import validate_query

    with caplog.at_level(logging.DEBUG):
        validate_query(
            "judicial_raw", "lltp", "SELECT * FROM judicial_record WHERE record_id BETWEEN %(lo)s AND %(hi)s",
            params={"lo": LO, "hi": HI}, run_id="manual__privacy_logs", dag_id="privacy_test", task_id="logs",
        )  # fmt: skip
    out = capsys.readouterr()
    assert "judicial_raw" in caplog.text
    assert _leaks(caplog.text + out.out + out.err) == []


@pytest.mark.postgres
def test_control_unmasked_gx_result_would_leak(seeded):
    """GX's COMPLETE format copies failing raw values: the search above is able to see them."""
    from datetime import datetime

    from de06.quality import derive, runner, suites

    spec = suites.load_suite("judicial_raw")
    df = runner.read_query(
        "lltp", "SELECT * FROM judicial_record WHERE record_id BETWEEN %s AND %s", (LO, HI)
    )
    data = derive.apply(df, spec.derive, datetime.now(UTC))
    res = runner._batch("judicial_raw_control", data).validate(
        suites.to_gx_suite(spec), result_format="COMPLETE",
        expectation_parameters=runner.builtin_parameters(),
    )  # fmt: skip
    assert _leaks(json.dumps(res.to_json_dict(), ensure_ascii=False, default=str))
