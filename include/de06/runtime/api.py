"""A small client of Airflow's REST API (``/api/v2``) for tests and benchmarks: trigger, wait.

Uses the SimpleAuthManager login ``admin`` / ``admin`` written by ``up``.
"""

from __future__ import annotations

import time

import httpx

from de06.errors import De06Error

TERMINAL = {"success", "failed"}


class Client:
    def __init__(self, base_url: str, user: str = "admin", password: str = "admin", timeout: float = 30.0):
        self.base = base_url.rstrip("/")
        self.http = httpx.Client(timeout=timeout, trust_env=False)
        r = self.http.post(f"{self.base}/auth/token", json={"username": user, "password": password})
        if r.status_code not in (200, 201):
            raise De06Error(
                f"api-server at {self.base} refused the login ({r.status_code})",
                "check the passwords file in AIRFLOW_HOME (`de06 airflow up` writes admin/admin)",
            )
        self.http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"

    def close(self) -> None:
        self.http.close()

    def _ok(self, r: httpx.Response) -> dict:
        if r.status_code >= 400:
            raise De06Error(
                f"Airflow API {r.request.method} {r.request.url.path} -> {r.status_code}: {r.text[:200]}",
                "read the api-server log",
            )
        return r.json()

    def wait_dag(self, dag_id: str, timeout: float = 120.0) -> None:
        """Wait until the dag-processor has parsed ``dag_id``; unpause it."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.http.get(f"{self.base}/api/v2/dags/{dag_id}")
            if r.status_code == 200:
                if r.json().get("is_paused"):
                    self._ok(self.http.patch(f"{self.base}/api/v2/dags/{dag_id}", json={"is_paused": False}))
                return
            if time.monotonic() > deadline:
                raise De06Error(
                    f"DAG {dag_id} not parsed after {timeout:.0f} s", "read the dag-processor log"
                )
            time.sleep(1)

    def pause_all_except(self, dag_id: str) -> None:
        """Pause every DAG but ``dag_id`` (benchmarks and tests measure one DAG alone)."""
        self._ok(
            self.http.patch(
                f"{self.base}/api/v2/dags",
                params={"dag_id_pattern": "%", "limit": 1000},
                json={"is_paused": True},
            )
        )
        self._ok(self.http.patch(f"{self.base}/api/v2/dags/{dag_id}", json={"is_paused": False}))

    def set_paused(self, dag_id: str, paused: bool) -> None:
        self._ok(self.http.patch(f"{self.base}/api/v2/dags/{dag_id}", json={"is_paused": paused}))

    def close_runs_when_idle(self, dag_id: str, state: str = "success", timeout: float = 400.0) -> list[str]:
        """Wait until no task of ``dag_id``'s running runs is running or queued, then set those runs
        to ``state``; their ids. For a paused DAG: pausing stops new runs, not a task already
        working, and Airflow never queues the next task of a paused DAG's run."""
        runs = f"{self.base}/api/v2/dags/{dag_id}/dagRuns"
        deadline = time.monotonic() + timeout
        while True:
            running = self._ok(self.http.get(runs, params={"state": ["running"], "limit": 100}))["dag_runs"]
            ids = [r["dag_run_id"] for r in running]
            if not any(self._busy(f"{runs}/{i}") for i in ids):
                for i in ids:
                    self.set_run_state(f"{runs}/{i}", state)
                return ids
            if time.monotonic() > deadline:
                raise De06Error(
                    f"a {dag_id} task is still running after {timeout:.0f} s", "read its task log"
                )
            time.sleep(1)

    def _busy(self, run_url: str) -> bool:
        tis = self._ok(self.http.get(f"{run_url}/taskInstances"))["task_instances"]
        return any(t.get("state") in ("running", "queued") for t in tis)

    def fail_active_runs(self, dag_id: str) -> list[str]:
        """Mark queued/running runs of ``dag_id`` failed (left over from an earlier stack); their ids.

        A task already working is stopped only at its next heartbeat (seconds later), so a caller
        must not leave work such a task could take (see ``close_runs_when_idle`` to wait instead)."""
        url = f"{self.base}/api/v2/dags/{dag_id}/dagRuns"
        runs = self._ok(self.http.get(url, params={"state": ["queued", "running"], "limit": 100}))["dag_runs"]
        for r in runs:
            self.set_run_state(f"{url}/{r['dag_run_id']}", "failed")
        return [r["dag_run_id"] for r in runs]

    def set_run_state(self, run_url: str, state: str, attempts: int = 4, pause: float = 1.0) -> None:
        """PATCH a run's state. The api-server answers 500 when the scheduler or a worker changes the
        same run's task instances in that moment (SQLAlchemy's "Failed to add object to the flush
        context", seen on a scheduled run that had just started); such an answer is retried after a
        pause, unless the run has reached a final state meanwhile. Other errors are raised at once."""
        for attempt in range(1, attempts + 1):
            r = self.http.patch(run_url, json={"state": state})
            if r.status_code < 500 or attempt == attempts:
                self._ok(r)
                return
            time.sleep(pause * attempt)
            if self._ok(self.http.get(run_url))["state"] in TERMINAL:
                return

    def trigger(self, dag_id: str, conf: dict | None = None) -> str:
        body = {"logical_date": None, "conf": conf or {}}
        return self._ok(self.http.post(f"{self.base}/api/v2/dags/{dag_id}/dagRuns", json=body))["dag_run_id"]

    def run_state(self, dag_id: str, run_id: str) -> str:
        return self._ok(self.http.get(f"{self.base}/api/v2/dags/{dag_id}/dagRuns/{run_id}"))["state"]

    def wait_run(self, dag_id: str, run_id: str, timeout: float = 600.0, interval: float = 1.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            state = self.run_state(dag_id, run_id)
            if state in TERMINAL:
                return state
            if time.monotonic() > deadline:
                raise De06Error(
                    f"run {run_id} of {dag_id} still {state} after {timeout:.0f} s",
                    "read the scheduler and worker logs",
                )
            time.sleep(interval)

    def xcom(self, dag_id: str, run_id: str, task_id: str, key: str = "return_value"):
        url = f"{self.base}/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/xcomEntries/{key}"
        return self._ok(self.http.get(url, params={"deserialize": True}))["value"]
