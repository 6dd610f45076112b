"""Data-quality reports inside the Airflow UI: Data Docs, the scorecard, the Friday progress reports
and a "Data quality" view on every DAG run. The FastAPI app (include/de06/quality/ui.py) checks
Airflow's login itself.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin
from de06.quality.ui import PREFIX, create_app, run_href


class De06QualityPlugin(AirflowPlugin):
    name = "de06_quality"
    fastapi_apps = [{"app": create_app(), "url_prefix": PREFIX, "name": "de06 data quality"}]
    external_views = [
        {
            "name": "Data quality",
            "href": f"{PREFIX}/",
            "destination": "nav",
            "category": "browse",
            "url_route": "de06-quality",
        },
        {
            "name": "DQ scorecard",
            "href": f"{PREFIX}/scorecard/",
            "destination": "nav",
            "category": "browse",
            "url_route": "de06-scorecard",
        },
        {
            "name": "Data Docs",
            "href": f"{PREFIX}/docs/index.html",
            "destination": "nav",
            "category": "browse",
            "url_route": "de06-data-docs",
        },
        {
            "name": "Friday report",
            "href": f"{PREFIX}/friday/",
            "destination": "nav",
            "category": "browse",
            "url_route": "de06-friday-report",
        },
        {
            "name": "Data quality",
            "href": run_href(),
            "destination": "dag_run",
            "url_route": "de06-run-quality",
        },
    ]
