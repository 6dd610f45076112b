"""ID-number normalisation: 12-digit CCCD, 9-digit CMND, lost leading zeros, OCR letters (pure).

Returns the kind (``cccd``, ``cmnd``, ``passport``, ``none``, ``invalid``), the digits, flags and,
when invalid, the reason. A non-digit ID is never guessed at beyond the common OCR confusions
(O->0, I/l->1, S->5, B->8), and then only when the result has a valid length (flagged).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import OSA

from de06.domain import cccd as cccd_mod
from de06.domain.documents import is_recorded_passport

_SEPARATORS = re.compile(r"[\s.\-_/]+")
_PREFIX = re.compile(r"^(cccd|cmnd|cmt|số|so|no)[:#]?", re.IGNORECASE)
_OCR = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8"})


@dataclass(frozen=True)
class IdParse:
    raw: str | None
    kind: str  # cccd | cmnd | passport | none | invalid
    value: str | None = None
    flags: tuple[str, ...] = field(default=())
    error: str | None = None

    @property
    def usable(self) -> bool:
        return self.kind in ("cccd", "cmnd")


@lru_cache(maxsize=200_000)
def normalize_id(raw: str | None) -> IdParse:
    if raw is None:
        return IdParse(raw, "none")
    t = _SEPARATORS.sub("", str(raw).strip())
    t = _PREFIX.sub("", t)
    if not t:
        return IdParse(raw, "none")
    flags: list[str] = []
    if is_recorded_passport(t.upper()):  # Vietnamese (letter + 7 digits) or foreign (+ 8)
        return IdParse(raw, "passport", t.upper())
    if not t.isdigit():
        fixed = t.translate(_OCR)
        changed = sum(a != b for a, b in zip(t, fixed, strict=True))
        if fixed.isdigit() and len(fixed) in (9, 12) and changed <= 2:
            t = fixed
            flags.append("ocr_letters_fixed")
        else:
            return IdParse(raw, "invalid", error="id_non_digit")
    if len(t) == 12:
        return IdParse(raw, "cccd", t, tuple(flags))
    if len(t) == 9:
        return IdParse(raw, "cmnd", t, tuple(flags))
    if len(t) in (10, 11):
        flags.append("leading_zeros_restored")
        return IdParse(raw, "cccd", t.zfill(12), tuple(flags))
    return IdParse(raw, "invalid", error="id_bad_length")


def cccd_structure(number: str, birth_year: int | None, sex: str | None) -> list[str]:
    """CCCD structure problems against year of birth and sex (identity.md §1); [] when consistent."""
    return cccd_mod.check(number, birth_year=birth_year, sex=sex)


@lru_cache(maxsize=65_536)
def cccd_structure_flags(prefix: str, birth_year: int | None, sex: str | None) -> tuple[str, ...]:
    """``cccd:<problem>`` flags of a normalised 12-digit CCCD, from its first six digits (place,
    century/sex digit, year: the parts the structure check reads; the serial is never checked)."""
    return tuple(f"cccd:{p}" for p in cccd_structure(prefix + "000000", birth_year, sex))


def hamming1(a: str, b: str) -> bool:
    """Same length and exactly one position differs, or one adjacent transposition."""
    if len(a) != len(b) or a == b:
        return False
    return OSA.distance(a, b, score_cutoff=1) <= 1
