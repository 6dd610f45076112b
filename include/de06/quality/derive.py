"""Derived columns computed before validation, so suites can check rules GX has no expectation
for (ID structure against birth data, date parsing, freshness) without ever reporting a raw value.

Each function takes pandas Series (the suite's ``args`` columns, in order) and returns a Series.
Pure: no I/O; ``now`` is fixed once per validation so a run is reproducible.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from de06.domain import cccd as cccd_rules

if TYPE_CHECKING:
    import pandas as pd

_DOB_PATTERNS = (
    (re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), ("y", "m", "d")),
)
_YEAR = re.compile(r"^(\d{4})$")
_SEX = {"m": "M", "nam": "M", "male": "M", "f": "F", "nu": "F", "nữ": "F", "female": "F"}


def _missing(v: Any) -> bool:
    """None, NaN, pandas NA/NaT (recognised without importing pandas)."""
    return v is None or (isinstance(v, float) and v != v) or type(v).__name__ in ("NAType", "NaTType")


def _year_of(v: Any) -> int | None:
    if _missing(v):
        return None
    if isinstance(v, (dt.date, dt.datetime)):
        return v.year
    if hasattr(v, "year"):
        return int(v.year)
    m = re.match(r"^(\d{4})", str(v))
    return int(m.group(1)) if m else None


def parse_dob(text: Any) -> tuple[int, int, int] | None:
    """(year, month, day) of a date-of-birth text; month/day 0 when only the year is known."""
    if _missing(text):
        return None
    if isinstance(text, (dt.date, dt.datetime)):
        return (text.year, text.month, text.day)
    s = unicodedata.normalize("NFC", str(text)).strip()
    m = _YEAR.match(s)
    if m:
        y = int(m.group(1))
        return (y, 0, 0) if 1880 <= y <= dt.date.today().year else None
    for rx, order in _DOB_PATTERNS:
        m = rx.match(s)
        if m:
            parts = dict(zip(order, (int(g) for g in m.groups()), strict=True))
            try:
                d = dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None
            if d.year < 1880 or d > dt.date.today():
                return None
            return (d.year, d.month, d.day)
    return None


def cccd_problem(cccd: pd.Series, dob: pd.Series, sex: pd.Series) -> pd.Series:
    """First structure problem of each ID against birth year and sex, or None when it agrees."""
    out = []
    for number, birth, s in zip(cccd, dob, sex, strict=True):
        if _missing(number):
            out.append(None)
            continue
        problems = cccd_rules.check(
            str(number).strip(), birth_year=_year_of(birth), sex=None if _missing(s) else s
        )
        out.append(problems[0] if problems else None)
    return cccd.__class__(out, index=cccd.index, dtype="object")


def _per_value(values: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """``fn`` of each value, computed once per distinct value (extracts repeat dates, sex texts
    and names); a missing value gives None, as each ``fn`` does for one."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = [fn(v) for v in uniques]
    table[-1] = None  # code -1: missing
    return values.__class__(table[codes], index=values.index, dtype="object")


def _id_kind(v: Any) -> str | None:
    if _missing(v) or not str(v).strip():
        return None
    s = str(v).strip()
    if cccd_rules.parse(s) is not None:
        return "cccd"
    if cccd_rules.CMND_RE.match(s):
        return "cmnd"
    return "invalid"


def id_kind(id_number: pd.Series) -> pd.Series:
    """``cccd`` (12 digits, valid place code), ``cmnd`` (9 digits), ``invalid`` or None (missing)."""
    # row by row: ID numbers hardly repeat, so there is nothing to share
    return id_number.__class__([_id_kind(v) for v in id_number], index=id_number.index, dtype="object")


def _dob_ok(v: Any) -> bool | None:
    return None if _missing(v) or not str(v).strip() else parse_dob(v) is not None


def dob_parses(dob_text: pd.Series) -> pd.Series:
    """True when the text is a plausible date of birth; None when missing (completeness checks that)."""
    return _per_value(dob_text, _dob_ok)


def _sex(v: Any) -> str | None:
    key = None if _missing(v) else unicodedata.normalize("NFC", str(v)).strip().casefold()
    return _SEX.get(key) if key else None


def sex_code(sex_text: pd.Series) -> pd.Series:
    return _per_value(sex_text, _sex)


def _nfc(v: Any) -> bool | None:
    return None if _missing(v) else unicodedata.is_normalized("NFC", str(v))


def is_nfc(text: pd.Series) -> pd.Series:
    return _per_value(text, _nfc)


def _utc(series: pd.Series) -> pd.Series:
    import pandas as pd

    return pd.to_datetime(series, utc=True, errors="coerce")


def age_hours(ts: pd.Series, *, now: dt.datetime) -> pd.Series:
    """Hours between each timestamp and ``now`` (the validation time)."""
    import pandas as pd

    delta = pd.Timestamp(now).tz_convert("UTC") - _utc(ts)
    return delta.dt.total_seconds() / 3600.0


def seconds_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """``end - start`` in seconds (NaN where either is missing)."""
    return (_utc(end) - _utc(start)).dt.total_seconds()


#: name -> (function, needs_now)
FUNCTIONS: dict[str, tuple[Callable[..., Any], bool]] = {
    "cccd_problem": (cccd_problem, False),
    "id_kind": (id_kind, False),
    "dob_parses": (dob_parses, False),
    "sex_code": (sex_code, False),
    "is_nfc": (is_nfc, False),
    "age_hours": (age_hours, True),
    "seconds_between": (seconds_between, False),
}


def apply(
    df: pd.DataFrame, specs: tuple[dict[str, Any], ...] | list[dict[str, Any]], now: dt.datetime
) -> pd.DataFrame:
    """A copy of ``df`` with the derived columns added."""
    out = df.copy()
    for spec in specs:
        fn, needs_now = FUNCTIONS[spec["fn"]]
        args = [out[c] for c in spec["args"]]
        out[spec["column"]] = fn(*args, now=now) if needs_now else fn(*args)
    return out
