"""Scoring one record against one candidate citizen (pure; Fellegi-Sunter style log2 weights).

Every comparison yields a level and a weight log2(m/u): m = how often a true pair shows that level,
u = how often a random pair does. Name agreement uses the name's frequency in the population
(term frequency) as u, so "Nguyễn Văn Hùng" counts for less than a rare name. The posterior log-odds
of a pair is the weight sum minus log2(population size) (the prior of a random pair).

The m values are stated once below, from the dirt catalogue's description of record keeping, not
fitted to any simulator's output.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from rapidfuzz.distance import OSA

from de06.identity.ids import hamming1
from de06.identity.names import REGIONAL_PAIRS
from de06.identity.standardize import StdIdentity
from de06.identity.text import fold, written_key

#: Share of a birthday among random pairs (about a century of birth dates).
U_DOB = 1 / 36500
U_YEAR = 1 / 80  # birth years span about 80 years
U_PROVINCE = 1 / 63
#: m: chance a true pair shows the level (identity.md §6 dirt is a minority of fields).
M = {
    "name_written_exact": 0.85,
    "name_folded_exact": 0.85,  # record written without marks
    "name_marks_conflict": 0.04,  # both carry marks, folded equal, marks differ (Hưng/Hùng)
    "name_token_set": 0.03,
    "name_middle_missing": 0.04,
    "name_regional_family": 0.005,
    "name_fuzzy": 0.05,
    "dob_exact": 0.9,
    "dob_swapped": 0.03,
    "dob_year": 0.95,  # the level used only when one side knows just the year: does the year agree
    "dob_differs": 0.01,
    "province_agree": 0.85,
    "province_differs": 0.15,
    # residence: the records office notes where the person lived then; people move afterwards
    # (identity.md: a move meant a new CMND), so a true pair disagrees more often than on birth
    "residence_agree": 0.75,
    "residence_differs": 0.25,
    "sex_agree": 0.97,
    "sex_differs": 0.03,
    "id_cccd_exact": 0.9,
    "id_cmnd": 0.9,
    "id_cccd_one_digit": 0.04,
    "id_conflict": 0.02,
}
#: Posterior log2-odds needed to link (at most 1 wrong link in 1,000 of the weakest links so
#: decided; ID-confirmed links score far higher, so the overall error stays well under 1e-4) and for
#: a candidate to count as plausible (sent to review instead of "unmatched").
LINK_LOG_ODDS = 10.0
PLAUSIBLE_LOG_ODDS = 0.0
#: A second candidate this close to the best makes the record ambiguous (review).
AMBIGUITY_MARGIN = 8.0


@dataclass(frozen=True)
class TermFrequencies:
    """Relative frequency of folded family-, middle- and given-name keys in the population."""

    population: int
    family: dict[str, float]
    given: dict[str, float]
    floor: float  # frequency used for a key not seen (the sample's resolution)
    middle: dict[str, float] = field(default_factory=dict)  # whole middle name, folded ('' = none)
    residence: dict[str, float] = field(default_factory=dict)  # share of citizens living in a province

    def f_family(self, key: str) -> float:
        return self.family.get(key, self.floor)

    def f_given(self, key: str) -> float:
        return self.given.get(key, self.floor)

    def f_middle(self, key: str) -> float:
        # without middle-name statistics, middle agreement adds nothing
        return self.middle.get(key, self.floor) if self.middle else 1.0

    def f_residence(self, code: str) -> float:
        """Share of the population living in province ``code`` (1/63 without statistics)."""
        return self.residence.get(code, self.floor) if self.residence else U_PROVINCE

    def as_json(self) -> dict:
        return {
            "population": self.population,
            "family": self.family,
            "given": self.given,
            "floor": self.floor,
            "middle": self.middle,
            "residence": self.residence,
        }

    @classmethod
    def from_json(cls, d: dict) -> TermFrequencies:
        return cls(
            int(d["population"]),
            dict(d["family"]),
            dict(d["given"]),
            float(d["floor"]),
            dict(d.get("middle") or {}),
            dict(d.get("residence") or {}),
        )


#: Name levels where family, middle and given names all agree (as written, folded or reordered).
FULL_NAME_LEVELS = frozenset({"written_exact", "folded_exact", "marks_conflict", "token_set"})


@dataclass
class PairScore:
    citizen_id: int
    tier: str
    weight: float
    log_odds: float
    levels: dict[str, str]
    reasons: list[str] = field(default_factory=list)
    can_link: bool = True
    deceased: bool = False


@lru_cache(maxsize=100_000)
def _w(m: float, u: float) -> float:
    return math.log2(max(m, 1e-12) / max(u, 1e-12))


def _close(a: str, b: str) -> bool:
    """One typing/OCR slip apart: edit distance 1, a swap of adjacent letters counting as one
    (2 for words of 6+ letters)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    limit = 2 if (la if la < lb else lb) >= 6 else 1
    if la - lb > limit or lb - la > limit:
        return False  # the distance is at least the difference in length
    return OSA.distance(a, b, score_cutoff=limit) <= limit


