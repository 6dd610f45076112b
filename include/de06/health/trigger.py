"""Event trigger (runs in Airflow's triggerer) that fires the ``health_push`` DAG through an
``AssetWatcher`` when work lands in the bhxh inbox or outbox.

Every ``poll_interval`` seconds it marks work nobody has announced yet (``signalled_at IS NULL``)
and work announced more than ``stale_after`` seconds ago that is still waiting (a run that ended
early, a retry come due, a restarted triggerer) and yields one :class:`TriggerEvent` when it marked
anything. Marking is an ``UPDATE ... FOR UPDATE SKIP LOCKED``, so several triggerers share the
work without double events, and the run that follows drains everything due, not only this batch.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from airflow.triggers.base import BaseEventTrigger, TriggerEvent

SIGNAL = """
WITH sub AS (
    UPDATE submission SET signalled_at = clock_timestamp()
    WHERE submission_id IN (
        SELECT submission_id FROM submission
        WHERE status = 'received'
          AND (signalled_at IS NULL OR signalled_at < clock_timestamp() - make_interval(secs => %(stale)s))
        LIMIT 10000 FOR UPDATE SKIP LOCKED)
    RETURNING 1),
item AS (
    UPDATE outbox_item SET signalled_at = clock_timestamp()
    WHERE item_id IN (
        SELECT item_id FROM outbox_item
        WHERE status = 'pending' AND next_attempt_at <= clock_timestamp()
          AND (signalled_at IS NULL OR signalled_at < clock_timestamp() - make_interval(secs => %(stale)s))
        LIMIT 10000 FOR UPDATE SKIP LOCKED)
    RETURNING 1)
SELECT (SELECT count(*) FROM sub), (SELECT count(*) FROM item)
"""


def signal_once(dsn: str, stale_after: float) -> tuple[int, int]:
    """Mark unannounced work; return (submissions, items) marked. Blocking (run in a thread)."""
    import psycopg2

    conn = psycopg2.connect(dsn, connect_timeout=5, application_name="de06:health-trigger")
    try:
        with conn, conn.cursor() as cur:
            cur.execute(SIGNAL, {"stale": stale_after})
            subs, items = cur.fetchone()
        return int(subs), int(items)
    finally:
        conn.close()


class HealthWorkTrigger(BaseEventTrigger):
    """Yields an event whenever unannounced health-book work exists in ``bhxh``."""

    def __init__(self, conn_id: str = "bhxh", poll_interval: float = 1.0, stale_after: float = 30.0):
        super().__init__()
        self.conn_id = conn_id
        self.poll_interval = float(poll_interval)
        self.stale_after = float(stale_after)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            "de06.health.trigger.HealthWorkTrigger",
            {"conn_id": self.conn_id, "poll_interval": self.poll_interval, "stale_after": self.stale_after},
        )

    def _dsn(self) -> str:
        from de06.db.conn import dsn

        return dsn(self.conn_id, start=False)

    async def run(self) -> AsyncIterator[TriggerEvent]:
        dsn = self._dsn()
        while True:
            try:
                subs, items = await asyncio.to_thread(signal_once, dsn, self.stale_after)
            except Exception as exc:  # database briefly unavailable: keep watching
                self.log.warning("health trigger poll failed: %s", type(exc).__name__)
                subs = items = 0
            if subs or items:
                yield TriggerEvent({"submissions": subs, "items": items, "at": datetime.now(UTC).isoformat()})
            await asyncio.sleep(self.poll_interval)
