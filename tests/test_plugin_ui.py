"""The data-quality plugin inside a real Airflow api-server: login enforced, pages served, and a
person in headless Chromium logs in, opens the plugin and sees the latest run's scores.

One api-server (own port, this session's metadata DB) serves all tests of this module. The
browser test needs Debian's ``chromium`` (``/usr/bin/chromium``); without it, it skips.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from de06.runtime.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("DE06_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
DAG_ID, RUN_ID = "dq_ui_test", f"manual__dq_ui_test_{uuid.uuid4().hex[:8]}"
START_TIMEOUT_S = 120


@dataclass
class Server:
    base: str
    password: str
    summary: dict


def _province_frame():
    import pandas as pd
    from de06.domain.provinces import PROVINCES

    rows = [
        {
            "stt": i + 1,
            "province_code": p.code,
            "status": "completed" if i % 3 else "devtest_done",
            "pv06": "accessed",
            "source_code_security": True,
            "system_security": True,
        }
        for i, p in enumerate(PROVINCES)
    ]
    rows[5]["status"] = "Dang tien hanh devtest"  # a status the cleaner failed to normalise
    return pd.DataFrame(rows)


def _admin_password(home: Path) -> str:
    """The admin password the SimpleAuthManager will use (its passwords file; created if absent)."""
    path = Path(os.environ.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE", home / "passwords.json"))
    known = json.loads(path.read_text()) if path.is_file() else {}
    if "admin" not in known:
        known["admin"] = "admin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(known))
    return known["admin"]


@pytest.fixture(scope="module")
def server(airflow_db, tmp_path_factory):
    from de06.quality import validate_dataframe

    root = tmp_path_factory.mktemp("dq_ui")
    saved = {k: os.environ.get(k) for k in ("DE06_GX_DIR", "DE06_SCORECARD_DIR", "DE06_FRIDAY_DIR")}
    os.environ["DE06_GX_DIR"] = str(root / "gx")
    os.environ["DE06_SCORECARD_DIR"] = str(root / "scorecard")
    os.environ["DE06_FRIDAY_DIR"] = str(root / "friday")
    for day in ("2026-11-27", "2026-12-04"):  # two weeks' reports, as render_report writes them
        (root / "friday" / day).mkdir(parents=True)
        (root / "friday" / day / "index.html").write_text(f"<h1>Friday report {day}</h1>", encoding="utf-8")
        (root / "friday" / day / "coverage.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        (root / "friday" / day / "records.json").write_text("[]", encoding="utf-8")  # step data
    (root / "outside.html").write_text("<h1>not a Friday report</h1>", encoding="utf-8")  # beside the root
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": base,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{base}/execution/",
        "AIRFLOW__API__WORKERS": "1",
    }
    password = _admin_password(Path(os.environ["AIRFLOW_HOME"]))
    log = open(root / "api-server.log", "wb")  # noqa: SIM115 - closed in teardown
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("airflow")), "api-server", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        # validate while the server boots (the scores it must show)
        summary = validate_dataframe(
            "province_status", _province_frame(), dag_id=DAG_ID, run_id=RUN_ID, task_id="check"
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError("api-server exited:\n" + (root / "api-server.log").read_text()[-3000:])
            try:
                if httpx.get(f"{base}/api/v2/monitor/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("api-server not ready:\n" + (root / "api-server.log").read_text()[-3000:])
            time.sleep(0.5)
        yield Server(base, password, summary.to_dict())
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _token(server: Server) -> str:
    r = httpx.post(
        f"{server.base}/auth/token", json={"username": "admin", "password": server.password}, timeout=10
    )
    assert r.status_code in (200, 201), r.text
    return r.json()["access_token"]


@pytest.mark.http
def test_refused_without_a_valid_session(server):
    run = f"dag_id={DAG_ID}&run_id={RUN_ID}"
    paths = [
        "/de06-quality/", f"/de06-quality/run?{run}", "/de06-quality/scorecard/",
        "/de06-quality/docs/index.html", f"/de06-quality/api/run?{run}", "/de06-quality/friday/",
        "/de06-quality/friday/2026-12-04/",
    ]  # fmt: skip
    for path in paths:
        r = httpx.get(server.base + path, timeout=10)
        assert r.status_code == 401, (path, r.status_code)
        assert "province_status" not in r.text
        assert r.headers["cache-control"] == "no-store, private"
    forged = httpx.get(server.base + "/de06-quality/", cookies={"_token": "not.a.jwt"}, timeout=10)
    assert forged.status_code == 403
    page = httpx.get(server.base + "/de06-quality/", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 401 and "Log in" in page.text


@pytest.mark.http
def test_served_with_an_airflow_token(server):
    h = {"Authorization": f"Bearer {_token(server)}"}
    overall = f"{server.summary['scores']['overall']:.1f}"
    index = httpx.get(server.base + "/de06-quality/", headers=h, timeout=10)
    assert index.status_code == 200 and "province_status" in index.text and overall in index.text
    run = httpx.get(
        server.base + f"/de06-quality/api/run?dag_id={DAG_ID}&run_id={RUN_ID}", headers=h, timeout=10
    )
    assert [r["dataset"] for r in run.json()] == ["province_status"]
    assert run.json()[0]["score_overall"] == server.summary["scores"]["overall"]
    card = httpx.get(server.base + "/de06-quality/scorecard/", headers=h, timeout=60)
    assert card.status_code == 200 and "province_status" in card.text
    assert (
        httpx.get(server.base + "/de06-quality/scorecard/latest.png", headers=h, timeout=10).status_code
        == 200
    )
    docs = httpx.get(server.base + "/de06-quality/docs/index.html", headers=h, timeout=10)
    assert docs.status_code == 200 and "province_status" in docs.text
    href = docs.text.split('href="validations/', 1)[1].split('"', 1)[0]
    page = httpx.get(f"{server.base}/de06-quality/docs/validations/{href}", headers=h, timeout=10)
    assert page.status_code == 200 and "Expectation Validation Result" in page.text
    assert (
        "https://cdn" not in page.text and "unpkg.com" not in page.text
    )  # served without third-party requests
    escape = httpx.get(
        server.base + "/de06-quality/docs/..%2F..%2F..%2F..%2Fetc%2Fpasswd", headers=h, timeout=10
    )
    assert escape.status_code == 404
    assert httpx.get(server.base + "/de06-quality/docs/a%00b", headers=h, timeout=10).status_code == 404
    # never cached (results ride on a login cookie); Data Docs pages may not run scripts
    for r in (index, run, card, docs, page, escape):
        assert (
            r.headers["cache-control"] == "no-store, private"
            and r.headers["x-content-type-options"] == "nosniff"
        )
    assert "script-src 'none'" in page.headers["content-security-policy"]
    assert "result_path" not in run.json()[0] and "report_path" not in run.json()[0]  # server paths
    plugins = httpx.get(server.base + "/api/v2/plugins", headers=h, timeout=10).json()["plugins"]
    views = [v for p in plugins if p["name"] == "de06_quality" for v in p["external_views"]]
    assert {v["destination"] for v in views} == {"nav", "dag_run"}


@pytest.mark.http
def test_friday_reports_served_behind_the_login(server):
    """The Friday progress review reads the week's report in the Airflow UI (it was files only)."""
    h = {"Authorization": f"Bearer {_token(server)}"}
    listing = httpx.get(server.base + "/de06-quality/friday/", headers=h, timeout=10)
    assert listing.status_code == 200
    assert listing.text.index("2026-12-04") < listing.text.index("2026-11-27")  # newest first
    page = httpx.get(server.base + "/de06-quality/friday/2026-12-04/", headers=h, timeout=10)
    assert page.status_code == 200 and "Friday report 2026-12-04" in page.text
    chart = httpx.get(server.base + "/de06-quality/friday/2026-12-04/coverage.png", headers=h, timeout=10)
    assert chart.status_code == 200 and chart.content.startswith(b"\x89PNG")
    for r in (listing, page, chart):
        assert r.headers["cache-control"] == "no-store, private"
        assert "script-src 'none'" in r.headers["content-security-policy"]
    # an .html file beside the reports' folder: only the path check can refuse it, not the suffix one
    escape = httpx.get(server.base + "/de06-quality/friday/..%2Foutside.html", headers=h, timeout=10)
    assert escape.status_code == 404
    step_data = httpx.get(server.base + "/de06-quality/friday/2026-12-04/records.json", headers=h, timeout=10)
    assert step_data.status_code == 404  # the page and its charts only
    plugins = httpx.get(server.base + "/api/v2/plugins", headers=h, timeout=10).json()["plugins"]
    views = [v["name"] for p in plugins if p["name"] == "de06_quality" for v in p["external_views"]]
    assert "Friday report" in views


@pytest.mark.browser
def test_browser_login_and_see_scores(server):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    overall = f"{server.summary['scores']['overall']:.1f}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.goto(server.base + "/", wait_until="domcontentloaded")
            page.locator("input[name=username]").fill("admin", timeout=30_000)
            page.locator("input[name=password]").fill(server.password)
            page.locator("button[type=submit]").click()
            page.wait_for_url(lambda url: "/auth/login" not in url, timeout=30_000)
            page.goto(server.base + "/de06-quality/", wait_until="load")
            row = page.locator("table.scores tr", has_text="province_status")
            row.wait_for(timeout=15_000)
            assert overall in row.inner_text()
            page.screenshot(path=str(ARTIFACTS / "dq_plugin_latest_scores.png"), full_page=True)
            page.goto(server.base + "/plugin/de06-quality", wait_until="load")
            frame = page.frame_locator("iframe").first
            frame.locator("table.scores").wait_for(timeout=30_000)
            page.screenshot(path=str(ARTIFACTS / "dq_plugin_in_airflow_ui.png"))
        finally:
            browser.close()
    assert (ARTIFACTS / "dq_plugin_latest_scores.png").stat().st_size > 0
