"""``de06 cleanse link``: the DAG's matcher on file extracts, through PostgreSQL in a scratch schema.

Population and records files (CSV or Parquet, columns in :mod:`de06.cleanse.files`) are loaded into a
scratch schema of the ``lltp`` database; the records are matched with
:func:`de06.identity.matcher.match_identities` exactly as the DAG's partitions do; one output row per
input record.
"""

from __future__ import annotations

from pathlib import Path

from de06.cleanse.files import (
    POPULATION_COLUMNS,
    POPULATION_OPTIONAL,
    RECORD_COLUMNS,
    RECORD_OPTIONAL,
    read_rows,
    write_rows,
)
from de06.cleanse.scratch import scratch_population
from de06.errors import InputError
from de06.identity.matcher import IdentityInput, match_identities

BATCH = 5_000


def link_rows(conn, population: list[dict], records: list[dict], progress=None) -> list[dict]:
    keys = [r["record_id"] for r in records]
    dup = {k for k in keys if keys.count(k) > 1} if len(keys) < 50_000 else set()
    if len(set(keys)) != len(keys):
        raise InputError(
            f"records file has duplicated record_id values ({len(keys) - len(set(keys))} extra)",
            "make record_id unique" + (f", e.g. {sorted(dup)[0]}" if dup else ""),
        )
    if any(not (k or "").strip() for k in keys):
        raise InputError("records file has rows without record_id", "give every row a record_id")
    out: list[dict] = []
    with scratch_population(conn, population) as ids:
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
                    }
                )
            if progress:
                progress(len(chunk))
    return out


def link_files(population: str | Path, records: str | Path, out: str | Path, progress_factory=None) -> dict:
    """Read and check both files first (clear errors), then match; ``progress_factory(total)``
    returns a callable advanced by the number of records done."""
    from de06.db import connect

    pop = read_rows(population, POPULATION_COLUMNS, "population", POPULATION_OPTIONAL)
    recs = read_rows(records, RECORD_COLUMNS, "records", RECORD_OPTIONAL)
    progress = progress_factory(len(recs)) if progress_factory else None
    conn = connect("lltp")
    try:
        rows = link_rows(conn, pop, recs, progress)
    finally:
        conn.close()
    write_rows(out, rows)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
    return {"records": len(rows), **counts}
