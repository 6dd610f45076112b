"""Clinic submission generator: QĐ 130/4750 envelopes (``GIAMDINHHS``) for the BHXH inbox.

Derived then dirtied: XML1 is built from a real citizen of the population DB, XML13/XML14 copy its
shared fields, then controlled faults and dirt are applied, each labelled:

- ``ok`` (clean), ``child_no_vneid`` (a child whose book is the guardian's), ``no_book`` (nobody
  in the family has a VNeID account: parked downstream),
  ``newborn`` (no ID, guardian's name, temporary card: clinic_xml.md §6), ``unknown_citizen``
  (a well-formed ID not in the population DB: parked downstream),
- ``malformed`` (truncated bytes), ``xxe`` (DOCTYPE with an external entity), ``unknown_table``
  (a LOAIHOSO outside the list), ``broken_table`` (one inner file is not well-formed XML),
  ``duplicate`` (byte-identical resubmission of an earlier envelope).

A card's benefit level (its 3rd character) is the level of its group and the fund pays that level's
share (``bhyt.md`` §1); a visit without a card is patient-paid (``T_TONGCHI_BH = T_BHTT = 0``, §4).
Encodings vary (UTF-8, UTF-8 with BOM, UTF-16 declared), free text is sometimes CDATA or NFD.
Deterministic by seed (and ``start``). The generator's own record of what it sent goes to
``bhxh.sim_sent``, which no pipeline reads.
"""

from __future__ import annotations

import base64
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from xml.sax.saxutils import escape

from de06.domain import cccd
from de06.domain.documents import FUND_PAYS_PERCENT, benefit_level
from de06.domain.provinces import PROVINCES
from de06.health import layout as L

FAULT_LABELS = ("malformed", "xxe", "unknown_table", "broken_table", "duplicate")
#: Shares of envelopes whose person is special (the rest: adults with their own book).
DEFAULT_MIX = {"newborn": 0.04, "child_no_vneid": 0.06, "unknown_citizen": 0.03, "no_book": 0.02}
DEFAULT_FAULTS = {
    "malformed": 0.01,
    "xxe": 0.005,
    "unknown_table": 0.005,
    "broken_table": 0.01,
    "duplicate": 0.02,
}

ICD = [
    ("I10", "Tăng huyết áp vô căn (nguyên phát)"),
    ("E11.9", "Đái tháo đường típ 2 không biến chứng"),
    ("J06.9", "Nhiễm trùng hô hấp trên cấp"),
    ("K29.7", "Viêm dạ dày không đặc hiệu"),
    ("A09", "Tiêu chảy và viêm dạ dày ruột"),
    ("M54.5", "Đau vùng thắt lưng"),
    ("J18.9", "Viêm phổi không đặc hiệu"),
    ("N39.0", "Nhiễm khuẩn đường tiết niệu"),
    ("E78.5", "Tăng lipid máu"),
    ("K35.8", "Viêm ruột thừa cấp"),
]
LABS = [
    ("22.0120.1370", "GLU", "Glucose", lambda r: f"{r.uniform(3.9, 11):.1f}", "mmol/L"),
    ("22.0001.1494", "HGB", "Huyết sắc tố (Hb)", lambda r: f"{r.randint(95, 170)}", "g/L"),
    ("22.0001.1494", "WBC", "Số lượng bạch cầu", lambda r: f"{r.uniform(3.5, 14):.1f}", "G/L"),
    ("22.0134.1500", "CRE", "Creatinin", lambda r: f"{r.randint(50, 140)}", "µmol/L"),
    ("22.0152.1501", "CHOL", "Cholesterol toàn phần", lambda r: f"{r.uniform(3, 7.5):.1f}", "mmol/L"),
    ("24.0005.1714", "HBSAG", "HBsAg test nhanh", lambda r: r.choice(["Âm tính", "Dương tính"]), ""),
]
#: The card groups drawn, with the benefit level each carries (bhyt.md §1, "Benefit levels" table,
#: which is for generating data: the card's 3rd character is this level, the fund's share follows it).
GROUP_LEVEL = {"DN": 4, "HC": 4, "HT": 3, "TE": 1, "HS": 4, "SV": 4, "GD": 4, "CN": 3, "HN": 2, "CC": 1}
GROUPS = list(GROUP_LEVEL)


@dataclass(frozen=True)
class Facility:
    code: str
    name: str
    province2: str
    contracted: bool

    @property
    def client_id(self) -> str:
        return f"clinic-{self.code}"


