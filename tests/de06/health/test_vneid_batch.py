"""The VNeID API's batch endpoint over real HTTP and PostgreSQL, and the client's per-entry outcomes.

``POST /v1/health-book/entries/batch``: one result per entry (own idempotency key, own status),
auth as the single call, per-entry 5xx/429 faults at the configured rates, whole-call drops and
timeouts after accept replayed by key.
"""

from __future__ import annotations

import random
import uuid

import httpx
import pytest
from de06.health.client import Outcome, VneidClient, entry_outcome
from de06.simulators.vneid_api import serve_in_thread
from de06.simulators.vneid_api.app import MAX_BATCH

pytestmark = [pytest.mark.postgres, pytest.mark.http]
ADMIN = {"X-Admin-Token": "admin"}
FACILITY = "01999"
BATCH = "/v1/health-book/entries/batch"


def _cid(rng: random.Random) -> str:
    return f"0010{rng.randint(0, 99):02d}{rng.randint(0, 999999):06d}"


def _entry(owner: str, **over) -> dict:
    body = {
        "citizen_id": owner,
        "book_owner_id": owner,
        "entry_type": "lab_result",
        "facility_code": FACILITY,
        "episode_key": f"{FACILITY}:LK{uuid.uuid4().hex[:8]}",
        "occurred_at": "2025-03-01T08:30:00+07:00",
        "payload": {"test": "HbA1c", "value": 6.1, "unit": "%"},
    }
    body.update(over)
    return body


@pytest.fixture(scope="module")
def api(migrated):
    with serve_in_thread(port=0, dancu_lookup=False, seed=3) as url:
        with httpx.Client(base_url=url, timeout=10) as http:
            yield http


@pytest.fixture
def gw(api) -> dict:
    api.post("/admin/faults", json={"error_rate": 0, "throttle_rate": 0, "drop_rate": 0}, headers=ADMIN)
    r = api.post("/oauth/token", data={"client_id": "bhxh-gateway", "client_secret": "bhxh-secret"})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _owners(api, n: int, seed: int, active: bool = True) -> list[str]:
    ids = [_cid(random.Random(seed * 1000 + i)) for i in range(n)]
    r = api.post("/admin/accounts", json={"citizen_ids": ids, "active": active}, headers=ADMIN)
    assert r.status_code == 200
    return ids


def _stored(pg, keys: list[str]) -> dict[str, int]:
    with pg("vneid").cursor() as cur:
        cur.execute(
            "SELECT idempotency_key, count(*) FROM health_book_entry "
            "WHERE idempotency_key = ANY(%s) GROUP BY 1",
            (keys,),
        )
        return dict(cur.fetchall())


def test_per_entry_results_in_order(api, gw, pg):
    owner, nobody = _owners(api, 1, 1)[0], _owners(api, 1, 2, active=False)[0]
    good = [(_entry(owner), f"k-{uuid.uuid4()}") for _ in range(3)]
    items = [
        *good,
        (_entry(nobody), f"k-{uuid.uuid4()}"),  # no book
        (_entry(owner, entry_type="x-ray"), f"k-{uuid.uuid4()}"),  # invalid entry
        (good[0][0], good[0][1]),  # same key and body again within the batch
        ({**good[1][0], "payload": {"v": 2}}, good[1][1]),  # same key, other body
    ]
    body = {"entries": [{"idempotency_key": k, "entry": e} for e, k in items]}
    r = api.post(BATCH, json=body, headers=gw)
    assert r.status_code == 200, r.text
    res = r.json()["results"]
    assert [x["index"] for x in res] == list(range(len(items)))
    assert [x["status"] for x in res] == [201, 201, 201, 404, 422, 200, 409]
    assert res[5]["entry_id"] == res[0]["entry_id"]
    assert "entry_type" in res[4]["detail"] and owner not in res[4]["detail"]  # field named, no value
    assert r.json()["stored"] == 4 and r.json()["failed"] == 3
    # stored once each; the whole batch again replays every stored entry, stores nothing new
    keys = [k for _e, k in good]
    assert _stored(pg, keys) == dict.fromkeys(keys, 1)
    again = api.post(BATCH, json={"entries": body["entries"][:3]}, headers=gw).json()["results"]
    assert [x["status"] for x in again] == [200, 200, 200]
    assert [x["entry_id"] for x in again] == [x["entry_id"] for x in res[:3]]
    assert _stored(pg, keys) == dict.fromkeys(keys, 1)


def test_whole_call_auth_and_limits(api, gw):
    e = {"entries": [{"idempotency_key": "k", "entry": _entry("001099000001")}]}
    assert api.post(BATCH, json=e).status_code == 401
    clinic = api.post(
        "/oauth/token", data={"client_id": f"clinic-{FACILITY}", "client_secret": "clinic-secret"}
    )
    hdr = {"Authorization": f"Bearer {clinic.json()['access_token']}"}
    assert api.post(BATCH, json=e, headers=hdr).status_code == 403
    too_many = {"entries": e["entries"] * (MAX_BATCH + 1)}
    assert api.post(BATCH, json=too_many, headers=gw).status_code == 413
    assert api.post(BATCH, json={"entries": []}, headers=gw).status_code == 422
    spec = api.get("/openapi.json").json()["paths"][BATCH]["post"]
    assert {"200", "401", "403", "413", "422", "429", "503"} <= set(spec["responses"])


