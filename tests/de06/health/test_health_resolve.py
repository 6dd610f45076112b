"""Resolving a person without an ID against the population DB (newborns, clinic_xml.md §6)."""

from __future__ import annotations

import pytest
from de06.health.resolve import resolve_many

pytestmark = pytest.mark.postgres


def _ident(ngay_sinh: str, sex: str, name: str) -> dict:
    return {"so_cccd": "", "ngay_sinh": ngay_sinh, "gioi_tinh": sex, "ho_ten": name}


def test_newborn_born_at_midnight_goes_to_the_guardian_book(people, pg):
    baby, guardian = people["baby"], people["adult"][1]
    day = baby.dob.strftime("%Y%m%d")
    sex = "1" if baby.sex == "M" else "2"
    other_sex = "2" if sex == "1" else "1"
    got = resolve_many(
        pg("dancu"),
        [
            _ident(day + "0000", sex, guardian.full_name),  # born at 00:00
            _ident(day + "1342", sex, guardian.full_name),
            _ident(day + "0000", other_sex, guardian.full_name),  # no such baby
            _ident(baby.dob.strftime("%Y") + "00000000", sex, guardian.full_name),  # year only
        ],
    )
    assert [(r.citizen_id, r.book_owner_id) for r in got[:2]] == [(baby.cccd, guardian.cccd)] * 2
    assert got[2].park_reason == "newborn_awaiting_birth_registration"
    assert got[3].park_reason == "no_id_and_not_a_newborn"
