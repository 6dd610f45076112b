"""Row-wise bulk writes with PostgreSQL ``COPY ... FROM STDIN`` (text format) from in-memory rows.

``copy_rows(cur, "record_outcome", ("run_id", "record_id", ...), rows)``: each row a sequence of
Python values. ``None`` is written as the NULL marker ``\\N``; a string has its backslashes, tabs,
newlines and carriage returns escaped (so any text, a literal ``\\N`` included, arrives unchanged);
booleans are ``t``/``f``; lists and tuples become array literals; anything else is its ``str``.
The text format is the cheapest to produce here: most values need no escaping at all, and each is
checked with ``in`` instead of going through the ``csv`` writer's quoting (measured 4 Dec 2026 on
9,608 captured cleansing records: 7 against 11-12 microseconds a record for an outcome row and a
cleaned row). The column-wise simulators' loader is :mod:`de06.simulators.copyload`.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from functools import lru_cache

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


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _escape(s: str) -> str:
    """A string as a COPY text field (the common case, nothing to escape, returns it as it is)."""
    if "\\" in s or "\t" in s or "\n" in s or "\r" in s:
        return s.translate(_ESCAPES)
    return s


def _fields(row: Sequence) -> str:
    out = []
    add = out.append
    for v in row:
        c = v.__class__
        if c is str:
            add(_escape(v))
        elif v is None:
            add("\\N")
        elif c is int or c is float:
            add(repr(v))
        elif c is bool:
            add("t" if v else "f")
        elif c in _SEQ:
            add(_escape(_literal(v)))
        else:  # dates, timestamps, decimals, ...
            add(_escape(str(v)))
    return "\t".join(out)


def copy_rows(cur, table: str, cols: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY ``rows`` into ``table`` (``cols`` in row order); returns the number of rows sent.

    ``table`` and ``cols`` are identifiers chosen by the code, never input.
    """
    lines = [_fields(r) for r in rows]
    n = len(lines)
    if n:
        lines.append("")  # every line ends with a newline
        buf = io.StringIO("\n".join(lines))
        cur.copy_expert(f"COPY {table} ({', '.join(cols)}) FROM STDIN", buf, size=1 << 16)
    return n


__all__ = ["array_literal", "copy_rows"]
