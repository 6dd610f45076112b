"""Cleaner units and generator determinism."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import pytest
from de06.domain import provinces
from de06.report import ocr
from de06.report.rollout import parse_batch, validate_text
from de06.report.rollout_sim import generate
from de06.report.vocabulary import PHRASES

pytestmark = pytest.mark.unit


def test_fold_keeps_every_province_and_phrase_apart():
    keys = ocr._province_keys()
    owners: dict[str, set[str]] = {}
    for k, code in keys:
        owners.setdefault(k, set()).add(code)
    assert all(len(v) == 1 for v in owners.values())
    folded = {ocr.ocr_fold(s): vid for vid, ss in PHRASES.items() for s in ss}
    assert len(folded) == sum(len(ss) for ss in PHRASES.values())


@pytest.mark.parametrize(
    "text,code",
    [
        ("Dà Nắng", "048"),
        ("HÀ NỘl", "001"),
        ("Narn Định", "036"),
        ("Tỉnnh Quảng Bình", "044"),
        ("Kien Giaang", "091"),
        ("TP.HCM", "079"),
        ("Bà Rịa–Vũng Tàu", "077"),
        ("Đăk Lăk", "066"),
        ("Thừa Thiên - Huế", "046"),
        ("Hoà Bình", "017"),
        ("B1nh Dương", "074"),
    ],
)
def test_match_province_ocr_damage(text, code):
    assert ocr.match_province(text).value == code


@pytest.mark.parametrize("text", ["ĐN", "Hà Tây", "Giang", "Quảng", "", "Bộ Công an"])
def test_match_province_refuses_to_guess(text):
    assert ocr.match_province(text).value is None


@pytest.mark.parametrize(
    "text,vid",
    [
        ("Dang tien hanh devtest", "status:devtest_in_progress"),
        ("Đa devtest xong", "status:devtest_done"),
        ("Ðã hoàn thành triên khai", "status:completed"),
        ("Chưa có rnáy", "pv06:no_machine"),
        ("Đã có máy", "pv06:has_machine"),
        ("Đã truy câp", "pv06:accessed"),
        ("Chua đảm bảo", "security:no"),
    ],
)
def test_match_phrase(text, vid):
    assert ocr.match_phrase(text, PHRASES).value == vid


def test_parse_batch_forms():
    assert parse_batch("Đợt 2(16-22/9/2024)") == (2, "2024-09-16", "2024-09-22")
    assert parse_batch("Dot 4 (30/9-6/1O/2O24)") == (4, "2024-09-30", "2024-10-06")
    assert parse_batch("Đợt l(9-15/9/2024)") == (1, "2024-09-09", "2024-09-15")
    assert parse_batch("Đã devtest xong") is None


def test_every_line_has_one_outcome():
    text, _ = generate(3, "heavy")
    r = validate_text(text)
    lines = r.lines
    assert (
        lines["header"] + lines["rows"] + lines["summary"] + lines["blank"] + len(lines["ignored"])
        == lines["total"]
    )
    assert lines["total"] == len(text.splitlines())


def test_generator_is_deterministic_and_seed_sensitive():
    a, ta = generate(7)
    b, tb = generate(7)
    c, _ = generate(8)
    assert a == b and ta == tb
    assert a != c


def test_cli_simulate_writes_same_bytes(tmp_path):
    de06 = str(__import__("pathlib").Path(sys.executable).with_name("de06"))
    outs = []
    for i in range(2):
        p = tmp_path / f"s{i}.tsv"
        subprocess.run(
            [
                de06,
                "rollout",
                "simulate",
                "--seed",
                "11",
                "--out",
                str(p),
                "--truth",
                str(p) + ".json",
                "--encoding",
                "utf-16",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        outs.append(p.read_bytes())
    assert outs[0] == outs[1]
    assert json.loads((tmp_path / "s0.tsv.json").read_text())["seed"] == 11


@pytest.mark.parametrize("seed,profile", list(itertools.product(range(4), ["default", "heavy"])))
def test_cleaner_recovers_generator_truth(seed, profile):
    text, truth = generate(seed, profile)
    r = validate_text(text)
    assert sorted(r.missing) == sorted(truth["missing"])
    assert sorted(r.duplicates) == truth["duplicates"]
    assert r.status_counts == truth["status_counts"] and r.pv06_counts == truth["pv06_counts"]
    assert r.stated_totals == truth["stated_totals"]
    assert sorted(m["total"] for m in r.mismatches) == truth["mismatch_keys"]
    assert r.unknown == [] and r.invalid == []
    got = {row.province_code: row for row in r.province_rows()}
    for code, want in truth["provinces"].items():
        assert {k: getattr(got[code], k) for k in want} == want, provinces.name_of(code)


def test_stt_merged_into_the_name_cell():
    header = "STT\tTỉnh\tĐợt\tTình trạng\tMã nguồn\tHệ thống\tPV06"
    rows = "12 Lạng Sơn\tĐợt 1(9-15/9/2024)\tĐã devtest xong\tĐã đảm bảo\tĐã đảm bảo\tĐã có máy"
    r = validate_text("\n".join([header, rows, "Tổng cộng\t1"]) + "\n")
    assert [row.province_code for row in r.rows] == ["020"] and r.unknown == []
    assert {
        "row": 2,
        "column": "province",
        "kind": "merged_cell",
        "before": "12 Lạng Sơn",
        "after": "Lạng Sơn",
    } in r.corrections
