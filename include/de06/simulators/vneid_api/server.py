"""Run the simulator: uvicorn on a socket we bind ourselves (clear error when the port is taken),
either blocking (``de06 vneid-api serve``) or in a background thread (:func:`serve_in_thread`).
"""

from __future__ import annotations

import errno
import logging
import queue
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from de06.errors import De06Error
from de06.simulators.vneid_api.app import Settings, create_app
from de06.simulators.vneid_api.faults import FAULT_NAMES, FaultMiddleware, Faults, FaultState
from de06.simulators.vneid_api.store import Store

log = logging.getLogger(__name__)


class RequestLogWriter:
    """Batches ``api_request_log`` rows on a background thread (the event loop never waits on SQL)."""

    def __init__(self, store: Store, flush_s: float = 0.5, batch: int = 500):
        self.store = store
        self.flush_s = flush_s
        self.batch = batch
        self._q: queue.Queue[tuple | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="vneid-request-log", daemon=True)
        self._thread.start()

    def __call__(
        self, method: str, path: str, status: int | None, latency_ms: float, fault: str | None
    ) -> None:
        self._q.put((method, path, status, latency_ms, fault))

    def _run(self) -> None:
        done = False
        while not done:
            rows: list[tuple] = []
            deadline = time.monotonic() + self.flush_s
            while len(rows) < self.batch:
                try:
                    item = self._q.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if item is None:
                    done = True
                    break
                rows.append(item)
            if rows:
                try:
                    self.store.log_requests(rows)
                except Exception as exc:  # the log must never take the API down
                    log.warning("api_request_log write failed (%d rows): %s", len(rows), type(exc).__name__)

    def close(self) -> None:
        self._q.put(None)
        self._thread.join(timeout=10)


@dataclass
class Simulator:
    """Everything one running simulator holds; ``asgi`` is what uvicorn serves."""

    store: Store
    state: FaultState
    settings: Settings
    writer: RequestLogWriter
    asgi: Any = None
    should_stop: Callable[[], bool] = field(default=lambda: False)

    def close(self) -> None:
        self.writer.close()
        self.store.close()


def build(
    faults: Faults | None = None,
    settings: Settings | None = None,
    store: Store | None = None,
    dancu_lookup: bool = True,
) -> Simulator:
    store = store or Store(dancu_lookup=dancu_lookup)
    state = FaultState(faults or Faults())
    settings = settings or Settings()
    writer = RequestLogWriter(store)
    sim = Simulator(store=store, state=state, settings=settings, writer=writer)
    app = create_app(store, state, settings)
    sim.asgi = FaultMiddleware(app, state, on_request=writer, should_stop=lambda: sim.should_stop())
    return sim


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; a taken port becomes one clear error line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise De06Error(
                f"port {port} on {host} is already in use",
                f"stop the process listening on {port} or choose another with --port",
            ) from exc
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EACCES):
            raise De06Error(
                f"cannot listen on {host}:{port} ({exc.strerror})",
                "use --host 127.0.0.1 and a port above 1024",
            ) from exc
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def split_faults(kwargs: dict[str, Any]) -> tuple[Faults, dict[str, Any]]:
    """Fault keyword arguments -> Faults; the rest returned unchanged."""
    f = {k: kwargs.pop(k) for k in list(kwargs) if k in FAULT_NAMES}
    return Faults(**f), kwargs


def _uvicorn_server(sim: Simulator, log_level: str, access_log: bool):
    import uvicorn

    config = uvicorn.Config(
        sim.asgi,
        log_level=log_level,
        access_log=access_log,
        lifespan="off",
        timeout_graceful_shutdown=2,
        timeout_keep_alive=30,
    )
    server = uvicorn.Server(config)
    sim.should_stop = lambda: server.should_exit
    return server


def serve(
    host: str = "127.0.0.1",
    port: int = 8600,
    *,
    faults: Faults | None = None,
    settings: Settings | None = None,
    dancu_lookup: bool = True,
    log_level: str = "warning",
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted (SIGINT/SIGTERM)."""
    sock = bind(host, port)
    sim = build(faults, settings, dancu_lookup=dancu_lookup)
    server = _uvicorn_server(sim, log_level, access_log=False)
    if on_ready:
        h, p = sock.getsockname()[:2]
        on_ready(f"http://{h}:{p}")
    try:
        server.run(sockets=[sock])
    finally:
        sim.close()
        sock.close()


@contextmanager
def serve_in_thread(
    port: int = 0,
    host: str = "127.0.0.1",
    *,
    token_ttl_s: float = 3600.0,
    admin_token: str = "admin",
    dancu_lookup: bool = True,
    migrate: bool = True,
    log_level: str = "warning",
    **faults: Any,
) -> Iterator[str]:
    """``with serve_in_thread(port=0, error_rate=0.1, seed=1) as base_url:`` — a real uvicorn server
    on a free port (``port=0``) in a background thread, stopped on exit. Keyword arguments named like
    :class:`Faults` fields set the initial faults; change them live with ``POST /admin/faults``.
    """
    fault_cfg, rest = split_faults(dict(faults))
    if rest:
        raise TypeError(f"unknown argument(s) {sorted(rest)}; faults are {', '.join(FAULT_NAMES)}")
    if migrate:
        from de06.db import migrate as _migrate

        _migrate.upgrade(("vneid",))
    sock = bind(host, port)
    sim = build(
        fault_cfg, Settings(token_ttl_s=token_ttl_s, admin_token=admin_token), dancu_lookup=dancu_lookup
    )
    server = _uvicorn_server(sim, log_level, access_log=False)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # surfaced to the caller below
            errors.append(exc)

    thread = threading.Thread(target=run, name=f"vneid-api:{sock.getsockname()[1]}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    if not server.started:
        server.should_exit = True
        thread.join(timeout=5)
        sim.close()
        sock.close()
        raise De06Error(
            "the VNeID API simulator did not start" + (f": {errors[0]!r}" if errors else ""),
            "check that the vneid database is migrated (`de06 db upgrade`)",
        )
    h, p = sock.getsockname()[:2]
    try:
        yield f"http://{h}:{p}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sim.close()
        sock.close()
