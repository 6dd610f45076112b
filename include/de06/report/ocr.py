"""OCR-aware text keys and fuzzy matching for scanned province status tables.

Pure functions. The *confusion-aware fold* maps every OCR confusion of identity.md §6 onto one
letter, so that a scanned ``Dà Nắng`` and the official ``Đà Nẵng`` share a key:

- diacritics dropped (tone marks lost or swapped, ơ->o, ư->u, ă/â->a, Đ/Ð->d) and case folded;
- look-alike glyphs inside words: ``rn``->``m``, ``0``->``o``, ``1``/``|``/``!``/``i``->``l``,
  ``5``->``s``, ``8``->``b`` (no two province names or status phrases collide under this fold;
  a unit test checks it).

Fuzzy scores use :func:`ocr_distance`, a Damerau-Levenshtein distance in which OCR-typical
slips cost less (a doubled or dropped repeated letter 0.4, two neighbours swapped 0.6).
Matching is precision first: a fuzzy match must score at least ``min_score`` and beat the best
*other* candidate by ``margin``; otherwise the text is left unresolved (never guessed).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from de06.domain import provinces

_GLYPHS = (("rn", "m"), ("0", "o"), ("1", "l"), ("|", "l"), ("!", "l"), ("5", "s"), ("8", "b"), ("i", "l"))
# prefixes after the fold (i->l): "Tỉnh", "Thành phố", "TP", "T." (letters may be doubled by OCR)
_PREFIX = re.compile(r"^(t+h+a+n+h+ p+h+o+|t+l+n+h+|t+p+|t p|t)\b\.?\s*")
_PUNCT = re.compile(r"[\s\-–—_.,:;'’\"()/]+")


def nfc(text: str | None) -> str:
    """NFC, look-alike Eth mapped to Đ/đ, outer whitespace stripped, inner runs collapsed."""
    t = unicodedata.normalize("NFC", text or "").replace("\u00d0", "Đ").replace("\u00f0", "đ")
    t = t.replace("\ufeff", "").replace("\u00a0", " ")
    return re.sub(r"[ \t]+", " ", t).strip()


def strip_marks(text: str) -> str:
    t = unicodedata.normalize("NFD", text)
    t = "".join(c for c in t if unicodedata.category(c) != "Mn")
    return t.replace("đ", "d").replace("Đ", "D").replace("Ð", "D").replace("ð", "d")


def ocr_fold(text: str | None) -> str:
    """Confusion-aware key: no marks, lower case, OCR glyph confusions merged, single spaces."""
    t = strip_marks(nfc(text)).lower()
    for a, b in _GLYPHS:
        t = t.replace(a, b)
    return _PUNCT.sub(" ", t).strip()


def province_key(text: str | None) -> str:
    """:func:`ocr_fold` without the administrative prefix (Tỉnh, TP, Thành phố) and spaces."""
    k = ocr_fold(text)
    prev = None
    while prev != k:
        prev = k
        k = _PREFIX.sub("", k).strip()
    return k.replace(" ", "")


@dataclass(frozen=True)
class Match:
    value: str | None  # canonical value (province code or phrase id), None when unresolved
    score: float  # 0-100
    method: str  # "exact", "alias", "ocr", "fuzzy", "none", "ambiguous"


@lru_cache(maxsize=1)
def _province_keys() -> tuple[tuple[str, str], ...]:
    keys: list[tuple[str, str]] = []
    for p in provinces.PROVINCES:
        for name in (p.name, *p.variants):
            k = province_key(name)
            if len(k) >= 4:
                keys.append((k, p.code))
    return tuple(keys)


@lru_cache(maxsize=4096)
def match_province(text: str | None, *, min_score: float = 84.0, margin: float = 6.0) -> Match:
    """Resolve a (possibly OCR-damaged) province name to its 3-digit code, or leave it unresolved."""
    raw = nfc(text)
    if not raw:
        return Match(None, 0.0, "none")
    if provinces.fold(raw).replace(" ", "") in provinces.AMBIGUOUS_ALIASES:
        return Match(None, 0.0, "ambiguous")
    code = provinces.lookup(raw)
    if code is not None:
        official = provinces.BY_CODE[code].name
        plain = re.sub(r"^(Tỉnh|Thành phố|TP\.?|Tp\.?)\s*", "", raw).strip()
        return Match(code, 100.0, "exact" if plain == official else "alias")
    key = province_key(raw)
    if len(key) < 4:
        return Match(None, 0.0, "none")
    best: dict[str, float] = {}
    for k, c in _province_keys():
        s = 100.0 if k == key else similarity(key, k)
        if s > best.get(c, -1.0):
            best[c] = s
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    (c1, s1), (_, s2) = ranked[0], ranked[1]
    if s1 == 100.0 and s2 < 100.0:
        return Match(c1, 100.0, "ocr")
    if s1 >= min_score and s1 - s2 >= margin:
        return Match(c1, round(s1, 1), "fuzzy")
    return Match(None, round(s1, 1), "ambiguous" if s1 >= min_score else "none")


def match_phrase(
    text: str | None,
    vocabulary: dict[str, tuple[str, ...]],
    *,
    min_score: float = 80.0,
    margin: float = 8.0,
) -> Match:
    """Resolve free text to one id of ``vocabulary`` (id -> accepted spellings)."""
    frozen = tuple((k, tuple(v)) for k, v in vocabulary.items())
    return _match_phrase(text, frozen, min_score, margin)


@lru_cache(maxsize=4096)
def _match_phrase(
    text: str | None, vocabulary: tuple[tuple[str, tuple[str, ...]], ...], min_score: float, margin: float
) -> Match:
    raw = nfc(text)
    if not raw:
        return Match(None, 0.0, "none")
    key = ocr_fold(raw)
    best: dict[str, float] = {}
    exact = None
    for vid, spellings in vocabulary:
        for s in spellings:
            if nfc(s) == raw:
                exact = vid
            k = ocr_fold(s)
            score = 100.0 if k == key else similarity(key, k)
            if score > best.get(vid, -1.0):
                best[vid] = score
    if exact is not None:
        return Match(exact, 100.0, "exact")
    ranked = sorted(best.items(), key=lambda kv: -kv[1]) + [("", 0.0)]
    (v1, s1), (_, s2) = ranked[0], ranked[1]
    if s1 == 100.0 and s2 < 100.0:
        return Match(v1, 100.0, "ocr")
    if s1 >= min_score and s1 - s2 >= margin:
        return Match(v1, round(s1, 1), "fuzzy")
    return Match(None, round(s1, 1), "ambiguous" if s1 >= min_score else "none")


def ocr_distance(a: str, b: str) -> float:
    """Weighted Damerau-Levenshtein distance between two folded keys (see module docstring)."""
    n, m = len(a), len(b)
    d = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        d[i][0] = d[i - 1][0] + (0.4 if i > 1 and a[i - 1] == a[i - 2] else 1.0)
    for j in range(1, m + 1):
        d[0][j] = d[0][j - 1] + (0.4 if j > 1 and b[j - 1] == b[j - 2] else 1.0)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            sub = 0.0 if a[i - 1] == b[j - 1] else 1.0
            dele = 0.4 if i > 1 and a[i - 1] == a[i - 2] else 1.0
            ins = 0.4 if j > 1 and b[j - 1] == b[j - 2] else 1.0
            best = min(d[i - 1][j] + dele, d[i][j - 1] + ins, d[i - 1][j - 1] + sub)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1] and a[i - 1] != b[j - 1]:
                best = min(best, d[i - 2][j - 2] + 0.6)
            d[i][j] = best
    return d[n][m]


def similarity(a: str, b: str) -> float:
    """0-100 score from :func:`ocr_distance`."""
    if not a and not b:
        return 100.0
    return max(0.0, 100.0 * (1.0 - ocr_distance(a, b) / max(len(a), len(b))))


def ocr_digits(text: str) -> str:
    """Read look-alike letters as digits (for numbers and dates: O->0, l/I/|->1, S->5, B->8)."""
    table = str.maketrans(
        {
            "O": "0",
            "o": "0",
            "Q": "0",
            "D": "0",
            "l": "1",
            "I": "1",
            "|": "1",
            "i": "1",
            "S": "5",
            "s": "5",
            "B": "8",
            "Z": "2",
            "z": "2",
        }
    )
    return text.translate(table)