@dataclass
class Person:
    cccd: str
    full_name: str
    dob: date
    sex: str
    residence: str  # 3-digit province code
    bhxh_no: str | None
    guardian_name: str | None = None
    guardian_residence: str | None = None


@dataclass
class Sent:
    file_name: str
    body: bytes
    label: str
    expected: dict[str, int] = field(default_factory=dict)
    facility: str = ""
    #: (facility, MA_LK, entries by type) per episode: what should reach the books
    episodes: list[tuple[str, str, dict[str, int]]] = field(default_factory=list)


def facilities(n: int = 24, seed: int = 6) -> list[Facility]:
    """A deterministic registry: public contracted hospitals and private non-contracted clinics."""
    rng = random.Random(seed)
    out = []
    provs = [p for p in PROVINCES]
    for i in range(n):
        p = provs[(i * 7) % len(provs)]
        contracted = i % 4 != 3
        kind = "Bệnh viện đa khoa" if contracted else "Phòng khám tư nhân"
        out.append(
            Facility(
                f"{p.code2}{rng.randint(1, 899) + 100:03d}"[:5],
                f"{kind} {p.name} {i + 1}",
                p.code2,
                contracted,
            )
        )
    seen, uniq = set(), []
    for f in out:
        if f.code not in seen:
            seen.add(f.code)
            uniq.append(f)
    return uniq


UPSERT_FACILITY = """
INSERT INTO facility (facility_code, name, province_code, contracted, client_id)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (facility_code) DO UPDATE SET name = EXCLUDED.name, contracted = EXCLUDED.contracted
"""
SAMPLE_CITIZENS = """
SELECT c.cccd, c.full_name, c.dob, c.sex, c.residence_province, c.bhxh_no,
       g.full_name, g.residence_province, c.has_vneid, (c.guardian_id IS NOT NULL),
       coalesce(g.has_vneid AND NOT g.is_deceased, false)
FROM citizen c LEFT JOIN citizen g ON g.citizen_id = c.guardian_id
WHERE NOT c.is_deceased AND c.dob_precision = 'D'
ORDER BY md5(c.citizen_id::text || %(seed)s) LIMIT %(n)s
"""


def register_facilities(bhxh_conn, facs: list[Facility]) -> None:
    with bhxh_conn.cursor() as cur:
        cur.executemany(
            UPSERT_FACILITY, [(f.code, f.name, f.province2, f.contracted, f.client_id) for f in facs]
        )


def sample_people(dancu_conn, n: int, seed: int) -> dict[str, list[Person]]:
    """Citizens by role: ``adult`` (own book), ``child`` (has a guardian; own or guardian's book),
    ``child_no_vneid`` (book is the guardian's), ``no_book`` (neither has a VNeID account)."""
    with dancu_conn.cursor() as cur:
        cur.execute(SAMPLE_CITIZENS, {"seed": str(seed), "n": n})
        rows = cur.fetchall()
    out: dict[str, list[Person]] = {"adult": [], "child_no_vneid": [], "child": [], "no_book": []}
    for cid, name, dob, sex, res, bhxh_no, gname, gres, has_vneid, has_guardian, g_vneid in rows:
        p = Person(
            cid.strip(),
            name,
            dob,
            sex,
            res.strip(),
            (bhxh_no or "").strip() or None,
            gname,
            gres.strip() if gres else None,
        )
        if has_guardian and gname and (has_vneid or g_vneid):
            out["child"].append(p)
            if not has_vneid:
                out["child_no_vneid"].append(p)
        elif has_vneid and not has_guardian:
            out["adult"].append(p)
        else:
            out["no_book"].append(p)
    return out


# ---- XML building -------------------------------------------------------------------------


def _t(dt: datetime) -> str:
    return dt.strftime("%Y%m%d%H%M")


def _d(dt: datetime | date) -> str:
    return dt.strftime("%Y%m%d")


def _el(name: str, value: str, cdata: bool = False) -> str:
    if value == "":
        return f"<{name}/>"
    if cdata and "]]>" not in value:
        return f"<{name}><![CDATA[{value}]]></{name}>"
    return f"<{name}>{escape(value)}</{name}>"


