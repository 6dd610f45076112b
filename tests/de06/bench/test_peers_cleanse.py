"""Benchmark peers (Splink 5 / DuckDB and a pandas merge) on a small generated extract, and scoring."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from de06.bench import peers_cleanse as pc
from de06.domain import cccd as cccd_mod
from de06.errors import InputError
from de06.identity.text import fold

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Kim"]
GIVEN_M = ["Hùng", "Dũng", "Tuấn", "Long", "Nam", "Hải", "Sơn", "Khoa", "Phúc", "Quang", "Bảo", "Trung"]
GIVEN_F = ["Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Thảo", "Ngân", "Yến", "Nhung", "Hằng", "Vy"]
PROVINCES = ["001", "031", "048", "079", "092", "038", "040", "075"]


def _person(rng: random.Random, i: int) -> dict[str, str]:
    sex = rng.choice("MF")
    mid, giv = (MIDDLE_M, GIVEN_M) if sex == "M" else (MIDDLE_F, GIVEN_F)
    dob = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 50))
    prov = rng.choice(PROVINCES)
    return {
        "citizen_id": str(i),
        "cccd": cccd_mod.build(prov, dob.year, sex, rng.randrange(10**6)),
        "cmnd": "",
        "full_name": f"{rng.choice(FAMILY)} {rng.choice(mid)} {rng.choice(giv)}",
        "dob": dob.isoformat(),
        "sex": sex,
        "birth_province": prov,
    }


def _record(rng: random.Random, rid: int, p: dict[str, str]) -> dict[str, str]:
    d = date.fromisoformat(p["dob"])
    name = p["full_name"] if rng.random() < 0.7 else fold(p["full_name"]).title()  # no diacritics
    dob_text = rng.choice(
        [
            f"{d:%d/%m/%Y}",
            f"{d.day}/{d.month}/{d:%y}",
            f"{d:%Y-%m-%d}",
            f"ngày {d:%d} tháng {d:%m} năm {d:%Y}",
        ]
    )
    id_number = p["cccd"] if rng.random() < 0.6 else ""
    return {
        "record_id": f"R{rid}",
        "full_name": name,
        "dob_text": dob_text,
        "id_number": id_number,
        "sex": {"M": "Nam", "F": "Nữ"}[p["sex"]],
        "birth_province": rng.choice([p["birth_province"], ""]),
    }


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def extract(tmp_path_factory) -> dict[str, Path]:
    """1,500 citizens; 200 records of 180 of them (mild noise) plus 20 people not in the population."""
    rng = random.Random(20260601)
    out = tmp_path_factory.mktemp("peers")
    people = [_person(rng, i) for i in range(1, 1501)]
    outsiders = [_person(rng, 10_000 + i) for i in range(20)]
    recs, truth = [], []
    for k, p in enumerate(rng.sample(people, 180) + outsiders):
        r = _record(rng, k, p)
        recs.append(r)
        truth.append({"record_id": r["record_id"], "citizen_id": p["citizen_id"] if p in people else ""})
    return {
        "population": _write(out / "population.csv", people),
        "records": _write(out / "records.csv", recs),
        "truth": _write(out / "truth.csv", truth),
    }


@pytest.mark.unit
def test_score_hand_made_case():
    truth = {"a": "1", "b": "2", "c": "3", "d": None, "e": "5"}
    links = {"a": "1", "b": "9", "d": "4", "e": "5"}  # 2 correct of 4 made; 4 have a true citizen
    s = pc.score(links, truth)
    assert s["precision"] == pytest.approx(0.5)
    assert s["recall"] == pytest.approx(0.5)
    assert (s["linked"], s["correct"], s["n"], s["with_citizen"]) == (4, 2, 5, 4)
    assert pc.score({}, truth)["precision"] is None and pc.score({}, truth)["recall"] == 0


@pytest.mark.unit
def test_score_reads_truth_file(extract):
    truth = pc.load_truth(extract["truth"])
    assert len(truth) == 200 and sum(c is None for c in truth.values()) == 20
    perfect = {r: c for r, c in truth.items() if c is not None}
    assert pc.score(perfect, extract["truth"])["precision"] == 1.0
    assert pc.score(perfect, extract["truth"])["recall"] == 1.0


@pytest.mark.unit
def test_missing_column_is_a_clear_error(tmp_path):
    bad = _write(tmp_path / "records.csv", [{"record_id": "1", "full_name": "Lê Văn Nam"}])
    with pytest.raises(InputError, match="dob_text"):
        pc.read_table(bad, pc.RECORD_COLUMNS)


@pytest.mark.unit
def test_pandas_merge_peer(extract):
    res = pc.run_pandas_merge(extract["population"], extract["records"], workers=1)
    q = pc.score(res["links"], extract["truth"])
    assert res["records"] == 200 and res["seconds"] > 0 and res["peak_rss_mb"] > 0
    assert q["precision"] > 0.9
    assert q["recall"] > 0.8  # exact ID or exact folded name + dob finds most of these


@pytest.mark.unit
def test_splink_peer(extract):
    res = pc.run_splink(
        extract["population"], extract["records"], u_max_pairs=1e5, em_max_pairs=1e5, workers=1
    )
    q = pc.score(res["links"], extract["truth"])
    assert res["records"] == 200 and res["pairs_scored"] > 0 and res["peak_rss_mb"] > 0
    assert {r[0] for r in res["links"]} == {"R"}  # record ids -> citizen ids, never the other way
    assert all(1 <= int(c) <= 1500 for c in res["links"].values())
    assert q["precision"] > 0.9
    assert q["recall"] > 0.8


# ---------------------------------------------------------------- the peer process (bench cleanse)


@pytest.mark.unit
def test_run_peer_returns_the_peers_answer_and_its_memory(extract):
    from de06.bench.cleanse import run_peer

    res = run_peer("pandas_merge", extract["population"], extract["records"], workers=1, timeout_s=120)
    assert "failed" not in res and "timed_out" not in res
    assert res["links"] and res["peak_rss_mb"] > 0


@pytest.mark.unit
def test_run_peer_records_a_failing_peer_instead_of_raising(tmp_path):
    from de06.bench.cleanse import run_peer

    res = run_peer("pandas_merge", tmp_path / "none.csv", tmp_path / "none.csv", workers=1, timeout_s=120)
    assert res["failed"].startswith("pandas_merge raised") and "links" not in res


@pytest.mark.unit
def test_run_peer_stops_a_peer_past_its_timeout(extract):
    from de06.bench.cleanse import run_peer

    # the spawned interpreter alone takes longer than this to import pandas and answer
    res = run_peer("pandas_merge", extract["population"], extract["records"], workers=1, timeout_s=0.05)
    assert res["timed_out"] is True and res["seconds"] >= 0.05 and "links" not in res
