"""Identity documents other than the personal ID: passport numbers and the BHYT card code.

One definition each, used by the identity normaliser (``de06.identity.ids``), the clinic-submission
validator (``de06.health.validate``) and the clinics simulator. The validator holds SO_CCCD to the
BHXH portal's passport rule; the normaliser also knows foreign passports of judicial records.
"""

from __future__ import annotations

import re

#: Passport number: 1 upper-case letter + 7 digits (identity.md §4: "the BHXH portal accepts 9 or 12
#: digits, or a passport: 1 upper-case letter + 7 digits"; clinic_xml.md §2 #5 SO_CCCD says the same).
PASSPORT_RE = re.compile(r"[A-Z][0-9]{7}")

#: A passport as a judicial record may hold it: a Vietnamese one, or a foreigner's of the same
#: shape with 8 digits (a Chinese passport: E + 8 digits). Judicial records cover foreigners too
#: (judicial_records.md section 4), and a passport is never used to link a record, so the
#: identity normaliser classifies both as ``passport`` rather than as an invalid ID.
RECORDED_PASSPORT_RE = re.compile(r"[A-Z][0-9]{7,8}")

#: The 15-character BHYT card code (bhyt.md §1): group (2 letters) + benefit level (1-5) + issuing
#: office (2 digits) + BHXH number (10 digits). The group must also be one of the 43 codes. Both
#: patterns are for ``fullmatch`` (ASCII digits only; a trailing newline does not pass).
BHYT_CARD_RE = re.compile(r"[A-Z]{2}[1-5][0-9]{2}[0-9]{10}")

#: Share of the covered cost the fund pays, in percent, by benefit level (bhyt.md §1, "Benefit levels"
#: table: 1 and 2 pay 100% (2 with caps), 3 pays 95%, 4 pays 80%, 5 pays 100%).
FUND_PAYS_PERCENT: dict[int, int] = {1: 100, 2: 100, 3: 95, 4: 80, 5: 100}


def is_passport(value: str) -> bool:
    """A passport number exactly as written (no case folding: callers normalise first)."""
    return PASSPORT_RE.fullmatch(value) is not None


def is_recorded_passport(value: str) -> bool:
    """A Vietnamese or foreign passport number as a judicial record may hold it."""
    return RECORDED_PASSPORT_RE.fullmatch(value) is not None


def benefit_level(card: str) -> int:
    """The benefit level of a card code: its 3rd character (bhyt.md §1, position 3)."""
    if not BHYT_CARD_RE.fullmatch(card):
        raise ValueError("not a 15-character BHYT card code")
    return int(card[2])


__all__ = [
    "BHYT_CARD_RE",
    "FUND_PAYS_PERCENT",
    "PASSPORT_RE",
    "RECORDED_PASSPORT_RE",
    "benefit_level",
    "is_passport",
    "is_recorded_passport",
]
