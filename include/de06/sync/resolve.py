"""Identity resolution of military-court persons: the one place the sync calls the shared matcher
(:mod:`de06.identity.matcher`, owned by the cleansing flow). Rows without a safe match go to the
shared review queue tagged with source ``qp``.

Until the shared matcher is importable, a strict stand-in links only an exact 12-digit ID whose
citizen has the same date of birth; everything else is ``review``. (Precision before recall.)
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)
SOURCE = "qp"


@dataclass(frozen=True)
class Resolution:
    key: str
    outcome: str  # linked, review, unmatched, rejected
    citizen_id: int | None
    tier: str | None = None
    score: float | None = None
    result: Any = field(default=None, compare=False)  # the matcher's MatchResult, for the review queue


def _matcher():
    try:
        from de06.identity import matcher  # noqa: PLC0415
    except ImportError:
        return None
    return matcher if hasattr(matcher, "match_identities") else None


def resolve(sheets: Sequence[dict[str, Any]], dancu_conn) -> dict[str, Resolution]:
    """Resolve the person of each conviction sheet (keyed by conviction_ref)."""
    if not sheets:
        return {}
    m = _matcher()
    if m is None:
        return _exact_only(sheets, dancu_conn)
    inputs = [
        m.IdentityInput(
            key=s["conviction_ref"],
            full_name=s.get("full_name"),
            dob_text=s.get("dob_text"),
            id_number=s.get("id_number"),
            sex_text=s.get("sex_text"),
            birth_place=s.get("birth_place"),
        )
        for s in sheets
    ]
    out = {}
    for r in m.match_identities(inputs, dancu_conn):
        cid = r.citizen_id if r.outcome == "linked" else None
        out[r.key] = Resolution(r.key, r.outcome, cid, str(r.tier) if r.tier is not None else None,
                                float(r.score) if r.score is not None else None, r)
    return out


def enqueue_reviews(conn_lltp, resolutions: Sequence[Resolution]) -> int:
    """Put every unsafe match into the shared review queue (source 'qp'); returns how many."""
    todo = [r for r in resolutions if r.outcome != "linked"]
    if not todo:
        return 0
    try:
        from de06.cleanse.review import enqueue_review  # noqa: PLC0415
    except ImportError:
        log.warning("shared review queue not available yet; %d qp identities wait in qp_identity", len(todo))
        return 0
    n = 0
    for r in todo:
        if r.result is None:
            continue
        enqueue_review(conn_lltp, SOURCE, r.key, r.result)
        n += 1
    return n


_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def _dob(text: str | None) -> dt.date | None:
    m = _DATE.match(text or "")
    if not m:
        return None
    try:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def _exact_only(sheets: Sequence[dict[str, Any]], dancu_conn) -> dict[str, Resolution]:
    ids = {s["conviction_ref"]: (s.get("id_number") or "").strip() for s in sheets}
    wanted = sorted({v for v in ids.values() if re.fullmatch(r"\d{12}", v)})
    found: dict[str, tuple[int, dt.date]] = {}
    if wanted:
        with dancu_conn.cursor() as cur:
            cur.execute("SELECT cccd, citizen_id, dob FROM citizen WHERE cccd = ANY(%s)", (wanted,))
            found = {r[0]: (r[1], r[2]) for r in cur.fetchall()}
    out = {}
    for s in sheets:
        key = s["conviction_ref"]
        hit = found.get(ids[key])
        if hit and hit[1] == _dob(s.get("dob_text")):
            out[key] = Resolution(key, "linked", hit[0], "exact_id_dob", 1.0)
        else:
            out[key] = Resolution(key, "review", None, None, None)
    return out
