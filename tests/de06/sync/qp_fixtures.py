"""Fixtures (imported by conftest.py and tests/dags/test_qp_sync.py) for the military-court sync
tests: hand-made citizens in dancu, a clean qp source and a clean target-side sync state for each
test."""

from __future__ import annotations

import datetime as dt

import pytest
from de06.domain import cccd

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi")
MIDDLE = ("Văn", "Đức", "Hữu", "Minh", "Quang")
GIVEN = ("Hùng", "Dũng", "Tuấn", "Cường", "Long", "Nam", "Sơn", "Thắng", "Hiếu", "Quân")
BASE_ID = 990_000_000
N_CITIZENS = 400


def citizen_rows(n: int = N_CITIZENS) -> list[tuple]:
    rows = []
    for i in range(n):
        young = i % 5 != 0
        year = 1996 + i % 9 if young else 1970 + i % 20
        sex = "M" if young or i % 2 else "F"
        dob = dt.date(year, 1 + i % 12, 1 + i % 28)
        fam, mid, giv = FAMILY[i % 8], MIDDLE[(i // 8) % 5] if sex == "M" else "Thị", GIVEN[(i // 40) % 10]
        prov = ("001", "079", "048", "031", "046")[i % 5]
        rows.append(
            (
                BASE_ID + i,
                cccd.build(prov, year, sex, 990_000 + i),
                f"{fam} {mid} {giv}",
                fam,
                mid,
                giv,
                dob,
                sex,
                prov,
                prov,
            )
        )
    return rows


@pytest.fixture(scope="session")
def citizens(migrated) -> list[int]:
    """Citizen ids of hand-made people in dancu (inserted once; existing rows are kept)."""
    from de06.db import connect

    conn = connect("dancu_admin")
    try:
        with conn.cursor() as cur:
            for r in citizen_rows():
                cur.execute(
                    "INSERT INTO citizen (citizen_id, cccd, full_name, family_name, middle_name, given_name,"
                    " dob, sex, birth_province, residence_province)"
                    " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
                    " ON CONFLICT DO NOTHING",
                    r,
                )
            cur.execute(
                "SELECT citizen_id FROM citizen WHERE citizen_id >= %s AND citizen_id < %s",
                (BASE_ID, BASE_ID + N_CITIZENS),
            )
            ids = [r[0] for r in cur.fetchall()]
        conn.commit()
    finally:
        conn.close()
    return ids


@pytest.fixture
def fresh(migrated, pg):
    """Empty qp source and truth tables, empty target-side qp state."""
    from de06.simulators.military import reset_source
    from de06.sync.admin import reset_sync_state

    reset_source(pg("qp"), pg("truth"))
    reset_sync_state(pg("lltp"))
    yield


@pytest.fixture
def people(citizens, pg):
    """The hand-made citizens as simulator Persons: (young men, others)."""
    from de06.simulators.military import Person

    with pg("dancu_admin").cursor() as cur:
        cur.execute(
            "SELECT citizen_id, full_name, dob, sex, cccd, cmnd, birth_province FROM citizen"
            " WHERE citizen_id = ANY(%s) ORDER BY citizen_id",
            (citizens,),
        )
        ps = [Person(*r) for r in cur.fetchall()]
    young = [p for p in ps if p.sex == "M" and p.dob.year >= 1995]
    return young, [p for p in ps if p not in young]
