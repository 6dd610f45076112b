"""Fault injection for the VNeID API simulator: a raw ASGI middleware around the FastAPI app.

Faults (set by CLI flags, ``serve_in_thread(**faults)`` or live through ``POST /admin/faults``):

- ``latency_ms`` (+ ``jitter`` as a fraction, default 0.25): added before every faultable call;
- ``error_rate``: answer 500/502/503 without touching the app;
- ``throttle_rate``: answer 429 with ``Retry-After: retry_after_s``;
- ``drop_rate``: abort the TCP connection without any response (clients see a transport error);
- ``timeout_after_accept_rate``: for ``POST /v1/health-book/entries`` only — let the app store the
  entry, then hold the response ``timeout_sleep_s`` seconds and drop the connection (clients time
  out after the entry was accepted; a retry with the same Idempotency-Key replays it);
- ``down``: every call (``/healthz`` included, ``/admin/*`` excepted) answers 503.

``POST /v1/health-book/entries/batch`` carries many entries in one call, so its faults keep the
same *per-entry* rates: ``error_rate`` and ``throttle_rate`` are drawn for every entry of the batch
(that entry's result says 5xx, or 429 with ``retry_after_s``; it is not stored), while latency,
``drop_rate``, ``timeout_after_accept_rate`` and ``down`` act on the call as a whole (a dropped or
held call loses every answer of the batch; after an accept, every stored entry replays on retry).

Draws come from one ``random.Random(seed)`` in arrival order, so a seed gives the same fault
sequence for the same sequence of calls. ``/healthz``, ``/admin/*`` and the docs are never
faulted (except ``down`` for ``/healthz``).
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, fields
from typing import Any

from de06.domain.cccd import mask
from de06.errors import InputError

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ENTRIES_PATH = "/v1/health-book/entries"
BATCH_PATH = "/v1/health-book/entries/batch"
STORING_PATHS = (ENTRIES_PATH, BATCH_PATH)
NEVER_FAULTED = ("/healthz", "/admin", "/openapi.json", "/docs", "/redoc")
_ID_IN_PATH = re.compile(r"(?<!\d)\d{9,12}(?!\d)")
RATE_FIELDS = ("error_rate", "throttle_rate", "drop_rate", "timeout_after_accept_rate")


@dataclass
class Faults:
    latency_ms: float = 0.0
    jitter: float = 0.25
    error_rate: float = 0.0
    throttle_rate: float = 0.0
    retry_after_s: int = 1
    drop_rate: float = 0.0
    timeout_after_accept_rate: float = 0.0
    timeout_sleep_s: float = 30.0
    down: bool = False
    seed: int | None = None

    def __post_init__(self) -> None:
        validate(self)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


FAULT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Faults))


def validate(f: Faults) -> None:
    for name in RATE_FIELDS:
        v = getattr(f, name)
        if not 0.0 <= float(v) <= 1.0:
            raise InputError(f"fault {name}={v} is not a rate", f"give {name} between 0 and 1")
    if sum(float(getattr(f, n)) for n in ("error_rate", "throttle_rate", "drop_rate")) > 1.0:
        raise InputError("error_rate + throttle_rate + drop_rate exceed 1", "lower one of them")
    for name in ("latency_ms", "jitter", "retry_after_s", "timeout_sleep_s"):
        if float(getattr(f, name)) < 0:
            raise InputError(f"fault {name}={getattr(f, name)} is negative", f"give {name} >= 0")


def mask_path(path: str) -> str:
    """Request path for the log with any personal ID masked."""
    return _ID_IN_PATH.sub(lambda m: mask(m.group(0)), path)


class FaultState:
    """Current faults, the seeded random source and per-status counters (thread-safe)."""

    def __init__(self, faults: Faults | None = None):
        self._lock = threading.Lock()
        self.faults = faults or Faults()
        self._rng = random.Random(self.faults.seed)
        self.by_status: Counter[str] = Counter()
        self.by_fault: Counter[str] = Counter()
        self.by_entry_status: Counter[str] = Counter()
        self.started = time.time()

    def update(self, changes: dict[str, Any]) -> Faults:
        unknown = set(changes) - set(FAULT_NAMES)
        if unknown:
            raise InputError(f"unknown fault(s) {sorted(unknown)}", f"use {', '.join(FAULT_NAMES)}")
        with self._lock:
            merged = {**self.faults.as_dict(), **changes}
            new = Faults(**merged)
            self.faults = new
            if "seed" in changes:
                self._rng = random.Random(new.seed)
        return new

    def draw(self, path: str, method: str) -> tuple[str | None, float]:
        """(fault or None, added latency in seconds) for one call."""
        with self._lock:
            f = self.faults
            if f.down:
                return "down", 0.0
            latency = 0.0
            if f.latency_ms > 0:
                latency = f.latency_ms / 1000.0 * max(0.0, 1.0 + self._rng.uniform(-f.jitter, f.jitter))
            u = self._rng.random()
            fault = None
            per_entry = path == BATCH_PATH  # error/throttle drawn per entry (draw_entry)
            if u < f.drop_rate:
                fault = "drop"
            elif not per_entry and u < f.drop_rate + f.throttle_rate:
                fault = "throttle"
            elif not per_entry and u < f.drop_rate + f.throttle_rate + f.error_rate:
                fault = "error"
            elif method == "POST" and path in STORING_PATHS and f.timeout_after_accept_rate > 0:
                if self._rng.random() < f.timeout_after_accept_rate:
                    fault = "timeout_after_accept"
            error_code = self._rng.choice((500, 502, 503)) if fault == "error" else 0
        if fault == "error":
            return f"error:{error_code}", latency
        return fault, latency

    def draw_entry(self) -> tuple[int, str] | None:
        """A fault for one entry of a batch call: ``(status, fault)`` or None (store it)."""
        with self._lock:
            f = self.faults
            if f.error_rate <= 0 and f.throttle_rate <= 0:
                return None
            u = self._rng.random()
            if u < f.throttle_rate:
                return 429, "throttle"
            if u < f.throttle_rate + f.error_rate:
                return self._rng.choice((500, 502, 503)), "error"
        return None

    def count_entries(self, statuses: list[int], faults: list[str]) -> None:
        """Per-entry answers of a batch call (``by_entry_status``; faults also in ``by_fault``)."""
        with self._lock:
            self.by_entry_status.update(str(s) for s in statuses)
            self.by_fault.update(faults)

    def count(self, status: int | None, fault: str | None) -> None:
        with self._lock:
            self.by_status["dropped" if status is None else str(status)] += 1
            if fault:
                self.by_fault[fault.split(":")[0]] += 1

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": sum(self.by_status.values()),
                "by_status": dict(self.by_status),
                "by_fault": dict(self.by_fault),
                "by_entry_status": dict(self.by_entry_status),
                "since": self.started,
            }


async def _json_response(
    send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]]
) -> None:
    raw = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(raw)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": raw})


async def _drop(send: Send) -> bool:
    """Abort the client's TCP connection without a response; False if the server gives no handle."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        return False
    transport.abort()
    # let connection_lost() run so the server marks the cycle disconnected and sends nothing
    for _ in range(3):
        await asyncio.sleep(0)
    return True


