"""Airflow-facing helper: validate inside a ``@task`` with ids taken from the task context.

    from airflow.sdk import task

    @task
    def check_target() -> dict:
        from de06.quality.operators import validate_task
        return validate_task("military_target", conn_id="lltp",
                             sql="SELECT * FROM conviction WHERE source = %(src)s", params={"src": "qp"})

Returns ``QualitySummary.to_dict()`` (masked: safe for XCom); raises
:class:`de06.quality.QualityBreach` (the task fails, naming dataset, dimension, threshold and
report) when ``raise_on_breach`` and a threshold is breached. The result is stored before the
raise, so the run's "Data quality" view shows it either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def task_ids() -> dict[str, Any]:
    """dag_id, run_id, task_id, map_index of the running task."""
    from airflow.sdk import get_current_context

    ctx = get_current_context()
    ti = ctx["ti"]
    map_index = getattr(ti, "map_index", -1)
    return {
        "dag_id": ti.dag_id,
        "run_id": ctx["run_id"],
        "task_id": ti.task_id,
        "map_index": -1 if map_index is None else int(map_index),
    }


def validate_task(
    dataset: str,
    *,
    df: pd.DataFrame | None = None,
    conn_id: str | None = None,
    sql: str | None = None,
    params: dict[str, Any] | tuple | None = None,
    parameters: dict[str, Any] | None = None,
    raise_on_breach: bool = True,
) -> dict[str, Any]:
    """Validate ``df`` or the rows of ``sql`` on ``conn_id``; returns the summary as a dict."""
    from de06.errors import De06Error, fail_without_retry
    from de06.quality.runner import QualityBreach, validate_dataframe, validate_query

    ids = task_ids()
    # a breach is in the data: a retry validates the same rows, stores and alerts it again
    with fail_without_retry(QualityBreach):
        if df is not None:
            summary = validate_dataframe(
                dataset, df, parameters=parameters, raise_on_breach=raise_on_breach, **ids
            )
        elif conn_id and sql:
            summary = validate_query(
                dataset,
                conn_id,
                sql,
                params=params,
                parameters=parameters,
                raise_on_breach=raise_on_breach,
                **ids,
            )
        else:
            raise De06Error(
                f"validate_task({dataset!r}) got no data", "pass df=... or conn_id=... and sql=..."
            )
    return summary.to_dict()