def _align(rt: list[str], ct: list[str]) -> tuple[int, int, int] | None:
    """Match every record word to a distinct candidate word (any order): (exact, close, unmatched
    candidate words), or None when a record word has no partner. Exact partners first, then each
    remaining record word takes the first free candidate word one slip away."""
    free = list(ct)
    exact = close = 0
    pending = []
    for w in rt:
        if w in free:
            free.remove(w)
            exact += 1
        else:
            pending.append(w)
    for w in pending:
        for i, c in enumerate(free):
            if _close(c, w):
                del free[i]
                close += 1
                break
        else:
            return None
    return exact, close, len(free)


@lru_cache(maxsize=50_000)
def _family_key(family_name: str | None) -> str:
    parts = fold(family_name).split()
    return parts[0] if parts else ""


@lru_cache(maxsize=50_000)
def _given_key(given_name: str | None) -> str:
    parts = fold(given_name).split()
    return parts[-1] if parts else ""


def family_absent(rec: StdIdentity, cand: dict) -> bool:
    """True when the candidate's family name is not among the record's words, not even one slip
    away, nor a regional reading of it: such a pair can only be a ``mismatch`` (cheap; checked
    before the whole names are compared)."""
    fam = _family_key(cand["family_name"])
    rt = rec.tokens
    if not fam or not rt or fam in rt:
        return False
    if rt[0] != fam and frozenset({rt[0], fam}) in REGIONAL_PAIRS:
        return False
    return not any(_close(fam, r) for r in rt)


def name_level(rec: StdIdentity, cand: dict) -> str:
    """Levels, strongest first: written_exact, folded_exact (record has no marks), marks_conflict,
    token_set (order differs), middle_missing, regional_family, fuzzy (one slip), mismatch."""
    if family_absent(rec, cand):
        # exact, folded and reordered agreement all contain the family word; a regional reading
        # is let through above
        return "mismatch"
    name, cfull = rec.name, cand["full_name"]
    if name is not None and cfull == name.raw:
        return "written_exact"  # the very text the record holds: its written key is rec.written
    if rec.written == written_key(cfull):
        return "written_exact"
    cf = fold(cfull)
    rf = name.folded if name else ""
    if rf == cf:
        return "marks_conflict" if rec.marked else "folded_exact"
    rt, ct = rf.split(), cf.split()
    if not rt or not ct:
        return "mismatch"
    fam_c, giv_c = fold(cand["family_name"]).split(), fold(cand["given_name"]).split()
    if len(rt) == len(ct) and rt[1:] == ct[1:] and frozenset({rt[0], ct[0]}) in REGIONAL_PAIRS:
        return "regional_family"
    # quick exit: the family name must be present (exactly or one slip away)
    if fam_c and fam_c[0] not in rt and not any(_close(fam_c[0], r) for r in rt):
        return "mismatch"
    al = _align(rt, ct)
    if al is None:
        return "mismatch"
    exact, close, extra = al
    # family and given names must both be present (exactly or with one slip)
    if not (
        all(any(_close(w, r) for r in rt) for w in fam_c[:1])
        and all(any(_close(w, r) for r in rt) for w in giv_c)
    ):
        return "mismatch"
    if close == 0 and extra == 0:
        return "token_set"
    if close == 0:
        return "middle_missing"
    if close == 1:
        return "fuzzy"
    return "mismatch"


