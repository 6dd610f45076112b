"""The FastAPI app the Airflow UI plugin mounts at ``/de06-quality`` (plugins/de06_quality.py).

Pages (all behind Airflow's login):
- ``/``: latest scores per dataset, links to the scorecard and Data Docs;
- ``/run?dag_id=..&run_id=..``: the validations of one DAG run (the "Data quality" tab on a run);
- ``/scorecard/``: the scorecard HTML + PNGs (rebuilt when older than a minute);
- ``/docs/...``: GX Data Docs (static files);
- ``/friday/``: the Friday progress reports, newest first; ``/friday/<date>/``: one report (its
  HTML and charts; province-level figures only), for users who may read ``friday_report`` runs;
- ``/api/run?dag_id=..&run_id=..``: the run's validations as JSON.

Authentication: the JWT the api-server issues (``Authorization: Bearer`` or the ``_token`` cookie
set by the UI login) is validated by Airflow's own auth manager
(:meth:`BaseAuthManager.get_user_from_token`); without a valid token a page answers 401 with a
link to the login page, a token the manager rejects answers 403. Every page shows only the runs of
the DAGs the auth manager lets the user read (``/run``, ``/api/run`` and a Data Docs run page
answer 403 otherwise; ``/`` and the Data Docs index leave the others out). Answers are never
cached (``Cache-Control: no-store``), and Data Docs pages may not run scripts (CSP).
"""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from de06.quality.dimensions import DIMENSIONS, LABELS

PREFIX = "/de06-quality"
COOKIE = "_token"
SCORE_KEYS = (*DIMENSIONS, "overall")
SCORECARD_MAX_AGE_S = 60


def _token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return request.cookies.get(COOKIE)


def _auth_manager() -> Any:
    from airflow.api_fastapi.app import get_auth_manager

    return get_auth_manager()


async def require_user(request: Request) -> Any:
    """FastAPI dependency: the Airflow user of a valid JWT, else 401/403."""
    token = _token(request)
    if not token:
        raise HTTPException(status_code=401, detail="Not authenticated")
    from jwt import ExpiredSignatureError, InvalidTokenError

    try:
        return await _auth_manager().get_user_from_token(token)
    except ExpiredSignatureError:
        raise HTTPException(status_code=401, detail="Token expired") from None
    except InvalidTokenError:
        raise HTTPException(status_code=403, detail="Invalid token") from None


UserDep = Annotated[Any, Depends(require_user)]


def _login_url(request: Request) -> str:
    try:
        return _auth_manager().get_url_login(next_url=str(request.url))
    except Exception:  # noqa: BLE001 - the link is a convenience; the 401 stands regardless
        return "/"


def _may_read_runs(user: Any, dag_id: str) -> bool:
    try:
        from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity, DagDetails

        return _auth_manager().is_authorized_dag(
            method="GET", access_entity=DagAccessEntity.RUN, details=DagDetails(id=dag_id), user=user
        )
    except ImportError:  # pragma: no cover - older layouts: authenticated is enough
        return True