def flat_xml(root: str, fields: tuple[L.Field, ...], rec: dict[str, str], cdata: bool = False) -> bytes:
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f"<{root}>"]
    for name, typ, _size, _req in fields:
        lines.append(_el(name, rec.get(name, ""), cdata and typ == "S" and len(rec.get(name, "")) > 20))
    lines.append(f"</{root}>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def list_xml(kind: str, items: list[list[tuple[str, str]]]) -> bytes:
    root, lst, item = L.INNER_ROOTS[kind]
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f"<{root}>", f"<{lst}>"]
    for it in items:
        lines.append(f"<{item}>" + "".join(_el(k, v) for k, v in it) + f"</{item}>")
    lines += [f"</{lst}>", f"</{root}>"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def envelope(facility: str, ngaylap: str, hosos: list[list[tuple[str, bytes]]]) -> str:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<GIAMDINHHS xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
        f"  <THONGTINDONVI>\n    <MACSKCB>{facility}</MACSKCB>\n  </THONGTINDONVI>",
        f"  <THONGTINHOSO>\n    <NGAYLAP>{ngaylap}</NGAYLAP>\n    <SOLUONGHOSO>{len(hosos)}</SOLUONGHOSO>",
        "    <DANHSACHHOSO>",
    ]
    for files in hosos:
        out.append("      <HOSO>")
        for kind, data in files:
            out.append(
                f"        <FILEHOSO>\n          <LOAIHOSO>{kind}</LOAIHOSO>\n          <NOIDUNGFILE>"
                f"{base64.b64encode(data).decode('ascii')}</NOIDUNGFILE>\n        </FILEHOSO>"
            )
        out.append("      </HOSO>")
    out += ["    </DANHSACHHOSO>", "  </THONGTINHOSO>", "  <CHUKYDONVI/>", "</GIAMDINHHS>"]
    return "\n".join(out) + "\n"


