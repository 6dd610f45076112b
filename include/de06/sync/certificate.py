"""What a criminal-record certificate (Phiếu lý lịch tư pháp) would state for one citizen, from the
Judicial Records DB after cleansing and sync (judicial_records.md section 4).

Phiếu số 1: expunged convictions are omitted, and so are those after which no record arose at all
(Penal Code Art. 69(2) negligent crimes, Art. 107 juveniles: ``no_record_basis``); "Không có án
tích" when none remain. Phiếu số 2: every conviction in date order, expunged or not, with the
expungement date or the no-record basis; plus the names of father, mother and spouse. Personal data
is masked unless ``reveal``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from de06.domain.cccd import mask
from de06.domain.provinces import BY_CODE
from de06.errors import InputError
from de06.identity.lookup import citizen_by_personal_id, is_personal_id_text

CITIZEN_SQL = """
SELECT citizen_id, cccd, full_name, sex, dob, dob_precision, birth_province, residence_province
  FROM citizen WHERE citizen_id = %s
"""
CONVICTIONS_SQL = """
SELECT c.source, c.court_name, c.judgment_no, c.judgment_date, c.crime_name, c.article, c.main_penalty,
       c.penalty_months, c.suspended, c.probation_months, c.additional_penalty, c.execution_status,
       c.expunged, c.expunged_on, c.no_record_basis
  FROM conviction c WHERE c.citizen_id = %s ORDER BY c.judgment_date, c.conviction_id
"""
RELATIVES_SQL = """
SELECT r.father_name, r.mother_name, r.spouse_name FROM conviction c
  JOIN judicial_record r ON r.record_id = c.record_id
 WHERE c.citizen_id = %s ORDER BY r.updated_at DESC
"""
PENALTY = {
    "warning": "Cảnh cáo",
    "fine": "Phạt tiền",
    "reform": "Cải tạo không giam giữ",
    "discipline": "Giữ trong kỷ luật quân đội",
    "prison": "Tù có thời hạn",
    "life": "Tù chung thân",
    "death": "Tử hình",
}
#: execution_status (as the sources store it) -> the certificate's wording; others print as they are
EXECUTION_STATUS = {
    "serving": "đang chấp hành án",
    "completed": "đã chấp hành xong hình phạt chính",
    "probation": "đang trong thời gian thử thách",
    "probation_ended": "đã hết thời gian thử thách",
    "fine_paid": "đã nộp phạt",
    "fine_outstanding": "chưa nộp phạt",
    "postponed": "hoãn chấp hành án",
    "conditional_release": "tha tù trước thời hạn có điều kiện",
}
NONE_TEXT = "Không có án tích"
HAS_TEXT = "Có án tích"
NO_RECORD_TEXT = {
    "art69_2_negligent": "không bị coi là có án tích (khoản 2 Điều 69 BLHS: tội do lỗi vô ý)",
    "art107_juvenile": "được coi là không có án tích (Điều 107 BLHS: người dưới 18 tuổi)",
}


def counts_as_record(c: dict[str, Any]) -> bool:
    """A conviction that is án tích today: not expunged, and not one after which none arose."""
    return not c["expunged"] and not c.get("no_record_basis")


@dataclass
class Certificate:
    form: int
    identity: dict[str, Any]
    relatives: dict[str, str | None]
    convictions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> str:
        return (
            HAS_TEXT
            if self.convictions and self.form == 1
            else (NONE_TEXT if not self.convictions else self._form2_status())
        )

    def _form2_status(self) -> str:
        return HAS_TEXT if any(counts_as_record(c) for c in self.convictions) else NONE_TEXT


def resolve_citizen(conn_dancu, text: str) -> int:
    """``--citizen``: a bare 12-digit personal ID (looked up in dancu), or a citizen_id written
    ``id:NNN``. Any other bare digit string is refused: a phone number or an old 9-digit CMND read as
    a citizen_id would print another person's certificate."""
    forms = "the 12-digit personal ID (e.g. 001099012345) or the citizen_id as id:NNN (e.g. id:345)"
    t = (text or "").strip()
    if t.lower().startswith("id:"):
        n = t[3:].strip()
        if re.fullmatch(r"[0-9]{1,18}", n) and int(n) > 0:
            return int(n)
        raise InputError(f"--citizen id:{n[:3]}... is not a citizen_id", f"pass {forms}")
    if is_personal_id_text(t):
        return citizen_by_personal_id(conn_dancu, t, "check the 12 digits, or pass the citizen_id as id:NNN")
    if re.fullmatch(r"[0-9]+", t):
        what = "look like an old CMND number" if len(t) == 9 else "are not a 12-digit personal ID"
        raise InputError(
            f"--citizen has {len(t)} digits, which {what}; bare digits are read only as a personal ID",
            f"pass {forms}",
        )
    raise InputError(
        f"--citizen {t[:3]}... is neither a 12-digit personal ID nor a citizen_id", f"pass {forms}"
    )