def _page(title: str, body: str) -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:1.2em;color:#222}}
table{{border-collapse:collapse;margin:.6em 0}}
th,td{{border:1px solid #ccc;padding:.3em .6em;text-align:right}}th{{background:#f3f3f3}}
td.l{{text-align:left}}
.ok{{color:#17663a}}.bad{{color:#b00020;font-weight:bold}}td.bad{{background:#fde7ea}}td.ok{{background:#e8f6ee}}
nav a{{margin-right:1.2em}}small{{color:#666}}</style></head><body>
<nav><a href="{PREFIX}/">Data quality</a>
<a href="{PREFIX}/scorecard/">Scorecard</a>
<a href="{PREFIX}/docs/index.html">Data Docs</a>
<a href="{PREFIX}/friday/">Friday report</a></nav>
<h1>{html.escape(title)}</h1>{body}</body></html>"""


def _fmt(v: float | None) -> str:
    return "–" if v is None else f"{v:.1f}"


def _thresholds(dataset: str) -> dict[str, float]:
    from de06.errors import De06Error
    from de06.quality.suites import load_suite

    try:
        return load_suite(dataset).fail_below
    except De06Error:
        return {}


def _docs_href(report_path: str | None) -> str | None:
    from de06.quality.scorecard import docs_link

    link = docs_link(report_path)
    return f"{PREFIX}/docs/{link.removeprefix('../docs/')}" if link else None


def results_table(rows: list[dict[str, Any]], *, show_run: bool) -> str:
    """HTML table of validations (scores only: no personal data exists in these rows)."""
    head = "".join(f"<th>{html.escape(LABELS[k])}</th>" for k in SCORE_KEYS)
    extra = "<th>DAG / run</th>" if show_run else "<th>Task</th>"
    out = [
        f'<table class="scores"><tr><th>Dataset</th>{head}<th>Result</th>{extra}<th>Rows</th><th>When (UTC)</th><th></th></tr>'  # noqa: E501
    ]
    for r in rows:
        thr = _thresholds(r["dataset"])
        cells = []
        for k in SCORE_KEYS:
            v = r[f"score_{k}"]
            cls = "" if v is None or k not in thr else ("bad" if v < thr[k] else "ok")
            cells.append(f'<td class="{cls}" data-dim="{k}">{_fmt(v)}</td>')
        result = '<span class="ok">passed</span>' if r["passed"] else '<span class="bad">breached</span>'
        if r["breaches"]:
            result += "<br><small>" + html.escape("; ".join(r["breaches"])) + "</small>"
        mapped = "" if r["map_index"] < 0 else f" [{r['map_index']}]"
        who = (
            f'<td class="l">{html.escape(r["dag_id"])}<br><small>{html.escape(r["run_id"])}</small></td>'
            if show_run
            else f'<td class="l">{html.escape(r["task_id"])}{mapped}</td>'
        )
        href = _docs_href(r["report_path"])
        docs = f'<a href="{html.escape(href)}">Data Docs</a>' if href else ""
        out.append(
            f'<tr><td class="l"><b>{html.escape(r["dataset"])}</b></td>{"".join(cells)}<td class="l">{result}</td>{who}'  # noqa: E501
            f'<td>{r["row_count"]}</td><td>{r["created_at"]:%Y-%m-%d %H:%M:%S}</td><td class="l">{docs}</td></tr>'  # noqa: E501
        )
    out.append("</table>")
    return "".join(out)


def _safe_file(root: Path, rel: str) -> Path:
    root = root.resolve()
    try:
        target = (root / (rel or "index.html")).resolve()
        if target.is_dir():
            target = (target / "index.html").resolve()  # a symlinked index.html is resolved too
        inside = root in target.parents and target.is_file()
    except (ValueError, OSError):  # a NUL byte, a name too long
        inside = False
    if not inside:
        raise HTTPException(status_code=404, detail="Not found")
    return target


#: On every answer: pages carry data-quality results and ride on a login cookie, so no browser or
#: proxy keeps them; Data Docs pages (GX's HTML, served on Airflow's origin) may not run scripts.
NO_STORE = {
    "Cache-Control": "no-store, private",
    "Vary": "Cookie, Authorization",
    "X-Content-Type-Options": "nosniff",
}
DOCS_CSP = "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"


class _Readable:
    """Which DAGs' runs a user may read, asked of the auth manager once per DAG per request."""

    def __init__(self, user: Any):
        self.user, self.seen = user, {}

    def __call__(self, dag_id: str) -> bool:
        if dag_id not in self.seen:
            self.seen[dag_id] = _may_read_runs(self.user, dag_id)
        return self.seen[dag_id]


def create_app() -> FastAPI:
    app = FastAPI(title="de06 data quality", docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.update(NO_STORE)
        path = request.url.path
        if path.rstrip("/").endswith(("/docs", "/friday")) or "/docs/" in path or "/friday/" in path:
            response.headers["Content-Security-Policy"] = DOCS_CSP
        return response

    @app.exception_handler(HTTPException)
    async def _refused(request: Request, exc: HTTPException):
        if exc.status_code in (401, 403) and "text/html" in request.headers.get("accept", ""):
            login = html.escape(_login_url(request))
            body = f'<p>{html.escape(str(exc.detail))}. <a href="{login}">Log in to Airflow</a> to see data-quality reports.</p>'  # noqa: E501
            return HTMLResponse(_page("Login required", body), status_code=exc.status_code)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)

    @app.get("/", response_class=HTMLResponse)
    def index(user: UserDep) -> str:
        from de06.quality import store

        readable = _Readable(user)
        rows = [
            r for r in sorted(store.recent_results(1), key=lambda r: r["dataset"]) if readable(r["dag_id"])
        ]
        body = (
            "<p>Latest validation of each dataset. Scores 0-100: đúng (correct), đủ (complete), "
            "sạch (clean), sống (live); red = below the suite's threshold.</p>"
            + (results_table(rows, show_run=True) if rows else "<p>No validation has run yet.</p>")
        )
        return _page("Data quality: latest scores", body)

    @app.get("/run", response_class=HTMLResponse)
    def run_page(dag_id: str, run_id: str, user: UserDep) -> str:
        from de06.quality import store

        if not _may_read_runs(user, dag_id):
            raise HTTPException(status_code=403, detail="Not allowed to read runs of this DAG")
        rows = store.results_for_run(dag_id, run_id)
        body = f"<p>DAG <b>{html.escape(dag_id)}</b>, run <b>{html.escape(run_id)}</b></p>" + (
            results_table(rows, show_run=False) if rows else "<p>No data-quality validation in this run.</p>"
        )
        return _page("Data quality of this run", body)

    @app.get("/api/run")
    def run_api(dag_id: str, run_id: str, user: UserDep) -> list[dict[str, Any]]:
        from de06.quality import store

        if not _may_read_runs(user, dag_id):
            raise HTTPException(status_code=403, detail="Not allowed to read runs of this DAG")
        rows = store.results_for_run(dag_id, run_id)
        for r in rows:
            r["created_at"] = r["created_at"].isoformat()
            for k in ("result_path", "report_path"):  # the server's own paths stay on the server
                r.pop(k, None)
        return rows

    @app.get("/scorecard/{rel:path}")
    def scorecard_file(rel: str, user: UserDep) -> FileResponse:
        from de06.quality import paths, scorecard

        index = paths.scorecard_dir() / "index.html"
        if rel in ("", "index.html") and (
            not index.exists() or time.time() - index.stat().st_mtime > SCORECARD_MAX_AGE_S
        ):
            scorecard.build()
        return FileResponse(_safe_file(paths.scorecard_dir(), rel))

    @app.get("/docs/{rel:path}")
    def docs_file(rel: str, user: UserDep) -> Response:
        from de06.quality import paths
        from de06.quality.docs import offline_html, offline_index, run_dag

        readable = _Readable(user)
        if rel in ("", "index.html"):
            return HTMLResponse(offline_index(readable))
        parts = rel.split("/")
        if parts[0] == "validations" and len(parts) > 2 and not readable(run_dag(parts[2])):
            raise HTTPException(status_code=403, detail="Not allowed to read runs of this DAG")
        target = _safe_file(paths.docs_dir(), rel)
        if target.suffix == ".html":
            return HTMLResponse(offline_html(target.read_text(encoding="utf-8")))
        return FileResponse(target)

    @app.get("/friday/{rel:path}")
    def friday_file(rel: str, user: UserDep) -> Response:
        from de06.quality import paths

        if not _may_read_runs(user, FRIDAY_DAG):
            raise HTTPException(status_code=403, detail="Not allowed to read runs of this DAG")
        root = paths.friday_dir()
        if rel in ("", "index.html"):
            dates = sorted(
                (d.name for d in root.iterdir() if d.is_dir() and (d / "index.html").is_file()), reverse=True
            )
            items = "".join(f'<li><a href="{quote(d)}/">{html.escape(d)}</a></li>' for d in dates)
            body = (
                "<p>The Friday progress reports (province-level figures and their data-quality"
                " scores), newest first; the `friday_report` DAG writes one each week.</p>"
                + (f"<ul>{items}</ul>" if items else "<p>No Friday report has been written yet.</p>")
            )
            return HTMLResponse(_page("Friday progress reports", body))
        target = _safe_file(root, rel)
        if target.suffix.lower() not in (".html", ".png"):  # the page and its charts, not the step data
            raise HTTPException(status_code=404, detail="Not found")
        return FileResponse(target)

    return app


#: the DAG whose runs write the Friday reports: who may read its runs may read them
FRIDAY_DAG = "friday_report"


def run_href() -> str:
    """``href`` of the DAG-run external view (the UI substitutes {DAG_ID} and {RUN_ID})."""
    return f"{PREFIX}/run?" + urlencode({"dag_id": "{DAG_ID}", "run_id": "{RUN_ID}"}, safe="{}")


__all__ = ["create_app", "require_user", "run_href", "PREFIX", "quote"]