def build_episode(
    rng: random.Random,
    p: Person,
    fac: Facility,
    others: list[Facility],
    start: datetime,
    seq: int,
    newborn: bool = False,
    live: bool = False,
    tag: str = "",
) -> tuple[list[tuple[str, bytes]], dict[str, int], str]:
    """One HOSO (XML1 [+XML2/XML3] [+XML4] [+XML13] [+XML14]), the entries it should yield and its MA_LK.

    ``live``: the episode ends at ``start`` (a clinic sending right after the visit) instead of
    beginning there. ``tag`` prefixes MA_LK (default: the visit date).
    """
    ma_lk = f"{tag or format(start, '%y%m%d')}{fac.code}{seq:06d}"
    if newborn:
        born = datetime.combine(p.dob, datetime.min.time()) + timedelta(
            hours=rng.randint(0, 23), minutes=rng.randint(0, 59)
        )
        vao, kcb = born + timedelta(minutes=rng.randint(5, 50)), "03"
        ra = vao + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 5))
    else:
        born = datetime.combine(p.dob, datetime.min.time())
        vao = start
        kcb = rng.choices(["01", "03", "02"], [70, 20, 10])[0]
        ra = vao + (timedelta(hours=rng.randint(1, 3)) if kcb == "01" else timedelta(days=rng.randint(1, 6)))
    if ra < vao + timedelta(minutes=1):
        ra = vao + timedelta(minutes=30)
    if live and not newborn:
        vao, ra = vao - (ra - vao), vao
    noi_tru = vao + timedelta(minutes=30) if kcb == "03" else None
    if noi_tru and noi_tru > ra:
        noi_tru = ra
    days = 0 if kcb == "01" else (ra.date() - vao.date()).days + 1
    icd, diag = rng.choice(ICD)
    referred = not newborn and rng.random() < 0.08
    appointment = not newborn and not referred and rng.random() < 0.3
    dest = rng.choice([f for f in others if f.code != fac.code]) if referred else None
    sex_code = "1" if p.sex == "M" else "2"
    card = tu = den = dkbd = ""
    doituong = ""
    prov2 = (p.guardian_residence if newborn else p.residence)[1:]
    if newborn:
        card = f"TE1{prov2}{rng.randint(0, 9_999_999_999):010d}"
        dkbd, tu, den, doituong = prov2 + "000", _d(vao), _d(ra), "1.7"
    elif fac.contracted and p.bhxh_no:
        group = rng.choice(GROUPS)
        card = f"{group}{GROUP_LEVEL[group]}{prov2}{p.bhxh_no}"
        dkbd, tu, den = fac.code, f"{start.year}0101", f"{start.year}1231"
        doituong = rng.choice(["1.1", "1.1", "1.1", "2", "3.1"])
    # costs: XML2 drugs (sometimes), totals consistent. With a card the fund pays its level's share
    # (bhyt.md §1) and the patient co-pays the rest (T_BNCCT); without one everything is patient-paid
    # and T_TONGCHI_BH = T_BHTT = 0 (bhyt.md §4). Costs are multiples of 5,000 VND: the shares are exact.
    drug_cost = rng.randint(1, 40) * 10_000 if rng.random() < 0.4 else 0
    tong = drug_cost + 35_000
    bh = tong if card else 0
    cct = bh * (100 - FUND_PAYS_PERCENT[benefit_level(card)]) // 100 if card else 0
    x1 = {
        "MA_LK": ma_lk,
        "STT": "1",
        "MA_BN": f"BN{rng.randint(0, 99_999_999):08d}",
        "HO_TEN": p.guardian_name if newborn else p.full_name,
        "SO_CCCD": "" if newborn else p.cccd,
        "NGAY_SINH": _t(born) if newborn else _d(born) + "0000",
        "GIOI_TINH": sex_code,
        "MA_QUOCTICH": "000",
        "MA_DANTOC": "01",
        "MA_NGHE_NGHIEP": "00000",
        "DIA_CHI": f"Số {rng.randint(1, 200)}, Phường {rng.randint(1, 20)}",
        "MATINH_CU_TRU": prov2,
        "MAHUYEN_CU_TRU": f"{rng.randint(1, 999):03d}",
        "MAXA_CU_TRU": f"{rng.randint(1, 99999):05d}",
        "MA_THE_BHYT": card,
        "MA_DKBD": dkbd,
        "GT_THE_TU": tu,
        "GT_THE_DEN": den,
        "LY_DO_VV": "Sinh" if newborn else "Khám bệnh",
        "LY_DO_VNT": "Điều trị nội trú" if noi_tru else "",
        "CHAN_DOAN_VAO": diag,
        "CHAN_DOAN_RV": "Trẻ sơ sinh khỏe mạnh" if newborn else diag,
        "MA_BENH_CHINH": "Z38.0" if newborn else icd,
        "MA_DOITUONG_KCB": doituong,
        "MA_NOI_DEN": dest.code if dest else "",
        "NGAY_VAO": _t(vao),
        "NGAY_VAO_NOI_TRU": _t(noi_tru) if noi_tru else "",
        "NGAY_RA": _t(ra),
        "SO_NGAY_DTRI": str(days),
        "KET_QUA_DTRI": rng.choice(["1", "2", "2", "3"]),
        "MA_LOAI_RV": "2" if referred else "1",
        "GHI_CHU": "Tái khám theo hẹn" if appointment else "",
        "NGAY_TTOAN": _t(ra + timedelta(minutes=5)),
        "T_THUOC": str(drug_cost),
        "T_VTYT": "0",
        "T_TONGCHI_BV": str(tong),
        "T_TONGCHI_BH": str(bh),
        "T_BNTT": str(tong - bh),
        "T_BNCCT": str(cct),
        "T_BHTT": str(bh - cct),
        "T_NGUONKHAC": "0",
        "T_BHTT_GDV": "0",
        "NAM_QT": str(ra.year),
        "THANG_QT": str(ra.month),
        "MA_LOAI_KCB": kcb,
        "MA_KHOA": "K01",
        "MA_CSKCB": fac.code,
        "CAN_NANG": "3.10" if newborn else f"{rng.uniform(40, 80):.2f}",
        "NGAY_TAI_KHAM": _d(ra + timedelta(days=30)) if appointment else "",
        "MA_HSBA": f"HS{ma_lk}"[:100],
        "MA_TTDV": f"{rng.randint(0, 9_999_999_999):010d}",
    }
    xml1 = flat_xml("TONG_HOP", L.XML1, x1, cdata=rng.random() < 0.3)
    if rng.random() < 0.05:  # decomposed Unicode from an old HIS
        xml1 = unicodedata.normalize("NFD", xml1.decode("utf-8")).encode("utf-8")
    files: list[tuple[str, bytes]] = [("XML1", xml1)]
    expected = {"visit": 1, "lab_result": 0, "referral": 0, "reappointment": 0}
    if drug_cost:
        files.append(
            (
                "XML2",
                list_xml(
                    "XML2",
                    [
                        [
                            ("MA_LK", ma_lk),
                            ("STT", "1"),
                            ("MA_THUOC", "40.17"),
                            ("THANH_TIEN_BV", str(drug_cost)),
                        ]
                    ],
                ),
            )
        )
    files.append(
        (
            "XML3",
            list_xml(
                "XML3",
                [[("MA_LK", ma_lk), ("STT", "1"), ("MA_DICH_VU", "02.1896"), ("THANH_TIEN_BV", "35000")]],
            ),
        )
    )
    if not newborn and rng.random() < 0.5:
        items = []
        for i, (svc, code, name, val, unit) in enumerate(rng.sample(LABS, rng.randint(1, 4)), start=1):
            kq = vao + timedelta(minutes=rng.randint(20, 90))
            items.append(
                [
                    ("MA_LK", ma_lk),
                    ("STT", str(i)),
                    ("MA_DICH_VU", svc),
                    ("MA_CHI_SO", code),
                    ("TEN_CHI_SO", name),
                    ("GIA_TRI", val(rng)),
                    ("DON_VI_DO", unit),
                    ("MO_TA", ""),
                    ("KET_LUAN", ""),
                    ("NGAY_KQ", _t(kq)),
                    ("MA_BS_DOC_KQ", f"{rng.randint(1, 9999):06d}"),
                    ("DU_PHONG", ""),
                ]
            )
        files.append(("XML4", list_xml("XML4", items)))
        expected["lab_result"] = len(items)
    if referred:
        x13 = {k: x1.get(k, "") for k, *_ in L.XML13}
        x13.update(
            {
                "SO_HOSO": ma_lk,
                "SO_CHUYENTUYEN": f"CT{seq:06d}",
                "GIAY_CHUYEN_TUYEN": f"GCT{seq:06d}",
                "MA_CSKCB": fac.code,
                "DAU_HIEU_LS": "Sốt, ho kéo dài",
                "QT_BENHLY": "Điều trị không đỡ",
                "TEN_DICH_VU": "Khám bệnh; xét nghiệm máu",
                "MA_LYDO_CT": rng.choice(["1", "2", "3"]),
                "HUONG_DIEU_TRI": "Chuyển tuyến trên",
                "PHUONGTIEN_VC": "Xe cứu thương",
                "MA_BAC_SI": f"{rng.randint(1, 999999):06d}/CCHN",
                "MA_TTDV": x1["MA_TTDV"],
            }
        )
        files.append(("XML13", flat_xml("CHI_TIEU_GIAYCHUYENTUYEN", L.XML13, x13)))
        expected["referral"] = 1
    if appointment:
        x14 = {k: x1.get(k, "") for k, *_ in L.XML14}
        x14.update(
            {
                "SO_GIAYHEN_KL": f"GH{seq:06d}",
                "MA_CSKCB": fac.code,
                "NGAY_HEN_KL": _d(ra + timedelta(days=30)) + "0800",
                "MA_BAC_SI": f"{rng.randint(1, 999999):06d}/CCHN",
                "NGAY_CT": _d(ra),
            }
        )
        files.append(("XML14", flat_xml("CHI_TIEU_GIAYHEN_KHAMLAI", L.XML14, x14)))
        expected["reappointment"] = 1
    return files, expected, ma_lk


