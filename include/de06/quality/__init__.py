"""Data quality on the four dimensions đúng, đủ, sạch, sống (GX 1.x suites as files).

Stable API (for DAG authors; imports nothing heavy until called)::

    from de06.quality import validate_dataframe, validate_query, QualityBreach

    summary = validate_query(
        dataset="judicial_raw", conn_id="lltp", sql="SELECT * FROM judicial_record WHERE ...",
        params={...},                      # bound values, never formatted into sql
        run_id=run_id, dag_id=dag_id, task_id=task_id,
        parameters={"input_count": n},     # $PARAMETER values the suite asks for (meta.parameters)
        raise_on_breach=True,              # raise QualityBreach when a threshold is breached
    )
    summary = validate_dataframe(dataset="province_status", df=frame, run_id=..., dag_id=..., task_id=...)
    # packaged query expectations/queries/<dataset>.sql (first line "-- conn: <id>"):
    summary = validate_dataset("military_batch", query_params={"since": t0, "until": t1}, run_id=...)

    # inside an Airflow @task: ids from the task context, returns summary.to_dict() for XCom
    from de06.quality.operators import validate_task
    return validate_task("military_target", conn_id="lltp", sql="SELECT ... WHERE source = 'qp'")

``QualitySummary`` fields: ``dataset, run_id, scores`` ({"dung","du","sach","song","overall"}: 0-100
or None when the suite has no expectation of that dimension), ``passed`` (no breach),
``failed_expectations`` (["dim:type(column)"]), ``result_path`` (masked GX result JSON),
``report_path`` (its Data Docs page), ``report_url`` (the run's page in the Airflow UI plugin),
``breaches`` ([{dimension, score, threshold, expectation}]), ``thresholds``, ``row_count``.
``QualityBreach`` (a :class:`de06.errors.De06Error`) carries ``.summary``.

Datasets = files in ``expectations/``: population_extract, judicial_raw, judicial_cleaned,
military_batch, military_target, health_microbatch, province_status (columns: see each file).
Scores: :mod:`de06.quality.scoring`. Masking: :mod:`de06.quality.masking`. Stored in
``lltp.dq_result`` + ``.local/gx`` (:mod:`de06.quality.store`, :mod:`de06.quality.docs`); scorecard:
:mod:`de06.quality.scorecard`; UI plugin app: :mod:`de06.quality.ui`.
"""

from __future__ import annotations

import logging
from typing import Any

# GX logs ~200 INFO lines ("Skipping registering function ...") while it is imported, which filled
# every quality task's log in the Airflow UI; the level must be set before that first import
logging.getLogger("great_expectations").setLevel(logging.WARNING)

__all__ = [
    "validate_dataframe",
    "validate_query",
    "QualitySummary",
    "QualityBreach",
    "load_suite",
    "list_datasets",
]


def __getattr__(name: str) -> Any:
    if name in (
        "validate_dataframe",
        "validate_query",
        "validate_dataset",
        "QualitySummary",
        "QualityBreach",
    ):
        from de06.quality import runner

        return getattr(runner, name)
    if name in ("load_suite", "list_datasets"):
        from de06.quality import suites

        return getattr(suites, name)
    raise AttributeError(name)
