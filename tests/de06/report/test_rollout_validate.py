"""`de06 rollout validate` on hand-written fixtures (written independently of the generator).

Expected values come from how each fixture was designed (see the comments), not from running the
cleaner: clean_week38 is the base table (21/21/21 statuses; PV06 16/32/15; security 42/31);
messy_week39 drops Lai Châu and Cà Mau, writes Đồng Nai as the ambiguous "ĐN", adds a row for the
former province Hà Tây and a second, conflicting Bắc Ninh row, and keeps the base table's totals
in its summary; shifted_utf16 is the base table in UTF-16 with shifted cells and NFD names.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIX = Path(__file__).parent / "fixtures"
DE06 = str(Path(sys.executable).with_name("de06"))

pytestmark = pytest.mark.unit


def run(*args: str) -> tuple[int, str, str]:
    out = subprocess.run([DE06, "rollout", "validate", *args], capture_output=True, text=True, timeout=60)
    return out.returncode, out.stdout, out.stderr


def test_clean_file_exit_0_and_exact_fields():
    rc, out, err = run(str(FIX / "clean_week38.tsv"), "--json")
    assert rc == 0, err
    j = json.loads(out)
    assert j["provinces_found"] == 63
    assert j["duplicates"] == [] and j["missing"] == [] and j["unknown"] == [] and j["mismatches"] == []
    assert j["status_counts"] == {"completed": 21, "devtest_done": 21, "devtest_in_progress": 21}
    assert j["pv06_counts"] == {"accessed": 16, "has_machine": 32, "no_machine": 15}
    assert j["stated_totals"] == {
        "provinces": 63,
        "completed": 21,
        "devtest_done": 21,
        "devtest_in_progress": 21,
        "source_code_security": 42,
        "system_security": 31,
        "accessed": 16,
        "has_machine": 32,
        "no_machine": 15,
    }
    assert j["corrections"] == []
    assert j["lines"]["rows"] == 63 and j["lines"]["header"] == 1 and j["lines"]["summary"] == 1


def test_messy_file_exit_1_names_every_problem():
    rc, out, _ = run(str(FIX / "messy_week39.tsv"), "--json")
    assert rc == 1
    j = json.loads(out)
    assert j["provinces_found"] == 60
    assert j["duplicates"] == ["Bắc Ninh"]
    assert j["conflicts"] == [{"province": "Bắc Ninh", "rows": [20, 22], "fields": ["status"]}]
    assert j["missing"] == ["Lai Châu", "Đồng Nai", "Cà Mau"]
    assert j["unknown"] == ["Hà Tây", "ĐN"]
    assert j["status_counts"] == {"completed": 21, "devtest_done": 20, "devtest_in_progress": 19}
    assert j["pv06_counts"] == {"accessed": 16, "has_machine": 31, "no_machine": 13}
    assert j["security_counts"] == {"source_code_security": 42, "system_security": 31}
    assert {m["total"]: (m["stated"], m["counted"]) for m in j["mismatches"]} == {
        "provinces": (63, 60),
        "devtest_done": (21, 20),
        "devtest_in_progress": (21, 19),
        "has_machine": (32, 31),
        "no_machine": (15, 13),
    }
    fixed = {(c["row"], c["column"]): c for c in j["corrections"]}
    assert fixed[(9, "province")]["after"] == "Lào Cai" and fixed[(9, "province")]["before"] == "Lao Cal"
    assert fixed[(27, "province")]["after"] == "Nam Định"  # "Narn Định": rn -> m
    assert fixed[(10, "province")]["kind"] == "unicode"  # Ð (U+00D0) -> Đ
    assert fixed[(6, "status")]["after"] == "Đang tiến hành devtest"
    assert fixed[(26, "pv06")]["after"] == "Đã có máy"
    assert fixed[(11, "batch")]["kind"] == "column_shift"  # batch and status swapped
    assert fixed[(12, "pv06")] == {
        "row": 12,
        "column": "pv06",
        "kind": "column_shift",
        "before": "column 8",
        "after": "column 7",
    }
    # title and note lines are accounted for, not silently dropped
    assert [x["row"] for x in j["lines"]["ignored"]] == [1, 67]
    assert j["lines"]["total"] == 67


def test_utf16_shifted_file_is_clean_after_corrections():
    rc, out, err = run(str(FIX / "shifted_utf16.tsv"), "--json")
    assert rc == 0, err
    j = json.loads(out)
    assert j["provinces_found"] == 63 and j["mismatches"] == [] and j["invalid"] == []
    shifted_rows = sorted({c["row"] for c in j["corrections"] if c["kind"] == "column_shift"})
    assert shifted_rows == [6, 31, 46, 53]
    nfd_rows = sorted({c["row"] for c in j["corrections"] if c["kind"] == "unicode"})
    assert nfd_rows == list(range(11, 22))


def test_readable_summary_without_json():
    rc, out, _ = run(str(FIX / "messy_week39.tsv"))
    assert rc == 1
    assert "missing: Lai Châu, Đồng Nai, Cà Mau" in out
    assert "mismatch: no_machine stated 15, rows give 13" in out


@pytest.mark.parametrize(
    "name,content,needle",
    [
        ("absent.tsv", None, "no such file"),
        ("binary.tsv", bytes(range(256)) * 8, "not UTF-8 or UTF-16"),
        ("commas.tsv", "STT,Tỉnh\n1,Hà Nội\n2,Hà Giang\n3,Cao Bằng\n".encode(), "not a TSV"),
        ("empty.tsv", b"", "is empty"),
    ],
)
def test_unreadable_exit_2(tmp_path, name, content, needle):
    p = tmp_path / name
    if content is not None:
        p.write_bytes(content)
    rc, out, err = run(str(p), "--json")
    assert rc == 2
    assert needle in err and "fix:" in err and "Traceback" not in err
    assert json.loads(out)["readable"] is False
