"""Validated submission -> health-book entries (pure; health_book.md §2 data groups).

One ``visit`` per XML1, one ``lab_result`` per XML4 item, one ``referral`` per XML13, one
``reappointment`` per XML14. The idempotency key is a hash of facility, episode, entry type,
sequence and content: an identical resend maps to the same key (no second entry), a changed
resend (payment date, late result) to a new one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from de06.health.validate import parse_time
from de06.health.xml import Envelope

VN = timezone(timedelta(hours=7))


@dataclass
class Draft:
    facility_code: str
    episode_key: str
    entry_type: str
    seq: int
    occurred_at: datetime
    visit_time: datetime
    payload: dict
    identity: dict

    @property
    def idempotency_key(self) -> str:
        body = json.dumps(
            [
                self.facility_code,
                self.episode_key,
                self.entry_type,
                self.seq,
                self.identity.get("so_cccd", ""),
                self.payload,
            ],
            sort_keys=True,
            ensure_ascii=False,
        )
        return "de06-" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:40]


def vn_time(value: str) -> datetime:
    return parse_time(value, what="time").replace(tzinfo=VN)


def _pick(rec: dict[str, str], *names: str) -> dict[str, str]:
    return {n.lower(): rec.get(n, "") for n in names}


def identity(x1: dict[str, str]) -> dict:
    cards = [c for c in x1.get("MA_THE_BHYT", "").split(";") if c]
    return {
        "so_cccd": x1.get("SO_CCCD", ""),
        "ho_ten": x1.get("HO_TEN", ""),
        "ngay_sinh": x1.get("NGAY_SINH", ""),
        "gioi_tinh": x1.get("GIOI_TINH", ""),
        "ma_the_bhyt": cards[-1] if cards else "",
        "matinh_cu_tru": x1.get("MATINH_CU_TRU", ""),
    }


def drafts(env: Envelope) -> list[Draft]:
    out: list[Draft] = []
    for ep in env.episodes:
        x1 = ep.xml1
        assert x1 is not None
        fac, lk = x1["MA_CSKCB"], x1["MA_LK"]
        ident = identity(x1)
        vao, ra = vn_time(x1["NGAY_VAO"]), vn_time(x1["NGAY_RA"])
        visit = _pick(
            x1,
            "MA_LOAI_KCB",
            "NGAY_VAO",
            "NGAY_VAO_NOI_TRU",
            "NGAY_RA",
            "CHAN_DOAN_VAO",
            "CHAN_DOAN_RV",
            "MA_BENH_CHINH",
            "MA_BENH_KT",
            "MA_PTTT_QT",
            "KET_QUA_DTRI",
            "MA_LOAI_RV",
            "NGAY_TAI_KHAM",
            "MA_KHOA",
            "GHI_CHU",
        )
        out.append(Draft(fac, lk, "visit", 1, vao, ra, visit, ident))
        for i, r in enumerate(ep.xml4, start=1):
            lab = _pick(
                r,
                "STT",
                "MA_DICH_VU",
                "MA_CHI_SO",
                "TEN_CHI_SO",
                "GIA_TRI",
                "DON_VI_DO",
                "MO_TA",
                "KET_LUAN",
                "NGAY_KQ",
            )
            at = vn_time(r["NGAY_KQ"]) if r.get("NGAY_KQ") else ra
            out.append(Draft(fac, lk, "lab_result", i, at, ra, lab, ident))
        if ep.xml13 is not None:
            ref = _pick(
                ep.xml13,
                "SO_CHUYENTUYEN",
                "GIAY_CHUYEN_TUYEN",
                "MA_CSKCB",
                "MA_NOI_DEN",
                "MA_LYDO_CT",
                "CHAN_DOAN_RV",
                "MA_BENH_CHINH",
                "TOMTAT_KQ",
                "HUONG_DIEU_TRI",
                "PHUONGTIEN_VC",
            )
            out.append(Draft(fac, lk, "referral", 1, ra, ra, ref, ident))
        if ep.xml14 is not None:
            app = _pick(
                ep.xml14,
                "SO_GIAYHEN_KL",
                "MA_CSKCB",
                "NGAY_HEN_KL",
                "NGAY_CT",
                "CHAN_DOAN_RV",
                "MA_BENH_CHINH",
            )
            out.append(Draft(fac, lk, "reappointment", 1, ra, ra, app, ident))
    return out
