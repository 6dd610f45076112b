"""The VNeID API simulator over real HTTP (httpx against uvicorn) and real PostgreSQL."""

from __future__ import annotations

import random
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from de06.db import connect, migrate
from de06.errors import InputError
from de06.simulators.vneid_api import serve_in_thread
from de06.simulators.vneid_api.app import Settings, authenticate_client
from de06.simulators.vneid_api.faults import Faults, FaultState, mask_path

ADMIN = {"X-Admin-Token": "admin"}
FACILITY = "01999"


def _cid(rng: random.Random | None = None) -> str:
    r = rng or random.SystemRandom()
    return f"0010{r.randint(0, 99):02d}{r.randint(0, 999999):06d}"


def _entry(owner: str, citizen: str | None = None, **over) -> dict:
    body = {
        "citizen_id": citizen or owner,
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
def schema() -> None:
    """Only the databases this simulator touches (other areas' migrations are not its concern)."""
    migrate.upgrade(("vneid", "dancu"))


@pytest.fixture
def pg(schema):
    """Open connections by id; closed after the test."""
    opened = []

    def _open(conn_id: str):
        opened.append(connect(conn_id))
        return opened[-1]

    yield _open
    for c in opened:
        c.close()


@pytest.fixture(scope="module")
def api(schema):
    with serve_in_thread(port=0, dancu_lookup=False, seed=11) as base_url:
        with httpx.Client(base_url=base_url, timeout=10) as client:
            yield client


@pytest.fixture(autouse=True)
def _no_faults(request):
    if "api" in request.fixturenames:
        client = request.getfixturevalue("api")
        client.post(
            "/admin/faults", json={k: v for k, v in Faults().as_dict().items() if k != "seed"}, headers=ADMIN
        )


def _token(client: httpx.Client, client_id: str = "bhxh-gateway", secret: str = "bhxh-secret") -> dict:
    r = client.post("/oauth/token", data={"client_id": client_id, "client_secret": secret})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _account(client: httpx.Client, *ids: str, active: bool = True) -> None:
    r = client.post("/admin/accounts", json={"citizen_ids": list(ids), "active": active}, headers=ADMIN)
    assert r.status_code == 200, r.text


def _rows(pg, key: str) -> int:
    with pg("vneid").cursor() as cur:
        cur.execute("SELECT count(*) FROM health_book_entry WHERE idempotency_key = %s", (key,))
        return cur.fetchone()[0]


# --- pure rules ---------------------------------------------------------------------------
@pytest.mark.unit
def test_client_credentials_roles():
    s = Settings()
    assert authenticate_client(s, "bhxh-gateway", "bhxh-secret").role == "gateway"
    clinic = authenticate_client(s, "clinic-01001", "clinic-secret")
    assert (clinic.role, clinic.facility_code) == ("clinic", "01001")
    assert authenticate_client(s, "bhxh-gateway", "clinic-secret") is None
    assert authenticate_client(s, "clinic-0100", "clinic-secret") is None
    assert authenticate_client(s, "someone", "bhxh-secret") is None


@pytest.mark.unit
def test_fault_settings_validated_and_seeded():
    with pytest.raises(InputError):
        Faults(error_rate=1.5)
    with pytest.raises(InputError):
        FaultState().update({"no_such_fault": 1})
    a, b = FaultState(Faults(error_rate=0.5, seed=3)), FaultState(Faults(error_rate=0.5, seed=3))
    draws_a = [a.draw("/v1/consents", "POST")[0] for _ in range(50)]
    assert draws_a == [b.draw("/v1/consents", "POST")[0] for _ in range(50)]
    assert {d for d in draws_a if d} <= {"error:500", "error:502", "error:503"} and any(draws_a)
    assert mask_path("/v1/health-book/001090123456/entries") == "/v1/health-book/001*******56/entries"


# --- auth ---------------------------------------------------------------------------------
@pytest.mark.http
def test_openapi_lists_the_contract(api):
    spec = api.get("/openapi.json").json()
    assert spec["info"]["title"] == "VNeID API simulator"
    paths = spec["paths"]
    for p in (
        "/oauth/token",
        "/v1/health-book/entries",
        "/v1/consents",
        "/v1/health-book/{citizen_id}/entries",
        "/healthz",
        "/admin/faults",
        "/admin/stats",
    ):
        assert p in paths, p
    push = paths["/v1/health-book/entries"]["post"]
    assert {"200", "201", "400", "401", "403", "404", "409", "422", "429"} <= set(push["responses"])
    assert set(paths["/v1/consents"]) == {"post", "delete"}


@pytest.mark.http
def test_auth_missing_bad_wrong_role(api):
    owner = _cid()
    _account(api, owner)
    r = api.post("/v1/health-book/entries", json=_entry(owner), headers={"Idempotency-Key": "k"})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    r = api.post(
        "/v1/health-book/entries",
        json=_entry(owner),
        headers={"Idempotency-Key": "k", "Authorization": "Bearer not-a-token"},
    )
    assert r.status_code == 401 and 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    assert (
        api.post("/oauth/token", data={"client_id": "bhxh-gateway", "client_secret": "x"}).status_code == 401
    )
    clinic = _token(api, "clinic-01001", "clinic-secret")
    r = api.post("/v1/health-book/entries", json=_entry(owner), headers={**clinic, "Idempotency-Key": "k"})
    assert r.status_code == 403
    r = api.get(f"/v1/health-book/{owner}/entries", headers=_token(api))
    assert r.status_code == 403


@pytest.mark.http
def test_expired_token_is_refused(schema):
    with serve_in_thread(port=0, dancu_lookup=False, token_ttl_s=0.3) as url, httpx.Client(base_url=url) as c:
        tok = _token(c)
        time.sleep(0.5)
        r = c.post("/v1/consents", json={"citizen_id": _cid(), "facility_code": FACILITY}, headers=tok)
        assert r.status_code == 401
        assert 'error_description="token expired"' in r.headers["WWW-Authenticate"]


# --- idempotency --------------------------------------------------------------------------
@pytest.mark.http
def test_push_replay_conflict_and_errors(api, pg):
    gw = _token(api)
    owner, child = _cid(), _cid()
    _account(api, owner)
    body, key = _entry(owner, citizen=child), str(uuid.uuid4())
    first = api.post("/v1/health-book/entries", json=body, headers={**gw, "Idempotency-Key": key})
    assert first.status_code == 201 and first.json()["status"] == "accepted"
    again = api.post("/v1/health-book/entries", json=body, headers={**gw, "Idempotency-Key": key})
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    other = api.post(
        "/v1/health-book/entries",
        json={**body, "payload": {"value": 7}},
        headers={**gw, "Idempotency-Key": key},
    )
    assert other.status_code == 409
    assert _rows(pg, key) == 1
    assert api.post("/v1/health-book/entries", json=body, headers=gw).status_code == 400
    bad = api.post(
        "/v1/health-book/entries",
        json={**body, "entry_type": "x-ray"},
        headers={**gw, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert bad.status_code == 422
    nobody = api.post(
        "/v1/health-book/entries", json=_entry(_cid()), headers={**gw, "Idempotency-Key": "n" + key}
    )
    assert nobody.status_code == 404 and nobody.json() == {"detail": "no health book for this owner"}


@pytest.mark.http
def test_concurrent_identical_requests_store_one_row(api, pg):
    gw = _token(api)
    owner = _cid()
    _account(api, owner)
    body, key = _entry(owner), str(uuid.uuid4())

    def push(_):
        with httpx.Client(base_url=str(api.base_url), timeout=10) as c:
            return c.post("/v1/health-book/entries", json=body, headers={**gw, "Idempotency-Key": key})

    with ThreadPoolExecutor(8) as ex:
        results = list(ex.map(push, range(8)))
    codes = sorted(r.status_code for r in results)
    assert codes == [200] * 7 + [201]
    assert len({r.json()["entry_id"] for r in results}) == 1
    assert _rows(pg, key) == 1


# --- consent and reading ------------------------------------------------------------------
@pytest.mark.http
def test_consent_controls_reading_and_every_read_is_logged(api, pg):
    gw, clinic = _token(api), _token(api, "clinic-02001", "clinic-secret")
    owner = _cid()
    _account(api, owner)
    for t in ("visit", "lab_result"):
        r = api.post(
            "/v1/health-book/entries",
            json=_entry(owner, entry_type=t),
            headers={**gw, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert r.status_code == 201
    url = f"/v1/health-book/{owner}/entries"
    assert api.get(url, headers=clinic).status_code == 403
    consent = {"citizen_id": owner, "facility_code": "02001"}
    assert api.post("/v1/consents", json=consent, headers=gw).status_code == 201
    assert api.post("/v1/consents", json=consent, headers=gw).status_code == 200
    book = api.get(url, params={"entry_type": "lab_result"}, headers=clinic)
    assert book.status_code == 200 and book.json()["count"] == 1
    assert book.json()["entries"][0]["payload"]["test"] == "HbA1c"
    assert api.request("DELETE", "/v1/consents", json=consent, headers=gw).status_code == 200
    assert api.get(url, headers=clinic).status_code == 403
    with pg("vneid").cursor() as cur:
        cur.execute(
            "SELECT outcome FROM access_log WHERE citizen_masked = %s AND client_id = 'clinic-02001' "
            "ORDER BY access_id DESC LIMIT 3",
            (owner[:3] + "*******" + owner[-2:],),
        )
        assert [r[0] for r in cur.fetchall()] == ["refused", "granted", "refused"]
        cur.execute(
            "SELECT count(*) FROM access_log WHERE row_to_json(access_log)::text LIKE %s", (f"%{owner}%",)
        )
        assert cur.fetchone()[0] == 0


@pytest.mark.http
def test_owner_looked_up_in_population_db(pg):
    """With --dancu-lookup, an owner unknown to vneid.account is checked in dancu (alive, has_vneid)."""
    rng = random.Random()
    alive, dead = _cid(rng), _cid(rng)
    admin = pg("dancu_admin")
    ids = [rng.randint(9_000_000_000, 9_999_999_999) for _ in range(2)]
    with admin, admin.cursor() as cur:
        for pk, cccd, deceased in ((ids[0], alive, False), (ids[1], dead, True)):
            cur.execute(
                "INSERT INTO citizen (citizen_id, cccd, full_name, family_name, given_name, dob, sex, "
                "birth_province, residence_province, is_deceased) "
                "VALUES (%s, %s, 'X', 'X', 'X', '1990-01-01', 'M', '001', '001', %s)",
                (pk, cccd, deceased),
            )
    try:
        with serve_in_thread(port=0, dancu_lookup=True) as url, httpx.Client(base_url=url) as c:
            gw = _token(c)
            ok = c.post(
                "/v1/health-book/entries",
                json=_entry(alive),
                headers={**gw, "Idempotency-Key": str(uuid.uuid4())},
            )
            gone = c.post(
                "/v1/health-book/entries",
                json=_entry(dead),
                headers={**gw, "Idempotency-Key": str(uuid.uuid4())},
            )
            assert (ok.status_code, gone.status_code) == (201, 404)
    finally:
        with admin, admin.cursor() as cur:
            cur.execute("DELETE FROM citizen WHERE citizen_id = ANY(%s)", (ids,))


# --- faults -------------------------------------------------------------------------------
@pytest.mark.http
def test_error_rate_within_tolerance_and_reproducible(api):
    def run() -> list[int]:
        api.post("/admin/faults", json={"error_rate": 0.3, "seed": 5}, headers=ADMIN)
        return [
            api.post("/oauth/token", data={"client_id": "x", "client_secret": "y"}).status_code
            for _ in range(150)
        ]

    first = run()
    share = sum(c >= 500 for c in first) / len(first)
    assert 0.2 <= share <= 0.4, share
    assert set(first) <= {401, 500, 502, 503}
    assert run() == first


@pytest.mark.http
def test_throttle_down_and_latency(api, pg):
    started = datetime.now(UTC)
    api.post("/admin/faults", json={"throttle_rate": 1.0, "retry_after_s": 7}, headers=ADMIN)
    r = api.get("/v1/health-book/001090123456/entries")
    assert r.status_code == 429 and r.headers["Retry-After"] == "7"
    api.post("/admin/faults", json={"throttle_rate": 0.0, "down": True}, headers=ADMIN)
    assert api.get("/healthz").status_code == 503
    assert api.post("/oauth/token", data={"client_id": "x", "client_secret": "y"}).status_code == 503
    assert api.get("/admin/faults", headers=ADMIN).json()["down"] is True
    api.post("/admin/faults", json={"down": False, "latency_ms": 300, "jitter": 0.0}, headers=ADMIN)
    assert api.get("/healthz").status_code == 200
    t0 = time.perf_counter()
    r = api.get("/v1/health-book/001090123456/entries")
    assert r.status_code == 401 and time.perf_counter() - t0 >= 0.29
    row = None
    for _ in range(50):  # the request log is written in batches by a background thread
        with pg("vneid").cursor() as cur:
            cur.execute(
                "SELECT path, latency_ms FROM api_request_log WHERE fault = 'latency' AND logged_at > %s "
                "ORDER BY request_id DESC LIMIT 1",
                (started,),
            )
            row = cur.fetchone()
        if row:
            break
        time.sleep(0.1)
    path, latency_ms = row
    assert path == "/v1/health-book/001*******56/entries" and latency_ms >= 290
    stats = api.get("/admin/stats", headers=ADMIN).json()
    assert stats["by_status"]["429"] >= 1 and stats["by_status"]["503"] >= 2


@pytest.mark.http
def test_dropped_connection_is_a_transport_error(api):
    api.post("/admin/faults", json={"drop_rate": 1.0}, headers=ADMIN)
    with pytest.raises(httpx.TransportError):
        api.get("/v1/health-book/001090123456/entries")
    with pytest.raises(httpx.TransportError):
        api.post("/oauth/token", data={"client_id": "bhxh-gateway", "client_secret": "bhxh-secret"})


@pytest.mark.http
def test_timeout_after_accept_stores_once_and_retry_replays(api, pg):
    gw = _token(api)
    owner = _cid()
    _account(api, owner)
    body, key = _entry(owner), str(uuid.uuid4())
    api.post("/admin/faults", json={"timeout_after_accept_rate": 1.0, "timeout_sleep_s": 3}, headers=ADMIN)
    with pytest.raises(httpx.TimeoutException):
        api.post("/v1/health-book/entries", json=body, headers={**gw, "Idempotency-Key": key}, timeout=1.0)
    assert _rows(pg, key) == 1
    api.post("/admin/faults", json={"timeout_after_accept_rate": 0.0}, headers=ADMIN)
    retry = api.post("/v1/health-book/entries", json=body, headers={**gw, "Idempotency-Key": key})
    assert retry.status_code == 200 and retry.headers["Idempotent-Replayed"] == "true"
    assert _rows(pg, key) == 1


@pytest.mark.http
def test_admin_needs_its_token(api):
    assert api.post("/admin/faults", json={"down": True}).status_code == 403
    assert api.post("/admin/faults", json={"error_rate": 2}, headers=ADMIN).status_code == 400
    assert api.get("/healthz").status_code == 200


@pytest.mark.http
def test_unreachable_store_answers_503_not_a_traceback(schema, monkeypatch):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there
    monkeypatch.setenv("AIRFLOW_CONN_VNEID", f"postgresql://de06@127.0.0.1:{port}/vneid")
    with serve_in_thread(port=0, migrate=False, dancu_lookup=False) as url, httpx.Client(base_url=url) as c:
        r = c.get("/healthz")
        assert r.status_code == 503 and r.headers["Retry-After"] == "1"
        assert (
            c.post(
                "/oauth/token", data={"client_id": "bhxh-gateway", "client_secret": "bhxh-secret"}
            ).status_code
            == 503
        )


# --- CLI ------------------------------------------------------------------------------------
@pytest.mark.http
def test_cli_port_in_use_is_one_clear_line(schema):
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    try:
        de06 = Path(sys.executable).with_name("de06")
        out = subprocess.run(
            [str(de06), "vneid-api", "serve", "--port", str(port)], capture_output=True, text=True, timeout=60
        )
    finally:
        holder.close()
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and f"port {port}" in lines[0] and "--port" in lines[0], out.stderr
