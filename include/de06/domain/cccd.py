"""The 12-digit personal identification number (CCCD) and the legacy 9-digit CMND.

Structure (identity.md section 1): PPP (birth-registration province, or country 101-295)
+ G (century and sex) + YY (birth year) + NNNNNN (random). No check digit.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from de06.domain.provinces import BY_CODE

CCCD_RE = re.compile(r"^\d{12}$")
CMND_RE = re.compile(r"^\d{9}$")


@dataclass(frozen=True)
class CccdParts:
    place: str  # PPP
    birth_year: int
    sex: str  # "M" or "F"
    serial: str


def century_digit(birth_year: int, sex: str) -> int:
    """G digit: 0/1 for 1900s, 2/3 for 2000s, ... (even = male, odd = female)."""
    century = (birth_year - 1900) // 100
    if not 0 <= century <= 4:
        raise ValueError(f"birth year {birth_year} outside 1900-2399")
    return century * 2 + (0 if sex == "M" else 1)


def build(place: str, birth_year: int, sex: str, serial: int | str) -> str:
    """Compose a CCCD from its parts (serial 0..999999)."""
    return f"{place}{century_digit(birth_year, sex)}{birth_year % 100:02d}{int(serial):06d}"


def parse(number: str) -> CccdParts | None:
    """Decode a 12-digit number; None when it is not 12 digits or its place code is invalid."""
    if not isinstance(number, str) or not CCCD_RE.match(number):
        return None
    place = number[:3]
    if place not in BY_CODE and not (101 <= int(place) <= 295):
        return None
    g = int(number[3])
    return CccdParts(
        place=place,
        birth_year=1900 + 100 * (g // 2) + int(number[4:6]),
        sex="M" if g % 2 == 0 else "F",
        serial=number[6:],
    )


def check(
    number: str, *, birth_year: int | None = None, sex: str | None = None, this_year: int | None = None
) -> list[str]:
    """Structure problems of ``number`` against the person's birth year and sex ([] when it agrees).

    The place code is the birth-*registration* province and is never compared with residence. A
    birth year after ``this_year`` (default: the current year) is a problem by itself
    (identity.md section 1: the year is not in the future).
    """
    parts = parse(number)
    if parts is None:
        if not isinstance(number, str) or not CCCD_RE.match(number or ""):
            return ["not_12_digits"]
        return ["unknown_place_code"]
    problems = []
    if parts.birth_year > (this_year or _dt.date.today().year):
        problems.append("birth_year_in_future")
    if birth_year is not None and parts.birth_year != birth_year:
        problems.append("birth_year_mismatch")
    if sex is not None and parts.sex != sex:
        problems.append("sex_mismatch")
    return problems


def mask(value: str | None) -> str:
    """Mask an ID for display: first 3 and last 2 characters kept (``001*******23``)."""
    if not value:
        return ""
    v = str(value)
    if len(v) <= 5:
        return "*" * len(v)
    return v[:3] + "*" * (len(v) - 5) + v[-2:]
