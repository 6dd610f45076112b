"""Validate a DataFrame or a query result against a dataset's suite; keep the masked result.

See :mod:`de06.quality` for the public API. Steps: load the suite file, check the data has the
columns and the caller the parameters the suite needs, add derived columns, validate with GX
(ephemeral context, pandas datasource, value-free result format), mask, score, store (JSON file,
``lltp.dq_result`` row, Data Docs page), return a :class:`QualitySummary`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from de06.errors import De06Error, InputError
from de06.quality import derive, docs, masking, scoring, store
from de06.quality.suites import BUILTIN_PARAMETERS, load_suite, to_gx_suite

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)
UI_PREFIX = "/de06-quality"


@dataclass
class QualitySummary:
    """What a validation returns (safe for XCom and logs: no personal data)."""

    dataset: str
    run_id: str
    scores: dict[str, float | None]
    passed: bool
    failed_expectations: list[str]
    result_path: str
    report_path: str = ""
    report_url: str = ""
    dag_id: str = ""
    task_id: str = ""
    row_count: int = 0
    thresholds: dict[str, float] = field(default_factory=dict)
    breaches: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        s = ", ".join(f"{k}={v:.1f}" for k, v in self.scores.items() if v is not None)
        return f"{self.dataset} [{self.row_count} rows] {'passed' if self.passed else 'BREACHED'}: {s}"


class QualityBreach(De06Error):
    """A suite threshold was breached; names dataset, dimension(s), threshold(s) and the report."""

    def __init__(self, summary: QualitySummary):
        self.summary = summary
        parts = []
        for b in summary.breaches:
            if b["expectation"]:
                parts.append(f"dimension {b['dimension']}: critical expectation {b['expectation']} failed")
            else:
                parts.append(
                    f"dimension {b['dimension']} scored {b['score']:.1f} < threshold {b['threshold']:.1f}"
                )
        super().__init__(
            f"data quality of {summary.dataset} breached ({'; '.join(parts)}); report: {summary.report_path}",
            f"open {summary.report_url or summary.report_path} to see the failing expectations, fix the data "
            "(or, if the rule is wrong, the suite file expectations/" + summary.dataset + ".json)",
        )


_CONTEXT: Any = None


def _batch(dataset: str, df: pd.DataFrame) -> Any:
    """A GX batch of ``df`` in a process-wide ephemeral context (built once)."""
    global _CONTEXT
    import great_expectations as gx

    if _CONTEXT is None:
        _CONTEXT = gx.get_context(mode="ephemeral")
        docs.quiet(_CONTEXT)
        _CONTEXT.data_sources.add_pandas("de06")
    source = _CONTEXT.data_sources.get("de06")
    try:
        asset = source.get_asset(dataset)
    except LookupError:
        asset = source.add_dataframe_asset(dataset)
    try:
        bd = asset.get_batch_definition("whole")
    except KeyError:
        bd = asset.add_batch_definition_whole_dataframe("whole")
    return bd.get_batch(batch_parameters={"dataframe": df})


def builtin_parameters() -> dict[str, Any]:
    from de06.domain.provinces import BY_CODE

    return {"province_codes": sorted(BY_CODE)}


def smtp_configured() -> bool:
    return bool(os.environ.get("AIRFLOW_CONN_SMTP_DEFAULT") or os.environ.get("AIRFLOW__SMTP__SMTP_HOST"))


def send_breach_alerts(summary: QualitySummary) -> int:
    """One alert per breached dimension; a mail that cannot be sent is logged, never raised."""
    from de06.alerts import notify_breach
    from de06.errors import De06Error
    from de06.quality.scoring import by_dimension

    sent = 0
    for d in by_dimension(summary.breaches, summary.thresholds):
        score = d.score if d.score is not None else summary.scores.get(d.dimension)
        try:
            notify_breach(
                summary.dataset,
                d.dimension,
                score,
                d.threshold,
                summary.report_url or summary.report_path,
                dag_id=summary.dag_id,
                run_id=summary.run_id,
                expectations=list(d.expectations),
            )
            sent += 1
        except (De06Error, OSError) as exc:
            log.warning("breach alert for %s/%s not sent: %s", summary.dataset, d.dimension, exc)
    return sent


def report_url(dag_id: str, run_id: str) -> str:
    base = os.environ.get("AIRFLOW__API__BASE_URL", "").rstrip("/")
    return f"{base}{UI_PREFIX}/run?{urlencode({'dag_id': dag_id, 'run_id': run_id})}" if base else ""


def validate_dataframe(
    dataset: str,
    df: pd.DataFrame,
    *,
    run_id: str | None = None,
    dag_id: str = "manual",
    task_id: str = "validate",
    map_index: int = -1,
    parameters: dict[str, Any] | None = None,
    raise_on_breach: bool = False,
    store_conn_id: str = "lltp",
    alert: bool | None = None,
) -> QualitySummary:
    """Validate ``df`` with the suite of ``dataset``; keep the (masked) result, build Data Docs.

    ``alert``: mail each breached dimension through :func:`de06.alerts.notify_breach`. Default:
    only inside a DAG (``dag_id`` not ``"manual"``) and only when an SMTP server is configured.
    """
    spec = load_suite(dataset)
    now = datetime.now(UTC)
    run_id = run_id or f"manual__{now.strftime('%Y-%m-%dT%H:%M:%S')}"
    missing = [c for c in spec.required_columns() if c not in df.columns]
    if missing:
        raise InputError(
            f"dataset {dataset}: the data lacks column(s) {', '.join(missing)} that the suite checks",
            f"select them (alias your columns to these names) or change {spec.path.name}",
        )
    params = {**builtin_parameters(), **(parameters or {})}
    lacking = sorted(spec.parameter_names() - set(params))
    if lacking:
        wanted = "; ".join(f"{p}: {spec.parameters.get(p, 'see the suite')}" for p in lacking)
        raise InputError(
            f"dataset {dataset}: suite parameter(s) not given: {wanted}",
            "pass parameters={" + ", ".join(f"'{p}': ..." for p in lacking) + "}",
        )
    sens = masking.sensitive_values(df, spec.pii)
    data = derive.apply(df, spec.derive, now)
    raw = _batch(dataset, data).validate(
        to_gx_suite(spec),
        result_format=dict(masking.RESULT_FORMAT),
        expectation_parameters={
            k: v for k, v in params.items() if k in spec.parameter_names() or k in BUILTIN_PARAMETERS
        },
    )
    result = masking.scrub(raw.to_json_dict(), sens)
    result.setdefault("meta", {}).update(
        {"dataset": dataset, "dag_id": dag_id, "run_id": run_id, "task_id": task_id}
    )
    results = result.get("results") or []
    dim_scores = scoring.scores(results)
    found = scoring.breaches(results, dim_scores, spec.fail_below)
    stats = result.get("statistics") or {}
    result_path = store.write_result_file(dataset, run_id, task_id, now, result)
    batch = task_id if map_index < 0 else f"{task_id}.{map_index}"
    report_path = docs.publish(spec, result, run_name=f"{dag_id}.{run_id}", batch_name=batch, when=now)
    summary = QualitySummary(
        dataset=dataset,
        run_id=run_id,
        scores=dim_scores,
        passed=not found,
        failed_expectations=scoring.failed(results),
        result_path=str(result_path),
        report_path=str(report_path),
        report_url=report_url(dag_id, run_id),
        dag_id=dag_id,
        task_id=task_id,
        row_count=len(df),
        thresholds=dict(spec.fail_below),
        breaches=[
            {
                "dimension": b.dimension,
                "score": b.score,
                "threshold": b.threshold,
                "expectation": b.expectation,
            }
            for b in found
        ],
    )
    store.insert_row(
        {
            "dataset": dataset,
            "dag_id": dag_id,
            "run_id": run_id,
            "task_id": task_id,
            "map_index": map_index,
            "row_count": len(df),
            **{k: dim_scores.get(k) for k in ("dung", "du", "sach", "song", "overall")},
            "passed": summary.passed,
            "breaches": [b.line() for b in found],
            "failed_expectations": summary.failed_expectations,
            "evaluated": int(stats.get("evaluated_expectations") or 0),
            "successful": int(stats.get("successful_expectations") or 0),
            "result_path": summary.result_path,
            "report_path": summary.report_path,
        },
        conn_id=store_conn_id,
    )
    log.info("data quality %s", summary.line())
    if found and (alert if alert is not None else (dag_id != "manual" and smtp_configured())):
        send_breach_alerts(summary)
    if found and raise_on_breach:
        raise QualityBreach(summary)
    return summary


def read_query(conn_id: str, sql: str, params: dict[str, Any] | tuple | None = None) -> pd.DataFrame:
    """Rows of a query as a DataFrame (psycopg2, read-only use)."""
    import pandas as pd
    import psycopg2

    from de06.db import connect
    from de06.db.errors import describe

    conn = connect(conn_id)
    try:
        with conn.cursor() as cur:
            try:
                cur.execute(sql, params)
            except psycopg2.Error as exc:
                if exc.pgcode is None or exc.pgcode.startswith("08"):
                    raise  # the connection, not the query
                raise InputError(
                    f"the query on {conn_id} failed: {describe(exc)}", "correct the SELECT and validate again"
                ) from None
            if cur.description is None:
                raise InputError(
                    f"the query on {conn_id} returns no rows (not a SELECT)",
                    "give a SELECT that returns the suite's columns",
                )
            cols = [d.name for d in cur.description]
            rows = cur.fetchall()
        conn.rollback()
    finally:
        conn.close()
    return pd.DataFrame.from_records(rows, columns=cols)


#: Defaults for the bound values of the packaged dataset queries (expectations/queries/*.sql).
QUERY_DEFAULTS: dict[str, Any] = {
    "sample_pct": 100,
    "since": datetime(1970, 1, 1, tzinfo=UTC),
    "until": datetime(9999, 1, 1, tzinfo=UTC),
    "run_key": "",
}


def dataset_query(dataset: str) -> tuple[str, str]:
    """(conn_id, sql) of the packaged query of a dataset (``expectations/queries/<dataset>.sql``,
    first line ``-- conn: <id>``); bound values: ``sample_pct``, ``since``, ``until``, ``run_key``."""
    from de06.quality import paths

    path = paths.expectations_dir() / "queries" / f"{dataset}.sql"
    if not path.is_file():
        raise InputError(
            f"no packaged query for dataset {dataset!r} ({path.name})", "pass conn_id and sql yourself"
        )
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0] if text else ""
    if not first.startswith("-- conn:"):
        raise InputError(f"{path.name} does not start with '-- conn: <id>'", "add the connection id line")
    return first.split(":", 1)[1].strip(), text


def validate_dataset(
    dataset: str, *, query_params: dict[str, Any] | None = None, **kwargs: Any
) -> QualitySummary:
    """Validate a dataset through its packaged query (defaults: all rows, whole time window)."""
    conn_id, sql = dataset_query(dataset)
    return validate_query(dataset, conn_id, sql, params={**QUERY_DEFAULTS, **(query_params or {})}, **kwargs)


def validate_query(
    dataset: str,
    conn_id: str,
    sql: str,
    *,
    params: dict[str, Any] | tuple | None = None,
    **kwargs: Any,
) -> QualitySummary:
    """Run ``sql`` (values as bound ``params``) on ``conn_id`` and validate the rows."""
    return validate_dataframe(dataset, read_query(conn_id, sql, params), **kwargs)
