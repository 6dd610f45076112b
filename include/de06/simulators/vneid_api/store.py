"""PostgreSQL store of the VNeID API simulator (database ``vneid``, schema in
``de06/db/sql/vneid/001_health_book.sql``).

Idempotency is enforced by the database: ``idempotency_key`` is UNIQUE and the insert is
``ON CONFLICT DO NOTHING``; a concurrent identical request waits for the first one's commit,
inserts nothing and then reads the committed row. No check-then-insert.

Known VNeID accounts (who has a health book) are pluggable, see :class:`AccountDirectory`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg2
import psycopg2.extras

from de06.domain.cccd import mask

#: Key of the HMAC that stands for a citizen ID in the access log (override in production).
LOG_KEY_ENV = "DE06_VNEID_LOG_KEY"

SQL_INSERT_ENTRY = """
INSERT INTO health_book_entry (idempotency_key, request_hash, citizen_id, book_owner_id, entry_type,
                               facility_code, episode_key, occurred_at, payload, client_id)
VALUES (%(idempotency_key)s, %(request_hash)s, %(citizen_id)s, %(book_owner_id)s, %(entry_type)s,
        %(facility_code)s, %(episode_key)s, %(occurred_at)s, %(payload)s, %(client_id)s)
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING entry_id::text, received_at
"""
SQL_ENTRY_BY_KEY = """
SELECT entry_id::text, request_hash, received_at FROM health_book_entry WHERE idempotency_key = %s
"""
SQL_ACCOUNT = "SELECT active FROM account WHERE citizen_id = %s"
#: Batch push: entries already stored under these keys, and the owners' account rows.
SQL_ENTRIES_BY_KEYS = """
SELECT idempotency_key, entry_id::text, request_hash, received_at FROM health_book_entry
WHERE idempotency_key = ANY(%s)
"""
SQL_ACCOUNTS = "SELECT citizen_id, active FROM account WHERE citizen_id = ANY(%s::bpchar[])"
SQL_DANCU_ACCOUNTS = (  # char(12) columns: a text[] would force a sequential scan
    "SELECT cccd, has_vneid AND NOT is_deceased FROM citizen WHERE cccd = ANY(%s::bpchar[])"
)
SQL_INSERT_ENTRIES = """
INSERT INTO health_book_entry (idempotency_key, request_hash, citizen_id, book_owner_id, entry_type,
                               facility_code, episode_key, occurred_at, payload, client_id)
VALUES %s
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING idempotency_key, entry_id::text, received_at
"""
#: One round trip before a push: the entry already stored under this key (if any) and the owner's
#: row in ``account`` (active or NULL when unknown there).
SQL_PRECHECK = """
SELECT e.entry_id::text, e.request_hash, e.received_at,
       (SELECT a.active FROM account a WHERE a.citizen_id = %(owner)s)
FROM (SELECT 1) AS one
LEFT JOIN health_book_entry e ON e.idempotency_key = %(key)s
"""
SQL_DANCU_ACCOUNT = "SELECT has_vneid AND NOT is_deceased FROM citizen WHERE cccd = %s"
SQL_DANCU_ALL_ACCOUNTS = "SELECT cccd, (has_vneid AND NOT is_deceased) FROM citizen"
SQL_UPSERT_ACCOUNT = """
INSERT INTO account (citizen_id, active, source) VALUES %s
ON CONFLICT (citizen_id) DO UPDATE SET active = EXCLUDED.active, source = EXCLUDED.source, updated_at = now()
"""
SQL_INSERT_TOKEN = """
INSERT INTO oauth_token (token_hash, client_id, role, facility_code, expires_at)
VALUES (%s, %s, %s, %s, clock_timestamp() + make_interval(secs => %s))
RETURNING expires_at
"""
SQL_TOKEN = """
SELECT client_id, role, facility_code, expires_at, expires_at <= clock_timestamp()
FROM oauth_token WHERE token_hash = %s
"""
SQL_GRANT_CONSENT = """
INSERT INTO consent (citizen_id, facility_code) VALUES (%s, %s)
ON CONFLICT (citizen_id, facility_code) WHERE revoked_at IS NULL DO NOTHING
RETURNING consent_id, granted_at
"""
SQL_ACTIVE_CONSENT = """
SELECT consent_id, granted_at FROM consent
WHERE citizen_id = %s AND facility_code = %s AND revoked_at IS NULL
"""
SQL_REVOKE_CONSENT = """
UPDATE consent SET revoked_at = clock_timestamp()
WHERE citizen_id = %s AND facility_code = %s AND revoked_at IS NULL
RETURNING consent_id, revoked_at
"""
SQL_READ_BOOK = """
SELECT entry_id::text, citizen_id, book_owner_id, entry_type, facility_code, episode_key,
       occurred_at, payload, received_at
