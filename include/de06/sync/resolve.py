"""Identity resolution of military-court persons: the one place the sync calls the shared matcher
(:mod:`de06.identity.matcher`, owned by the cleansing flow). Rows without a safe match go to the
shared review queue tagged with source ``qp``.
"""

from __future__ import annotations

import logging
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


def resolve(sheets: Sequence[dict[str, Any]], dancu_conn, cache: dict | None = None) -> dict[str, Resolution]:
    """Resolve the person of each conviction sheet (keyed by conviction_ref).

    ``cache``: a dict kept for one run: the population's name frequencies are computed once per
    run, and an identity recorded exactly alike (name, dob, ID, sex, birthplace) is matched once per
    run - a serviceman convicted twice is looked up once.
    """
    if not sheets:
        return {}
    from de06.identity import matcher as m

    cache = {} if cache is None else cache
    seen: dict[tuple, Any] = cache.setdefault("identities", {})
    groups: dict[tuple, list[str]] = {}
    for s in sheets:
        groups.setdefault(tuple(s.get(f) for f in IDENTITY_FIELDS), []).append(s["conviction_ref"])
    todo = [ident for ident in groups if ident not in seen]
    if todo:
        if "tf" not in cache:
            cache["tf"] = _term_frequencies(m, dancu_conn)
        inputs = [
            m.IdentityInput(
                key=str(n), full_name=i[0], dob_text=i[1], id_number=i[2], sex_text=i[3], birth_place=i[4]
            )
            for n, i in enumerate(todo)
        ]
        for r in m.match_identities(inputs, dancu_conn, cache["tf"]):
            seen[todo[int(r.key)]] = r
    out = {}
    for ident, keys in groups.items():
        r = seen[ident]
        cid = r.citizen_id if r.outcome == "linked" else None
        for key in keys:
            out[key] = Resolution(
                key,
                r.outcome,
                cid,
                str(r.tier) if r.tier is not None else None,
                float(r.score) if r.score is not None else None,
                r,
            )
    return out


_TF_CACHE: dict[str, tuple[float, Any]] = {}
TF_TTL_SECONDS = 3600.0


def _term_frequencies(m, dancu_conn):
    """The population's name frequencies change slowly: computed once per process and hour."""
    import time

    key = getattr(dancu_conn, "dsn", "") or ""
    hit = _TF_CACHE.get(key)
    if hit is None or time.monotonic() - hit[0] > TF_TTL_SECONDS:
        hit = _TF_CACHE[key] = (time.monotonic(), m.term_frequencies(dancu_conn))
    return hit[1]


def enqueue_reviews(
    conn_lltp, resolutions: Sequence[Resolution], sheets: dict[str, dict[str, Any]], run_id: int | None = None
) -> int:
    """Put every unsafe match into the shared review queue (source 'qp'); returns how many.
    Does not commit (the chunk's transaction does)."""
    todo = [r for r in resolutions if r.outcome != "linked" and r.result is not None]
    if not todo:
        return 0
    from de06.cleanse import review  # the shared queue (this function's namesake there does the writing)
    from de06.domain.provinces import lookup

    entries = []
    for r in todo:
        s = sheets.get(r.key, {})
        ident = {k: s.get(k) for k in IDENTITY_FIELDS}
        entries.append(review.ReviewEntry(r.key, r.result, lookup(s.get("birth_place")), ident))
    review.enqueue_reviews(conn_lltp, SOURCE, entries, run_id=run_id)
    return len(todo)


IDENTITY_FIELDS = ("full_name", "dob_text", "id_number", "sex_text", "birth_place")

DECISIONS_SQL = """
WITH latest AS (
  SELECT DISTINCT ON (d.item_id) i.source_key, d.decision, d.citizen_id
    FROM review_decision d JOIN review_item i ON i.item_id = d.item_id
   WHERE i.source = 'qp' AND i.status = 'decided'
   ORDER BY d.item_id, d.decided_at DESC, d.decision_id DESC
), changed AS (
  UPDATE conviction c SET citizen_id = l.citizen_id, updated_at = now()
    FROM latest l
   WHERE c.source = 'qp' AND c.source_key = l.source_key AND l.decision = 'link'
     AND c.citizen_id IS DISTINCT FROM l.citizen_id
  RETURNING c.conviction_id, c.source_key, c.source_version, c.source_sheet_id, c.citizen_id
), hist AS (
  INSERT INTO conviction_history (conviction_id, source, source_key, source_version, source_sheet_id,
                                  change_kind, row_after, run_id)
  SELECT conviction_id, 'qp', source_key, source_version, source_sheet_id, 'identity',
         jsonb_build_object('citizen_id', citizen_id, 'by', 'review'), %(run_id)s FROM changed
)
UPDATE qp_identity q SET match_outcome = 'linked', match_tier = 'review', resolved_at = now()
  FROM changed WHERE q.source_key = changed.source_key
"""


def apply_review_decisions(conn_lltp, run_id: int | None = None) -> int:
    """Link qp convictions whose review item a person decided 'link' (the latest decision counts).
    Returns how many convictions changed; does not commit."""
    with conn_lltp.cursor() as cur:
        cur.execute(DECISIONS_SQL, {"run_id": run_id})
        return cur.rowcount
