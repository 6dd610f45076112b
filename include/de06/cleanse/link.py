"""``de06 cleanse link``: the DAG's matcher on file extracts, through PostgreSQL in a scratch schema.

Population and records files (CSV or Parquet, columns in :mod:`de06.cleanse.files`) are loaded into a
scratch schema of the ``lltp`` database; the records are matched with
:func:`de06.identity.matcher.match_identities` exactly as the DAG's partitions do; one output row per
input record.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from de06.cleanse.files import (
    POPULATION_COLUMNS,
    POPULATION_OPTIONAL,
    RECORD_COLUMNS,
    RECORD_OPTIONAL,
    check_out_path,
    read_rows,
    write_rows,
)
from de06.cleanse.scratch import scratch_population
from de06.errors import InputError
from de06.identity.matcher import IdentityInput, match_identities

BATCH = 5_000


def check_records(records: list[dict]) -> None:
    """Every record has a record_id, and no two the same (rows numbered from the first data row)."""
    blank = next((i for i, r in enumerate(records, start=1) if not (r["record_id"] or "").strip()), None)
    if blank is not None:
        raise InputError(
            f"records file has rows without record_id (first: row {blank})", "give every row a record_id"
        )
    counts = Counter(r["record_id"] for r in records)
    if len(counts) < len(records):
        raise InputError(
            f"records file has duplicated record_id values ({len(records) - len(counts)} extra)",
            f"make record_id unique, e.g. {min(k for k, n in counts.items() if n > 1)}",
        )


def _candidates(m, ids: dict) -> str:
    """A review record's candidates as JSON, by the population extract's own keys."""
    return json.dumps(
        [{"citizen_id": ids[c["citizen_id"]], "tier": c["tier"], "score": c["score"]} for c in m.candidates],
        ensure_ascii=False,
    )


def link_rows(
    conn, population: list[dict], records: list[dict], progress_factory=None, ignored: Counter | None = None
) -> list[dict]:
    """Match ``records`` to ``population``; ``progress_factory(total)`` is called once both are
    checked and loaded (so an error is never printed onto a progress bar) and returns a callable
    advanced by the number of records done."""
    check_records(records)
    out: list[dict] = []
    with scratch_population(conn, population, ignored=ignored) as ids:
        progress = progress_factory(len(records)) if progress_factory else None
        for i in range(0, len(records), BATCH):
            chunk = records[i : i + BATCH]
            inputs = [
                IdentityInput(
                    r["record_id"],
                    r["full_name"],
                    r["dob_text"],
                    r["id_number"],
                    r["sex"],
                    r["birth_province"],
                    r.get("residence"),
                )
                for r in chunk
            ]
            for m in match_identities(inputs, conn):
                out.append(
                    {
                        "record_id": m.key,
                        "outcome": m.outcome,
                        "citizen_id": ids[m.citizen_id] if m.citizen_id else None,
                        "tier": m.tier,
                        "score": m.score,
                        "reasons": ";".join(m.reasons),
                        "candidates": _candidates(m, ids) if m.outcome == "review" else None,
                    }
                )
            if progress:
                progress(len(chunk))
    return out


def link_files(population: str | Path, records: str | Path, out: str | Path, progress_factory=None) -> dict:
    """Check the output path and read and check both files first (clear errors), then match;
    ``progress_factory(total)`` returns a callable advanced by the number of records done. The
    counts returned include ``population_values_ignored`` (by column) when the population held
    values the match had to leave out."""
    from de06.db import connect

    check_out_path(out, (population, records))
    pop = read_rows(population, POPULATION_COLUMNS, "population", POPULATION_OPTIONAL)
    recs = read_rows(records, RECORD_COLUMNS, "records", RECORD_OPTIONAL)
    ignored: Counter = Counter()
    conn = connect("lltp")
    try:
        rows = link_rows(conn, pop, recs, progress_factory, ignored)
    finally:
        conn.close()
    write_rows(out, rows)
    counts: dict = {}
    for r in rows:
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
    extra = {"population_values_ignored": dict(sorted(ignored.items()))} if ignored else {}
    return {"records": len(rows), **counts, **extra}
