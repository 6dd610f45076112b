"""Inbox -> outbox -> VNeID API over real HTTP and PostgreSQL, with faults."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from de06.health import dlq
from de06.health import drain as D
from de06.health.client import VneidClient
from de06.simulators.vneid_api import serve_in_thread

pytestmark = [pytest.mark.postgres, pytest.mark.http]
FAST = D.Settings(batch_size=50, concurrency=6, retry_base_s=0.05, retry_cap_s=0.5, max_run_s=60)


def client(url: str, **kw) -> VneidClient:
    kw.setdefault("timeout_s", 2.0)
    return VneidClient(url, backoff_base_s=0.02, backoff_cap_s=0.2, seed=1, **kw)


def faults(url: str, **changes) -> None:
    r = httpx.post(f"{url}/admin/faults", json=changes, headers={"X-Admin-Token": "admin"}, timeout=5)
    assert r.status_code == 200, r.text


def vneid_counts(pg, keys: list[str]) -> dict[str, int]:
    with pg("vneid").cursor() as cur:
        cur.execute(
            "SELECT idempotency_key, count(*) FROM health_book_entry WHERE idempotency_key = ANY(%s) "
            "GROUP BY 1",
            (keys,),
        )
        return dict(cur.fetchall())


def outcomes(conn) -> dict:
    with conn.cursor() as cur:
        cur.execute("SELECT status, count(*) FROM submission GROUP BY 1")
        subs = dict(cur.fetchall())
        cur.execute("SELECT status, count(*) FROM outbox_item GROUP BY 1")
        items = dict(cur.fetchall())
        cur.execute("SELECT count(*) FROM submission_duplicate")
        dups = cur.fetchone()[0]
        cur.execute("SELECT idempotency_key FROM outbox_item WHERE status = 'acked'")
        acked = [r[0] for r in cur.fetchall()]
    conn.commit()
    return {"subs": subs, "items": items, "dups": dups, "acked": acked}


def expected_entries(sent) -> int:
    return sum(sum(s.expected.values()) for s in sent)


@pytest.mark.parametrize("api_batch", [0, 50], ids=["single-calls", "batch-calls"])
def test_drain_with_faults_delivers_every_entry_once(people, bhxh, pg, send, api_batch):
    sent = send(
        bhxh,
        people,
        14,
        seed=21,
        faults={"malformed": 0.07, "xxe": 0.07, "duplicate": 0.2, "broken_table": 0.05},
    )
    with (
        serve_in_thread(
            port=0,
            error_rate=0.2,
            throttle_rate=0.1,
            retry_after_s=0,
            drop_rate=0.05,
            timeout_after_accept_rate=0.1,
            timeout_sleep_s=2.5,
            seed=3,
        ) as url,
        client(url, timeout_s=1.0) as c,
    ):
        # overlapped mode: ingestion on its own connections beside the pushes
        cfg = D.Settings(**{**FAST.__dict__, "api_batch": api_batch})
        stats = D.drain(bhxh, pg("dancu"), c, cfg, mode="test", connect=lambda: (pg("bhxh"), pg("dancu")))
        import httpx

        api = httpx.get(f"{url}/admin/stats", headers={"X-Admin-Token": "admin"}, timeout=5).json()
    o = outcomes(bhxh)
    bad = sum(s.label in ("malformed", "xxe", "broken_table") for s in sent)
    dup = sum(s.label == "duplicate" for s in sent)
    # faults really happened (counted by the API itself; the drain's own retry counter misses the
    # retries its HTTP client absorbs, so it is not asserted)
    assert bad and dup and sum(api["by_fault"].values()) > 0, api
    assert stats.acked > 0
    # every envelope has exactly one outcome
    assert o["subs"].get("rejected", 0) == bad and o["dups"] == dup
    assert o["subs"].get("accepted", 0) == len(sent) - bad - dup
    assert "received" not in o["subs"] and "processing" not in o["subs"]
    # every entry the generator sent is in the outbox, none pending, parked only for unknown people
    assert sum(o["items"].values()) == expected_entries(sent)
    assert set(o["items"]) <= {"acked", "parked"}
    parked_expected = sum(sum(s.expected.values()) for s in sent if s.label == "unknown_citizen")
    assert o["items"].get("parked", 0) == parked_expected
    # VNeID holds each acknowledged entry exactly once (timeouts after accept did not duplicate)
    counts = vneid_counts(pg, o["acked"])
    assert len(counts) == len(o["acked"]) and set(counts.values()) == {1}
    with bhxh.cursor() as cur:
        cur.execute("SELECT latency_p50_s, latency_p95_s, latency_p99_s, acked FROM push_run")
        p50, p95, p99, acked = cur.fetchone()
    assert acked == len(o["acked"]) and p50 <= p95 <= p99


def test_api_down_then_back_delivers_everything_once(people, bhxh, pg, send):
    send(bhxh, people, 6, seed=4)
    with serve_in_thread(port=0, down=True, seed=5) as url, client(url) as c:
        c.breaker.base_cooldown = c.breaker.cooldown = 0.5
        result = {}
        t = threading.Thread(target=lambda: result.update(s=D.drain(bhxh, pg("dancu"), c, FAST, mode="test")))
        t.start()
        time.sleep(3)
        faults(url, down=False)
        t.join(60)
        assert not t.is_alive()
    o = outcomes(bhxh)
    assert c.breaker.opened >= 1 and result["s"].retried > 0
    assert set(o["items"]) <= {"acked", "parked"} and o["acked"]
    assert set(vneid_counts(pg, o["acked"]).values()) == {1}


def test_two_concurrent_drains_never_take_the_same_item(people, bhxh, pg, send):
    send(bhxh, people, 10, seed=8)
    from de06.db import connect

    with serve_in_thread(port=0, latency_ms=20, seed=9) as url:
        conns = [(connect("bhxh"), connect("dancu")) for _ in range(2)]
        clients = [client(url) for _ in range(2)]
        small = D.Settings(batch_size=5, concurrency=2, max_run_s=60)
        threads = [
            threading.Thread(target=D.drain, args=(b, d, c, small), kwargs={"mode": "test"})
            for (b, d), c in zip(conns, clients, strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        for b, d in conns:
            b.close()
            d.close()
    with bhxh.cursor() as cur:
        cur.execute(
            "SELECT count(*), count(DISTINCT claimed_by), max(attempts) FROM outbox_item "
            "WHERE status = 'acked'"
        )
        n, runs, max_attempts = cur.fetchone()
    assert n > 0 and runs == 2 and max_attempts == 1  # each item pushed once, work shared by both runs
    assert sum(c.entries_sent for c in clients) == n  # no entry sent twice


def test_dead_letter_then_replay(people, bhxh, pg, send):
    send(bhxh, people, 4, seed=11)
    owner = people["adult"][0].cccd
    with serve_in_thread(port=0, dancu_lookup=True, seed=2) as url, client(url) as c:
        admin = {"X-Admin-Token": "admin"}
        others = [p.cccd for p in people["adult"][1:]]
        httpx.post(f"{url}/admin/accounts", json={"citizen_ids": others, "active": True}, headers=admin)
        httpx.post(f"{url}/admin/accounts", json={"citizen_ids": [owner], "active": False}, headers=admin)
        D.drain(bhxh, pg("dancu"), c, FAST, mode="test")
        dead = dlq.list_dead(bhxh)
        with bhxh.cursor() as cur:
            cur.execute("SELECT count(*) FROM outbox_item WHERE book_owner_id = %s", (owner,))
            owned = cur.fetchone()[0]
        bhxh.commit()
        assert owned and len(dead) == owned and {d["http_status"] for d in dead} == {404}
        assert all(owner not in str(d) for d in dead)  # masked
        httpx.post(f"{url}/admin/accounts", json={"citizen_ids": [owner], "active": True}, headers=admin)
        assert dlq.replay(bhxh) == owned
        stats = D.drain(bhxh, pg("dancu"), c, FAST, mode="replay")
    assert stats.acked == owned and dlq.list_dead(bhxh) == []


def test_parked_until_population_changes(people, bhxh, pg, send):
    sent = send(bhxh, people, 8, seed=13, mix={"unknown_citizen": 0.5})
    assert any(s.label == "unknown_citizen" for s in sent)
    with serve_in_thread(port=0, seed=1) as url, client(url) as c:
        D.drain(bhxh, pg("dancu"), c, FAST, mode="test")
        with bhxh.cursor() as cur:
            cur.execute(
                "SELECT o.item_id, o.identity->>'so_cccd', o.identity->>'ngay_sinh', "
                "o.identity->>'gioi_tinh', o.identity->>'ho_ten', p.reason "
                "FROM parked_item p JOIN outbox_item o USING (item_id) WHERE p.resolved_at IS NULL"
            )
            parked = cur.fetchall()
        bhxh.commit()
        assert parked and {r[5] for r in parked} == {"citizen_not_in_population"}
        # the citizen gets registered in the population DB: the next run unparks and pushes
        item_id, cid, ns, sex, name, _ = parked[0]
        admin = pg("dancu_admin")
        with admin.cursor() as cur:
            fam, *mid, giv = name.split(" ")
            cur.execute(
                "INSERT INTO citizen (citizen_id, cccd, full_name, family_name, middle_name, given_name, "
                "dob, sex, birth_province, residence_province, has_vneid, updated_at) "
                "VALUES (9201000500, %s, %s, %s, %s, %s, to_date(%s, 'YYYYMMDD'), %s, %s, '001', true, "
                "now() + interval '1 second')",
                (cid, name, fam, " ".join(mid), giv, ns[:8], "M" if sex == "1" else "F", cid[:3]),
            )
        admin.commit()
        stats = D.drain(bhxh, pg("dancu"), c, FAST, mode="test")
    assert stats.unparked >= 1
    with bhxh.cursor() as cur:
        cur.execute("SELECT status FROM outbox_item WHERE item_id = %s", (item_id,))
        assert cur.fetchone()[0] == "acked"


def test_child_and_newborn_go_to_the_guardian_book(people, bhxh, pg, send):
    sent = send(bhxh, people, 12, seed=17, mix={"newborn": 0.3, "child_no_vneid": 0.3})
    labels = {s.label for s in sent}
    assert {"newborn", "child_no_vneid"} <= labels
    with serve_in_thread(port=0, seed=1) as url, client(url) as c:
        D.drain(bhxh, pg("dancu"), c, FAST, mode="test")
    kid, baby = people["kid"], people["baby"]
    guardians = {kid.cccd: people["adult"][0].cccd, baby.cccd: people["adult"][1].cccd}
    with bhxh.cursor() as cur:
        cur.execute(
            "SELECT citizen_id, book_owner_id, status FROM outbox_item WHERE citizen_id = ANY(%s)",
            (list(guardians),),
        )
        rows = cur.fetchall()
    found = {r[0] for r in rows}
    assert found == set(guardians)
    assert all(guardians[c] == o and s == "acked" for c, o, s in rows)


def test_lab_result_readable_by_second_clinic_only_with_consent(people, bhxh, pg, send):
    sent = send(bhxh, people, 20, seed=19)
    with serve_in_thread(port=0, seed=1) as url, client(url) as c:
        D.drain(bhxh, pg("dancu"), c, FAST, mode="test")
        with bhxh.cursor() as cur:
            cur.execute(
                "SELECT citizen_id, facility_code FROM outbox_item WHERE entry_type = 'lab_result' "
                "AND status = 'acked' AND citizen_id = book_owner_id LIMIT 1"
            )
            citizen, fac = cur.fetchone()
        bhxh.commit()
        other = next(
            f.code
            for f in __import__("de06.simulators.clinics", fromlist=["x"]).facilities()
            if f.code != fac.strip()
        )
        with client(url, client_id=f"clinic-{other}", client_secret="clinic-secret") as reader:
            assert reader.read_book(citizen.strip(), "lab_result").status_code == 403
            assert c.grant_consent(citizen.strip(), other) in (200, 201)
            r = reader.read_book(citizen.strip(), "lab_result")
    assert r.status_code == 200
    assert len(sent) and "lab_result" in r.text


def test_events_folded_into_one_run_strand_nothing(people, bhxh, pg, send):
    """Two events while runs are held back (paused DAG, max_active_runs): the one run that follows
    drains the work of both, and work left waiting is announced again after stale_after."""
    from de06.db.conn import dsn
    from de06.health.trigger import signal_once

    first = send(bhxh, people, 3, seed=41)
    assert signal_once(dsn("bhxh"), 3600)[0] == len(first)  # event 1
    second = send(bhxh, people, 3, seed=42)
    assert signal_once(dsn("bhxh"), 3600)[0] == len(second)  # event 2, no run yet
    assert signal_once(dsn("bhxh"), 0.0)[0] == len(first) + len(second)  # stale: announced again
    with serve_in_thread(port=0, seed=1) as url, client(url) as c:
        stats = D.drain(bhxh, pg("dancu"), c, FAST, mode="test")
    o = outcomes(bhxh)
    assert stats.submissions == len(first) + len(second) and set(o["subs"]) == {"accepted"}
    assert sum(o["items"].values()) == expected_entries(first + second) and "pending" not in o["items"]


def test_scheduled_snapshot_takes_only_what_had_arrived(people, bhxh, pg, send):
    """A scheduled run (``snapshot``) claims the submissions and entries received up to its cut-off;
    what lands afterwards waits for the next tick instead of keeping the run alive."""
    early = send(bhxh, people, 3, seed=51)
    cutoff = D._db_now(bhxh)
    late = send(bhxh, people, 2, seed=52)
    stats = D.Stats("snapshot-test")
    assert D.ingest(bhxh, pg("dancu"), stats, before=cutoff) == len(early)
    assert D.work_left(bhxh, cutoff)[0] == 0  # nothing received before the cut-off is left
    assert D.work_left(bhxh)[0] == len(late)  # without a cut-off the late ones are waiting
    with serve_in_thread(port=0, seed=1) as url, client(url) as c:
        snap = D.Settings(**{**FAST.__dict__, "snapshot": True})
        s1 = D.drain(bhxh, pg("dancu"), c, snap, mode="scheduled")  # cut-off: now, so both batches
    o = outcomes(bhxh)
    assert s1.submissions == len(late) and set(o["subs"]) == {"accepted"}
    assert sum(o["items"].values()) == expected_entries(early + late) == o["items"].get("acked")


def test_last_pass_waits_out_the_retries_it_earns(people, bhxh, pg, send):
    """The drain's last sequential pass (after the ingester stops) sends entries whose 5xx answers
    schedule retries a little later; the pass waits for them instead of ending with work pending.
    The main loop is told to stop at once, so every push happens in that last pass."""
    sent = send(bhxh, people, 10, seed=77)
    cfg = D.Settings(**{**FAST.__dict__, "retry_base_s": 0.3, "retry_cap_s": 0.3, "api_batch": 0})
    with serve_in_thread(port=0, error_rate=0.3, seed=4) as url, client(url) as c:
        stats = D.drain(
            bhxh,
            pg("dancu"),
            c,
            cfg,
            mode="test",
            should_stop=lambda: True,
            connect=lambda: (pg("bhxh"), pg("dancu")),
        )
        api = httpx.get(f"{url}/admin/stats", headers={"X-Admin-Token": "admin"}, timeout=5).json()
    o = outcomes(bhxh)
    assert sum(api["by_fault"].values()) > 0, api  # the pass did earn retries
    assert stats.left_pending == 0 and "pending" not in o["items"], o["items"]
    assert o["items"].get("acked", 0) + o["items"].get("parked", 0) == expected_entries(sent)