def dob_level(rec: StdIdentity, cand: dict) -> str:
    if not rec.dob.ok:
        return "unknown"
    cdob: date = cand["dob"]
    if cand.get("dob_precision") == "Y" or rec.dob.year_only:
        return "year" if cdob.year == rec.dob.year else "differs"
    rdob = rec.dob.as_date()
    if rdob == cdob:
        return "exact"
    if rec.dob.swapped() == cdob:
        return "swapped"
    if "filler_0101" in rec.dob.flags and cdob.year == rec.dob.year:
        return "year"
    return "differs"


def id_level(rec: StdIdentity, cand: dict) -> str:
    if not rec.id.usable:
        return "none"
    v = rec.id.value
    if rec.id.kind == "cccd":
        if v == cand["cccd"]:
            return "cccd_exact"
        if hamming1(v, cand["cccd"]):
            return "cccd_one_digit"
        return "conflict"
    # 9-digit CMND: current or any old number
    if v == cand.get("cmnd") or v in (cand.get("cmnd_old") or ()):
        return "cmnd"
    if cand.get("cmnd") or cand.get("cmnd_old"):
        return "cmnd_other"  # people held several CMND numbers: weak evidence only
    return "cmnd_unknown"  # the candidate has no CMND on file: the number is someone else's, likely


#: Weights of the levels that do not depend on the population (computed once).
_W_DOB = {
    "exact": _w(M["dob_exact"], U_DOB),
    "swapped": _w(M["dob_swapped"], U_DOB),
    "year": _w(M["dob_year"], U_YEAR),
    "differs": _w(M["dob_differs"], 1.0),
    "unknown": 0.0,
}
_W_SEX = {"agree": _w(M["sex_agree"], 0.5), "differs": _w(M["sex_differs"], 0.5)}
_W_PROVINCE = {
    "agree": _w(M["province_agree"], U_PROVINCE),
    "differs": _w(M["province_differs"], 1 - U_PROVINCE),
}


@lru_cache(maxsize=16)
def _id_weights(n: int) -> dict[str, float]:
    """ID level weights for a population of ``n`` (an exact CCCD is shared by 1 in n at random)."""
    return {
        "cccd_exact": _w(M["id_cccd_exact"], 1 / n),
        "cmnd": _w(M["id_cmnd"], 2 / n),
        "cccd_one_digit": _w(M["id_cccd_one_digit"], 108 / n),
        "conflict": _w(M["id_conflict"], 1.0),
        "cmnd_other": _w(0.2, 1.0),
        "cmnd_unknown": _w(0.1, 1.0),
        "none": 0.0,
    }


#: Log-odds given to a pair whose name and ID both disagree (never plausible; not scored further).
NO_EVIDENCE = -99.0


_ID_TIERS = frozenset({"cccd_exact", "cmnd", "cccd_one_digit"})
_W_NAME_MISMATCH = _w(0.01, 1.0)
_LEVEL_NAMES = ("name", "dob", "id", "sex", "province", "residence")


@lru_cache(maxsize=8_192)
def _verdict(nl: str, dl: str, il: str, sl: str | None, pl: str | None, rl: str | None) -> tuple:
    """What the levels of a pair decide by themselves: (levels as (name, level) pairs, reasons,
    can_link, tier). Levels that were not compared (a side lacks the field) are None."""
    compared = zip(_LEVEL_NAMES, (nl, dl, il, sl, pl, rl), strict=True)
    levels = tuple((k, v) for k, v in compared if v is not None)
    reasons = [f"{k}:{v}" for k, v in levels]
    # Gates: every tier confirms with name and date of birth; an ID alone is not proof.
    can_link = nl != "mismatch" and dl in ("exact", "swapped", "year")
    if dl == "year" and il not in ("cccd_exact", "cmnd"):
        can_link = False
        reasons.append("gate:year_only_dob_needs_id")
    if il == "conflict":
        can_link = False
        reasons.append("gate:id_conflict")
    if nl == "regional_family":
        can_link = False
        reasons.append("gate:regional_family_name")
    if nl == "mismatch" or dl in ("differs", "unknown"):
        reasons.append("gate:name_and_dob_must_agree")
    return levels, tuple(reasons), can_link, il if il in _ID_TIERS else "fuzzy"


