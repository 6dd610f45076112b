"""`de06 cleanse link` on files, bad input refused clearly, and the review queue commands."""

import csv
import json
from pathlib import Path

import pytest
from de06.cli.main import main

pytestmark = pytest.mark.postgres
F = Path(__file__).resolve().parents[1] / "identity" / "fixtures"


def _population_csv(tmp_path: Path) -> Path:
    """Fixture population with old CMNDs folded into the optional cmnd_old column."""
    old = {}
    for r in csv.DictReader(open(F / "population_extra.csv")):
        old.setdefault(r["citizen_id"], []).append(r["cmnd_old"])
    rows = list(csv.DictReader(open(F / "population.csv", encoding="utf-8")))
    p = tmp_path / "pop.csv"
    with open(p, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=[*rows[0].keys(), "cmnd_old"])
        w.writeheader()
        for r in rows:
            w.writerow({**r, "cmnd_old": ";".join(old.get(r["citizen_id"], []))})
    return p


def _records_csv(tmp_path: Path, drop: str | None = None) -> Path:
    rows = list(csv.DictReader(open(F / "records.csv", encoding="utf-8")))
    cols = ["record_id", "full_name", "dob_text", "id_number", "sex", "birth_province"]
    if drop:
        cols = [c if c != drop else c + "_x" for c in cols]
    p = tmp_path / "records.csv"
    with open(p, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for r in rows:
            w.writerow(
                [r["record_id"], r["full_name"], r["dob_text"], r["id_number"], r["sex"], r["birth_province"]]
            )
    return p


def test_link_files_one_row_per_record_and_truth(migrated, tmp_path, capsys):
    out = tmp_path / "out.parquet"
    rc = main(
        [
            "cleanse",
            "link",
            "--population",
            str(_population_csv(tmp_path)),
            "--records",
            str(_records_csv(tmp_path)),
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    import pandas as pd

    got = pd.read_parquet(out)
    assert list(got.columns) == ["record_id", "outcome", "citizen_id", "tier", "score", "reasons"]
    truth = {
        r["record_id"]: r["true_citizen_id"]
        for r in csv.DictReader(open(F / "records.csv", encoding="utf-8"))
    }
    assert sorted(got["record_id"]) == sorted(truth)
    linked = got[got["outcome"] == "linked"]
    assert all(truth[r] == c for r, c in zip(linked["record_id"], linked["citizen_id"], strict=True))
    assert len(linked) >= 28
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed[-1] == str(out) and json.loads(printed[0])["records"] == len(truth)


def test_link_missing_column_is_one_clear_error(migrated, tmp_path, capsys):
    rc = main(
        [
            "cleanse",
            "link",
            "--population",
            str(_population_csv(tmp_path)),
            "--records",
            str(_records_csv(tmp_path, drop="dob_text")),
            "--out",
            str(tmp_path / "o.csv"),
        ]
    )
    err = capsys.readouterr().err.strip()
    assert rc == 1 and len(err.splitlines()) == 1
    assert "lacks column(s): dob_text" in err and "dob_text_x" in err


def test_link_refuses_non_utf8_file(migrated, tmp_path, capsys):
    bad = tmp_path / "records.csv"
    bad.write_bytes(
        "record_id,full_name,dob_text,id_number,sex,birth_province\n1,Nguyễn,1990,,Nam,\n".encode("utf-16")
    )
    rc = main(
        [
            "cleanse",
            "link",
            "--population",
            str(_population_csv(tmp_path)),
            "--records",
            str(bad),
            "--out",
            str(tmp_path / "o.csv"),
        ]
    )
    err = capsys.readouterr().err
    assert rc == 1 and "not UTF-8" in err


def test_review_enqueue_decide_and_reveal_log(pg, capsys):
    from de06.cleanse import review as rv
    from de06.identity.matcher import MatchResult

    lltp = pg("lltp")
    key = "test-" + Path(__file__).stem
    with lltp.cursor() as cur:
        cur.execute(
            "DELETE FROM review_reveal WHERE item_id IN"
            " (SELECT item_id FROM review_item WHERE source_key = %s)",
            (key,),
        )
        cur.execute(
            "DELETE FROM review_decision WHERE item_id IN"
            " (SELECT item_id FROM review_item WHERE source_key = %s)",
            (key,),
        )
        cur.execute("DELETE FROM review_item WHERE source_key = %s", (key,))
    lltp.commit()
    res = MatchResult(
        key,
        "review",
        None,
        "fuzzy",
        5.0,
        ["two_plausible_candidates"],
        [
            {"citizen_id": 101, "tier": "fuzzy", "score": 5.0, "reasons": []},
            {"citizen_id": 102, "tier": "fuzzy", "score": 4.0, "reasons": []},
        ],
    )
    ident = {
        "full_name": "Hoàng Văn Hùng",
        "dob_text": "01/12/1978",
        "id_number": "040078654321",
        "birth_place": "Số 12 ngõ 5 Trần Phú",
    }
    item, how = rv.enqueue_reviews(lltp, "qp", [rv.ReviewEntry(key, res, "040", ident)])[key]
    lltp.commit()
    assert how == "inserted"
    assert rv.enqueue_reviews(lltp, "qp", [rv.ReviewEntry(key, res)])[key][1] == "refreshed"
    lltp.commit()
    assert main(["review", "show", str(item)]) == 0
    shown = capsys.readouterr().out
    assert "Hoàng Văn Hùng" not in shown and "H. V. H." in shown and "040*******21" in shown
    # day and month of birth and a free-text birthplace (an address, maybe) stay hidden too
    assert "01/12" not in shown and "**/**/1978" in shown
    place = next(line for line in shown.splitlines() if line.startswith("birth_province"))
    assert "Trần Phú" not in shown and place[16:].split()[0] == "***"
    assert main(["review", "decide", str(item), "--link", "999"]) == 1  # not a candidate
    assert "not a candidate" in capsys.readouterr().err
    assert main(["review", "decide", str(item), "--link", "102"]) == 0
    # the matcher never overrides a person's decision
    assert rv.enqueue_reviews(lltp, "qp", [rv.ReviewEntry(key, res)])[key][1] == "kept_decided"
    lltp.commit()
    assert main(["review", "show", str(item), "--reveal", "--reason", "test audit"]) == 0
    assert "Hoàng Văn Hùng" in capsys.readouterr().out
    with lltp.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM review_reveal WHERE item_id = %s AND reason = 'test audit'", (item,)
        )
        assert cur.fetchone()[0] == 1
        cur.execute("SELECT decision, citizen_id FROM review_decision WHERE item_id = %s", (item,))
        assert cur.fetchall() == [("link", 102)]


def test_enqueue_reviews_inserts_refreshes_and_keeps_decided_in_one_call(pg):
    """A batch of doubtful records: new keys are inserted, open items refreshed with the new
    candidates, reasons and score (province kept when none is given), decided items left as they
    are; a key given twice counts once, with its last entry."""
    from de06.cleanse import review as rv
    from de06.identity.matcher import MatchResult

    lltp = pg("lltp")
    keys = [f"batch-{Path(__file__).stem}-{i}" for i in range(4)]
    with lltp.cursor() as cur:
        for t in ("review_reveal", "review_decision"):
            cur.execute(
                f"DELETE FROM {t} WHERE item_id IN"
                " (SELECT item_id FROM review_item WHERE source_key = ANY (%s))",
                (keys,),
            )
        cur.execute("DELETE FROM review_item WHERE source_key = ANY (%s)", (keys,))
    lltp.commit()

    def res(key: str, score: float, reasons: list[str]) -> MatchResult:
        cands = [{"citizen_id": 7, "tier": "fuzzy", "score": score, "reasons": []}]
        return MatchResult(key, "review", None, "fuzzy", score, reasons, cands)

    first = [rv.ReviewEntry(k, res(k, 1.0, ["weak_score"]), "001", {"full_name": "A"}) for k in keys[:3]]
    out = rv.enqueue_reviews(lltp, "lltp", first, run_id=1)
    lltp.commit()
    assert {k: how for k, (_, how) in out.items()} == dict.fromkeys(keys[:3], "inserted")
    rv.decide(lltp, out[keys[2]][0], "not_match", "tester")
    second = [
        rv.ReviewEntry(keys[0], res(keys[0], 9.0, ["old"])),
        rv.ReviewEntry(keys[0], res(keys[0], 3.0, ["two_plausible_candidates"])),  # the last one wins
        rv.ReviewEntry(keys[2], res(keys[2], 3.0, ["x"])),
        rv.ReviewEntry(keys[3], res(keys[3], 2.0, []), None, {}),
    ]
    out2 = rv.enqueue_reviews(lltp, "lltp", second, run_id=2)
    lltp.commit()
    assert out2[keys[0]] == (out[keys[0]][0], "refreshed")
    assert out2[keys[2]] == (out[keys[2]][0], "kept_decided")
    assert out2[keys[3]][1] == "inserted" and len(out2) == 3
    with lltp.cursor() as cur:
        cur.execute(
            "SELECT source_key, status, run_id, province, reasons, score, candidates->0->>'score'"
            " FROM review_item WHERE source_key = ANY (%s) ORDER BY source_key",
            (keys,),
        )
        rows = {r[0]: r[1:] for r in cur.fetchall()}
    lltp.rollback()
    assert rows[keys[0]] == ("open", 2, "001", ["two_plausible_candidates"], 3.0, "3.0")
    assert rows[keys[1]] == ("open", 1, "001", ["weak_score"], 1.0, "1.0")
    assert rows[keys[2]] == ("decided", 1, "001", ["weak_score"], 1.0, "1.0")
    assert rows[keys[3]] == ("open", 2, None, [], 2.0, "2.0")


@pytest.mark.unit
def test_masked_dates_of_birth_show_at_most_the_year():
    from de06.cleanse.review import mask_dob, mask_place

    assert mask_dob("12/05/1990") == "**/**/1990"
    assert mask_dob("1990-05-12") == "1990-**-**"
    assert mask_dob("19900512") == "1990****"  # compact, year first
    assert mask_dob("12051990") == "****1990"  # compact, year last
    assert mask_dob("12/5/90") == "**/*/**"  # no 4-digit year: every digit hidden
    assert mask_dob("ngày 5 tháng 3 năm 1975") == "ngày * tháng * năm 1975"
    assert mask_place("Hà Nội") == "001" and mask_place("Số 12 ngõ 5 Trần Phú") == "***"
