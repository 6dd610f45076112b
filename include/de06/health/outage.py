"""One alert per VNeID API outage, not one per run.

While the API is down every health run fails (a run against a dead endpoint is never green), but
only the first failed run of an outage mails the on-call; the runs after it log instead, until a
run has reached the API again. Runs are separate processes, so this is decided from the database:
each ``bhxh.push_run`` row says whether its run reached the API (``answers`` > 0: any HTTP answer,
a 5xx or 429 included) or found it unreachable (``unreachable``).

A failed run is *held* (no mail) when its own row says ``unreachable`` and an earlier run of an
alerting mode (``event``: ``health_push``, ``scheduled``: ``health_push_scheduled``; both mail on
failure) found the API unreachable too, with no run that reached the API finishing in between
(runs ordered by ``finished_at``). A run of another mode (``cli``, ``bench``) that reached the API
ends an outage; one that found it unreachable mailed nobody, so it does not hold the next alert.
Anything else (no row for the run, a reachable API, a failure of another kind, a database error
while deciding) mails as before.

The health DAGs pass :func:`hold_repeated_outage_alerts` to their failure notifier as ``skip_if``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)


def _iso(t: datetime | None) -> str | None:
    """A database time as ISO-8601 UTC, to the second."""
    return t.astimezone(UTC).isoformat(timespec="seconds") if t else None


#: Modes of the runs whose failure mails (the two health DAGs).
ALERTING_MODES = ("event", "scheduled")

THIS_RUN = "SELECT finished_at, unreachable FROM push_run WHERE run_id = %(run_id)s AND mode = %(mode)s"
#: The unreachable runs of the outage before this one: finished after the last run that reached
#: the API (if any), up to this run's end.
EARLIER = """
WITH reached AS (
    SELECT max(finished_at) AS at FROM push_run WHERE answers > 0 AND finished_at <= %(finished)s
)
SELECT min(p.started_at), count(*),
       count(*) FILTER (WHERE p.mode = ANY(%(alerting)s)),
       (array_agg(p.run_id ORDER BY p.finished_at) FILTER (WHERE p.mode = ANY(%(alerting)s)))[1]
FROM push_run p, reached
WHERE p.unreachable AND p.run_id <> %(run_id)s AND p.finished_at <= %(finished)s
  AND (reached.at IS NULL OR p.finished_at > reached.at)
"""


@dataclass(frozen=True)
class Outage:
    """An outage already alerted: ``since`` the start of its first unreachable run, ``runs`` the
    unreachable runs before this one, ``alerted_run`` the first of them that mailed."""

    since: datetime
    runs: int
    alerted_run: str

    def line(self) -> str:
        return (
            f"VNeID API outage ongoing since {_iso(self.since)}"
            f" ({self.runs} earlier unreachable run(s), alerted by run {self.alerted_run});"
            " no new mail until a run has reached the API again"
        )


def already_alerted(
    bhxh, run_id: str, mode: str, alerting: tuple[str, ...] = ALERTING_MODES
) -> Outage | None:
    """The outage that run ``run_id`` (of ``mode``) failed in, if an earlier alerting run of the same
    outage failed already; None when this run's failure should mail (see the module docstring)."""
    with bhxh.cursor() as cur:
        cur.execute(THIS_RUN, {"run_id": run_id, "mode": mode})
        row = cur.fetchone()
        if not row or row[0] is None or not row[1]:
            bhxh.commit()
            return None
        cur.execute(EARLIER, {"run_id": run_id, "finished": row[0], "alerting": list(alerting)})
        since, runs, alerted, first_alerted = cur.fetchone()
    bhxh.commit()
    if not alerted:
        return None
    return Outage(since, runs, first_alerted)


#: The API as the recorded runs last saw it: the last run that got an answer, and the unreachable
#: runs that finished after it.
STATE = """
WITH reached AS (SELECT max(finished_at) AS at FROM push_run WHERE answers > 0)
SELECT reached.at, min(p.started_at), count(p.run_id)
FROM reached LEFT JOIN push_run p
  ON p.unreachable AND (reached.at IS NULL OR p.finished_at > reached.at)
GROUP BY reached.at
"""


def api_state(bhxh) -> dict[str, Any]:
    """What ``de06 health status`` shows of the VNeID API, from ``push_run``: ``state`` is
    ``unreachable`` when runs have found it unreachable since the last run that got an answer
    (``outage_since``: the start of the first of them; ``unreachable_runs``: how many),
    ``reachable`` when the last run that pushed anything got answers, ``unknown`` before any such
    run. Runs with nothing to push say nothing either way. Times in UTC, ISO-8601."""
    with bhxh.cursor() as cur:
        cur.execute(STATE)
        last_answer, since, runs = cur.fetchone()
    bhxh.commit()
    state = "unreachable" if runs else ("reachable" if last_answer else "unknown")
    return {
        "state": state,
        "last_answer_run_finished_at": _iso(last_answer),
        "outage_since": _iso(since) if runs else None,
        "unreachable_runs": int(runs),
    }


def _run_id(context: dict[str, Any]) -> str | None:
    return context.get("run_id") or getattr(context.get("dag_run"), "run_id", None)


def hold_repeated_outage_alerts(mode: str, connect: Callable | None = None) -> Callable[[dict], str | None]:
    """``skip_if`` for the failure notifier of the health DAG whose runs drain in ``mode``: the
    reason to hold the mail (:meth:`Outage.line`) when the failed run is a repeat of an alerted
    outage, else None. ``connect``: a factory of the ``bhxh`` connection (default Airflow's
    connection ``bhxh``)."""

    def held(context: dict[str, Any]) -> str | None:
        run_id = _run_id(context)
        if not run_id:
            return None
        if connect is None:
            from de06.health.tasks import airflow_pg

            conn = airflow_pg("bhxh")
        else:
            conn = connect()
        try:
            outage = already_alerted(conn, run_id, mode)
        finally:
            conn.close()
        return outage.line() if outage else None

    return held


__all__ = ["ALERTING_MODES", "Outage", "already_alerted", "api_state", "hold_repeated_outage_alerts"]