def _no_evidence(cand: dict, il: str) -> PairScore:
    """A pair whose name and ID both disagree: never plausible, not scored further."""
    levels = {"name": "mismatch", "id": il}
    reasons = ["name:mismatch", "id:" + il]
    return PairScore(
        int(cand["citizen_id"]),
        "fuzzy",
        NO_EVIDENCE,
        NO_EVIDENCE,
        levels,
        reasons,
        False,
        bool(cand.get("is_deceased")),
    )


def score_pair(rec: StdIdentity, cand: dict, tf: TermFrequencies) -> PairScore:
    nl = name_level(rec, cand)
    il = id_level(rec, cand)
    if nl == "mismatch" and il not in _ID_TIERS:
        # a blocking hit on a shared word only (a middle name that is someone's given name)
        return _no_evidence(cand, il)
    n = max(tf.population, 2)
    dl = dob_level(rec, cand)
    # weights are added in one fixed order: name, dob, id, sex, province, residence
    if nl == "mismatch":
        weight = _W_NAME_MISMATCH
    else:
        u_name = tf.f_family(_family_key(cand["family_name"])) * tf.f_given(_given_key(cand["given_name"]))
        if nl in FULL_NAME_LEVELS:
            # the whole name agrees, middle name included: its frequency counts too
            u_name *= tf.f_middle(fold(cand.get("middle_name") or ""))
        # a slip away: u several times the exact agreement's (lan/lam/tan are all names)
        weight = _w(M[f"name_{nl}"], u_name if nl != "fuzzy" else u_name * 5)
    weight += _W_DOB[dl]
    weight += _id_weights(n)[il]
    sl = pl = rl = None
    if rec.sex and cand.get("sex"):
        sl = "agree" if rec.sex == cand["sex"] else "differs"
        weight += _W_SEX[sl]
    if rec.province and cand.get("birth_province"):
        pl = "agree" if rec.province == cand["birth_province"] else "differs"
        weight += _W_PROVINCE[pl]
    res = rec.residence
    if res and cand.get("residence_province"):
        if res == cand["residence_province"]:
            rl = "agree"
            weight += _w(M["residence_agree"], tf.f_residence(res))
        else:
            rl = "differs"
            weight += _w(M["residence_differs"], 1 - tf.f_residence(res))
    levels, reasons, can_link, tier = _verdict(nl, dl, il, sl, pl, rl)
    log_odds = weight - math.log2(n)
    deceased = bool(cand.get("is_deceased"))
    return PairScore(
        int(cand["citizen_id"]), tier, weight, log_odds, dict(levels), list(reasons), can_link, deceased
    )


@dataclass
class Decision:
    outcome: str  # linked | review | unmatched
    best: PairScore | None
    plausible: list[PairScore]
    reasons: list[str]


def decide(scores: list[PairScore]) -> Decision:
    """Pick the outcome from all candidate scores of one record (precision first)."""
    ranked = sorted(scores, key=lambda s: s.log_odds, reverse=True)
    plausible = [s for s in ranked if s.log_odds >= PLAUSIBLE_LOG_ODDS]
    if not plausible:
        return Decision("unmatched", ranked[0] if ranked else None, [], ["no_plausible_candidate"])
    best = plausible[0]
    reasons: list[str] = []
    runner = plausible[1] if len(plausible) > 1 else None
    id_levels = ("cccd_exact", "cmnd")
    # Namesakes (same name and dob) are told apart by the ID: an exact ID on the best candidate and
    # none on the runner-up decides; otherwise a close runner-up makes the record ambiguous.
    id_decides = (
        runner is not None and best.levels["id"] in id_levels and runner.levels["id"] not in id_levels
    )
    if runner is not None and best.log_odds - runner.log_odds < AMBIGUITY_MARGIN and not id_decides:
        reasons.append("two_plausible_candidates")
    if best.log_odds < LINK_LOG_ODDS:
        reasons.append("weak_score")
    if not best.can_link:
        reasons.append("not_confirmed_by_name_and_dob")
    if reasons:
        return Decision("review", best, plausible, reasons)
    return Decision("linked", best, plausible, [])