def build(conn_dancu, conn_lltp, citizen_id: int, form: int) -> Certificate:
    if form not in (1, 2):
        raise InputError(f"--form {form} does not exist", "use --form 1 or --form 2")
    with conn_dancu.cursor() as cur:
        cur.execute(CITIZEN_SQL, (citizen_id,))
        row = cur.fetchone()
    if row is None:
        raise InputError(f"citizen_id {citizen_id} is not in the population DB", "check the id")
    cols = (
        "citizen_id",
        "cccd",
        "full_name",
        "sex",
        "dob",
        "dob_precision",
        "birth_province",
        "residence_province",
    )
    identity = dict(zip(cols, row, strict=True))
    with conn_lltp.cursor() as cur:
        cur.execute(CONVICTIONS_SQL, (citizen_id,))
        ccols = (
            "source",
            "court_name",
            "judgment_no",
            "judgment_date",
            "crime_name",
            "article",
            "main_penalty",
            "penalty_months",
            "suspended",
            "probation_months",
            "additional_penalty",
            "execution_status",
            "expunged",
            "expunged_on",
            "no_record_basis",
        )
        convictions = [dict(zip(ccols, r, strict=True)) for r in cur.fetchall()]
        relatives: dict[str, str | None] = {"father": None, "mother": None, "spouse": None}
        if form == 2:
            cur.execute(RELATIVES_SQL, (citizen_id,))
            for f, m, s in cur.fetchall():
                relatives = {
                    "father": relatives["father"] or f,
                    "mother": relatives["mother"] or m,
                    "spouse": relatives["spouse"] or s,
                }
    if form == 1:
        convictions = [c for c in convictions if counts_as_record(c)]
    return Certificate(form, identity, relatives, convictions)


def initials(name: str | None) -> str:
    if not name:
        return ""
    return "".join(w[0].upper() + "." for w in name.split())


def _date(d: dt.date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else "—"


def penalty_text(c: dict[str, Any]) -> str:
    text = PENALTY.get(c["main_penalty"], c["main_penalty"])
    if c.get("penalty_months"):
        text += f" {c['penalty_months']} tháng"
    if c.get("suspended"):
        text += f", cho hưởng án treo, thời gian thử thách {c.get('probation_months') or '?'} tháng"
    return text


def execution_text(status: str | None) -> str:
    """The execution status in the certificate's Vietnamese; a value not in the mapping as it is."""
    return EXECUTION_STATUS.get(status, status) if status else "—"


def log_reveal(lltp, citizen_id: int, form: int, who: str, reason: str) -> None:
    """Record an unmasked preview (who, when, why; the citizen by internal key). Commits."""
    with lltp.cursor() as cur:
        cur.execute(
            "INSERT INTO certificate_reveal (citizen_id, form, revealed_by, reason) VALUES (%s, %s, %s, %s)",
            (citizen_id, form, who, reason.strip()),
        )
    lltp.commit()


def render(cert: Certificate, reveal: bool = False) -> str:
    i = cert.identity
    name = i["full_name"] if reveal else initials(i["full_name"])
    dob = i["dob"]
    dob_text = (_date(dob) if i["dob_precision"] == "D" else str(dob.year)) if reveal else f"**/**/{dob.year}"
    lines = [
        f"PHIẾU LÝ LỊCH TƯ PHÁP SỐ {cert.form}" + ("" if reveal else "  (dữ liệu cá nhân đã che)"),
        f"Họ và tên: {name}",
        f"Giới tính: {'Nam' if i['sex'] == 'M' else 'Nữ'}",
        f"Ngày sinh: {dob_text}",
        f"Nơi sinh: {BY_CODE[i['birth_province']].name if i['birth_province'] in BY_CODE else '—'}",
        "Quốc tịch: Việt Nam",
        f"Nơi cư trú: {BY_CODE[i['residence_province']].name if i['residence_province'] in BY_CODE else '—'}",
        f"Số định danh cá nhân: {i['cccd'] if reveal else mask(i['cccd'])}",
    ]
    if cert.form == 2:
        for label, key in (
            ("Họ và tên cha", "father"),
            ("Họ và tên mẹ", "mother"),
            ("Họ và tên vợ/chồng", "spouse"),
        ):
            v = cert.relatives.get(key)
            lines.append(f"{label}: {(v if reveal else initials(v)) if v else '(không có trong dữ liệu)'}")
    lines.append(f"Tình trạng án tích: {cert.status}")
    for n, c in enumerate(cert.convictions, start=1):
        lines.append(
            f"  {n}. Bản án số {c['judgment_no']} ngày {_date(c['judgment_date'])} của {c['court_name']}: "
            f"tội {c['crime_name']} (Điều {c['article']} BLHS); hình phạt chính: {penalty_text(c)}"
            + (f"; hình phạt bổ sung: {c['additional_penalty']}" if c.get("additional_penalty") else "")
        )
        if cert.form == 2:
            lines.append(
                f"     Tình trạng thi hành án: {execution_text(c['execution_status'])}; "
                + (
                    NO_RECORD_TEXT.get(c["no_record_basis"], c["no_record_basis"])
                    if c.get("no_record_basis")
                    else f"đã được xóa án tích ngày {_date(c['expunged_on'])}"
                    if c["expunged"]
                    else "chưa được xóa án tích"
                )
            )
    return "\n".join(lines)
