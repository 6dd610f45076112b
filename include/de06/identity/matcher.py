"""The identity matcher shared by the judicial cleansing and the military-court sync.

``match_identities(inputs, dancu_conn)`` standardises each input, loads the batch into a TEMP table
with COPY (works on the read-only ``dancu`` role), joins it to ``citizen`` on blocking keys (indexes
in sql/dancu/010_identity_keys.sql), brings back candidate pairs and scores them row-wise
(:mod:`de06.identity.scoring`). One record links to at most one citizen; links are never chained.
Two plausible candidates or a weak score go to review with the candidates and reasons.
Nothing here logs names or ID numbers.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from de06.db.copyrows import copy_rows
from de06.identity.scoring import Decision, PairScore, TermFrequencies, decide, score_pair
from de06.identity.standardize import StdIdentity, standardize
from de06.runtime.memory import gc_paused

log = logging.getLogger(__name__)
TF_SAMPLE_ROWS = 200_000
MAX_REVIEW_CANDIDATES = 5


@dataclass(frozen=True)
class IdentityInput:
    """One person as some source recorded them."""

    key: str  # the source's record key
    full_name: str | None
    dob_text: str | None
    id_number: str | None
    sex_text: str | None = None
    birth_place: str | None = None
    residence: str | None = None  # province (code or name) the source recorded as residence


@dataclass
class MatchResult:
    key: str
    outcome: str  # "linked" | "review" | "unmatched" | "rejected"
    citizen_id: int | None
    tier: str | None  # "cccd_exact", "cmnd", "cccd_one_digit", "fuzzy"
    score: float | None  # posterior log2-odds of the best candidate
    reasons: list[str]
    candidates: list[dict]  # citizen_id, tier, score, reasons per candidate (no raw PII)
    deceased: bool = False
    std: StdIdentity | None = field(default=None, repr=False, compare=False)
    #: the linked citizen's row as fetched (personal data: written to the cleaned values, never
    #: logged), so the caller need not read the population again
    citizen: dict | None = field(default=None, repr=False, compare=False)
    #: settled by a person's decision on its review item (the cleansing applies those)
    decided: bool = False


@cache
def sql(name: str) -> str:
    return resources.files("de06.identity").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def population_size(conn) -> int:
    with conn.cursor() as cur:
        cur.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = 'citizen'::regclass")
        est = cur.fetchone()[0]
        if est is None or est < 1_000_000:
            cur.execute("SELECT count(*) FROM citizen")
            est = cur.fetchone()[0]
    return int(est)


def term_frequencies(conn) -> TermFrequencies:
    """Name-key frequencies computed in SQL from the population (sampled when it is large)."""
    n = population_size(conn)
    pct = 100.0 if n <= TF_SAMPLE_ROWS else max(0.5, 100.0 * TF_SAMPLE_ROWS / n)
    fam: dict[str, int] = {}
    mid: dict[str, int] = {}
    giv: dict[str, int] = {}
    res: dict[str, int] = {}
    total = 0
    with conn.cursor() as cur:
        cur.execute(sql("term_frequencies"), {"pct": pct})
        for kind, key, cnt in cur.fetchall():
            if kind == "f":
                fam[key] = cnt
            elif kind == "g":
                giv[key] = cnt
            elif kind == "m":
                mid[key] = cnt
            elif kind == "r":
                res[key] = cnt
            else:
                total = cnt
    total = max(total, 1)
    return TermFrequencies(
        population=max(n, 1),
        family={k: v / total for k, v in fam.items()},
        given={k: v / total for k, v in giv.items()},
        floor=0.5 / total,
        middle={k: v / total for k, v in mid.items()},
        residence={k: v / total for k, v in res.items()},
    )


def _load_ids(cur, stds: list[StdIdentity | None]) -> None:
    """Tier 1 input: the usable IDs of the batch (k = position in ``stds``)."""
    cur.execute(sql("batch_table"))
    ids = [
        (k, s.id.value if s.id.kind == "cccd" else None, s.id.value if s.id.kind == "cmnd" else None)
        for k, s in enumerate(stds)
        if s is not None and s.id.usable
    ]
    copy_rows(cur, "m_batch", ("k", "cccd", "cmnd"), ids)
    cur.execute("ANALYZE m_batch")


def _load_keys(cur, stds: list[StdIdentity | None], pending: list[int]) -> None:
    """Tier 2 input, for the rows tier 1 did not settle: name and date blocking keys."""
    keys, loose_rows = [], []
    for k in pending:
        s = stds[k]
        d = s.dob
        if not d.ok:
            continue
        words = s.tokens
        if not words:
            continue
        # the given name is the last word (Vietnamese order) or the first (Western order); the
        # family name is then the other end
        ends = {words[-1]: words[0], words[0]: words[-1]}
        want_cmnd = s.id.kind == "cmnd" and s.id.usable
        jan1 = f"{d.year:04d}-01-01"
        for tok in sorted(ends):
            # citizens known only by their birth year carry 1 Jan; that block also needs the
            # family word (a year-wide block on a common given name alone is far too wide)
            keys.append((k, tok, jan1, True, ends[tok], want_cmnd))
            if not d.year_only:
                keys.append((k, tok, d.iso, False, ends[tok], want_cmnd))
                swap = d.swapped()
                if swap:
                    keys.append((k, tok, swap.isoformat(), False, ends[tok], want_cmnd))
        if (d.year_only or "filler_0101" in d.flags) and len(words) >= 2 and not s.id.usable:
            # A year alone confirms a link only with an agreeing ID, which tier 1 finds; so the
            # year-wide block runs only for records without a usable ID, to give reviewers the
            # candidates. Given name last and family first, or the reverse (Western order).
            loose_rows.extend({(k, words[-1], words[0], d.year), (k, words[0], words[-1], d.year)})
    copy_rows(cur, "m_keys", ("k", "tok", "d", "year_only_pop", "ftok", "want_cmnd"), keys)
    copy_rows(cur, "m_loose", ("k", "gtok", "ftok", "y"), loose_rows)
    cur.execute("ANALYZE m_keys; ANALYZE m_loose")


_CAND_COLS = (
    "k",
    "citizen_id",
    "via",
    "cccd",
    "cmnd",
    "full_name",
    "family_name",
    "middle_name",
    "given_name",
    "dob",
    "dob_precision",
    "sex",
    "birth_province",
    "is_deceased",
    "cmnd_old",
    "residence_province",
)


def _fetch(cur, query: str, params=None) -> dict[int, list[dict]]:
    """Candidates per batch row; a citizen found by several blocking rules appears once."""
    cur.execute(query, params)
    out: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in cur.fetchall():
        by_citizen = out[row[0]]
        if row[1] not in by_citizen:  # the first blocking rule that found it ("via") is kept
            by_citizen[row[1]] = dict(zip(_CAND_COLS, row, strict=True))
    return {k: list(v.values()) for k, v in out.items()}


def _candidate_view(s: PairScore) -> dict:
    return {
        "citizen_id": s.citizen_id,
        "tier": s.tier,
        "score": round(s.log_odds, 2),
        "reasons": s.reasons,
        "deceased": s.deceased,
    }


#: ID levels that settle a record in tier 1: an exact CCCD or CMND confirmed by name and dob.
SETTLING_ID_LEVELS = ("cccd_exact", "cmnd")


def match_std(stds: list[StdIdentity], dancu_conn, tf: TermFrequencies | None = None) -> list[MatchResult]:
    """Match already standardised identities (the cleansing pipeline keeps the trail).

    Tier 1 looks up usable IDs (CCCD, current and old CMND). A record whose exact ID candidate is
    confirmed by name and date of birth, with no second candidate sharing the ID, is settled there:
    a candidate found later by name cannot carry that ID, so it could not change the decision
    (see :func:`de06.identity.scoring.decide`). Every other record goes on to tier 2, the name and
    date blocks (which also find the one-wrong-digit CCCD and the fuzzy matches), and, with no
    candidate at all, to the family-name fallback. Scores of all candidates found are decided
    together.
    """
    results: list[MatchResult | None] = [None] * len(stds)
    live: list[StdIdentity | None] = []
    for i, s in enumerate(stds):
        if s.reject:
            results[i] = MatchResult(s.key, "rejected", None, None, None, [s.reject, *s.flags], [], std=s)
            live.append(None)
        else:
            live.append(s)
    if any(x is not None for x in live):
        tf = tf or term_frequencies(dancu_conn)
        scores: dict[int, list[PairScore]] = defaultdict(list)

        rows_of: dict[tuple[int, int], dict] = {}  # (k, citizen_id) -> candidate row

        def add(k: int, rows: list[dict]) -> None:
            seen = {p.citizen_id for p in scores[k]}
            for c in rows:
                cid = int(c["citizen_id"])
                if cid not in seen:
                    scores[k].append(score_pair(live[k], c, tf))
                    rows_of[k, cid] = c

        with dancu_conn.cursor() as cur:
            _load_ids(cur, live)
            for k, rows in _fetch(cur, sql("candidates_id")).items():
                add(k, rows)
            pending = []
            for k, s in enumerate(live):
                if s is None:
                    continue
                d = decide(scores[k]) if scores.get(k) else None
                if d is not None and d.outcome == "linked" and d.best.levels["id"] in SETTLING_ID_LEVELS:
                    results[k] = _result(s, d, rows_of.get((k, d.best.citizen_id)))
                else:
                    pending.append(k)
            if pending:
                _load_keys(cur, live, pending)
                for k, rows in _fetch(cur, sql("candidates_name")).items():
                    add(k, rows)
                missing = [k for k in pending if not scores.get(k)]
                if missing:
                    for k, rows in _fetch(cur, sql("candidates_fallback"), {"keys": missing}).items():
                        add(k, rows)
            cur.execute("TRUNCATE m_batch, m_keys, m_loose")
        for k in pending:
            d = decide(scores.get(k, []))
            results[k] = _result(live[k], d, rows_of.get((k, d.best.citizen_id)) if d.best else None)
    return [r for r in results if r is not None]


def _result(s: StdIdentity, d: Decision, best_row: dict | None = None) -> MatchResult:
    """The outcome of one record; ``best_row``: the best candidate's row (kept when linked)."""
    if d.outcome == "linked":
        b = d.best
        return MatchResult(
            s.key,
            "linked",
            b.citizen_id,
            b.tier,
            round(b.log_odds, 2),
            [*b.reasons, *s.flags] + (["deceased"] if b.deceased else []),
            [_candidate_view(b)],
            deceased=b.deceased,
            std=s,
            citizen=best_row,
        )
    if d.outcome == "review":
        b = d.best
        cands = [_candidate_view(p) for p in d.plausible[:MAX_REVIEW_CANDIDATES]]
        return MatchResult(
            s.key,
            "review",
            None,
            b.tier,
            round(b.log_odds, 2),
            [*d.reasons, *b.reasons, *s.flags],
            cands,
            deceased=any(p.deceased for p in d.plausible[:MAX_REVIEW_CANDIDATES]),
            std=s,
        )
    best = d.best
    return MatchResult(
        s.key,
        "unmatched",
        None,
        None,
        round(best.log_odds, 2) if best else None,
        [*d.reasons, *s.flags],
        [],
        std=s,
    )


def match_identities(
    inputs: Sequence[IdentityInput], dancu_conn, tf: TermFrequencies | None = None
) -> list[MatchResult]:
    """Match each input to at most one citizen; results in input order, one per input."""
    with gc_paused():
        stds = [
            standardize(i.key, i.full_name, i.dob_text, i.id_number, i.sex_text, i.birth_place, i.residence)
            for i in inputs
        ]
        return match_std(stds, dancu_conn, tf)


__all__ = ["IdentityInput", "MatchResult", "match_identities", "match_std", "term_frequencies"]