class FaultMiddleware:
    """Raw ASGI middleware: draws a fault per call, applies it, logs and counts the outcome.

    ``on_request(method, masked_path, status_or_None, latency_ms, fault)`` is called for every
    HTTP call (the server queues it into ``api_request_log``).
    """

    def __init__(
        self,
        app: ASGIApp,
        state: FaultState,
        on_request: Callable[[str, str, int | None, float, str | None], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ):
        self.app = app
        self.state = state
        self.on_request = on_request
        self.should_stop = should_stop

    def _record(self, method: str, path: str, status: int | None, t0: float, fault: str | None) -> None:
        self.state.count(status, fault)
        if self.on_request is not None:
            self.on_request(method, mask_path(path), status, (time.perf_counter() - t0) * 1000.0, fault)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        path: str = scope.get("path", "")
        method: str = scope.get("method", "GET")
        status_box: dict[str, int] = {}

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_box["status"] = message["status"]
            await send(message)

        if path.startswith("/admin"):
            await self.app(scope, receive, send_status)
            self._record(method, path, status_box.get("status"), t0, None)
            return
        fault, latency = self.state.draw(path, method)
        if fault == "down":
            await _json_response(
                send,
                503,
                {"detail": "service unavailable (simulated outage)"},
                [(b"retry-after", str(self.state.faults.retry_after_s).encode())],
            )
            self._record(method, path, 503, t0, fault)
            return
        if path.startswith(NEVER_FAULTED):
            await self.app(scope, receive, send_status)
            self._record(method, path, status_box.get("status"), t0, None)
            return
        if latency > 0:
            await asyncio.sleep(latency)
        label = fault or ("latency" if latency > 0 else None)
        if fault == "drop":
            if await _drop(send):
                self._record(method, path, None, t0, fault)
                return
            fault = "error:503"
        if fault and fault.startswith("error:"):
            code = int(fault.split(":")[1])
            await _json_response(send, code, {"detail": f"simulated server error {code}"}, [])
            self._record(method, path, code, t0, fault)
            return
        if fault == "throttle":
            ra = str(self.state.faults.retry_after_s).encode()
            await _json_response(
                send, 429, {"detail": "too many requests (simulated)"}, [(b"retry-after", ra)]
            )
            self._record(method, path, 429, t0, fault)
            return
        if fault == "timeout_after_accept":
            held: list[Message] = []

            async def hold(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status_box["status"] = message["status"]
                held.append(message)

            await self.app(scope, receive, hold)
            await self._sleep(self.state.faults.timeout_sleep_s)
            if not await _drop(send):
                for m in held:
                    await send(m)
            self._record(method, path, None, t0, f"timeout_after_accept:{status_box.get('status')}")
            return
        await self.app(scope, receive, send_status)
        self._record(method, path, status_box.get("status"), t0, label)

    async def _sleep(self, seconds: float) -> None:
        """Sleep, cut short when the server is stopping (so shutdown never waits on a held call)."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if self.should_stop is not None and self.should_stop():
                return
            await asyncio.sleep(min(0.1, left))
