"""Pure rules of the push flow: backoff, circuit breaker, masking, idempotency keys."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from de06.health import mapping
from de06.health.client import CircuitBreaker, _masked, backoff
from de06.health.validate import check_submission

pytestmark = pytest.mark.unit
EXAMPLE = (Path(__file__).with_name("data") / "spec_example.xml").read_bytes()


def test_backoff_is_jittered_and_capped():
    rng = random.Random(1)
    waits = [backoff(a, 0.5, 4.0, rng) for a in range(10) for _ in range(20)]
    assert all(0 <= w <= 4.0 for w in waits)
    assert len({round(w, 6) for w in waits}) > 150  # jitter: not a fixed schedule
    assert max(backoff(0, 0.5, 4.0, rng) for _ in range(50)) <= 0.5


def test_breaker_opens_after_threshold_and_lets_one_probe_through():
    b = CircuitBreaker(threshold=3, cooldown_s=0.0)
    for _ in range(2):
        b.failure()
    assert b.allow() and b.opened == 0
    b.failure()
    assert b.opened == 1
    assert b.allow()  # cooldown 0: half-open, one probe
    assert not b.allow()  # second caller waits for the probe's outcome
    b.success()
    assert b.allow() and b.failures == 0


def test_api_messages_are_masked():
    assert _masked("citizen 001188012345 unknown") == "citizen 001*******45 unknown"
    # quoted text may be a name or an address the API echoed: dropped
    assert _masked("bad citizen_id '001188012345' for \"Nguyễn Văn An\"") == "bad citizen_id … for …"
    # a validation error list keeps where and what, never the input
    errors = [{"loc": ["body", "identity", "full_name"], "msg": "too long", "input": "Nguyễn Văn An"}]
    assert _masked(errors) == "body.identity.full_name: too long"
    assert len(_masked("x" * 500)) == 200


def test_idempotency_key_is_stable_and_content_sensitive():
    env = check_submission(EXAMPLE).envelope
    keys = [d.idempotency_key for d in mapping.drafts(env)]
    assert keys == [d.idempotency_key for d in mapping.drafts(check_submission(EXAMPLE).envelope)]
    assert len(set(keys)) == len(keys) == 2
    changed = EXAMPLE.replace(b"<NGAYLAP>20241007</NGAYLAP>", b"<NGAYLAP>20241008</NGAYLAP>")
    assert [d.idempotency_key for d in mapping.drafts(check_submission(changed).envelope)] == keys
    d = mapping.drafts(env)[0]
    d.payload["ket_qua_dtri"] = "1"
    assert d.idempotency_key != keys[0]
    assert {x.entry_type for x in mapping.drafts(env)} == {"visit", "reappointment"}
    assert "ho_ten" not in str(mapping.drafts(env)[0].payload)


def test_a_run_cannot_send_health_data_to_an_endpoint_of_its_choosing(monkeypatch):
    from de06.errors import InputError
    from de06.health.tasks import api_url, client_from

    monkeypatch.setenv("DE06_VNEID_API_URL", "https://vneid.internal/api")
    monkeypatch.delenv("DE06_VNEID_ALLOWED_URLS", raising=False)
    assert api_url(None) == "https://vneid.internal/api"
    assert api_url("https://vneid.internal/api/") == "https://vneid.internal/api/"  # the configured one
    with pytest.raises(InputError, match="not an allowed VNeID endpoint"):
        api_url("https://attacker.example")
    assert api_url("https://attacker.example", trusted=True) == "https://attacker.example"  # the CLI
    monkeypatch.setenv("DE06_VNEID_ALLOWED_URLS", "https://standby.internal/api, https://dr.internal")
    assert api_url("https://dr.internal") == "https://dr.internal"
    # credentials come from the workers' environment, never from a run's conf
    monkeypatch.setenv("DE06_VNEID_CLIENT_SECRET", "from-env")
    with client_from({"client_secret": "from-conf", "api_url": None}) as client:
        assert client.client_secret == "from-env"


def test_overrides_variable_values_are_bounded():
    from de06.errors import InputError
    from de06.health.tasks import _checked, settings

    assert _checked("concurrency", 8) == 8 and _checked("quality", False) is False
    for key, bad in (("concurrency", 0), ("max_run_s", 5000), ("quality", "false"), ("batch_size", True)):
        with pytest.raises(InputError, match=key):
            _checked(key, bad)
    # undeclared keys of a run's conf do not reach the drain
    assert settings({"max_attempts": 1, "concurrency": 3}).max_attempts == settings({}).max_attempts
