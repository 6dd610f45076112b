"""The asset watcher's event trigger: exact serialisation, and one event when work exists."""

from __future__ import annotations

import asyncio

import pytest
from de06.health.inbox import receive
from de06.health.trigger import HealthWorkTrigger, signal_once


@pytest.mark.unit
def test_serialize_is_exact_and_round_trips():
    t = HealthWorkTrigger(conn_id="bhxh", poll_interval=2, stale_after=15)
    path, kwargs = t.serialize()
    assert path == "de06.health.trigger.HealthWorkTrigger"
    assert kwargs == {"conn_id": "bhxh", "poll_interval": 2.0, "stale_after": 15.0}
    assert HealthWorkTrigger(**kwargs).serialize() == (path, kwargs)
    from airflow.triggers.base import BaseEventTrigger

    assert isinstance(t, BaseEventTrigger)


async def _first_event(trigger: HealthWorkTrigger, timeout: float):
    gen = trigger.run()
    try:
        return await asyncio.wait_for(gen.__anext__(), timeout)
    finally:
        await gen.aclose()


@pytest.mark.postgres
def test_run_yields_one_event_for_new_work_then_stays_quiet(bhxh):
    from de06.db.conn import dsn

    receive(bhxh, "probe.xml", b"<GIAMDINHHS/>")
    bhxh.commit()
    trigger = HealthWorkTrigger(poll_interval=0.1, stale_after=3600)
    event = asyncio.run(_first_event(trigger, timeout=10))
    assert event.payload["submissions"] == 1 and event.payload["items"] == 0
    # announced once: the next poll finds nothing new (no event storm while a run drains)
    assert signal_once(dsn("bhxh"), 3600) == (0, 0)
    # still waiting after stale_after: announced again, so nothing is stranded
    with bhxh.cursor() as cur:
        cur.execute("UPDATE submission SET signalled_at = signalled_at - interval '2 hours'")
    bhxh.commit()
    assert signal_once(dsn("bhxh"), 3600) == (1, 0)


@pytest.mark.postgres
def test_restarted_trigger_loses_no_work(bhxh):
    """The trigger keeps no state of its own: a triggerer killed mid-stream (after announcing work
    that no run drained) is replaced by a fresh instance that announces both the new work and,
    after ``stale_after``, the old work again."""
    receive(bhxh, "a.xml", b"<GIAMDINHHS>a</GIAMDINHHS>")
    bhxh.commit()
    first = HealthWorkTrigger(poll_interval=0.1, stale_after=1.0)
    assert asyncio.run(_first_event(first, timeout=10)).payload["submissions"] == 1  # then "killed"
    receive(bhxh, "b.xml", b"<GIAMDINHHS>b</GIAMDINHHS>")
    bhxh.commit()
    restarted = HealthWorkTrigger(poll_interval=0.1, stale_after=1.0)
    assert asyncio.run(_first_event(restarted, timeout=10)).payload["submissions"] == 1  # the new one
    with bhxh.cursor() as cur:  # nobody drained: let stale_after pass
        cur.execute("UPDATE submission SET signalled_at = signalled_at - interval '5 seconds'")
    bhxh.commit()
    assert asyncio.run(_first_event(restarted, timeout=10)).payload["submissions"] == 2
