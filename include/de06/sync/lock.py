"""One sync at a time: a PostgreSQL session advisory lock on the lltp connection (held for the run,
released when the session ends, so a killed worker never leaves it behind)."""

from __future__ import annotations

import time

LOCK_KEY = 6_020_001  # military-court sync


def acquire(conn_lltp, *, wait_seconds: float = 0.0, poll: float = 0.5) -> bool:
    """Take the lock; wait up to ``wait_seconds`` (0 = try once). True when held."""
    deadline = time.monotonic() + wait_seconds
    while True:
        with conn_lltp.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,))
            if cur.fetchone()[0]:
                conn_lltp.commit()
                return True
        conn_lltp.commit()
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll)


def release(conn_lltp) -> None:
    with conn_lltp.cursor() as cur:
        cur.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
    conn_lltp.commit()
