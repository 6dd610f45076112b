"""Great Expectations on the cleansing's output (suite ``expectations/judicial_cleaned.json``).

What is validated depends on the run:

- a run over every province (full or incremental): the **current** cleaned state of the whole
  Judicial Records DB (``lltp.record_current``: each record's latest outcome), reconciled with the
  count of source records. An incremental run only re-reads new, changed and unresolved records,
  so its own slice would overstate the review share; the current state is what certificates are
  issued from. A breach fails the run.
- a province-subset run: that run's outcomes only, reported without gating (a slice cannot meet
  whole-dataset rates, and provinces not yet run have no outcome at all).
- a dry run: its outcomes, reported without gating.
"""

from __future__ import annotations

from typing import Any

CURRENT_SQL = """
SELECT c.record_id, c.outcome, c.citizen_id, c.tier, c.score, c.reject_reason,
       coalesce(r.finished_at, r.started_at) AS created_at
FROM record_current AS c
JOIN cleanse_run AS r ON r.run_id = c.run_id
"""


def validate_cleaned(run_key: str, params: dict[str, Any], reconciled_input: int, **ids: Any) -> dict:
    from de06.db import connect
    from de06.quality.runner import validate_dataset, validate_query

    whole = not params.get("provinces") and not params.get("dry_run")
    if not whole:
        return validate_dataset(
            "judicial_cleaned",
            query_params={"run_key": run_key},
            parameters={"input_count": int(reconciled_input)},
            raise_on_breach=False,
            **ids,
        ).to_dict()
    conn = connect("lltp")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM judicial_record")
            n_source = int(cur.fetchone()[0])
    finally:
        conn.close()
    return validate_query(
        "judicial_cleaned",
        "lltp",
        CURRENT_SQL,
        parameters={"input_count": n_source},
        raise_on_breach=True,
        **ids,
    ).to_dict()
