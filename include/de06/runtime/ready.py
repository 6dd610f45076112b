"""Readiness: poll a condition while the started processes must stay alive."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from de06.errors import De06Error
from de06.runtime.process import Started, last_lines

ERROR_WORDS = ("error", "exception", "address already in use", "refused", "failed")


class ComponentFailed(De06Error):
    """A component exited or never became ready; names the component and its log."""


BROKER_WORDS = ("connecting to", "cannot connect to")


def died(s: Started) -> ComponentFailed:
    """The error for a component that exited: its last error line, classified when we can."""
    hint = last_lines(s.log, 1, ERROR_WORDS)
    why = f": {hint[0][:200]}" if hint else ""
    if s.name.startswith("worker") and hint and any(w in hint[0].lower() for w in BROKER_WORDS):
        return ComponentFailed(
            f"{s.name} cannot reach the Celery broker{why}",
            "check the broker (`de06 cluster status`) and the worker's AIRFLOW__CELERY__BROKER_URL",
        )
    if "address already in use" in why.lower():
        return ComponentFailed(
            f"{s.name}: its port is already in use{why}",
            "stop what holds the port or move it (DE06_API_PORT / DE06_REDIS_PORT)",
        )
    return ComponentFailed(
        f"{s.name} exited during start-up{why}", f"read {s.log}, fix the cause and run up again"
    )


def wait_until(
    check: Callable[[], bool | str],
    *,
    timeout: float,
    watch: list[Started],
    component: str,
    fix: str,
    interval: float = 0.5,
) -> None:
    """Poll ``check`` until it returns True; raise if a watched process exits or time runs out.

    ``check`` may return a string (the current reason it is not ready) used in the timeout error.
    """
    deadline = time.monotonic() + timeout
    reason = "not ready"
    while True:
        for s in watch:
            if not s.alive():
                raise died(s)
        result = check()
        if result is True:
            return
        if isinstance(result, str):
            reason = result
        if time.monotonic() >= deadline:
            raise ComponentFailed(f"{component} not ready after {timeout:.0f} s ({reason})", fix)
        time.sleep(interval)


def http_json(url: str, timeout: float = 3.0) -> dict | None:
    """GET ``url`` and parse JSON; None if unreachable or not 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            if r.status != 200:
                return None
            return json.loads(r.read().decode())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def health_state(health: dict | None, components: tuple[str, ...]) -> bool | str:
    """True when every named component of ``/api/v2/monitor/health`` is healthy, else the reason."""
    if health is None:
        return "api-server not answering"
    bad = [c for c in components if (health.get(c) or {}).get("status") != "healthy"]
    return True if not bad else "unhealthy: " + ", ".join(bad)
