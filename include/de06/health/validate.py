"""Field-by-field and cross-field validation of a parsed submission (clinic_xml.md §2-§7).

Pure functions, no database. ``check_submission(bytes)`` is what the CLI and the DAG call: it
returns a :class:`Result` whose ``reason`` never contains a raw ID or a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from de06.domain import cccd
from de06.domain.documents import BHYT_CARD_RE, is_passport
from de06.health import layout as L
from de06.health.xml import Envelope, Episode, Rejected, parse_envelope

ENTRY_TYPES = ("visit", "lab_result", "referral", "reappointment")
_NUM = re.compile(r"^-?\d+(\.\d+)?$")
_FACILITY = re.compile(r"^\d{5}$")
_ICD10 = re.compile(r"^[A-Z]\d{2}(\.[0-9A-Z]{1,2})?$")
_WEIGHT = re.compile(r"^\d{1,3}\.\d{2}$")


@dataclass
class Result:
    outcome: str  # "accepted" | "rejected"
    reason: str | None
    counts: dict[str, int]
    envelope: Envelope | None = None
    warnings: list[str] = field(default_factory=list)

    def as_json(self, file: str) -> dict:
        return {"file": file, "outcome": self.outcome, "reason": self.reason, "counts": self.counts}


def empty_counts() -> dict[str, int]:
    return {t: 0 for t in ENTRY_TYPES}


# ---- dates ---------------------------------------------------------------------------------


def parse_time(value: str, *, what: str) -> datetime:
    """``yyyymmdd`` or ``yyyymmddHHMM``; ``0000`` day+month allowed (year only), month 00 only with day 00."""
    if not re.fullmatch(r"\d{8}|\d{12}", value):
        raise Rejected(f"{what}: date must have 8 or 12 digits")
    y, m, d = int(value[:4]), int(value[4:6]), int(value[6:8])
    hh, mm = (int(value[8:10]), int(value[10:12])) if len(value) == 12 else (0, 0)
    if m == 0 and d != 0:
        raise Rejected(f"{what}: month 00 is allowed only with day 00")
    if hh > 23 or mm > 59:
        raise Rejected(f"{what}: time of day beyond 23:59")
    if m == 0:
        m, d = 1, 1
    elif d == 0:
        d = 1
    try:
        return datetime(y, m, d, hh, mm)
    except ValueError as exc:
        raise Rejected(f"{what}: not a calendar date") from exc


def _opt_time(rec: dict[str, str], name: str, what: str) -> datetime | None:
    v = rec.get(name, "")
    return parse_time(v, what=f"{what}.{name}") if v else None


# ---- field layout --------------------------------------------------------------------------


def check_fields(rec: dict[str, str], fields: tuple[L.Field, ...], *, what: str) -> None:
    for name, typ, size, req in fields:
        v = rec.get(name, "")
        if not v:
            if req == "R":
                raise Rejected(f"{what}: required field {name} is missing or empty")
            continue
        if size is not None and len(v) > size:
            raise Rejected(f"{what}: field {name} longer than {size} characters")
        if typ == "N" and not _NUM.match(v):
            raise Rejected(f"{what}: field {name} must be a number")


def _in(rec: dict[str, str], name: str, allowed: frozenset[str], what: str) -> None:
    v = rec.get(name, "")
    if v and v not in allowed:
        raise Rejected(f"{what}: {name} has a value outside its code list")


def _facility(v: str, name: str, what: str) -> None:
    if v and (not _FACILITY.match(v) or v.endswith("000")):
        raise Rejected(f"{what}: {name} is not a 5-digit facility code")


# ---- tables --------------------------------------------------------------------------------


def check_xml1(r: dict[str, str], what: str, today: date) -> None:
    check_fields(r, L.XML1, what=what)
    _in(r, "GIOI_TINH", L.GIOI_TINH, what)
    _in(r, "MA_LOAI_KCB", L.MA_LOAI_KCB, what)
    _in(r, "KET_QUA_DTRI", L.KET_QUA_DTRI, what)
    _in(r, "MA_LOAI_RV", L.MA_LOAI_RV, what)
    _in(r, "MA_DOITUONG_KCB", L.MA_DOITUONG_KCB, what)
    for f in ("MA_CSKCB", "MA_NOI_DI", "MA_NOI_DEN"):
        _facility(r.get(f, ""), f, what)
    if not _ICD10.match(r["MA_BENH_CHINH"]):
        raise Rejected(f"{what}: MA_BENH_CHINH is not one ICD-10 code")
    kt = [c for c in r.get("MA_BENH_KT", "").split(";") if c]
    if len(kt) > 12 or any(not _ICD10.match(c) for c in kt):
        raise Rejected(f"{what}: MA_BENH_KT must be at most 12 ICD-10 codes joined by ';'")
    if not _WEIGHT.match(r["CAN_NANG"]):
        raise Rejected(f"{what}: CAN_NANG must be kg with 2 decimals (55.00)")
    born = parse_time(r["NGAY_SINH"], what=f"{what}.NGAY_SINH")
    vao = parse_time(r["NGAY_VAO"], what=f"{what}.NGAY_VAO")
    noi_tru = _opt_time(r, "NGAY_VAO_NOI_TRU", what)
    ra = parse_time(r["NGAY_RA"], what=f"{what}.NGAY_RA")
    if born.date() > today:
        raise Rejected(f"{what}: NGAY_SINH is in the future")
    if vao.date() < born.date():
        raise Rejected(f"{what}: NGAY_VAO is before NGAY_SINH")
    if noi_tru and not (vao <= noi_tru <= ra):
        raise Rejected(f"{what}: NGAY_VAO <= NGAY_VAO_NOI_TRU <= NGAY_RA does not hold")
    if vao > ra:
        raise Rejected(f"{what}: NGAY_VAO is after NGAY_RA")
    kcb, days = r["MA_LOAI_KCB"], int(float(r["SO_NGAY_DTRI"]))
    if kcb in ("01", "07", "09") and days != 0:
        raise Rejected(f"{what}: SO_NGAY_DTRI must be 0 for MA_LOAI_KCB {kcb}")
    if kcb in ("02", "03", "04", "06") and days != (ra.date() - vao.date()).days + 1:
        raise Rejected(f"{what}: SO_NGAY_DTRI disagrees with NGAY_VAO..NGAY_RA")
    for t in (r.get("NGAY_TAI_KHAM", "") or "").split(";"):
        if t:
            parse_time(t, what=f"{what}.NGAY_TAI_KHAM")
    # identity
    so = r.get("SO_CCCD", "")
    if so:
        if re.fullmatch(r"\d{12}", so):
            sex = {"1": "M", "2": "F"}.get(r["GIOI_TINH"])
            problems = cccd.check(so, birth_year=born.year, sex=sex)
            if problems:
                raise Rejected(f"{what}: SO_CCCD structure disagrees with the record ({', '.join(problems)})")
        elif not (re.fullmatch(r"\d{9}", so) or is_passport(so)):
            raise Rejected(f"{what}: SO_CCCD must be 12 or 9 digits, or a letter and 7 digits")
    # card
    parts = [r.get(f, "") for f in ("MA_THE_BHYT", "MA_DKBD", "GT_THE_TU", "GT_THE_DEN")]
    if any(parts):
        n = [len(p.split(";")) for p in parts]
        if len(set(n)) != 1:
            raise Rejected(f"{what}: MA_THE_BHYT, MA_DKBD, GT_THE_TU, GT_THE_DEN have different ';' counts")
        for card in parts[0].split(";"):
            if not BHYT_CARD_RE.fullmatch(card) or card[:2] not in L.BHYT_GROUPS:
                raise Rejected(f"{what}: MA_THE_BHYT is not a 15-character card code")
        if not r.get("MA_DOITUONG_KCB"):
            raise Rejected(f"{what}: MA_DOITUONG_KCB is required with a BHYT card")
        for tu, den in zip(parts[2].split(";"), parts[3].split(";"), strict=True):
            if parse_time(tu, what=f"{what}.GT_THE_TU") > parse_time(den, what=f"{what}.GT_THE_DEN"):
                raise Rejected(f"{what}: GT_THE_TU is after GT_THE_DEN")
    # money
    # in decimal: 100.5 - 0.6 is 99.9 (whole-number truncation refused such a visit)
    try:
        paid, total, own = (Decimal(r[k].strip()) for k in ("T_BHTT", "T_TONGCHI_BH", "T_BNCCT"))
    except (InvalidOperation, AttributeError):
        raise Rejected(f"{what}: T_BHTT, T_TONGCHI_BH and T_BNCCT must be numbers") from None
    if not parts[0]:
        # bhyt.md §4, table row "Card fields in XML1": a visit without a card has empty card fields and
        # T_TONGCHI_BH = T_BHTT = 0, its costs patient-paid; T_BNCCT = 0 then follows from
        # T_BHTT = T_TONGCHI_BH - T_BNCCT (clinic_xml.md §2 #45-53)
        fund = [k for k, v in (("T_TONGCHI_BH", total), ("T_BHTT", paid), ("T_BNCCT", own)) if v != 0]
        if fund:
            raise Rejected(
                f"{what}: insurance amounts without a BHYT card (MA_THE_BHYT is empty but "
                f"{', '.join(fund)} {'is' if len(fund) == 1 else 'are'} not 0); send the card code, "
                "or bill the visit as patient-paid (T_BNTT) with T_TONGCHI_BH, T_BHTT and T_BNCCT at 0"
            )
    if paid != total - own:
        raise Rejected(f"{what}: T_BHTT != T_TONGCHI_BH - T_BNCCT")


def check_xml4(items: list[dict[str, str]], x1: dict[str, str], what: str) -> None:
    vao = parse_time(x1["NGAY_VAO"], what=f"{what}.NGAY_VAO")
    for i, r in enumerate(items, start=1):
        w = f"{what} XML4 item {i}"
        check_fields(r, L.XML4, what=w)
        if r["MA_LK"] != x1["MA_LK"]:
            raise Rejected(f"{w}: MA_LK differs from XML1")
        if r.get("GIA_TRI") and not r.get("NGAY_KQ"):
            raise Rejected(f"{w}: NGAY_KQ is required when GIA_TRI is filled")
        kq = _opt_time(r, "NGAY_KQ", w)
        if kq and kq < vao:
            raise Rejected(f"{w}: NGAY_KQ is before NGAY_VAO")


def _shared(rec: dict[str, str], x1: dict[str, str], names: tuple[str, ...], what: str) -> None:
    for n in names:
        if rec.get(n) and x1.get(n) is not None and rec[n] != x1[n]:
            raise Rejected(f"{what}: {n} differs from XML1")


def check_xml13(r: dict[str, str], x1: dict[str, str], what: str) -> None:
    w = f"{what} XML13"
    check_fields(r, L.XML13, what=w)
    _in(r, "MA_LYDO_CT", L.MA_LYDO_CT, w)
    _facility(r["MA_CSKCB"], "MA_CSKCB", w)
    _facility(r["MA_NOI_DEN"], "MA_NOI_DEN", w)
    if r["MA_LK"] != x1["MA_LK"]:
        raise Rejected(f"{w}: MA_LK differs from XML1")
    _shared(r, x1, L.SHARED_13, w)


def check_xml14(r: dict[str, str], x1: dict[str, str], what: str) -> None:
    w = f"{what} XML14"
    check_fields(r, L.XML14, what=w)
    _facility(r["MA_CSKCB"], "MA_CSKCB", w)
    if r["MA_LK"] != x1["MA_LK"]:
        raise Rejected(f"{w}: MA_LK differs from XML1")
    _shared(r, x1, L.SHARED_14, w)
    hen = parse_time(r["NGAY_HEN_KL"], what=f"{w}.NGAY_HEN_KL")
    if hen < parse_time(x1["NGAY_RA"], what=f"{w}.NGAY_RA"):
        raise Rejected(f"{w}: NGAY_HEN_KL is before NGAY_RA")
    if parse_time(r["NGAY_CT"], what=f"{w}.NGAY_CT").date() < parse_time(x1["NGAY_VAO"], what=w).date():
        raise Rejected(f"{w}: NGAY_CT is before the date of NGAY_VAO")


def check_episode(ep: Episode, facility: str, today: date) -> None:
    what = f"HOSO {ep.index}"
    if ep.xml1 is None:
        raise Rejected(f"{what}: no XML1 visit summary")
    x1 = ep.xml1
    check_xml1(x1, f"{what} XML1", today)
    if facility and x1["MA_CSKCB"] != facility:
        raise Rejected(f"{what}: XML1 MA_CSKCB differs from the envelope's MACSKCB")
    check_xml4(ep.xml4, x1, what)
    referred = x1["MA_LOAI_RV"] in ("2", "5")
    if referred != (ep.xml13 is not None and bool(x1.get("MA_NOI_DEN"))):
        raise Rejected(f"{what}: MA_LOAI_RV 2/5 requires an XML13 and MA_NOI_DEN (and only then)")
    if ep.xml13 is not None:
        check_xml13(ep.xml13, x1, what)
    if ep.xml14 is not None:
        check_xml14(ep.xml14, x1, what)


def check_envelope(env: Envelope, today: date | None = None) -> dict[str, int]:
    today = today or date.today()
    if not _FACILITY.match(env.facility_code or "") or env.facility_code.endswith("000"):
        raise Rejected("envelope: MACSKCB is not a 5-digit facility code")
    parse_time(env.ngaylap, what="envelope.NGAYLAP")
    if not env.episodes:
        raise Rejected("envelope: no HOSO in DANHSACHHOSO")
    if env.declared_count != str(len(env.episodes)):
        raise Rejected("envelope: SOLUONGHOSO differs from the number of HOSO elements")
    keys = set()
    counts = empty_counts()
    for ep in env.episodes:
        check_episode(ep, env.facility_code, today)
        if ep.xml1["MA_LK"] in keys:
            raise Rejected(f"HOSO {ep.index}: MA_LK repeated within the envelope")
        keys.add(ep.xml1["MA_LK"])
        counts["visit"] += 1
        counts["lab_result"] += len(ep.xml4)
        counts["referral"] += ep.xml13 is not None
        counts["reappointment"] += ep.xml14 is not None
    return counts


def check_submission(data: bytes, today: date | None = None) -> Result:
    """Parse and validate one envelope; never raises for bad input."""
    try:
        env = parse_envelope(data)
        counts = check_envelope(env, today)
    except Rejected as exc:
        return Result("rejected", exc.reason, empty_counts())
    except RecursionError:
        return Result("rejected", "envelope: nesting too deep", empty_counts())
    return Result("accepted", None, counts, envelope=env)
