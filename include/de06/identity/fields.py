"""Sex and province free text (pure)."""

from __future__ import annotations

from functools import lru_cache

from de06.domain import provinces
from de06.identity.text import fold

#: "1"/"2" are the QĐ 130 GIOI_TINH codes (1 male, 2 female; 3 undetermined stays unknown), as
#: clinics and the records offices' systems write them (clinic_xml.md section 5)
_MALE = {"m", "nam", "male", "trai", "nam gioi", "ong", "1"}
_FEMALE = {"f", "nu", "female", "gai", "nu gioi", "ba", "2"}


@lru_cache(maxsize=10_000)
def parse_sex(raw: str | None) -> str | None:
    """'M', 'F' or None (unknown)."""
    if raw is None:
        return None
    k = fold(str(raw)).strip(" .")
    if k in _MALE:
        return "M"
    if k in _FEMALE:
        return "F"
    return None


@lru_cache(maxsize=100_000)
def parse_province(raw: str | None) -> str | None:
    """3-digit province code from a code or any spelling of a name; None when unknown/ambiguous."""
    if raw is None or not str(raw).strip():
        return None
    code = provinces.lookup(str(raw))
    if code:
        return code
    # "Xã ..., Huyện ..., Tỉnh Nghệ An": try the last comma-separated part
    parts = [p.strip() for p in str(raw).split(",") if p.strip()]
    if len(parts) > 1:
        return provinces.lookup(parts[-1])
    return None
