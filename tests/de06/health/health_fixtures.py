"""Fixtures of the health-book tests (used by this folder's conftest and tests/dags/test_health_push.py):
a few citizens in ``dancu`` (IDs with the abroad place code 201, so they never collide with the
population simulator), clean bhxh tables, and a helper that puts generated envelopes in the inbox."""

from __future__ import annotations

import email
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from email import policy
from types import SimpleNamespace

import pytest
from de06.domain import cccd
from de06.runtime.ports import free_port
from de06.simulators import clinics as C

BASE_ID = 9_201_000_000
ADULTS = [  # (given index, family, middle, given, dob, sex)
    ("Nguyễn", "Thị", "Lan", date(1988, 3, 15), "F"),
    ("Trần", "Văn", "Bình", date(1979, 7, 2), "M"),
    ("Lê", "Thị", "Hoa", date(1992, 11, 30), "F"),
    ("Phạm", "Minh", "Tuấn", date(1965, 1, 9), "M"),
    ("Hoàng", "Thu", "Trang", date(2001, 5, 21), "F"),
    ("Vũ", "Đức", "Anh", date(1995, 8, 8), "M"),
]
INSERT = """
INSERT INTO citizen (citizen_id, cccd, full_name, family_name, middle_name, given_name, dob, sex,
    birth_province, residence_province, guardian_id, bhxh_no, has_vneid, updated_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '201', '001', %s, %s, %s, now())
"""


def make_id(i: int, dob: date, sex: str) -> str:
    return cccd.build("201", dob.year, sex, 900_000 + i)


@pytest.fixture(scope="module")
def people(migrated):
    """Citizens for the tests; returns the generator's ``people`` dict plus ``by_role``."""
    from de06.db import connect

    conn = connect("dancu_admin")
    rows, persons = [], []
    for i, (fam, mid, giv, dob, sex) in enumerate(ADULTS):
        cid = make_id(i, dob, sex)
        name = f"{fam} {mid} {giv}"
        rows.append(
            (BASE_ID + i, cid, name, fam, mid, giv, dob, sex, None, f"{4_000_000_000 + i:010d}", True)
        )
        persons.append(C.Person(cid, name, dob, sex, "001", f"{4_000_000_000 + i:010d}"))
    child_dob, baby_dob = date(2016, 4, 4), date(2025, 9, 20)
    child = C.Person(
        make_id(10, child_dob, "M"),
        "Nguyễn Văn Nam",
        child_dob,
        "M",
        "001",
        None,
        persons[0].full_name,
        "001",
    )
    baby = C.Person(
        make_id(11, baby_dob, "F"), "Trần Thị Mai", baby_dob, "F", "001", None, persons[1].full_name, "001"
    )
    rows.append(
        (
            BASE_ID + 10,
            child.cccd,
            child.full_name,
            "Nguyễn",
            "Văn",
            "Nam",
            child_dob,
            "M",
            BASE_ID + 0,
            None,
            False,
        )
    )
    rows.append(
        (
            BASE_ID + 11,
            baby.cccd,
            baby.full_name,
            "Trần",
            "Thị",
            "Mai",
            baby_dob,
            "F",
            BASE_ID + 1,
            None,
            False,
        )
    )
    with conn, conn.cursor() as cur:
        cur.execute("DELETE FROM citizen WHERE citizen_id BETWEEN %s AND %s", (BASE_ID, BASE_ID + 999))
        cur.executemany(INSERT, rows)
    _forget_in_vneid([r[1] for r in rows])
    yield {"adult": persons, "child": [baby], "child_no_vneid": [child], "baby": baby, "kid": child}
    with conn, conn.cursor() as cur:
        cur.execute("DELETE FROM citizen WHERE citizen_id BETWEEN %s AND %s", (BASE_ID, BASE_ID + 999))
    conn.close()


