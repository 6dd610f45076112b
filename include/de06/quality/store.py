"""Where validation results are kept.

- the masked GX result JSON: ``<gx_dir>/results/<dataset>/<run>__<task>__<time>.json``;
- one row per validation in ``lltp.dq_result`` (scores, pass/fail, paths; no personal data);
- the same masked result in GX's validation-results store, rendered into Data Docs
  (:mod:`de06.quality.docs`).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from de06.db import connect
from de06.quality import paths

SQL_DIR = Path(__file__).with_name("sql")
RESULT_COLUMNS = (
    "result_id", "dataset", "dag_id", "run_id", "task_id", "map_index", "row_count",
    "score_dung", "score_du", "score_sach", "score_song", "score_overall",
    "passed", "breaches", "failed_expectations", "evaluated", "successful",
    "result_path", "report_path", "created_at",
)  # fmt: skip


def _sql(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def write_result_file(
    dataset: str, run_id: str, task_id: str, when: datetime, result: dict[str, Any]
) -> Path:
    folder = paths.gx_dir() / "results" / paths.safe_name(dataset)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = when.strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"{paths.safe_name(run_id)}__{paths.safe_name(task_id)}__{stamp}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    tmp.replace(path)
    return path


def insert_row(row: dict[str, Any], conn_id: str = "lltp") -> dict[str, Any]:
    """Insert one ``dq_result`` row; returns it with ``result_id`` and ``created_at``."""
    params = dict(row)
    for key in ("breaches", "failed_expectations"):
        params[key] = json.dumps(params[key], ensure_ascii=False)
    conn = connect(conn_id)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(_sql("insert_result.sql"), params)
            result_id, created_at = cur.fetchone()
    finally:
        conn.close()
    return {**row, "result_id": result_id, "created_at": created_at}


def _rows(sql_name: str, params: dict[str, Any], conn_id: str) -> list[dict[str, Any]]:
    conn = connect(conn_id)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(_sql(sql_name), params)
            return [_plain(dict(zip(RESULT_COLUMNS, r, strict=True))) for r in cur.fetchall()]
    finally:
        conn.close()


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    for k in ("score_dung", "score_du", "score_sach", "score_song", "score_overall"):
        if row[k] is not None:
            row[k] = float(row[k])
    return row


def results_for_run(dag_id: str, run_id: str, conn_id: str = "lltp") -> list[dict[str, Any]]:
    return _rows("results_for_run.sql", {"dag_id": dag_id, "run_id": run_id}, conn_id)


def recent_results(per_dataset: int = 20, conn_id: str = "lltp") -> list[dict[str, Any]]:
    """The last ``per_dataset`` validations of each dataset, newest first within a dataset."""
    return _rows("recent_results.sql", {"per_dataset": per_dataset}, conn_id)
