"""PostgreSQL errors without the values in them.

PostgreSQL names the offending value in a data or constraint error: ``invalid input syntax for
type date: "12/5/90"``, ``Key (cccd)=(001090012345) already exists``, and for COPY the line's
column value in the context. Where the rows are personal data those messages would carry a name or
an ID number into Airflow's task log. :func:`values_hidden` turns such an error into a
:class:`DataWriteError` that keeps what an engineer needs to find the cause — SQLSTATE, table,
column, constraint, COPY line number, the message with quoted values and long digit runs
replaced — and nothing of the values. Connection and concurrency errors carry no values and pass
unchanged (callers retry or report them by type).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2

from de06.errors import De06Error

#: SQLSTATE classes whose messages quote row values: data exceptions, integrity constraint
#: violations, and errors raised from PL/pgSQL or triggers.
_VALUE_CLASSES = ("22", "23", "P0")
_QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'|\([^()]*\)=\([^()]*\)')
_DIGITS = re.compile(r"\d{5,}")
_COPY_WHERE = re.compile(r"COPY (\w+), line (\d+)(?:, column (\w+))?")


class DataWriteError(De06Error):
    """A row was refused by PostgreSQL; the message names where, never the values."""


def scrub(text: str | None) -> str:
    """``text`` with quoted values, key=value pairs and runs of 5+ digits replaced by ``…``/``#``."""
    if not text:
        return ""
    return _DIGITS.sub("#", _QUOTED.sub("…", text)).strip()


def describe(exc: psycopg2.Error) -> str:
    """One line about a PostgreSQL error with no row values in it."""
    diag = exc.diag
    where = [
        f"{label} {value}"
        for label, value in (
            ("table", diag.table_name),
            ("column", diag.column_name),
            ("constraint", diag.constraint_name),
        )
        if value
    ]
    copy = _COPY_WHERE.search(diag.context or "")
    if copy:
        table, line, column = copy.groups()
        where.append(f"COPY into {table}, line {line}" + (f", column {column}" if column else ""))
    first = str(exc).splitlines()[0] if str(exc) else ""
    primary = scrub(diag.message_primary or first)
    return f"PostgreSQL {exc.pgcode or '?'} ({type(exc).__name__}): {primary}" + (
        f" [{'; '.join(where)}]" if where else ""
    )


@contextmanager
def values_hidden(what: str, fix: str) -> Iterator[None]:
    """Run the block; a PostgreSQL error that would quote row values becomes a
    :class:`DataWriteError` naming ``what`` failed, where, and ``fix`` (the original is not
    chained: its message is the leak)."""
    try:
        yield
    except psycopg2.Error as exc:
        code = exc.pgcode or ""
        if not code.startswith(_VALUE_CLASSES):
            raise
        err = DataWriteError(f"{what}: {describe(exc)}", fix)
        raise err from None


__all__ = ["DataWriteError", "describe", "scrub", "values_hidden"]
