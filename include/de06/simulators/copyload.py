"""Bulk loading with PostgreSQL COPY (text format) from in-memory buffers, column-wise.

``copy_columns(conn, "citizen", {"citizen_id": ids, "full_name": names, ...})`` renders each
column to strings once (numpy arrays vectorised, lists escaped only where needed) and streams
one COPY. ``None`` (or NaT) becomes NULL. Reusable by every simulator; never formats SQL values.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from psycopg2 import sql

NULL = r"\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _escape(v: str) -> str:
    if "\\" in v or "\t" in v or "\n" in v or "\r" in v:
        return v.translate(_ESCAPES)
    return v


def render_column(values: Sequence[Any] | np.ndarray) -> list[str]:
    """Text-format COPY representation of one column."""
    if isinstance(values, np.ndarray):
        kind = values.dtype.kind
        if kind == "b":
            return np.where(values, "t", "f").tolist()
        if kind in "iu":
            return values.astype(str).tolist()
        if kind == "M":
            out = np.datetime_as_string(values, unit="D").tolist()
            return [NULL if s == "NaT" else s for s in out]
        values = values.tolist()
    elif not isinstance(values, list):
        values = list(values)
    types = set(map(type, values))
    if types <= {str, type(None)}:  # fast path: text with NULLs, escaped only when needed
        strs = [v for v in values if v is not None] if type(None) in types else values
        joined = "".join(strs)
        special = "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined
        if not special:
            return values if strs is values else [NULL if v is None else v for v in values]
        return [NULL if v is None else _escape(v) for v in values]
    out: list[str] = []
    for v in values:
        if v is None:
            out.append(NULL)
        elif isinstance(v, str):
            out.append(_escape(v))
        elif isinstance(v, bool):
            out.append("t" if v else "f")
        elif isinstance(v, (list, tuple)):
            out.append(_escape(_pg_array(v)))
        else:
            out.append(_escape(str(v)))
    return out


def _pg_array(items: Sequence[Any]) -> str:
    parts = []
    for it in items:
        s = str(it).replace("\\", "\\\\").replace('"', '\\"')
        parts.append(f'"{s}"')
    return "{" + ",".join(parts) + "}"


def render(columns: Mapping[str, Sequence[Any] | np.ndarray]) -> str:
    rendered = [render_column(v) for v in columns.values()]
    if not rendered:
        return ""
    n = len(rendered[0])
    if any(len(c) != n for c in rendered):
        raise ValueError("columns have different lengths")
    if n == 0:
        return ""
    return "\n".join("\t".join(row) for row in zip(*rendered, strict=True)) + "\n"


def copy_columns(
    conn,
    table: str,
    columns: Mapping[str, Sequence[Any] | np.ndarray],
    schema: str | None = None,
    *,
    freeze: bool = False,
) -> int:
    """COPY the given columns into ``table``; returns the number of rows. Caller commits.

    ``freeze=True`` (COPY FREEZE) is allowed only when the table was created or truncated in the
    same transaction; it spares the later hint-bit/vacuum writes of a bulk load."""
    text = render(columns)
    if not text:
        return 0
    target = sql.Identifier(schema, table) if schema else sql.Identifier(table)
    stmt = sql.SQL("COPY {} ({}) FROM STDIN{}").format(
        target,
        sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        sql.SQL(" WITH (FREEZE)") if freeze else sql.SQL(""),
    )
    with conn.cursor() as cur:
        cur.copy_expert(stmt.as_string(conn), io.StringIO(text))
    return text.count("\n")


SQL_SECONDARY_INDEXES = """
SELECT i.indexname, i.indexdef
FROM pg_indexes i
WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
  AND NOT EXISTS (
    SELECT 1 FROM pg_constraint c
    WHERE c.conindid = to_regclass(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname)))
ORDER BY i.tablename, i.indexname
"""


@contextmanager
def deferred_indexes(conn, tables: Sequence[str]) -> Iterator[list[str]]:
    """Drop the secondary (non-constraint) indexes of ``tables`` for a bulk load and recreate them
    afterwards, in the caller's transaction. Indexes other areas add later are handled the same way."""
    with conn.cursor() as cur:
        cur.execute(SQL_SECONDARY_INDEXES, (list(tables),))
        found = cur.fetchall()
        for name, _ in found:
            cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    yield [name for name, _ in found]
    with conn.cursor() as cur:
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in found:
            cur.execute(definition)  # the server's own CREATE INDEX text from pg_indexes
