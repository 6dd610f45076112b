"""Versioned SQL migrations: ``sql/<database>/NNN_name.sql``, applied in order, once.

Numbering by area keeps parallel work apart: 001-009 foundation, 010-019 cleansing,
020-029 military sync, 030-039 health push, 040-049 data quality.
Each database keeps a ``de06_migrations`` table (version, name, checksum, applied_at).
A file changed after it was applied is an error, not a silent re-run.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from psycopg2 import sql

from de06 import config
from de06.db import server
from de06.db.conn import reader_password
from de06.errors import DatabaseUnavailable, De06Error

log = logging.getLogger(__name__)
SQL_DIR = Path(__file__).with_name("sql")
DATABASES: tuple[str, ...] = (*config.SYSTEMS, *config.AUX_DATABASES)
_FILE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = 604_2024


@dataclass(frozen=True)
class Migration:
    database: str
    version: int
    name: str
    path: Path

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def discover(database: str) -> list[Migration]:
    folder = SQL_DIR / database
    found = []
    if folder.is_dir():
        for p in sorted(folder.iterdir()):
            m = _FILE.match(p.name)
            if m:
                found.append(Migration(database, int(m.group(1)), m.group(2), p))
    versions = [m.version for m in found]
    if len(versions) != len(set(versions)):
        raise De06Error(f"two migrations share a version number in {folder}", "renumber one of them")
    return found


def _admin(database: str):
    info = server.info()
    try:
        conn = psycopg2.connect(info.uri(database), connect_timeout=10)
    except psycopg2.OperationalError as exc:
        raise DatabaseUnavailable(
            f"cannot reach database {database!r}: {str(exc).strip().splitlines()[0]}",
            "check DE06_PG_DSN or run `de06 db start`",
        ) from exc
    conn.autocommit = True
    return conn


def ensure_databases() -> list[str]:
    """Create missing databases and the read-only role; return the ones created."""
    created = []
    conn = _admin("postgres")
    try:
        cur = conn.cursor()
        cur.execute("SELECT datname FROM pg_database")
        have = {r[0] for r in cur.fetchall()}
        for db in DATABASES:
            if db not in have:
                try:
                    cur.execute(
                        sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                            sql.Identifier(db)
                        )
                    )
                except psycopg2.errors.InsufficientPrivilege as exc:
                    raise DatabaseUnavailable(
                        f"the server refuses to create database {db!r}",
                        "create it by hand or grant CREATEDB to the DE06_PG_DSN user",
                    ) from exc
                created.append(db)
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (config.DANCU_READER,))
        if cur.fetchone() is None:
            cur.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD %s").format(sql.Identifier(config.DANCU_READER)),
                (reader_password(),),
            )
    finally:
        conn.close()
    return created


def _grant_reader(cur) -> None:
    role = sql.Identifier(config.DANCU_READER)
    cur.execute(sql.SQL("GRANT CONNECT ON DATABASE dancu TO {}").format(role))
    cur.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role))
    cur.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(role))
    cur.execute(
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {}").format(role)
    )


def upgrade(databases: tuple[str, ...] = DATABASES) -> dict[str, list[str]]:
    """Apply pending migrations; returns {database: [applied file names]}. Idempotent."""
    ensure_databases()
    applied: dict[str, list[str]] = {}
    for db in databases:
        conn = _admin(db)
        try:
            cur = conn.cursor()
            cur.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
            cur.execute(
                """CREATE TABLE IF NOT EXISTS de06_migrations (
                       version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                       applied_at timestamptz NOT NULL DEFAULT now())"""
            )
            cur.execute("SELECT version, name, checksum FROM de06_migrations")
            done = {r[0]: (r[1], r[2]) for r in cur.fetchall()}
            applied[db] = []
            for m in discover(db):
                if m.version in done:
                    if done[m.version][1] != m.checksum:
                        raise De06Error(
                            f"migration {db}/{m.path.name} changed after it was applied",
                            "add a new migration file instead of editing an applied one",
                        )
                    continue
                conn.autocommit = False
                try:
                    cur.execute(m.text)
                    cur.execute(
                        "INSERT INTO de06_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                        (m.version, m.name, m.checksum),
                    )
                    conn.commit()
                except psycopg2.Error as exc:
                    conn.rollback()
                    raise De06Error(
                        f"migration {db}/{m.path.name} failed: {str(exc).strip().splitlines()[0]}",
                        "fix the SQL file and run `de06 db upgrade` again",
                    ) from exc
                finally:
                    conn.autocommit = True
                applied[db].append(m.path.name)
                log.info("applied %s/%s", db, m.path.name)
            if db == "dancu":
                _grant_reader(cur)
            cur.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
        finally:
            conn.close()
    return applied


def status() -> dict[str, list[tuple[int, str, bool]]]:
    """{database: [(version, name, applied?)]}."""
    out = {}
    for db in DATABASES:
        conn = _admin(db)
        try:
            cur = conn.cursor()
            cur.execute("SELECT to_regclass('de06_migrations') IS NOT NULL")
            have = set()
            if cur.fetchone()[0]:
                cur.execute("SELECT version FROM de06_migrations")
                have = {r[0] for r in cur.fetchall()}
            out[db] = [(m.version, m.name, m.version in have) for m in discover(db)]
        finally:
            conn.close()
    return out