FROM health_book_entry
WHERE (book_owner_id = %(cid)s OR citizen_id = %(cid)s)
  AND (%(entry_type)s::text IS NULL OR entry_type = %(entry_type)s)
ORDER BY occurred_at, received_at
"""
SQL_ACCESS_LOG = """
INSERT INTO access_log (client_id, facility_code, citizen_hash, citizen_masked, entry_type, outcome,
                        entries_returned)
VALUES (%s, %s, %s, %s, %s, %s, %s)
"""
SQL_REQUEST_LOG = "INSERT INTO api_request_log (method, path, status, latency_ms, fault) VALUES %s"


def request_hash(body: dict[str, Any]) -> str:
    """SHA-256 of a request body in canonical JSON (sorted keys, no whitespace)."""
    canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canon.encode()).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def citizen_hash(citizen_id: str) -> str:
    """Keyed hash of an ID for logs (a plain hash of 12 digits could be brute-forced)."""
    key = os.environ.get(LOG_KEY_ENV, "de06-vneid-log-key").encode()
    return hmac.new(key, citizen_id.encode(), hashlib.sha256).hexdigest()


class Pool:
    """A small blocking pool of psycopg2 connections to one connection id (thread-safe)."""

    def __init__(self, conn_id: str, size: int = 8, connect: Callable[..., Any] | None = None):
        if connect is None:
            from de06.db import connect as _connect

            connect = _connect
        self._connect = connect
        self.conn_id = conn_id
        self._idle: list[Any] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(size)
        self._closed = False

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """A connection inside one transaction (commit on success, rollback on error)."""
        self._slots.acquire()
        conn = None
        try:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None or conn.closed:
                conn = self._connect(self.conn_id)
            try:
                with conn:
                    yield conn
            except (psycopg2.OperationalError, psycopg2.InterfaceError):
                conn.close()
                raise
        finally:
            if conn is not None and not conn.closed:
                with self._lock:
                    if self._closed:
                        conn.close()
                    else:
                        self._idle.append(conn)
            self._slots.release()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for c in idle:
            c.close()


class AccountDirectory:
    """Who has a VNeID account (and so a health book).

    Lookup order: the ``account`` table in ``vneid`` (seeded from dancu or registered by tests via
    ``POST /admin/accounts``), then — when ``dancu_lookup`` is on — the population DB read-only
    (``citizen.has_vneid AND NOT is_deceased``). Pass any ``exists(citizen_id) -> bool`` callable
    to :class:`Store` to replace it.
    """

    def __init__(self, vneid: Pool, dancu_lookup: bool = True):
        self.vneid = vneid
        self.dancu_lookup = dancu_lookup
        self._dancu: Pool | None = None

    def exists(self, citizen_id: str) -> bool:
        with self.vneid.connection() as conn, conn.cursor() as cur:
            cur.execute(SQL_ACCOUNT, (citizen_id,))
            row = cur.fetchone()
        if row is not None:
            return bool(row[0])
        return self.in_population(citizen_id)

    def in_population(self, citizen_id: str) -> bool:
        """The live dancu answer (False when the lookup is off)."""
        if not self.dancu_lookup:
            return False
        if self._dancu is None:
            self._dancu = Pool("dancu", size=4)
        with self._dancu.connection() as conn, conn.cursor() as cur:
            cur.execute(SQL_DANCU_ACCOUNT, (citizen_id,))
            row = cur.fetchone()
        return bool(row and row[0])

    def in_population_many(self, citizen_ids: list[str]) -> set[str]:
        """The IDs among ``citizen_ids`` with an active account in dancu (one query)."""
        if not self.dancu_lookup or not citizen_ids:
            return set()
        if self._dancu is None:
            self._dancu = Pool("dancu", size=4)
        with self._dancu.connection() as conn, conn.cursor() as cur:
            cur.execute(SQL_DANCU_ACCOUNTS, (list(citizen_ids),))
            return {c.strip() for c, ok in cur.fetchall() if ok}

    def __call__(self, citizen_id: str) -> bool:
        return self.exists(citizen_id)

    def close(self) -> None:
        if self._dancu is not None:
            self._dancu.close()


@dataclass(frozen=True)
class Principal:
    client_id: str
    role: str  # "gateway" | "clinic"
    facility_code: str | None


@dataclass(frozen=True)
class PushResult:
    """Outcome of a push: ``created`` (new row), ``replayed`` (same key, same body),
    ``conflict`` (same key, different body) or ``no_book`` (owner has no account)."""

    outcome: str
    entry_id: str
    received_at: datetime | None


class Store:
    """All reads and writes of the simulator; one instance per running server."""

    def __init__(
        self,
        pool: Pool | None = None,
        accounts: Callable[[str], bool] | None = None,
        dancu_lookup: bool = True,
    ):
        self.pool = pool or Pool("vneid", size=12)
        self._directory = AccountDirectory(self.pool, dancu_lookup) if accounts is None else None
        self.accounts: Callable[[str], bool] = accounts or self._directory  # type: ignore[assignment]
        self._tokens: dict[str, tuple[Principal, datetime]] = {}
        self._tokens_lock = threading.Lock()

    def close(self) -> None:
        if self._directory is not None:
            self._directory.close()
        self.pool.close()

    def ping(self) -> None:
        with self.pool.connection() as conn, conn.cursor() as cur:
            cur.execute("SELECT 1")

    # --- tokens -------------------------------------------------------------------------
    def issue_token(self, token: str, principal: Principal, ttl_s: float) -> datetime:
        th = token_hash(token)
        with self.pool.connection() as conn, conn.cursor() as cur:
            cur.execute(
                SQL_INSERT_TOKEN,
                (th, principal.client_id, principal.role, principal.facility_code, float(ttl_s)),
            )
            expires_at = cur.fetchone()[0]
        with self._tokens_lock:
            self._tokens[th] = (principal, expires_at)
        return expires_at

    def principal(self, token: str) -> tuple[Principal | None, str]:
        """(principal, "") for a valid token, else (None, "invalid"|"expired")."""
        th = token_hash(token)
        with self._tokens_lock:
            cached = self._tokens.get(th)
        if cached is not None:
            p, expires_at = cached
            if expires_at <= datetime.now(expires_at.tzinfo):
                return None, "expired"
            return p, ""
        with self.pool.connection() as conn, conn.cursor() as cur:
            cur.execute(SQL_TOKEN, (th,))
            row = cur.fetchone()
        if row is None:
            return None, "invalid"
        client_id, role, facility, expires_at, expired = row
        if expired:
            return None, "expired"
        p = Principal(client_id, role, facility.strip() if facility else None)
        with self._tokens_lock:
            self._tokens[th] = (p, expires_at)
        return p, ""

    # --- accounts -----------------------------------------------------------------------
    def register_accounts(
        self, citizen_ids: Iterable[str], active: bool = True, source: str = "registered"
    ) -> int:
        rows = [(c, active, source) for c in citizen_ids]
        if not rows:
            return 0
        with self.pool.connection() as conn, conn.cursor() as cur:
            psycopg2.extras.execute_values(cur, SQL_UPSERT_ACCOUNT, rows, page_size=5000)
        return len(rows)

    def seed_accounts_from_dancu(
        self, batch: int = 20_000, progress: Callable[[int], None] | None = None
    ) -> int:
        """Copy every citizen's account state from dancu (read-only role) into ``account``."""
        from de06.db import connect

        total = 0
        src = connect("dancu")
        try:
            with src, src.cursor(name="vneid_seed") as cur:
                cur.itersize = batch
                cur.execute(SQL_DANCU_ALL_ACCOUNTS)
                while True:
                    rows = cur.fetchmany(batch)
                    if not rows:
                        break
                    with self.pool.connection() as conn, conn.cursor() as wcur:
                        psycopg2.extras.execute_values(
                            wcur, SQL_UPSERT_ACCOUNT, [(c, a, "dancu") for c, a in rows], page_size=5000
                        )
                    total += len(rows)
                    if progress:
                        progress(len(rows))
        finally:
            src.close()
        return total

    def has_book(self, citizen_id: str) -> bool:
        return bool(self.accounts(citizen_id))

    # --- entries ------------------------------------------------------------------------
    def push_entry(self, key: str, body: dict[str, Any], client_id: str) -> PushResult:
        """Store an entry once per idempotency key.

        Outcomes: ``created``; ``replayed`` (key known, same body); ``conflict`` (key known,
        different body); ``no_book`` (``book_owner_id`` has no VNeID account; nothing stored).
        The insert is ``ON CONFLICT DO NOTHING``: concurrent identical requests make one row.
        """
        rh = request_hash(body)
        params = {
            **body,
            "payload": psycopg2.extras.Json(body["payload"]),
            "idempotency_key": key,
            "request_hash": rh,
            "client_id": client_id,
        }
        with self.pool.connection() as conn, conn.cursor() as cur:
            cur.execute(SQL_PRECHECK, {"key": key, "owner": body["book_owner_id"]})
            entry_id, stored_hash, received_at, active = cur.fetchone()
            if entry_id is not None:
                return PushResult("replayed" if stored_hash == rh else "conflict", entry_id, received_at)
            if self._directory is None:
                known = self.has_book(body["book_owner_id"])  # a plugged-in lookup
            elif active is not None:
                known = bool(active)  # the account table decides
            else:
                known = self._directory.in_population(body["book_owner_id"])
            if not known:
                return PushResult("no_book", "", received_at)
            cur.execute(SQL_INSERT_ENTRY, params)
            row = cur.fetchone()
            if row is not None:
                return PushResult("created", row[0], row[1])
            cur.execute(SQL_ENTRY_BY_KEY, (key,))  # a concurrent identical request won the insert
            entry_id, stored_hash, received_at = cur.fetchone()
        return PushResult("replayed" if stored_hash == rh else "conflict", entry_id, received_at)

    def push_entries(self, items: list[tuple[str, dict[str, Any]]], client_id: str) -> list[PushResult]:
        """Store a batch of ``(idempotency_key, body)`` in one transaction; one result per item.

        Same outcomes and rules as :meth:`push_entry`, set-based: one read of the keys already
        stored, one of the owners' accounts (plus one dancu lookup for owners unknown there) and one
        multi-row ``INSERT ... ON CONFLICT DO NOTHING``. A key repeated within the batch is stored
        once; its later copies answer ``replayed`` (same body) or ``conflict`` (different body).
        """
        hashes = [request_hash(body) for _k, body in items]
        first: dict[str, int] = {}
        for i, (key, _b) in enumerate(items):
            first.setdefault(key, i)
        keys = list(first)
        done: dict[str, PushResult] = {}
        with self.pool.connection() as conn, conn.cursor() as cur:
            cur.execute(SQL_ENTRIES_BY_KEYS, (keys,))
            stored = {k: (eid, h, at) for k, eid, h, at in cur.fetchall()}
            for key, (eid, h, at) in stored.items():
                done[key] = PushResult("replayed" if h == hashes[first[key]] else "conflict", eid, at)
            owners = sorted({items[first[k]][1]["book_owner_id"] for k in keys if k not in stored})
            known = self._books(cur, owners)
            rows = []
            for key in keys:
                if key in done:
                    continue
                body = items[first[key]][1]
                if body["book_owner_id"] not in known:
                    done[key] = PushResult("no_book", "", None)
                    continue
                rows.append(
                    (
                        key,
                        hashes[first[key]],
                        body["citizen_id"],
                        body["book_owner_id"],
                        body["entry_type"],
                        body["facility_code"],
                        body["episode_key"],
                        body["occurred_at"],
                        psycopg2.extras.Json(body["payload"]),
                        client_id,
                    )
                )
            if rows:
                got = psycopg2.extras.execute_values(
                    cur, SQL_INSERT_ENTRIES, rows, page_size=len(rows), fetch=True
                )
                for key, eid, at in got:
                    done[key] = PushResult("created", eid, at)
                lost = [r[0] for r in rows if r[0] not in done]  # concurrent identical requests won
                if lost:
                    cur.execute(SQL_ENTRIES_BY_KEYS, (lost,))
                    for key, eid, h, at in cur.fetchall():
                        same = h == hashes[first[key]]
                        done[key] = PushResult("replayed" if same else "conflict", eid, at)
        out = []
        for i, (key, _b) in enumerate(items):
            r = done[key]
            if i != first[key] and r.outcome in ("created", "replayed"):  # a repeat within the batch
                same = hashes[i] == hashes[first[key]]
                r = PushResult("replayed" if same else "conflict", r.entry_id, r.received_at)
            out.append(r)
        return out

    def _books(self, cur, owners: list[str]) -> set[str]:
        """The owners among ``owners`` that have a health book (account table, then dancu)."""
        if not owners:
            return set()
        if self._directory is None:
            return {o for o in owners if self.has_book(o)}  # a plugged-in lookup
        cur.execute(SQL_ACCOUNTS, (owners,))
        rows = {c.strip(): bool(a) for c, a in cur.fetchall()}
        known = {o for o, active in rows.items() if active}
        rest = [o for o in owners if o not in rows]
        return known | self._directory.in_population_many(rest)

    def read_book(self, citizen_id: str, entry_type: str | None) -> list[dict[str, Any]]:
        with (
            self.pool.connection() as conn,
            conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur,
        ):
            cur.execute(SQL_READ_BOOK, {"cid": citizen_id, "entry_type": entry_type})
            return [dict(r) for r in cur.fetchall()]

    def log_access(
        self, principal: Principal, citizen_id: str, entry_type: str | None, outcome: str, returned: int
    ) -> None:
        with self.pool.connection() as conn, conn.cursor() as cur:
            cur.execute(
                SQL_ACCESS_LOG,
                (
                    principal.client_id,
                    principal.facility_code,
                    citizen_hash(citizen_id),
                    mask(citizen_id),
                    entry_type,
                    outcome,
                    returned,
                ),
            )

    # --- consents -----------------------------------------------------------------------
    def grant_consent(self, citizen_id: str, facility_code: str) -> tuple[int, datetime, bool]:
        """(consent_id, granted_at, created?) — granting twice keeps the first active consent."""
        with self.pool.connection() as conn, conn.cursor() as cur:
            cur.execute(SQL_GRANT_CONSENT, (citizen_id, facility_code))
            row = cur.fetchone()
            if row is not None:
                return row[0], row[1], True
            cur.execute(SQL_ACTIVE_CONSENT, (citizen_id, facility_code))
            row = cur.fetchone()
        return row[0], row[1], False

    def revoke_consent(self, citizen_id: str, facility_code: str) -> tuple[int, datetime] | None:
        with self.pool.connection() as conn, conn.cursor() as cur:
            cur.execute(SQL_REVOKE_CONSENT, (citizen_id, facility_code))
            return cur.fetchone()

    def has_consent(self, citizen_id: str, facility_code: str | None) -> bool:
        if not facility_code:
            return False
        with self.pool.connection() as conn, conn.cursor() as cur:
            cur.execute(SQL_ACTIVE_CONSENT, (citizen_id, facility_code))
            return cur.fetchone() is not None

    # --- request log --------------------------------------------------------------------
    def log_requests(self, rows: list[tuple[str, str, int | None, float, str | None]]) -> None:
        if not rows:
            return
        with self.pool.connection() as conn, conn.cursor() as cur:
            psycopg2.extras.execute_values(cur, SQL_REQUEST_LOG, rows, page_size=1000)
