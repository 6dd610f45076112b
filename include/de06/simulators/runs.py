"""Simulator runs recorded in ``truth.sim_run``: skip a rebuild when the same params already loaded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from de06.db import connect
from de06.errors import De06Error


def last_params(dataset: str) -> tuple[dict, int] | None:
    """Params and row count of the latest run of ``dataset`` (None when never run)."""
    conn = connect("truth")
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT params, rows FROM sim_run WHERE dataset = %s ORDER BY run_id DESC LIMIT 1",
                (dataset,),
            )
            row = cur.fetchone()
    finally:
        conn.close()
    return (row[0], int(row[1])) if row else None


def same_params(stored: dict, params: dict) -> bool:
    """Equal inputs; outputs recorded beside them (``realised``) are ignored."""
    stored = {k: v for k, v in stored.items() if k != "realised"}
    return json.loads(json.dumps(stored, sort_keys=True)) == json.loads(json.dumps(params, sort_keys=True))


def record(conn, dataset: str, params: dict, rows: int) -> None:
    """Insert the run row on an open ``truth`` connection (caller commits)."""
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO sim_run (dataset, params, rows) VALUES (%s, %s::jsonb, %s)",
            (dataset, json.dumps(params, sort_keys=True), rows),
        )


def forget_derived(dataset: str) -> list[str]:
    """A rebuilt simulated dataset restarts its ids, so the target state built from the old one
    would attach to other people: cleansing outcomes and judicial review items name record and
    citizen ids; synced military convictions carry citizen ids and the MoD's conviction refs.
    Drops what depends on ``dataset`` ('population', 'judicial' or 'military') and returns what it
    dropped. Audit rows (who revealed personal data, when, why) are kept. Simulated worlds only:
    production data is never rebuilt."""
    from de06.cleanse.pipeline import reset_history
    from de06.sync.admin import reset_sync_state

    conn = connect("lltp")
    dropped: list[str] = []
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT to_regclass('cleanse_run') IS NOT NULL, to_regclass('qp_sync_run') IS NOT NULL"
            )
            has_cleanse, has_sync = cur.fetchone()
            # what there is to drop (named in the result only when there was something)
            cur.execute(
                "SELECT (SELECT count(*) FROM cleanse_run) + (SELECT count(*) FROM review_item"
                " WHERE source = 'lltp')"
                if has_cleanse
                else "SELECT 0"
            )
            n_cleanse = int(cur.fetchone()[0])
            cur.execute(
                "SELECT (SELECT count(*) FROM qp_sync_run) + (SELECT count(*) FROM conviction"
                " WHERE source = 'qp')"
                if has_sync
                else "SELECT 0"
            )
            n_sync = int(cur.fetchone()[0])
        conn.rollback()
        if has_cleanse and dataset in ("population", "judicial"):
            reset_history(conn)
            if n_cleanse:
                dropped.append("cleansing history and judicial review items")
        if has_sync and dataset in ("population", "military"):
            reset_sync_state(conn)
            if n_sync:
                dropped.append("military-court sync state")
    finally:
        conn.close()
    return dropped


#: a rebuild waits at most this long for other sessions to release the tables
SQL_LOCK_TIMEOUT = "SET LOCAL lock_timeout = '60s'"


@contextmanager
def lock_guard(what: str) -> Iterator[None]:
    """Turn a lock timeout while clearing tables into one clear error line."""
    from psycopg2 import errors as pg_errors

    try:
        yield
    except pg_errors.LockNotAvailable:
        raise De06Error(
            f"{what} is in use by another session (a pipeline, test or open transaction)",
            "finish or stop that session, then rerun the simulator",
        ) from None
