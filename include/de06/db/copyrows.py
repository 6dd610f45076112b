"""Row-wise bulk writes with PostgreSQL ``COPY ... (FORMAT csv)`` from in-memory rows.

``copy_rows(cur, "record_outcome", ("run_id", "record_id", ...), rows)``: each row a sequence of
Python values. The C ``csv`` writer does the quoting: every string is quoted (so any text,
tabs, newlines and a literal ``\\N`` included, arrives unchanged), numbers and booleans are not,
``None`` is written as the unquoted NULL marker, lists and tuples become array literals. The
column-wise simulators' loader is :mod:`de06.simulators.copyload`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from functools import lru_cache


class _Null(float):
    """Written unquoted as ``\\N`` (a number to the csv writer, so it is never quoted)."""

    def __str__(self) -> str:
        return "\\N"

    __repr__ = __str__


NULL = _Null(0.0)
_SEQ = (list, tuple)


def array_literal(values: Iterable) -> str:
    """A PostgreSQL array literal of strings (each item quoted and escaped)."""
    items = [str(x) for x in values]
    if not items:
        return "{}"
    joined = '","'.join(items)
    if "\\" not in joined and '"' not in joined:  # the common case: nothing to escape
        return '{"' + joined + '"}'
    return "{" + ",".join('"' + x.replace("\\", "\\\\").replace('"', '\\"') + '"' for x in items) + "}"


@lru_cache(maxsize=65_536)
def _cached_literal(values: tuple) -> str:
    return array_literal(values)


def _literal(values: list | tuple) -> str:
    """``array_literal`` through a cache: flags and reasons repeat from row to row."""
    try:
        return _cached_literal(tuple(values))
    except TypeError:  # an unhashable item
        return array_literal(values)


def copy_rows(cur, table: str, cols: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY ``rows`` into ``table`` (``cols`` in row order); returns the number of rows sent.

    ``table`` and ``cols`` are identifiers chosen by the code, never input.
    """
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    n = 0
    for r in rows:
        w.writerow([NULL if v is None else (_literal(v) if v.__class__ in _SEQ else v) for v in r])
        n += 1
    if n:
        buf.seek(0)
        cur.copy_expert(f"COPY {table} ({', '.join(cols)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buf)
    return n


__all__ = ["NULL", "array_literal", "copy_rows"]