def _forget_in_vneid(ids: list[str]) -> None:
    """Remove what earlier runs left in the API's store for the test people (book, consents, accounts)."""
    from de06.db import connect, migrate

    migrate.upgrade(("vneid",))
    v = connect("vneid")
    with v, v.cursor() as cur:
        cur.execute(
            "DELETE FROM health_book_entry WHERE citizen_id = ANY(%s) OR book_owner_id = ANY(%s)", (ids, ids)
        )
        cur.execute("DELETE FROM consent WHERE citizen_id = ANY(%s)", (ids,))
        cur.execute("DELETE FROM account WHERE citizen_id = ANY(%s)", (ids,))
    v.close()


#: Visit times differ between test sessions, so entries (and idempotency keys) never repeat a past run's.
SESSION_START = datetime(2025, 1, 1, 8, 0) + timedelta(minutes=int.from_bytes(os.urandom(3), "big") % 400_000)


def empty_health_tables(conn) -> None:
    """Empty this area's bhxh tables (inbox, outbox, dead letters, parked items, runs); commits."""
    with conn.cursor() as cur:
        cur.execute(
            "TRUNCATE submission, submission_duplicate, outbox_item, dead_letter, parked_item, push_run, "
            "sim_sent, facility RESTART IDENTITY CASCADE"
        )
    conn.commit()


@pytest.fixture
def bhxh(migrated):
    """A bhxh connection on empty health tables (this area's tables only)."""
    from de06.db import connect

    conn = connect("bhxh")
    empty_health_tables(conn)
    yield conn
    conn.close()


@pytest.fixture
def send():
    """``send(bhxh_conn, people, count, seed, faults=None)``: envelopes into the inbox."""
    return send_envelopes


def send_envelopes(
    bhxh_conn,
    people: dict,
    count: int,
    seed: int,
    faults: dict | None = None,
    start: datetime = SESSION_START,
    mix: dict | None = None,
) -> list[C.Sent]:
    """Generate ``count`` envelopes and put them in the inbox (as the BHXH portal would)."""
    from de06.health.inbox import receive

    facs = C.facilities()
    C.register_facilities(bhxh_conn, facs)
    pop = {k: people[k] for k in ("adult", "child", "child_no_vneid")}
    sent = list(C.generate(pop, facs, count, seed, start, faults or {}, mix=mix))
    for s in sent:
        C.record_sent(bhxh_conn, s)
        receive(bhxh_conn, s.file_name, s.body, s.facility)
    bhxh_conn.commit()
    return sent


class _MailSink:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@contextmanager
def mail_sink(mp: pytest.MonkeyPatch) -> Iterator[SimpleNamespace]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1, with Airflow's ``[smtp]`` settings pointed at it
    through ``mp`` (a stack started inside the block hands them to every component); the received
    messages are in ``.messages``."""
    from aiosmtpd.controller import Controller

    port = free_port()
    sink = _MailSink()
    ctl = Controller(sink, hostname="127.0.0.1", port=port)
    ctl.start()
    mp.delenv("AIRFLOW_CONN_SMTP_DEFAULT", raising=False)
    for key, value in {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_STARTTLS": "False",
        "SMTP_SSL": "False",
        "SMTP_MAIL_FROM": "airflow@de06.test",
    }.items():
        mp.setenv(f"AIRFLOW__SMTP__{key}", value)
    try:
        yield SimpleNamespace(port=port, messages=sink.messages)
    finally:
        ctl.stop()


@pytest.fixture
def smtp_sink(monkeypatch):
    """:func:`mail_sink` for one test."""
    with mail_sink(monkeypatch) as sink:
        yield sink


@pytest.fixture
def closed_url() -> str:
    """An http URL on a local port nothing listens on (the API down: connections refused)."""
    port = free_port()
    return f"http://127.0.0.1:{port}"


def outbox_items(conn) -> dict[str, tuple[int, int]]:
    """status -> (count, max attempts) of the outbox; asserts nothing was dead-lettered."""
    with conn.cursor() as cur:
        cur.execute("SELECT status, count(*), max(attempts) FROM outbox_item GROUP BY 1")
        out = {s: (n, a) for s, n, a in cur.fetchall()}
        cur.execute("SELECT count(*) FROM dead_letter")
        assert cur.fetchone()[0] == 0  # nothing dead-lettered
    conn.commit()
    return out