def test_faults_hit_single_entries_at_the_configured_rates(api, gw, pg):
    owners = _owners(api, 20, 3)
    api.post(
        "/admin/faults",
        json={"error_rate": 0.2, "throttle_rate": 0.1, "retry_after_s": 2, "seed": 8},
        headers=ADMIN,
    )
    before = api.get("/admin/stats", headers=ADMIN).json()
    items = [(_entry(owners[i % 20]), f"k-{uuid.uuid4()}") for i in range(400)]
    r = api.post(BATCH, json={"entries": [{"idempotency_key": k, "entry": e} for e, k in items]}, headers=gw)
    assert r.status_code == 200
    res = r.json()["results"]
    codes = [x["status"] for x in res]
    errors, throttled = sum(c >= 500 for c in codes), sum(c == 429 for c in codes)
    assert 40 <= errors <= 120 and 15 <= throttled <= 70, (errors, throttled)
    assert all(x["retry_after_s"] == 2 for x in res if x["status"] == 429)
    # only 201s were stored; the API counted the per-entry faults
    stored = _stored(pg, [k for _e, k in items])
    assert set(stored) == {x["idempotency_key"] for x in res if x["status"] == 201}
    after = api.get("/admin/stats", headers=ADMIN).json()
    assert after["by_fault"].get("error", 0) - before["by_fault"].get("error", 0) == errors
    assert after["by_entry_status"]["429"] - before["by_entry_status"].get("429", 0) == throttled


def test_client_maps_each_entry_and_retries_only_the_failed_ones(api, gw, pg):
    owners = _owners(api, 5, 4)
    nobody = _owners(api, 1, 5, active=False)[0]
    url = str(api.base_url)
    items = [(_entry(owners[i % 5]), f"k-{uuid.uuid4()}") for i in range(60)] + [
        (_entry(nobody), f"k-{uuid.uuid4()}")
    ]
    api.post("/admin/faults", json={"error_rate": 0.3, "throttle_rate": 0.1, "seed": 2}, headers=ADMIN)
    with VneidClient(url, timeout_s=5) as c:
        out = c.push_many(items)
        assert c.calls == 1 and c.entries_sent == len(items)
        assert out[-1].kind == "dead" and out[-1].http_status == 404 and nobody not in out[-1].reason
        assert {o.kind for o in out[:-1]} == {"acked", "retry"}
        assert any(o.retry_after_s for o in out if o.http_status == 429)
        api.post("/admin/faults", json={"error_rate": 0, "throttle_rate": 0}, headers=ADMIN)
        # resend everything: the acked ones replay (200), the retried ones are stored now
        again = c.push_many(items[:-1])
    assert all(o.kind == "acked" for o in again)
    assert [o.entry_id for o, a in zip(again, out, strict=False) if a.kind == "acked"] == [
        a.entry_id for a in out[:-1] if a.kind == "acked"
    ]
    assert all(o.replayed for o, a in zip(again, out, strict=False) if a.kind == "acked")
    assert set(_stored(pg, [k for _e, k in items[:-1]]).values()) == {1}


def test_dropped_batch_call_and_timeout_after_accept_replay(api, gw, pg):
    owners = _owners(api, 3, 6)
    items = [(_entry(owners[i % 3]), f"k-{uuid.uuid4()}") for i in range(10)]
    url = str(api.base_url)
    with VneidClient(url, timeout_s=1.0) as c:
        c.token()
        api.post("/admin/faults", json={"drop_rate": 1.0}, headers=ADMIN)
        dropped = c.push_many(items)
        assert all(o.kind == "retry" and "transport" in o.reason for o in dropped)
        assert _stored(pg, [k for _e, k in items]) == {}
        api.post(
            "/admin/faults",
            json={"drop_rate": 0, "timeout_after_accept_rate": 1.0, "timeout_sleep_s": 2},
            headers=ADMIN,
        )
        held = c.push_many(items)
        assert all(o.kind == "retry" for o in held)
        api.post("/admin/faults", json={"timeout_after_accept_rate": 0}, headers=ADMIN)
        retried = c.push_many(items)
    assert all(o.kind == "acked" and o.replayed for o in retried)  # stored by the held call
    assert set(_stored(pg, [k for _e, k in items]).values()) == {1}


@pytest.mark.unit
def test_entry_outcome_rules():
    assert entry_outcome({"status": 201, "entry_id": "e"}) == Outcome("acked", 201, entry_id="e")
    assert entry_outcome({"status": 200, "entry_id": "e"}).replayed
    assert entry_outcome({"status": 429, "retry_after_s": 3}).retry_after_s == 3.0
    assert entry_outcome({"status": 503}).kind == "retry"
    dead = entry_outcome({"status": 422, "detail": "bad 001099000001"})
    assert dead.kind == "dead" and "001099000001" not in dead.reason
