"""Vietnamese personal names: split into family / middle / given, and compare (pure functions).

Order on documents is family + middle + given. Compound family names (Tôn Nữ, Tôn Thất, Hoàng Phủ,
Âu Dương, ...) stay together. A Western-order name ("Lan Thi Nguyen") is put back in order when its
last word is a common family name and its first is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from de06.identity.text import clean, fold

COMPOUND_FAMILY = frozenset({"ton nu", "ton that", "hoang phu", "au duong", "tu ma", "cong ton", "gia cat"})
#: Family names (folded) common enough to recognise a Western-order name. identity.md §5.
FAMILY_NAMES = frozenset(
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh dao trinh truong lam "
    "mai luong ha cao ta doan phung trieu kieu thai to quach chau luu vuong nong lo quang cam tong".split()
)
#: Family names of ethnic minorities and rarer Kinh ones (identity.md §5), written in Vietnamese
#: order: a name that starts with one is never taken for Western order ("Vi Thị Mai" is family Vi,
#: given Mai, though Mai is a family name too).
OTHER_FAMILY_NAMES = frozenset(
    "ca lu vi deo sam luc ma be giang vang sung thao mua hang lau trang sinh thach danh nghiem khuc "
    "khong".split()
)
_ANY_FAMILY = FAMILY_NAMES | OTHER_FAMILY_NAMES
#: Regional readings of one surname: different strings in law, scored as a weak match only.
REGIONAL_PAIRS = frozenset({frozenset({"hoang", "huynh"}), frozenset({"vu", "vo"})})
MIDDLE_MARKERS = frozenset({"thi", "van"})


@dataclass(frozen=True)
class NameParts:
    raw: str
    cleaned: str  # NFC, spaced, canonical tones, original case
    family: str
    middle: str
    given: str
    folded: str  # whole name, diacritic-free
    rules: tuple[str, ...] = field(default=())  # rules applied (for the trail)

    #: folded words, derived once when the parts are made (split_name's results are shared
    #: through its cache; the scorer reads them once per candidate)
    tokens: list[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tokens", self.folded.split())


@lru_cache(maxsize=200_000)
def split_name(raw: str | None) -> NameParts | None:
    """Split a full name; None when it is empty after cleaning."""
    cleaned = clean(raw)
    words = [w for w in cleaned.replace(",", " ").split() if any(ch.isalpha() for ch in w)]
    if not words:
        return None
    rules: list[str] = []
    if cleaned != (raw or "").strip():
        rules.append("name_clean")
    folded = [fold(w) for w in words]
    compound_first = " ".join(folded[:2]) in COMPOUND_FAMILY
    if len(words) >= 2 and folded[-1] in FAMILY_NAMES and folded[0] not in _ANY_FAMILY and not compound_first:
        # Western order: given [middle] family -> family [middle] given
        words = [words[-1], *words[1:-1], words[0]]
        folded = [folded[-1], *folded[1:-1], folded[0]]
        rules.append("name_order")
    if len(words) == 1:
        return NameParts(raw or "", " ".join(words), "", "", words[0], folded[0], tuple(rules))
    n_family = 2 if len(words) >= 3 and " ".join(folded[:2]) in COMPOUND_FAMILY else 1
    family = " ".join(words[:n_family])
    given = words[-1]
    middle = " ".join(words[n_family:-1])
    return NameParts(raw or "", " ".join(words), family, middle, given, " ".join(folded), tuple(rules))
