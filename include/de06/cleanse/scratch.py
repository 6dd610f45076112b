"""A population extract loaded into a scratch schema so the matcher runs on it unchanged.

Used by ``de06 cleanse link`` and by tests on hand-made fixtures: the schema holds ``citizen`` and
``citizen_cmnd`` with the columns and blocking indexes of dancu, and the session's search_path
points at it, so :func:`de06.identity.matcher.match_identities` runs exactly as in the DAG.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from importlib import resources

from de06.db.copyrows import copy_rows
from de06.errors import InputError
from de06.identity.fields import parse_province, parse_sex
from de06.identity.names import split_name
from de06.identity.text import clean


def _sql(name: str) -> str:
    return resources.files("de06.cleanse").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


POPULATION_TABLE_COLS = (
    "citizen_id",
    "source_key",
    "cccd",
    "cmnd",
    "full_name",
    "family_name",
    "middle_name",
    "given_name",
    "dob",
    "dob_precision",
    "sex",
    "birth_province",
    "is_deceased",
    "residence_province",
)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _cmnd(value: str | None) -> str | None:
    v = (value or "").strip()
    return v if v.isdigit() and len(v) == 9 else None


def _usable(row: dict, col: str, parse, why: str, ignored: Counter):
    """``parse`` of the row's value in ``col``; a value given but not usable is counted as
    ``"<col> (<why>)"`` in ``ignored`` and left out (None)."""
    text = (row.get(col) or "").strip()
    value = parse(text) if text else None
    if text and value is None:
        ignored[f"{col} ({why})"] += 1
    return value


def population_rows(rows: list[dict], ignored: Counter | None = None) -> tuple[list[list], list[str]]:
    """Validate and convert population rows to scratch-table rows; returns (rows, problems).

    A row the matcher cannot use (no key, no name, no date of birth, a malformed CCCD, a NUL
    character) is a problem; a value it can do without (a CMND that is not 9 digits, an unknown sex
    or province) is left out of the match and counted in ``ignored`` by column. Rows are numbered
    from the first data row (line 2 of a CSV)."""
    out, problems = [], []
    ignored = ignored if ignored is not None else Counter()
    seen: set[str] = set()
    for i, r in enumerate(rows, start=1):
        nul = [c for c, v in r.items() if v and "\x00" in v]
        if nul:
            problems.append(f"row {i}: {', '.join(nul)} holds a NUL character")
            continue
        key = (r.get("citizen_id") or "").strip()
        if not key or key in seen:
            problems.append(f"row {i}: citizen_id {'missing' if not key else 'duplicated'}")
            continue
        seen.add(key)
        name = split_name(r.get("full_name"))
        dob_text = (r.get("dob") or "").strip()
        try:
            dob = date.fromisoformat(dob_text)
        except ValueError:
            well_formed = _ISO_DATE.fullmatch(dob_text)
            problems.append(
                f"row {i}: dob " + ("is no calendar date" if well_formed else "is not YYYY-MM-DD")
            )
            continue
        if name is None:
            problems.append(f"row {i}: full_name empty")
            continue
        cccd = (r.get("cccd") or "").strip() or None
        if cccd and not (cccd.isdigit() and len(cccd) == 12):
            problems.append(f"row {i}: cccd is not 12 digits")
            continue
        cmnd, sex, province, residence = (
            _usable(r, col, parse, why, ignored)
            for col, parse, why in (
                ("cmnd", _cmnd, "not 9 digits"),
                ("sex", parse_sex, "not M/F"),
                ("birth_province", parse_province, "unknown"),
                ("residence_province", parse_province, "unknown"),
            )
        )
        precision = "Y" if (r.get("dob_precision") or "").strip().upper() == "Y" else "D"
        dead = (r.get("deceased") or "").strip().lower() in ("true", "t", "1", "yes")
        out.append(
            [
                len(out) + 1,
                key,
                cccd,
                cmnd,
                clean(r.get("full_name")),
                name.family,
                name.middle,
                name.given,
                dob.isoformat(),
                precision,
                sex,
                province,
                dead,
                residence,
            ]
        )
    return out, problems


@contextmanager
def scratch_population(
    conn, rows: list[dict], old_cmnd: list[tuple[str, str]] = (), ignored: Counter | None = None
) -> Iterator[dict[int, str]]:
    """Load ``rows`` into a fresh schema on ``conn`` (lltp); yields {surrogate id: citizen_id text}.

    The session's search_path points at the schema while inside; the schema is dropped after.
    Values left out of the match are counted in ``ignored`` (see :func:`population_rows`).
    """
    if not rows:
        raise InputError("the population extract has no rows", "export the population with its data rows")
    ignored = ignored if ignored is not None else Counter()
    table_rows, problems = population_rows(rows, ignored)
    given_old = [
        (r["citizen_id"], c) for r in rows for c in (r.get("cmnd_old") or "").split(";") if c.strip()
    ]
    usable_old = [(k, _cmnd(c)) for k, c in given_old if _cmnd(c)]
    if len(usable_old) < len(given_old):
        ignored["cmnd_old (not 9 digits)"] += len(given_old) - len(usable_old)
    old_cmnd = list(old_cmnd) + usable_old
    if problems:
        raise InputError(
            f"population extract has {len(problems)} bad row(s), first: {problems[0]}",
            "fix those rows (citizen_id unique, full_name, dob YYYY-MM-DD, cccd 12 digits, no NUL)",
        )
    schema = "scratch_" + uuid.uuid4().hex[:12]
    ids = {r[0]: r[1] for r in table_rows}
    by_key = {r[1]: r[0] for r in table_rows}
    conn.autocommit = False
    with conn.cursor() as cur:
        cur.execute(f'CREATE SCHEMA "{schema}"')
        cur.execute(f'SET search_path TO "{schema}", public')
        cur.execute(_sql("scratch_population"))
        copy_rows(cur, "citizen", POPULATION_TABLE_COLS, table_rows)
        old = [(c, by_key[k]) for k, c in old_cmnd if k in by_key]
        copy_rows(cur, "citizen_cmnd", ("cmnd", "citizen_id"), old)
        cur.execute(_sql("scratch_indexes"))
    conn.commit()
    try:
        yield ids
    finally:
        conn.rollback()
        with conn.cursor() as cur:
            cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            cur.execute("SET search_path TO DEFAULT")
        conn.commit()