def _dirty_encoding(rng: random.Random, text: str) -> bytes:
    r = rng.random()
    if r < 0.05:
        return text.replace('encoding="utf-8"', 'encoding="utf-16"', 1).encode("utf-16")
    if r < 0.10:
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode("utf-8")


def fake_person(rng: random.Random, start: datetime) -> Person:
    """A well-formed identity that the population DB does not hold (``unknown_citizen``)."""
    year = rng.randint(1950, 2000)
    sex = rng.choice("MF")
    prov = rng.choice(PROVINCES).code
    return Person(
        cccd.build(prov, year, sex, rng.randint(0, 999_999)),
        "Người Chưa Có",
        date(year, 5, 5),
        sex,
        prov,
        None,
    )


def _fault(rng: random.Random, label: str, text: str, files_b64_target: str) -> bytes:
    if label == "malformed":
        raw = text.encode("utf-8")
        return raw[: len(raw) * 2 // 3]
    if label == "xxe":
        return (
            text.replace(
                "<GIAMDINHHS ",
                '<!DOCTYPE GIAMDINHHS [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<GIAMDINHHS ',
                1,
            )
            .replace("<NGAYLAP>", "<NGAYLAP>&xxe;", 1)
            .encode("utf-8")
        )
    if label == "unknown_table":
        return text.replace(
            "<LOAIHOSO>XML3</LOAIHOSO>", f"<LOAIHOSO>{rng.choice(['XML12', 'XML99'])}</LOAIHOSO>", 1
        ).encode("utf-8")
    if label == "broken_table":
        broken = base64.b64encode(
            b'<?xml version="1.0" encoding="utf-8"?>\n<CHITIEU_CHITIET_DVKT_VTYT><DSACH'
        )
        head, sep, rest = text.partition("<LOAIHOSO>XML3</LOAIHOSO>")
        a, _, b = rest.partition("<NOIDUNGFILE>")
        _, _, c = b.partition("</NOIDUNGFILE>")
        return (head + sep + a + "<NOIDUNGFILE>" + broken.decode() + "</NOIDUNGFILE>" + c).encode("utf-8")
    raise ValueError(label)


def generate(
    people: dict[str, list[Person]],
    facs: list[Facility],
    count: int,
    seed: int,
    start: datetime,
    faults: dict[str, float] | None = None,
    spacing_s: float = 60.0,
    episodes_max: int = 2,
    mix: dict[str, float] | None = None,
    live: bool = False,
    tag: str = "",
):
    """Yield :class:`Sent` items (deterministic for the same inputs). ``start`` is the first visit time
    (with ``live``, the first visit's end); ``tag`` prefixes every MA_LK."""
    rng = random.Random(seed)
    faults = DEFAULT_FAULTS if faults is None else faults
    mix = {**DEFAULT_MIX, **(mix or {})}
    cut_newborn = mix["newborn"]
    cut_child = cut_newborn + mix["child_no_vneid"]
    cut_unknown = cut_child + mix["unknown_citizen"]
    cut_nobook = cut_unknown + mix["no_book"]
    no_book = people.get("no_book", [])
    adults, children, no_vneid = people["adult"] or people["child"], people["child"], people["child_no_vneid"]
    if not adults:
        raise ValueError("no citizens to build visits from")
    history: list[Sent] = []
    seq = 0
    for i in range(count):
        t = start + timedelta(seconds=spacing_s * i)
        r = rng.random()
        acc = 0.0
        label = "ok"
        for name in FAULT_LABELS:
            acc += faults.get(name, 0.0)
            if r < acc:
                label = name
                break
        if label == "duplicate" and history:
            prev = history[rng.randrange(len(history))]
            yield Sent(
                f"{prev.file_name[:-4]}-resend{i}.xml",
                prev.body,
                "duplicate",
                {k: 0 for k in prev.expected},
                prev.facility,
            )
            continue
        if label == "duplicate":
            label = "ok"
        fac = rng.choice(facs)
        hosos, expected = [], {"visit": 0, "lab_result": 0, "referral": 0, "reappointment": 0}
        episodes = []
        who = rng.random()
        kind = "ok"
        for _ in range(rng.randint(1, episodes_max)):
            seq += 1
            if who < cut_newborn and children:
                p, newborn, kind = rng.choice(children), True, "newborn"
            elif cut_newborn <= who < cut_child and no_vneid:
                p, newborn, kind = rng.choice(no_vneid), False, "child_no_vneid"
            elif cut_child <= who < cut_unknown:
                p, newborn, kind = fake_person(rng, t), False, "unknown_citizen"
            elif cut_unknown <= who < cut_nobook and no_book:
                p, newborn, kind = rng.choice(no_book), False, "no_book"
            else:
                p, newborn = rng.choice(adults), False
            files, exp, ma_lk = build_episode(rng, p, fac, facs, t, seq, newborn, live, tag)
            hosos.append(files)
            episodes.append((fac.code, ma_lk, exp))
            for k, v in exp.items():
                expected[k] += v
        text = envelope(fac.code, _d(t), hosos)
        name = f"{fac.code}_{t:%Y%m%d%H%M%S}_{i:06d}.xml"
        if label == "ok":
            sent = Sent(name, _dirty_encoding(rng, text), kind, expected, fac.code, episodes)
        else:
            sent = Sent(name, _fault(rng, label, text, "XML3"), label, {k: 0 for k in expected}, fac.code)
        history.append(sent)
        if len(history) > 200:
            history.pop(0)
        yield sent


INSERT_SENT = "INSERT INTO sim_sent (sha256, label, expected) VALUES (%s, %s, %s)"


def record_sent(bhxh_conn, sent: Sent) -> None:
    import json

    from de06.health.inbox import sha256

    with bhxh_conn.cursor() as cur:
        cur.execute(INSERT_SENT, (sha256(sent.body), sent.label, json.dumps(sent.expected)))
