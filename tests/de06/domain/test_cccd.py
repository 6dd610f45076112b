"""The 12-digit personal ID structure (identity.md §1)."""

from __future__ import annotations

import pytest
from de06.domain import cccd

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("number", "place", "year", "sex"),
    [
        ("001089012345", "001", 1989, "M"),
        ("079301004567", "079", 2001, "F"),
        ("046205000001", "046", 2005, "M"),
        ("101190000001", "101", 1990, "F"),  # registered abroad (country code)
    ],
)
def test_parse_worked_examples(number, place, year, sex):
    parts = cccd.parse(number)
    assert (parts.place, parts.birth_year, parts.sex) == (place, year, sex)


def test_build_round_trips():
    for year, sex in [(1930, "F"), (1999, "M"), (2000, "F"), (2024, "M")]:
        n = cccd.build("092", year, sex, 42)
        p = cccd.parse(n)
        assert (p.birth_year, p.sex, p.place, p.serial) == (year, sex, "092", "000042")


@pytest.mark.parametrize("bad", ["00108901234", "0010890123456", "00108901234a", "", None, "003089012345"])
def test_parse_rejects_bad_shapes_and_places(bad):
    assert cccd.parse(bad) is None


def test_check_reports_each_disagreement():
    n = cccd.build("001", 1989, "M", 1)
    assert cccd.check(n, birth_year=1989, sex="M") == []
    assert cccd.check(n, birth_year=1990, sex="F") == ["birth_year_mismatch", "sex_mismatch"]
    assert cccd.check("12345", birth_year=1989) == ["not_12_digits"]
    assert cccd.check("003089012345") == ["unknown_place_code"]
    # a birth year after this year is wrong by itself (century digit 2 and 99: 2099)
    assert cccd.check("001299012345", this_year=2026) == ["birth_year_in_future"]
    assert cccd.check(cccd.build("001", 2026, "F", 7), birth_year=2026, this_year=2026) == []


def test_century_digit_out_of_range():
    with pytest.raises(ValueError):
        cccd.century_digit(1899, "M")


def test_mask_keeps_only_ends():
    assert cccd.mask("001089012345") == "001*******45"
    assert cccd.mask("123456789") == "123****89"
    assert cccd.mask("") == "" and cccd.mask(None) == ""
    assert cccd.mask("1234") == "****"
