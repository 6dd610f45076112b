"""The REST client's run-state changes survive the api-server's transient 500 (a real HTTP server).

Airflow's api-server answered ``PATCH .../dagRuns/<id>`` with 500 ("Failed to add object to the
flush context") when a scheduled run's tasks were changing in that moment; the cluster test then
failed before its own run started. The server here plays that part: it answers the first PATCHes
of a run with 500 and keeps the run's state as the API would.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from de06.errors import De06Error
from de06.runtime.api import Client

pytestmark = pytest.mark.http

RUNS = "/api/v2/dags/lltp_cleanse/dagRuns"


class FakeAirflow(ThreadingHTTPServer):
    """Just enough of /api/v2 for the client: login, list runs, read and PATCH one run."""

    def __init__(self, runs: dict[str, str], failures: int, fail_status: int = 500, finish_after=None):
        super().__init__(("127.0.0.1", 0), Handler)
        self.runs = runs  # run id -> state
        self.failures = failures  # PATCHes answered with fail_status before one is applied
        self.fail_status = fail_status
        self.finish_after = finish_after  # after a failed PATCH the run finishes by itself
        self.patches: list[tuple[str, str, int]] = []


class Handler(BaseHTTPRequestHandler):
    server: FakeAirflow

    def log_message(self, *a):  # quiet
        pass

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict:
        n = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(n) or b"{}")

    def do_POST(self):
        self._body()
        self._send(201, {"access_token": "t"})

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == RUNS:
            active = [
                {"dag_run_id": i, "state": s}
                for i, s in self.server.runs.items()
                if s in ("queued", "running")
            ]
            return self._send(200, {"dag_runs": active, "total_entries": len(active)})
        rid = path.rsplit("/", 1)[-1]
        if path.startswith(RUNS + "/") and rid in self.server.runs:
            return self._send(200, {"dag_run_id": rid, "state": self.server.runs[rid]})
        self._send(404, {"detail": "not found"})

    def do_PATCH(self):
        rid = self.path.rsplit("/", 1)[-1]
        state = self._body()["state"]
        srv = self.server
        if srv.failures > 0:
            srv.failures -= 1
            srv.patches.append((rid, state, srv.fail_status))
            if srv.finish_after:
                srv.runs[rid] = srv.finish_after
            return self._send(srv.fail_status, {"detail": "Internal Server Error"})
        srv.runs[rid] = state
        srv.patches.append((rid, state, 200))
        self._send(200, {"dag_run_id": rid, "state": state})


@pytest.fixture
def airflow(request):
    runs, failures, kw = request.param
    srv = FakeAirflow(dict(runs), failures, **kw)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def _client(srv: FakeAirflow) -> Client:
    return Client(f"http://127.0.0.1:{srv.server_address[1]}")


@pytest.mark.parametrize(
    "airflow", [({"scheduled__1": "running", "manual__2": "done"}, 2, {})], indirect=True
)
def test_a_transient_500_is_retried_until_the_run_is_failed(airflow):
    api = _client(airflow)
    assert api.fail_active_runs("lltp_cleanse") == ["scheduled__1"]
    assert airflow.runs["scheduled__1"] == "failed"
    assert [s for _, _, s in airflow.patches] == [500, 500, 200]


@pytest.mark.parametrize(
    "airflow", [({"scheduled__1": "running"}, 1, {"finish_after": "success"})], indirect=True
)
def test_a_run_that_finished_meanwhile_is_left_as_it_is(airflow):
    api = _client(airflow)
    assert api.fail_active_runs("lltp_cleanse") == ["scheduled__1"]
    assert airflow.runs["scheduled__1"] == "success"  # final: not patched again
    assert len(airflow.patches) == 1


@pytest.mark.parametrize("airflow", [({"scheduled__1": "running"}, 10, {})], indirect=True)
def test_a_server_that_keeps_failing_is_an_error_naming_the_request(airflow):
    api = _client(airflow)
    with pytest.raises(De06Error, match=r"PATCH .*scheduled__1 -> 500"):
        api.set_run_state(f"{api.base}{RUNS}/scheduled__1", "failed", attempts=3, pause=0.01)
    assert len(airflow.patches) == 3


@pytest.mark.parametrize("airflow", [({"scheduled__1": "running"}, 1, {"fail_status": 409})], indirect=True)
def test_a_client_error_is_not_retried(airflow):
    api = _client(airflow)
    with pytest.raises(De06Error, match="-> 409"):
        api.fail_active_runs("lltp_cleanse")
    assert len(airflow.patches) == 1
