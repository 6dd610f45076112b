"""Parser/validator cases and ``de06 health validate`` (no database)."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from de06.health.validate import check_submission
from de06.simulators import clinics as C

pytestmark = pytest.mark.unit
DATA = Path(__file__).with_name("data")
EXAMPLE = (DATA / "spec_example.xml").read_bytes()
PEOPLE = {
    "adult": [
        C.Person("001188012345", "Nguyễn Thị Lan", date(1988, 3, 15), "F", "001", "0112233445"),
        C.Person("079089000111", "Trần Văn Bình", date(1989, 1, 2), "M", "079", None),
    ],
    "child": [
        C.Person("001216000123", "Lê Minh An", date(2016, 6, 1), "M", "001", None, "Lê Thị Hoa", "001")
    ],
}
PEOPLE["child_no_vneid"] = PEOPLE["child"]


def _gen(n: int, faults: dict, seed: int = 3) -> list[C.Sent]:
    return list(C.generate(PEOPLE, C.facilities(), n, seed, datetime(2025, 10, 1, 8), faults))


def _swap_inner(env: bytes, kind: str, old: str, new: str) -> bytes:
    """Decode the inner table ``kind``, replace text, re-encode (a targeted dirt)."""
    text = env.decode("utf-8")
    pat = re.compile(rf"(<LOAIHOSO>{kind}</LOAIHOSO>\s*<NOIDUNGFILE>)([^<]+)(</NOIDUNGFILE>)")
    m = pat.search(text)
    inner = base64.b64decode(m.group(2)).decode("utf-8")
    assert old in inner
    inner = inner.replace(old, new, 1)
    return (text[: m.start(2)] + base64.b64encode(inner.encode()).decode() + text[m.end(2) :]).encode("utf-8")


def test_spec_example_is_accepted():
    r = check_submission(EXAMPLE, today=date(2025, 1, 1))
    assert (r.outcome, r.reason) == ("accepted", None)
    assert r.counts == {"visit": 1, "lab_result": 0, "referral": 0, "reappointment": 1}


def test_generated_submissions_match_their_labels():
    faults = {"malformed": 0.1, "xxe": 0.1, "unknown_table": 0.1, "broken_table": 0.1}
    sent = _gen(80, faults)
    labels = {s.label for s in sent}
    assert {"malformed", "xxe", "unknown_table", "broken_table", "ok"} <= labels
    for s in sent:
        r = check_submission(s.body)
        if s.label in ("malformed", "xxe", "unknown_table", "broken_table"):
            assert r.outcome == "rejected", s.label
        else:
            assert (r.outcome, r.counts) == ("accepted", s.expected), (s.label, r.reason)


def test_generator_is_deterministic():
    a = [s.body for s in _gen(15, C.DEFAULT_FAULTS, seed=9)]
    b = [s.body for s in _gen(15, C.DEFAULT_FAULTS, seed=9)]
    assert a == b and a != [s.body for s in _gen(15, C.DEFAULT_FAULTS, seed=10)]


@pytest.mark.parametrize(
    "label, needle",
    [
        ("xxe", "XXE"),
        ("malformed", "malformed XML"),
        ("unknown_table", "unknown table type"),
        ("broken_table", "XML3: malformed XML"),
    ],
)
def test_faults_are_rejected_with_a_reason(label, needle):
    s = next(x for x in _gen(60, {label: 0.5}) if x.label == label)
    r = check_submission(s.body)
    assert r.outcome == "rejected" and needle in r.reason


def test_xxe_in_inner_file_is_rejected():
    bad = _swap_inner(
        EXAMPLE,
        "XML14",
        "<CHI_TIEU_GIAYHEN_KHAMLAI>",
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><CHI_TIEU_GIAYHEN_KHAMLAI>',
    )
    r = check_submission(bad)
    assert r.outcome == "rejected" and "XXE" in r.reason and "XML14" in r.reason


@pytest.mark.parametrize(
    "kind, old, new, needle",
    [
        ("XML1", "<SO_CCCD>001188012345", "<SO_CCCD>001088012345", "sex_mismatch"),
        ("XML1", "<SO_CCCD>001188012345", "<SO_CCCD>001190012345", "birth_year_mismatch"),
        ("XML1", "<NGAY_RA>202410071040", "<NGAY_RA>202410060840", "NGAY_VAO is after NGAY_RA"),
        ("XML1", "<NGAY_VAO>202410070815", "<NGAY_VAO>202413070815", "not a calendar date"),
        ("XML1", "<MA_BENH_CHINH>I10", "<MA_BENH_CHINH>I10;E11", "ICD-10"),
        ("XML1", "<MA_THE_BHYT>DN4010112233445", "<MA_THE_BHYT>ZZ4010112233445", "card code"),
        ("XML14", "<NGAY_HEN_KL>202411070800", "<NGAY_HEN_KL>202410010800", "NGAY_HEN_KL is before NGAY_RA"),
        ("XML14", "<GIOI_TINH>2", "<GIOI_TINH>1", "GIOI_TINH differs from XML1"),
        ("XML1", "<MA_LOAI_RV>1", "<MA_LOAI_RV>2", "MA_LOAI_RV 2/5 requires an XML13"),
    ],
)
def test_cross_field_checks(kind, old, new, needle):
    r = check_submission(_swap_inner(EXAMPLE, kind, old, new))
    assert r.outcome == "rejected" and needle in r.reason, r.reason


def test_encodings_bom_and_utf16_are_accepted():
    text = EXAMPLE.decode("utf-8")
    for body in (
        b"\xef\xbb\xbf" + EXAMPLE,
        text.replace('encoding="utf-8"', 'encoding="utf-16"', 1).encode("utf-16"),
    ):
        assert check_submission(body).outcome == "accepted"


def test_newborn_without_id_is_accepted():
    sent = _gen(40, {})
    newborns = [s for s in sent if s.label == "newborn"]
    assert newborns
    for s in newborns:
        assert check_submission(s.body).outcome == "accepted"


def _cli(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("de06")
    return subprocess.run([str(exe), "health", "validate", *args], capture_output=True, text=True, timeout=60)


def test_cli_validate_json(tmp_path):
    for s in _gen(12, {"xxe": 0.2, "malformed": 0.2}, seed=5):
        (tmp_path / s.file_name).write_bytes(s.body)
    out = _cli(str(tmp_path), "--json")
    assert out.returncode == 1, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == 12
    assert {r["outcome"] for r in rows} == {"accepted", "rejected"}
    assert all(set(r) == {"file", "outcome", "reason", "counts"} for r in rows)
    assert not any(re.search(r"\d{9}", r["reason"] or "") for r in rows), "ID-like number in a reason"
    for p in PEOPLE["adult"]:
        assert p.cccd not in out.stdout and p.full_name not in out.stdout


def test_cli_validate_exit_codes(tmp_path):
    good = tmp_path / "good.xml"
    good.write_bytes(EXAMPLE)
    assert _cli(str(good), "--json").returncode == 0
    assert _cli(str(good), str(tmp_path / "missing.xml"), "--json").returncode == 2


def test_money_adds_up_in_decimals():
    env = EXAMPLE
    for old, new in (("<T_TONGCHI_BH>0", "<T_TONGCHI_BH>100.5"), ("<T_BNCCT>0", "<T_BNCCT>0.6")):
        env = _swap_inner(env, "XML1", old, new)
    ok = check_submission(_swap_inner(env, "XML1", "<T_BHTT>0", "<T_BHTT>99.9"), today=date(2025, 1, 1))
    assert (ok.outcome, ok.reason) == ("accepted", None)  # whole-number truncation refused it
    off = check_submission(_swap_inner(env, "XML1", "<T_BHTT>0", "<T_BHTT>99.8"), today=date(2025, 1, 1))
    assert off.outcome == "rejected" and "T_BHTT != T_TONGCHI_BH - T_BNCCT" in off.reason
