"""values_hidden: a refused row is named by table, column and line, never by its values."""

from __future__ import annotations

import psycopg2
import pytest
from de06.db.copyrows import copy_rows
from de06.db.errors import DataWriteError, scrub, values_hidden

NAME = "Nguyễn Văn Bình"
CCCD = "001090012345"


@pytest.mark.unit
def test_scrub_drops_quoted_values_and_long_digit_runs():
    text = f'invalid input syntax for type date: "{NAME}" near 001090012345 in varchar(9)'
    out = scrub(text)
    assert NAME not in out and CCCD not in out
    assert out == "invalid input syntax for type date: … near # in varchar(9)"


@pytest.mark.postgres
def test_copy_error_names_where_not_what(pg):
    conn = pg("lltp")
    with conn.cursor() as cur:
        cur.execute("CREATE TEMP TABLE t_pii (cccd text, full_name text, dob date)")
        rows = [(CCCD, NAME, "1990-01-02"), (CCCD, NAME, f"{NAME} 12/5/90")]
        with pytest.raises(DataWriteError) as err, values_hidden("loading people", "fix the dates"):
            copy_rows(cur, "t_pii", ("cccd", "full_name", "dob"), rows)
    conn.rollback()
    msg = str(err.value)
    assert NAME not in msg and CCCD not in msg and "12/5/90" not in msg
    assert "loading people" in msg and "22007" in msg and "COPY into t_pii, line 2, column dob" in msg
    assert msg.endswith("fix: fix the dates")
    assert err.value.__cause__ is None and err.value.__suppress_context__


@pytest.mark.postgres
def test_unique_violation_names_the_constraint_not_the_key(pg):
    conn = pg("lltp")
    with conn.cursor() as cur:
        cur.execute("CREATE TEMP TABLE t_uniq (cccd text CONSTRAINT t_uniq_cccd UNIQUE)")
        cur.execute("INSERT INTO t_uniq VALUES (%s)", (CCCD,))
        with pytest.raises(DataWriteError) as err, values_hidden("adding people", "dedupe first"):
            cur.execute("INSERT INTO t_uniq VALUES (%s)", (CCCD,))
    conn.rollback()
    msg = str(err.value)
    assert CCCD not in msg
    assert "23505" in msg and "constraint t_uniq_cccd" in msg and "table t_uniq" in msg


@pytest.mark.postgres
def test_errors_without_values_pass_unchanged(pg):
    conn = pg("lltp")
    with conn.cursor() as cur:
        with pytest.raises(psycopg2.errors.UndefinedTable), values_hidden("reading", "create it"):
            cur.execute("SELECT * FROM no_such_table_here")
    conn.rollback()
