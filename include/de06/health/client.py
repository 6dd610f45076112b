"""HTTP client of the VNeID health-book API: token auth, idempotency keys, retries with exponential
backoff and jitter, 429 Retry-After, and a circuit breaker shared by all threads of a drain.

Outcomes: ``acked`` (201, or 200 replay of the same key), ``retry`` (transient: 5xx, 429, timeout,
dropped connection, breaker open), ``dead`` (permanent 4xx other than 401/429). The caller
acknowledges an item only on ``acked``. A retry whose request never left (connection refused, no
such host, not a URL, breaker open) is ``unsent``: it does not count as a delivery attempt.

Logged at WARNING (endpoint and error class/message, never an entry): each call that fails at the
transport level, and each opening of the circuit breaker (once per opening, not per entry). The
counters ``responses`` (HTTP answers of any status) and ``transport_errors`` let a drain tell an
unreachable endpoint from a slow or faulty one.

:meth:`VneidClient.push_many` sends up to 500 entries in one call to the batch endpoint and maps
each entry's own status the same way (a whole-call failure makes every entry ``retry``).
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from dataclasses import dataclass

import httpx
from de06.domain.cccd import mask

DEFAULT_CLIENT_ID = "bhxh-gateway"
DEFAULT_CLIENT_SECRET = "bhxh-secret"
BATCH_PATH = "/v1/health-book/entries/batch"

log = logging.getLogger(__name__)

#: Transport errors raised before any byte of the request left: the API cannot have seen it.
UNSENT_ERRORS = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.InvalidURL,
)
#: What a push call catches as a failure below HTTP (timeouts included; an unusable URL too).
TRANSPORT_ERRORS = (httpx.TransportError, httpx.InvalidURL)


@dataclass
class Outcome:
    kind: str  # acked | retry | dead
    http_status: int | None = None
    entry_id: str | None = None
    reason: str | None = None
    retry_after_s: float | None = None
    replayed: bool = False
    unsent: bool = False  # a retry whose request never reached the API (not a delivery attempt)


_ID_LIKE = re.compile(r"\d{9,15}")
_QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'')


def _masked(detail) -> str:
    """An API message may echo the request (422): a validation error list is cut to where and
    what (``loc: msg``, never its ``input``); quoted text is dropped and anything that looks like
    an ID masked. At most 200 characters."""
    if isinstance(detail, list):
        detail = "; ".join(
            f"{'.'.join(str(x) for x in d.get('loc') or ())}: {d.get('msg', '')}"
            if isinstance(d, dict)
            else "…"
            for d in detail
        )
    text = _QUOTED.sub("…", str(detail or ""))
    return _ID_LIKE.sub(lambda m: mask(m.group()), text)[:200]


def backoff(attempt: int, base_s: float, cap_s: float, rng: random.Random | None = None) -> float:
    """Full-jitter exponential backoff: uniform(0, min(cap, base * 2**attempt))."""
    r = rng or random
    return r.uniform(0, min(cap_s, base_s * (2 ** max(0, attempt))))


def entry_outcome(res: dict) -> Outcome:
    """One entry's result in a batch answer -> outcome (same rules as a single call's status)."""
    s = int(res.get("status") or 0)
    if s in (200, 201):
        return Outcome("acked", s, entry_id=str(res.get("entry_id")), replayed=s == 200)
    if s == 429:
        ra = res.get("retry_after_s")
        return Outcome("retry", s, reason="throttled (429)", retry_after_s=float(ra if ra is not None else 1))
    if s >= 500 or s == 0:
        return Outcome("retry", s or None, reason=f"server error {s}")
    detail = _masked(res.get("detail"))
    return Outcome("dead", s, reason=f"HTTP {s}: {detail}".rstrip(": "))


class CircuitBreaker:
    """Opens after ``threshold`` consecutive transient failures; one probe after ``cooldown_s``."""

    def __init__(self, threshold: int = 5, cooldown_s: float = 5.0, max_cooldown_s: float = 30.0):
        self.threshold, self.base_cooldown, self.max_cooldown = threshold, cooldown_s, max_cooldown_s
        self.cooldown = cooldown_s
        self.failures = 0
        self.open_until = 0.0
        self.opened = 0
        self._probe = False
        self._lock = threading.Lock()

    def allow(self) -> bool:
        with self._lock:
            now = time.monotonic()
            if self.open_until == 0.0:
                return True
            if now >= self.open_until and not self._probe:
                self._probe = True  # half-open: let exactly one request through
                return True
            return False

    def wait_s(self) -> float:
        return max(0.0, self.open_until - time.monotonic()) if self.open_until else 0.0

    def success(self) -> None:
        with self._lock:
            self.failures, self.open_until, self._probe, self.cooldown = 0, 0.0, False, self.base_cooldown

    def failure(self) -> bool:
        """Count a transient failure; True when it opened a closed (or half-open) breaker, False
        when the breaker stays closed or was open already (a call started before it opened)."""
        with self._lock:
            self.failures += 1
            if self._probe or self.failures >= self.threshold:
                now = time.monotonic()
                was_open = not self._probe and now < self.open_until
                if self._probe:
                    self.cooldown = min(self.max_cooldown, self.cooldown * 2)
                self.open_until = now + self.cooldown
                self._probe = False
                self.opened += 1
                return not was_open
            return False


class VneidClient:
    def __init__(
        self,
        base_url: str,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        *,
        timeout_s: float = 5.0,
        inline_attempts: int = 3,
        backoff_base_s: float = 0.2,
        backoff_cap_s: float = 5.0,
        max_retry_after_s: float = 5.0,
        breaker: CircuitBreaker | None = None,
        seed: int | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.client_id, self.client_secret = client_id, client_secret
        self.inline_attempts = inline_attempts
        self.backoff_base_s, self.backoff_cap_s = backoff_base_s, backoff_cap_s
        self.max_retry_after_s = max_retry_after_s
        self.breaker = breaker or CircuitBreaker()
        self.rng = random.Random(seed)
        self.http = httpx.Client(
            timeout=httpx.Timeout(timeout_s, connect=min(2.0, timeout_s)),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
        )
        self._token: str | None = None
        self._token_lock = threading.Lock()
        self.calls = 0  # HTTP calls that pushed entries (single or batch)
        self.entries_sent = 0  # entries carried by those calls
        self.transient = 0
        self.responses = 0  # HTTP answers of any status (token or push): the endpoint is reachable
        self.transport_errors = 0  # push calls that failed at the transport level
        self.last_transport_error: str | None = None  # "ConnectError: [Errno 111] Connection refused"
        self._count_lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        """The base URL as logs may show it (no user:password part)."""
        try:
            url = httpx.URL(self.base_url)
            return str(url.copy_with(userinfo=b"")) if url.userinfo else self.base_url
        except (httpx.InvalidURL, TypeError, ValueError):
            return self.base_url

    def _answered(self) -> None:
        with self._count_lock:
            self.responses += 1

    def _breaker_failure(self, cause: str) -> None:
        """Count a transient failure in the breaker; log (once per opening) when it opens."""
        if self.breaker.failure():
            log.warning(
                "VNeID API %s: circuit breaker opened after %d consecutive failures (last: %s);"
                " pushes paused for %.1f s",
                self.endpoint,
                self.breaker.failures,
                cause,
                self.breaker.cooldown,
            )

    def _transport_failed(self, exc: Exception, entries: int) -> Outcome:
        """A call that failed below HTTP (refused, unresolvable, timed out, dropped): logged with the
        endpoint and the error's class and message (IDs masked, never the request)."""
        text = _masked((str(exc).splitlines() or [""])[0])
        what = f"{type(exc).__name__}: {text or '(no message)'}"
        with self._count_lock:
            self.transport_errors += 1
            self.last_transport_error = what
        log.warning(
            "VNeID API %s: push of %d entr%s failed at the transport level: %s",
            self.endpoint,
            entries,
            "y" if entries == 1 else "ies",
            what,
        )
        self._breaker_failure(what)
        return Outcome(
            "retry", reason=f"transport: {type(exc).__name__}", unsent=isinstance(exc, UNSENT_ERRORS)
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- auth -------------------------------------------------------------------------
    def token(self, refresh: bool = False) -> str:
        with self._token_lock:
            if self._token is None or refresh:
                r = self.http.post(
                    f"{self.base_url}/oauth/token",
                    data={"client_id": self.client_id, "client_secret": self.client_secret},
                )
                if r.status_code != 200:
                    raise httpx.HTTPStatusError(
                        f"token request refused ({r.status_code})", request=r.request, response=r
                    )
                self._token = r.json()["access_token"]
            return self._token

    def _headers(self, key: str | None = None, refresh: bool = False) -> dict[str, str]:
        h = {"Authorization": f"Bearer {self.token(refresh)}"}
        if key:
            h["Idempotency-Key"] = key
        return h

    # ---- push -------------------------------------------------------------------------
    def _once(self, body: dict, key: str) -> Outcome:
        if not self.breaker.allow():
            return Outcome(
                "retry", reason="circuit breaker open", retry_after_s=self.breaker.wait_s(), unsent=True
            )
        self.calls += 1
        try:
            r = self.http.post(
                f"{self.base_url}/v1/health-book/entries", json=body, headers=self._headers(key)
            )
            if r.status_code == 401:
                r = self.http.post(
                    f"{self.base_url}/v1/health-book/entries",
                    json=body,
                    headers=self._headers(key, refresh=True),
                )
        except httpx.HTTPStatusError as exc:  # token endpoint refused
            self._answered()
            status = exc.response.status_code
            if status >= 500 or status == 429:
                self._breaker_failure(f"token endpoint {status}")
                return Outcome("retry", status, reason=f"token endpoint {status}")
            return Outcome("dead", status, reason=f"token refused ({status}): check client credentials")
        except TRANSPORT_ERRORS as exc:
            return self._transport_failed(exc, 1)
        self._answered()
        s = r.status_code
        if s in (200, 201):
            self.breaker.success()
            data = r.json()
            return Outcome(
                "acked",
                s,
                entry_id=str(data.get("entry_id")),
                replayed=r.headers.get("Idempotent-Replayed", "").lower() == "true",
            )
        return self._error_outcome(r)

    def push(self, body: dict, key: str) -> Outcome:
        """Push one entry with up to ``inline_attempts`` tries (short waits); transient -> ``retry``."""
        out = Outcome("retry", reason="not attempted")
        for attempt in range(self.inline_attempts):
            out = self._once(body, key)
            if out.kind != "retry":
                return out
            self.transient += 1
            if out.reason == "circuit breaker open":
                return out
            wait = (
                out.retry_after_s
                if out.retry_after_s is not None
                else backoff(attempt, self.backoff_base_s, self.backoff_cap_s, self.rng)
            )
            if attempt + 1 >= self.inline_attempts or wait > self.max_retry_after_s:
                return out
            time.sleep(wait)
        return out

    def push_many(self, items: list[tuple[dict, str]]) -> list[Outcome]:
        """Push ``(body, idempotency_key)`` pairs in one batch call; one outcome per item, in order.

        No inline retry: transient outcomes go back to the caller's queue (backoff, Retry-After).
        """
        if not items:
            return []
        if not self.breaker.allow():
            o = Outcome(
                "retry", reason="circuit breaker open", retry_after_s=self.breaker.wait_s(), unsent=True
            )
            return [o] * len(items)
        self.calls += 1
        self.entries_sent += len(items)
        url = f"{self.base_url}{BATCH_PATH}"
        payload = {"entries": [{"idempotency_key": k, "entry": b} for b, k in items]}
        try:
            r = self.http.post(url, json=payload, headers=self._headers())
            if r.status_code == 401:
                r = self.http.post(url, json=payload, headers=self._headers(refresh=True))
        except httpx.HTTPStatusError as exc:  # token endpoint refused
            self._answered()
            status = exc.response.status_code
            if status >= 500 or status == 429:
                self._breaker_failure(f"token endpoint {status}")
                return [Outcome("retry", status, reason=f"token endpoint {status}")] * len(items)
            o = Outcome("dead", status, reason=f"token refused ({status}): check client credentials")
            return [o] * len(items)
        except TRANSPORT_ERRORS as exc:
            return [self._transport_failed(exc, len(items))] * len(items)
        self._answered()
        if r.status_code != 200:
            return [self._error_outcome(r, " (whole batch)")] * len(items)
        self.breaker.success()
        try:
            results = {int(x["index"]): x for x in r.json()["results"]}
        except (ValueError, KeyError, TypeError):
            return [Outcome("retry", 200, reason="unreadable batch answer")] * len(items)
        out = []
        for i, (_b, key) in enumerate(items):
            res = results.get(i)
            if res is None or res.get("idempotency_key") != key:
                out.append(Outcome("retry", reason="no answer for this entry in the batch"))
            else:
                out.append(entry_outcome(res))
        return out

    def _error_outcome(self, r: httpx.Response, scope: str = "") -> Outcome:
        """The outcome of an answer with an error status (for a batch call: of every entry in it,
        ``scope`` " (whole batch)"): 429 and 5xx are retried, any other is permanent."""
        s = r.status_code
        if s == 429:
            self.breaker.success()  # the API is alive, only throttling
            try:
                ra = float(r.headers.get("Retry-After", "1"))
            except ValueError:
                ra = 1.0
            return Outcome("retry", s, reason="throttled (429)", retry_after_s=ra)
        if s >= 500:
            self._breaker_failure(f"server error {s}{scope}")
            return Outcome("retry", s, reason=f"server error {s}")
        self.breaker.success()
        detail = ""
        try:
            detail = _masked(r.json().get("detail", ""))
        except ValueError:
            pass
        return Outcome("dead", s, reason=f"HTTP {s}{scope}: {detail}".rstrip(": "))

    # ---- consent and read-back (used by tests and the demo) -----------------------------
    def grant_consent(self, citizen_id: str, facility_code: str) -> int:
        r = self.http.post(
            f"{self.base_url}/v1/consents",
            json={"citizen_id": citizen_id, "facility_code": facility_code},
            headers=self._headers(),
        )
        return r.status_code

    def read_book(self, citizen_id: str, entry_type: str | None = None) -> httpx.Response:
        params = {"entry_type": entry_type} if entry_type else None
        return self.http.get(
            f"{self.base_url}/v1/health-book/{citizen_id}/entries", params=params, headers=self._headers()
        )
