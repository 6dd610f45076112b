"""The review queue (``lltp.review_item``), shared by the cleansing and the military sync.

``enqueue_reviews`` puts doubtful matches in the queue (or refreshes open items); a decided item is
never touched by a matcher. ``decide`` records a person's decision with who and when; the next run
applies it. Identity data is stored unmasked in the DB and masked on display.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from psycopg2.extras import execute_values

from de06.domain.cccd import mask
from de06.domain.masks import mask_dob
from de06.errors import InputError

if TYPE_CHECKING:
    from de06.identity.matcher import MatchResult

SOURCES = ("lltp", "qp")


@dataclass(frozen=True)
class ReviewEntry:
    """One doubtful record for :func:`enqueue_reviews`: its key, the matcher's result and, for the
    reviewer, its province and identity fields as the source wrote them (full_name, dob_text,
    id_number, sex_text, birth_place; stored unmasked, shown masked)."""

    source_key: str
    result: MatchResult
    province: str | None = None
    identity: dict | None = field(default=None, repr=False)  # personal data: never in a repr or log


_LIVE_SQL = (
    "SELECT source_key, item_id, status FROM review_item"
    " WHERE source = %s AND source_key = ANY (%s) AND status <> 'withdrawn'"
    " FOR UPDATE"
)
_REFRESH_SQL = (
    "UPDATE review_item r SET candidates = v.candidates::jsonb, reasons = v.reasons::text[],"
    " score = v.score::double precision, run_id = v.run_id::bigint,"
    " province = COALESCE(v.province::char(3), r.province), updated_at = now()"
    " FROM (VALUES %s) AS v (candidates, reasons, score, run_id, province, item_id)"
    " WHERE r.item_id = v.item_id::bigint"
)
_INSERT_SQL = (
    "INSERT INTO review_item"
    " (source, source_key, run_id, province, identity, candidates, reasons, score)"
    " VALUES %s RETURNING source_key, item_id"
)


def enqueue_reviews(
    conn_lltp, source: str, entries: Sequence[ReviewEntry], *, run_id: int | None = None
) -> dict[str, tuple[int, str]]:
    """Queue doubtful records with one select of their live items, then one update of the open ones
    and one insert of the new ones per 1,000; per key, (item_id, "inserted" | "refreshed" |
    "kept_decided"). A new key is inserted, an open item refreshed with
    the new candidates, reasons and score, a decided item never touched. A key given twice counts
    once, with its last entry. Does not commit."""
    if source not in SOURCES:
        raise InputError(f"unknown review source {source!r}", f"use one of {', '.join(SOURCES)}")
    last = {str(e.source_key): e for e in entries}
    if not last:
        return {}
    out: dict[str, tuple[int, str]] = {}
    refresh, insert = [], []
    with conn_lltp.cursor() as cur:
        cur.execute(_LIVE_SQL, (source, list(last)))
        live = {key: (item_id, status) for key, item_id, status in cur.fetchall()}
        for key, e in last.items():
            r = e.result
            payload = (json.dumps(r.candidates), list(r.reasons), r.score)
            item = live.get(key)
            if item and item[1] == "decided":
                out[key] = (item[0], "kept_decided")
            elif item:
                refresh.append((*payload, run_id, e.province, item[0]))
                out[key] = (item[0], "refreshed")
            else:
                ident = json.dumps(e.identity or {}, ensure_ascii=False)
                insert.append((source, key, run_id, e.province, ident, *payload))
        if refresh:
            execute_values(cur, _REFRESH_SQL, refresh, page_size=1000)
        if insert:
            for key, item_id in execute_values(cur, _INSERT_SQL, insert, page_size=1000, fetch=True):
                out[key] = (item_id, "inserted")
    return out


def decide(
    conn_lltp,
    item_id: int,
    decision: str,
    who: str,
    citizen_id: int | None = None,
    note: str | None = None,
    replace: bool = False,
    found_by_hand: bool = False,
) -> None:
    """Record a decision (``link`` to one of the item's candidates, or ``not_match``). Commits.

    ``found_by_hand``: the person looked the citizen up themselves (by personal ID), so the link may
    name a citizen who is not among the candidates (an identity the matcher could not tie, e.g. a
    military-court sheet with a mistyped name and no ID); it needs a ``note`` saying how it was
    checked, kept with the decision.

    An item already decided keeps its decision unless ``replace`` (a correction: the new decision
    is recorded beside the old one, which stays in ``review_decision``, and the latest applies)."""
    if decision not in ("link", "not_match"):
        raise InputError(f"unknown decision {decision!r}", "use --link CITIZEN_ID or --not-match")
    with conn_lltp.cursor() as cur:
        cur.execute("SELECT status, candidates FROM review_item WHERE item_id = %s FOR UPDATE", (item_id,))
        row = cur.fetchone()
        if row is None:
            raise InputError(
                f"review item {item_id} does not exist", "list open items with `de06 review list`"
            )
        status, candidates = row
        if status == "withdrawn":
            raise InputError(
                f"review item {item_id} was withdrawn (its run was reverted)", "pick an open item"
            )
        if status == "decided" and not replace:
            cur.execute(
                "SELECT decision, citizen_id, decided_by, decided_at FROM review_decision"
                " WHERE item_id = %s ORDER BY decided_at DESC LIMIT 1",
                (item_id,),
            )
            prev = cur.fetchone()
            conn_lltp.rollback()
            what = (
                f"{'link ' + str(prev[1]) if prev[0] == 'link' else 'not a match'} by {prev[2]}"
                f" on {prev[3]:%Y-%m-%d}"
                if prev
                else "earlier"
            )
            raise InputError(
                f"review item {item_id} was already decided ({what})",
                "to correct it, decide again with --replace (the earlier decision stays on record)",
            )
        if decision == "link" and found_by_hand:
            if not (note or "").strip():
                conn_lltp.rollback()
                raise InputError(
                    "a link to a citizen found by hand needs --note saying how the person was checked",
                    f"e.g. de06 review decide {item_id} --link-id 001099012345 --note"
                    ' "same CCCD on the judgment copy, checked by phone with the court"',
                )
        elif decision == "link":
            ids = {int(c["citizen_id"]) for c in candidates}
            if not ids:
                # the military sync queues unmatched and unusable identities too: nobody to link
                raise InputError(
                    f"item {item_id} has no candidates (the matcher found no plausible citizen)",
                    f"link a citizen you found yourself with `de06 review decide {item_id} --link-id"
                    ' <12-digit personal ID> --note "how it was checked"`, or close it with --not-match'
                    f" (the record stays unlinked); `de06 review show {item_id}` shows what the source wrote",
                )
            if citizen_id not in ids:
                raise InputError(
                    f"citizen {citizen_id} is not a candidate of item {item_id}",
                    f"choose one of {', '.join(str(i) for i in sorted(ids))}, or --not-match, or a citizen"
                    " you found yourself with --link-id <12-digit personal ID> --note",
                )
        cur.execute(
            "INSERT INTO review_decision (item_id, decision, citizen_id, decided_by, note)"
            " VALUES (%s, %s, %s, %s, %s)",
            (item_id, decision, citizen_id if decision == "link" else None, who, note),
        )
        cur.execute(
            "UPDATE review_item SET status = 'decided', updated_at = now() WHERE item_id = %s", (item_id,)
        )
    conn_lltp.commit()


def mask_name(name: str | None) -> str:
    """Initials only: 'Nguyễn Văn Đức' -> 'N. V. Đ.'"""
    if not name:
        return ""
    return " ".join(w[0] + "." for w in str(name).split() if w)


def mask_place(text: str | None) -> str | None:
    """A place as written, shown only as the province code it names ('***' when it names none):
    free text may hold a street address."""
    if not text:
        return text
    from de06.identity.fields import parse_province

    return parse_province(text) or "***"


def mask_identity(ident: dict) -> dict:
    out = {}
    for k, v in ident.items():
        if v is None:
            out[k] = None
        elif "name" in k:
            out[k] = mask_name(v)
        elif k in ("id_number", "cccd", "cmnd", "bhyt"):
            out[k] = mask(str(v))
        elif k in ("dob_text", "dob"):
            out[k] = mask_dob(str(v))
        else:
            out[k] = v
    return out
