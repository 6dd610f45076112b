"""copy_rows: every value arrives in PostgreSQL exactly as it was in Python."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from de06.db.copyrows import copy_rows

TRICKY = [
    (
        1,
        "Nguyễn Văn A",
        None,
        ["a", 'b"c', "d\\e", "f,g", "{h}"],
        True,
        date(1990, 2, 3),
        1.5,
        datetime(2024, 10, 1, 8, 30, tzinfo=UTC),
    ),
    (2, "\\N", "", [], False, None, None, None),
    (
        3,
        'tab\there\nnew line\r\nand "quotes", commas',
        "NULL",
        ["NULL", "", "t\tab\\N"],
        None,
        date(2000, 1, 1),
        -0.25,
        datetime(2024, 10, 1, 15, 30, tzinfo=timezone(timedelta(hours=7))),
    ),
    (4, "\\", "\\\\t", ("x\ny",), False, date(1, 1, 1), 1e-300, None),
]


@pytest.mark.postgres
def test_copy_rows_round_trips_tricky_values(pg):
    conn = pg("lltp")
    with conn.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE t_copy (i int, s text, s2 text, a text[], b boolean, d date, f float8,"
            " ts timestamptz)"
        )
        assert copy_rows(cur, "t_copy", ("i", "s", "s2", "a", "b", "d", "f", "ts"), TRICKY) == 4
        cur.execute("SELECT i, s, s2, a, b, d, f, ts FROM t_copy ORDER BY i")
        got = [tuple(r) for r in cur.fetchall()]
    conn.rollback()
    # arrays come back as lists
    assert got == [tuple(list(v) if isinstance(v, tuple) else v for v in r) for r in TRICKY]


@pytest.mark.postgres
def test_copy_rows_with_no_rows_sends_nothing(pg):
    conn = pg("lltp")
    with conn.cursor() as cur:
        # a missing table would fail if a COPY were sent
        assert copy_rows(cur, "no_such_table", ("x",), []) == 0
    conn.rollback()
