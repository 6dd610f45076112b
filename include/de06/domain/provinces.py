"""The 63 province codes (valid 2008 - 30 Jun 2025, still inside every ID issued).

Source: ../shared/domain/identity.md section 2. Codes are strings of 3 digits (ID prefix);
the 2-digit GSO form (``"01"``..``"96"``) is used in XML, BHYT cards and facility codes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Province:
    code: str  # 3 digits, e.g. "001"
    name: str  # official short name, e.g. "Hà Nội"
    kind: str  # "TP" (centrally governed city) or "Tỉnh"
    variants: tuple[str, ...] = ()

    @property
    def code2(self) -> str:
        return self.code[1:]


PROVINCES: tuple[Province, ...] = (
    Province("001", "Hà Nội", "TP", ("HN", "TP.HN", "Hanoi")),
    Province("002", "Hà Giang", "Tỉnh"),
    Province("004", "Cao Bằng", "Tỉnh"),
    Province("006", "Bắc Kạn", "Tỉnh", ("Bắc Cạn",)),
    Province("008", "Tuyên Quang", "Tỉnh"),
    Province("010", "Lào Cai", "Tỉnh"),
    Province("011", "Điện Biên", "Tỉnh"),
    Province("012", "Lai Châu", "Tỉnh"),
    Province("014", "Sơn La", "Tỉnh"),
    Province("015", "Yên Bái", "Tỉnh"),
    Province("017", "Hòa Bình", "Tỉnh", ("Hoà Bình",)),
    Province("019", "Thái Nguyên", "Tỉnh"),
    Province("020", "Lạng Sơn", "Tỉnh"),
    Province("022", "Quảng Ninh", "Tỉnh"),
    Province("024", "Bắc Giang", "Tỉnh"),
    Province("025", "Phú Thọ", "Tỉnh"),
    Province("026", "Vĩnh Phúc", "Tỉnh"),
    Province("027", "Bắc Ninh", "Tỉnh"),
    Province("030", "Hải Dương", "Tỉnh"),
    Province("031", "Hải Phòng", "TP", ("HP",)),
    Province("033", "Hưng Yên", "Tỉnh"),
    Province("034", "Thái Bình", "Tỉnh"),
    Province("035", "Hà Nam", "Tỉnh"),
    Province("036", "Nam Định", "Tỉnh"),
    Province("037", "Ninh Bình", "Tỉnh"),
    Province("038", "Thanh Hóa", "Tỉnh", ("Thanh Hoá",)),
    Province("040", "Nghệ An", "Tỉnh"),
    Province("042", "Hà Tĩnh", "Tỉnh"),
    Province("044", "Quảng Bình", "Tỉnh"),
    Province("045", "Quảng Trị", "Tỉnh"),
    Province(
        "046",
        "Thừa Thiên Huế",
        "Tỉnh",
        ("TT Huế", "TT-Huế", "T.T.Huế", "Thừa Thiên - Huế", "Huế", "TP Huế"),
    ),
    Province("048", "Đà Nẵng", "TP", ("Da Nang",)),
    Province("049", "Quảng Nam", "Tỉnh"),
    Province("051", "Quảng Ngãi", "Tỉnh"),
    Province("052", "Bình Định", "Tỉnh"),
    Province("054", "Phú Yên", "Tỉnh"),
    Province("056", "Khánh Hòa", "Tỉnh", ("Khánh Hoà",)),
    Province("058", "Ninh Thuận", "Tỉnh"),
    Province("060", "Bình Thuận", "Tỉnh"),
    Province("062", "Kon Tum", "Tỉnh", ("Kontum", "Kon-Tum")),
    Province("064", "Gia Lai", "Tỉnh", ("Gia-Lai",)),
    Province("066", "Đắk Lắk", "Tỉnh", ("Đăk Lăk", "Đắc Lắc", "Dak Lak", "Daklak")),
    Province("067", "Đắk Nông", "Tỉnh", ("Đăk Nông", "Đắc Nông", "Dak Nong")),
    Province("068", "Lâm Đồng", "Tỉnh"),
    Province("070", "Bình Phước", "Tỉnh"),
    Province("072", "Tây Ninh", "Tỉnh"),
    Province("074", "Bình Dương", "Tỉnh", ("BD",)),
    Province("075", "Đồng Nai", "Tỉnh"),
    Province(
        "077",
        "Bà Rịa - Vũng Tàu",
        "Tỉnh",
        ("BR-VT", "BRVT", "Bà Rịa Vũng Tàu", "Bà Rịa–Vũng Tàu", "Vũng Tàu"),
    ),
    Province(
        "079",
        "Hồ Chí Minh",
        "TP",
        ("TP HCM", "TPHCM", "TP.HCM", "Tp. Hồ Chí Minh", "HCM", "Sài Gòn", "SG"),
    ),
    Province("080", "Long An", "Tỉnh"),
    Province("082", "Tiền Giang", "Tỉnh"),
    Province("083", "Bến Tre", "Tỉnh"),
    Province("084", "Trà Vinh", "Tỉnh"),
    Province("086", "Vĩnh Long", "Tỉnh"),
    Province("087", "Đồng Tháp", "Tỉnh"),
    Province("089", "An Giang", "Tỉnh"),
    Province("091", "Kiên Giang", "Tỉnh"),
    Province("092", "Cần Thơ", "TP"),
    Province("093", "Hậu Giang", "Tỉnh"),
    Province("094", "Sóc Trăng", "Tỉnh"),
    Province("095", "Bạc Liêu", "Tỉnh"),
    Province("096", "Cà Mau", "Tỉnh"),
)

BY_CODE: dict[str, Province] = {p.code: p for p in PROVINCES}
CODES: tuple[str, ...] = tuple(p.code for p in PROVINCES)
# "ĐN" is ambiguous (Đà Nẵng / Đồng Nai) and "ĐL" is too short to trust: never resolved.
AMBIGUOUS_ALIASES = frozenset({"dn", "dl"})
# Prefixes after fold() (which turns "T." into "t "): "Thành phố", "Tỉnh", "TP", "Tp.", "T.".
_PREFIX = re.compile(r"^(thanh pho\s|tinh\s|tp\.?\s*|t\.\s*|t\s)\s*", re.IGNORECASE)


def fold(text: str) -> str:
    """Diacritic-free, lower-case key: NFD, drop combining marks, đ->d, collapse spaces/punct."""
    t = unicodedata.normalize("NFD", text or "")
    t = "".join(c for c in t if unicodedata.category(c) != "Mn")
    t = t.replace("đ", "d").replace("Đ", "D").replace("Ð", "D").replace("ð", "d").lower()
    t = re.sub(r"[\s\-–—_.,']+", " ", t).strip()
    return t


def _key(text: str) -> str:
    k = fold(text)
    prev = None
    while prev != k:
        prev = k
        k = _PREFIX.sub("", k).strip()
    return k.replace(" ", "")


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, str]:
    idx: dict[str, str] = {}
    for p in PROVINCES:
        for name in (p.name, *p.variants):
            idx[_key(name)] = p.code
    return idx


def lookup(text: str | None) -> str | None:
    """Resolve a province code from a code ("1", "01", "001") or a name in any common spelling.

    Returns the 3-digit code, or None when the text names no province (or is ambiguous).
    """
    if text is None:
        return None
    t = str(text).strip()
    if not t:
        return None
    if t.isdigit() and len(t) <= 3:
        code = t.zfill(3)
        return code if code in BY_CODE else None
    if fold(t).replace(" ", "") in AMBIGUOUS_ALIASES:
        return None
    return _alias_index().get(_key(t))


def name_of(code: str) -> str:
    return BY_CODE[code].name
