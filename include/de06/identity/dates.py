"""Dates of birth in mixed formats, with ambiguity flags; ISO output, raw kept (pure functions).

Formats: dd/mm/yyyy, d/m/yy, dd.mm.yyyy, dd-mm-yyyy, yyyy-mm-dd, yyyymmdd, yyyy, 00/00/yyyy,
XML year-only ``yyyy00000000`` / ``yyyy0000``.
Flags: ``day_month_swappable`` (both parts <= 12 and different), ``year_only``,
``filler_0101`` (01/01 is often written for an unknown day), ``two_digit_year``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

MIN_YEAR = 1900


@dataclass(frozen=True)
class DateParse:
    raw: str | None
    iso: str | None = None  # yyyy-mm-dd; for year-only the year's 1 Jan
    year: int | None = None
    month: int | None = None
    day: int | None = None
    flags: tuple[str, ...] = field(default=())
    error: str | None = None  # why it could not be parsed

    # Derived once, when the parse is made: parse_dob's results are shared through its cache, and
    # the scorer reads them once per candidate (plain attributes, not properties: no call each time).
    ok: bool = field(init=False, repr=False, compare=False)
    year_only: bool = field(init=False, repr=False, compare=False)
    _date: date | None = field(init=False, repr=False, compare=False)
    _swapped: date | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "ok", self.year is not None)
        put(self, "year_only", "year_only" in self.flags)
        put(self, "_date", date.fromisoformat(self.iso) if self.iso else None)
        swapped = None
        if "day_month_swappable" in self.flags and self.day is not None and self.month is not None:
            try:
                swapped = date(self.year, self.day, self.month)
            except ValueError:
                swapped = None
        put(self, "_swapped", swapped)

    def as_date(self) -> date | None:
        return self._date

    def swapped(self) -> date | None:
        """The day/month-swapped date when the swap is possible."""
        return self._swapped


_DMY = re.compile(r"^(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\d{4})?$")
_YEAR = re.compile(r"^(\d{4})$")
_XML_YEAR = re.compile(r"^(\d{4})0000(?:0000)?$")


def _year_ok(y: int, today: date) -> bool:
    return MIN_YEAR <= y <= today.year


def _full(y: int, m: int, d: int, raw: str, flags: list[str], today: date) -> DateParse:
    if not _year_ok(y, today):
        return DateParse(raw, error="year_out_of_range")
    if m == 0 and d == 0:
        return DateParse(raw, iso=f"{y:04d}-01-01", year=y, flags=tuple([*flags, "year_only"]))
    try:
        dt = date(y, m, d)
    except ValueError:
        # maybe written month/day (US order)
        try:
            dt = date(y, d, m)
            flags.append("month_day_order")
        except ValueError:
            return DateParse(raw, error="invalid_day_or_month")
    if dt > today:
        return DateParse(raw, error="date_in_future")
    if dt.day <= 12 and dt.month <= 12 and dt.day != dt.month:
        flags.append("day_month_swappable")
    if dt.day == 1 and dt.month == 1:
        flags.append("filler_0101")
    return DateParse(raw, iso=dt.isoformat(), year=dt.year, month=dt.month, day=dt.day, flags=tuple(flags))


_NGAY = re.compile(r"^(ngày|ngay|ng\.)\s*", re.IGNORECASE)
_THANG = re.compile(r"\s*(tháng|thang)\s*", re.IGNORECASE)
_NAM = re.compile(r"\s*(năm|nam)\s*", re.IGNORECASE)
_WS = re.compile(r"\s+")


def parse_dob(raw: str | None, *, today: date | None = None) -> DateParse:
    """Parse a free-text date of birth. Never raises: an unusable value carries ``error``."""
    return _parse_dob(raw, today or date.today())


@lru_cache(maxsize=200_000)
def _parse_dob(raw: str | None, today: date) -> DateParse:
    if raw is None or not str(raw).strip():
        return DateParse(raw, error="dob_missing")
    t = str(raw).strip()
    t = _WS.sub(" ", t)
    if not t[0].isdigit():
        t = _NGAY.sub("", t)
    if not t.isdigit() and any(c.isalpha() for c in t):
        t = _NAM.sub("/", _THANG.sub("/", t))
    if m := _XML_YEAR.match(t):
        y = int(m.group(1))
        if not _year_ok(y, today):
            return DateParse(raw, error="year_out_of_range")
        return DateParse(raw, iso=f"{y:04d}-01-01", year=y, flags=("year_only",))
    if m := _YEAR.match(t):
        y = int(m.group(1))
        if not _year_ok(y, today):
            return DateParse(raw, error="year_out_of_range")
        return DateParse(raw, iso=f"{y:04d}-01-01", year=y, flags=("year_only",))
    if m := _YMD.match(t):
        return _full(int(m.group(1)), int(m.group(2)), int(m.group(3)), raw, [], today)
    if m := _COMPACT.match(t):
        return _full(int(m.group(1)), int(m.group(2)), int(m.group(3)), raw, [], today)
    if m := _DMY.match(t):
        d, mo, ys = int(m.group(1)), int(m.group(2)), m.group(3)
        flags: list[str] = []
        if len(ys) == 2:
            yy = int(ys)
            y = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
            flags.append("two_digit_year")
        else:
            y = int(ys)
        return _full(y, mo, d, raw, flags, today)
    return DateParse(raw, error="dob_unparseable")
