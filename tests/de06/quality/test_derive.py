"""Derived columns: ID structure against birth data, ID kind, date parsing, sex codes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from de06.quality import derive


@pytest.mark.unit
def test_cccd_problem_checks_year_and_sex():
    out = derive.cccd_problem(
        pd.Series(["001089012345", "001089012345", "001189012345", "12345", None]),
        pd.Series([date(1989, 5, 1), date(1990, 5, 1), date(1989, 5, 1), date(1989, 1, 1), None]),
        pd.Series(["M", "M", "M", "M", None]),
    )
    assert list(out) == [None, "birth_year_mismatch", "sex_mismatch", "not_12_digits", None]


@pytest.mark.unit
def test_id_kind_and_dob_and_sex():
    assert list(derive.id_kind(pd.Series(["079301004567", "123456789", "12a", "", None]))) == [
        "cccd", "cmnd", "invalid", None, None]  # fmt: skip
    assert list(derive.dob_parses(pd.Series(["05/03/1989", "1989-03-05", "31/02/1990", "1975", "abc", None]))) == [  # noqa: E501
        True, True, False, True, False, None]  # fmt: skip
    assert list(derive.sex_code(pd.Series(["Nam", "Nữ", "nu", "F", "x", None]))) == [
        "M",
        "F",
        "F",
        "F",
        None,
        None,
    ]


@pytest.mark.unit
def test_age_hours_and_latency():
    now = datetime(2026, 1, 2, tzinfo=UTC)
    ages = derive.age_hours(pd.Series([now - timedelta(hours=5), None]), now=now)
    assert ages.iloc[0] == pytest.approx(5.0) and pd.isna(ages.iloc[1])
    lat = derive.seconds_between(pd.Series([now]), pd.Series([now + timedelta(seconds=42)]))
    assert lat.iloc[0] == pytest.approx(42.0)


@pytest.mark.unit
def test_per_value_columns_keep_each_row_and_the_index():
    """dob_parses, sex_code and is_nfc compute once per distinct value: repeats, every kind of
    missing value and a non-default index still give one answer per row, in place."""
    import unicodedata

    idx = [10, 11, 12, 13, 14, 15, 16]
    dob = pd.Series(["05/03/1989", None, "abc", "05/03/1989", "", "abc", float("nan")], index=idx)
    assert list(derive.dob_parses(dob).index) == idx
    assert list(derive.dob_parses(dob)) == [True, None, False, True, None, False, None]
    text = pd.Series(["Nữ", None, "Nam", "Nữ"], dtype="str")
    assert list(derive.sex_code(text)) == ["F", None, "M", "F"]
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hà")
    names = pd.Series([nfd, "Nguyễn Thị Hà", nfd, pd.NA], dtype="object")
    assert list(derive.is_nfc(names)) == [False, True, False, None]
