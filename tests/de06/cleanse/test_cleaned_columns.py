"""The cleaned row's pre-formatted columns (names, dates, the rule trail) hold what the values do."""

from __future__ import annotations

import json

import pytest
from de06.cleanse import pipeline
from de06.identity.standardize import TrailStep, standardize

pytestmark = pytest.mark.unit

_UNESCAPE = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}


def _copy_text_value(field: str) -> str:
    """A COPY text field back to its value (the escapes copy_rows writes)."""
    out, i = [], 0
    while i < len(field):
        pair = field[i : i + 2]
        if pair in _UNESCAPE:
            out.append(_UNESCAPE[pair])
            i += 2
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def test_trail_column_is_the_json_of_the_steps_in_order():
    steps = [
        TrailStep("name_clean", "full_name", '  Nguyễn\tVăn "A"\\ ', 'Nguyễn Văn "A"\\'),
        TrailStep("id_normalize", "id_number", "0010-9001 2345\n", "001090012345"),
        TrailStep("sex_code", "sex", "Nữ", "F"),
        TrailStep("dob_parse", "dob", None, None),
    ]
    text = pipeline._trail_column(steps)
    assert "\t" not in text and "\n" not in text  # one COPY field
    assert json.loads(_copy_text_value(text)) == [[t.rule, t.field, t.before, t.after] for t in steps]
    # the same step object twice (cached parts are shared between records) reads the same
    assert pipeline._trail_column(steps[2:3] * 2) == pipeline._trail_column([steps[2], steps[2]])


def test_name_and_date_columns_follow_the_cleaned_columns_order():
    s = standardize("1", "  nguyễn   văn  hùng ", "1990-02-31", None)
    name_cols = pipeline._name_columns(s.name).split("\t")
    i = pipeline.CLEANED_COLS.index("full_name")
    assert pipeline.CLEANED_COLS[i : i + 5] == (
        "full_name",
        "family_name",
        "middle_name",
        "given_name",
        "name_key",
    )
    assert name_cols == [s.name.cleaned, s.name.family, s.name.middle, s.name.given, s.name.folded]
    assert pipeline.CLEANED_COLS[i + 5 : i + 7] == ("dob", "dob_flags")
    dob_col, flags_col = pipeline._dob_columns(s.dob).split("\t")
    assert dob_col == "\\N"  # 31 Feb is no date
    assert flags_col == "{}"
    good = standardize("2", "Lê Thị Lan", "05/03/1985", None)
    assert pipeline._dob_columns(good.dob).split("\t")[0] == good.dob.iso == "1985-03-05"
