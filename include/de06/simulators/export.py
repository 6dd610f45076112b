"""One-off extracts of the simulated world in the column format of ``de06 cleanse link``.

population: citizen_id (text), cccd, cmnd (nullable), full_name, dob (YYYY-MM-DD), sex (M/F),
birth_province (3-digit code), then the optional cmnd_old (older CMNDs, ";"-separated),
dob_precision (D/Y) and deceased (true/false). records: record_id, full_name, dob_text, id_number, sex (raw
sex text), birth_province (raw birthplace text, as recorded). truth: record_id, citizen_id (empty
when the person is not in the exported population).

Records are taken in record_id order among those whose true person is inside the exported
population or outside the population DB altogether, so the truth file is exact for the extract.
The truth database is read here: this is a test tool, never a pipeline step.
"""

from __future__ import annotations

import csv
from pathlib import Path

from de06.errors import InputError

POPULATION_COLUMNS = ("citizen_id", "cccd", "cmnd", "full_name", "dob", "sex", "birth_province")
#: optional columns the link command also reads: older CMNDs (";"-separated), D/Y, true/false
POPULATION_OPTIONAL = ("cmnd_old", "dob_precision", "deceased")
RECORD_COLUMNS = ("record_id", "full_name", "dob_text", "id_number", "sex", "birth_province")
TRUTH_COLUMNS = ("record_id", "citizen_id")

SQL_POPULATION = """
SELECT c.citizen_id::text, c.cccd, c.cmnd, c.full_name, to_char(c.dob, 'YYYY-MM-DD'), c.sex, c.birth_province,
       o.old, c.dob_precision, CASE WHEN c.is_deceased THEN 'true' ELSE 'false' END
FROM citizen c
LEFT JOIN (SELECT citizen_id, string_agg(cmnd, ';' ORDER BY cmnd) AS old
           FROM citizen_cmnd WHERE citizen_id <= %s GROUP BY citizen_id) o USING (citizen_id)
WHERE c.citizen_id <= %s ORDER BY c.citizen_id
"""
SQL_TRUTH = """
SELECT record_id, citizen_id FROM record_truth
WHERE citizen_id IS NULL OR citizen_id <= %s
ORDER BY record_id LIMIT %s
"""
SQL_RECORDS = """
SELECT record_id::text, full_name, dob_text, id_number, sex_text, birth_place
FROM judicial_record j WHERE j.record_id = ANY(%s) ORDER BY j.record_id
"""


def _write(path: Path, columns: tuple[str, ...], rows: list[tuple], fmt: str) -> Path:
    if fmt == "csv":
        path = path.with_suffix(".csv")
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(columns)
            w.writerows(rows)
        return path
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = path.with_suffix(".parquet")
    cols = list(zip(*rows, strict=True)) if rows else [[] for _ in columns]
    table = pa.table({c: pa.array(list(v), type=pa.string()) for c, v in zip(columns, cols, strict=True)})
    pq.write_table(table, path)
    return path


def export_extract(
    population_limit: int, records_limit: int, out_dir: str | Path, fmt: str = "csv"
) -> dict[str, Path]:
    """Write ``population``, ``records`` and ``truth`` files into ``out_dir``; returns their paths."""
    from de06.db import connect

    if fmt not in ("csv", "parquet"):
        raise InputError(f"unknown export format {fmt!r}", "use csv or parquet")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    dancu, lltp, truth = connect("dancu_admin"), connect("lltp"), connect("truth")
    try:
        with dancu.cursor() as cur:
            cur.execute(SQL_POPULATION, (population_limit, population_limit))
            pop_rows = cur.fetchall()
        if not pop_rows:
            raise InputError("the population DB is empty", "run `de06 simulate population` first")
        with truth.cursor() as cur:
            cur.execute(SQL_TRUTH, (population_limit, records_limit))
            truth_rows = cur.fetchall()
        if not truth_rows:
            raise InputError("no simulated judicial records", "run `de06 simulate judicial` first")
        with lltp.cursor() as cur:
            cur.execute(SQL_RECORDS, ([r[0] for r in truth_rows],))
            rec_rows = cur.fetchall()
    finally:
        for c in (dancu, lltp, truth):
            c.close()
    truth_out = [
        (str(r), "" if c is None else str(c)) if fmt == "csv" else (str(r), None if c is None else str(c))
        for r, c in truth_rows
    ]
    return {
        "population": _write(out / "population", POPULATION_COLUMNS + POPULATION_OPTIONAL, pop_rows, fmt),
        "records": _write(out / "records", RECORD_COLUMNS, rec_rows, fmt),
        "truth": _write(out / "truth", TRUTH_COLUMNS, truth_out, fmt),
    }
