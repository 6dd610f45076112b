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
    assert list(got.columns) == [
        *("record_id", "outcome", "citizen_id", "tier", "score", "reasons"),  # the columns
        "candidates",
    ]
    truth = {
        r["record_id"]: r["true_citizen_id"]
        for r in csv.DictReader(open(F / "records.csv", encoding="utf-8"))
    }
    assert sorted(got["record_id"]) == sorted(truth)
    linked = got[got["outcome"] == "linked"]
    assert all(truth[r] == c for r, c in zip(linked["record_id"], linked["citizen_id"], strict=True))
    assert len(linked) >= 28
    # a record sent to review names its candidates by the population's own keys, best first
    review = got[got["outcome"] == "review"]
    assert len(review) > 0 and got[got["outcome"] != "review"]["candidates"].isna().all()
    population_keys = {r["citizen_id"] for r in csv.DictReader(open(F / "population.csv", encoding="utf-8"))}
    for text in review["candidates"]:
        cands = json.loads(text)
        assert cands and {c["citizen_id"] for c in cands} <= population_keys
        assert [c["score"] for c in cands] == sorted((c["score"] for c in cands), reverse=True)
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
    # a second decision only as an explicit correction; the first stays on record
    assert main(["review", "decide", str(item), "--not-match"]) == 1
    assert "already decided (link 102 by" in capsys.readouterr().err
    assert main(["review", "decide", str(item), "--not-match", "--replace"]) == 0
    assert main(["review", "decide", str(item), "--link", "102", "--replace"]) == 0
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
        cur.execute(
            "SELECT decision, citizen_id FROM review_decision WHERE item_id = %s ORDER BY decision_id",
            (item,),
        )
        assert cur.fetchall() == [("link", 102), ("not_match", None), ("link", 102)]


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


POP_HEAD = "citizen_id,cccd,cmnd,full_name,dob,sex,birth_province"
POP_ROW = "C1,001090012345,,Nguyễn Văn An,1990-03-15,M,001"
REC_HEAD = "record_id,full_name,dob_text,id_number,sex,birth_province"
REC_ROW = "R1,Nguyễn Văn An,15/03/1990,001090012345,Nam,Hà Nội"


def _write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _float_ids(tmp_path: Path) -> Path:
    import pandas as pd

    p = tmp_path / "rec.parquet"
    pd.DataFrame(
        {
            "record_id": ["R1"],
            "full_name": ["Nguyễn Văn An"],
            "dob_text": ["15/03/1990"],
            "id_number": [1090012345.0],  # the leading zeros are already gone
            "sex": ["Nam"],
            "birth_province": ["Hà Nội"],
        }
    ).to_parquet(p)
    return p


BAD_LINK_INPUT = [
    # (case, population text, records text or builder, out name, expected words in the one-line error)
    ("out folder missing", None, None, "nodir/o.csv", "for the output does not exist"),
    ("out not csv/parquet", None, None, "o.xlsx", "neither .csv nor .parquet"),
    ("out is the records file", None, None, "rec.csv", "is one of the input files"),
    (
        "NUL in a name",
        f"{POP_HEAD}\nC1,001090012345,,Nguyễn\x00 An,1990-03-15,M,001\n",
        None,
        "o.csv",
        "full_name holds a NUL character",
    ),
    (
        "impossible date",
        f"{POP_HEAD}\nC1,001090012345,,Nguyễn Văn An,1990-02-30,M,001\n",
        None,
        "o.csv",
        "row 1: dob is no calendar date",
    ),
    ("numeric ID column", None, _float_ids, "o.csv", "column id_number holds numbers"),
    ("empty population", "", None, "o.csv", "population file pop.csv is empty"),
    ("header-only population", f"{POP_HEAD}\n", None, "o.csv", "the population extract has no rows"),
    (
        "Windows-1258 bytes",
        None,
        f"{REC_HEAD}\n{REC_ROW}\n".encode("cp1258", "replace"),
        "o.csv",
        "is not UTF-8 (byte 69, line 2)",  # the "ă" of Văn: "ễ" has no cp1258 byte,
    ),
    (
        "ragged line",
        None,
        f"{REC_HEAD}\n{REC_ROW}\nR2,a,b,c,d,e,f,g\n",
        "o.csv",
        "Expected 6 fields in line 3, saw 8",
    ),
    (
        "semicolons",
        None,
        f"{REC_HEAD.replace(',', ';')}\n{REC_ROW.replace(',', ';')}\n",
        "o.csv",
        "separate the fields with commas",
    ),
    (
        "blank record_id",
        None,
        f"{REC_HEAD}\n{REC_ROW}\n ,X,1990,,Nam,\n",
        "o.csv",
        "rows without record_id (first: row 2)",
    ),
]


@pytest.mark.parametrize(
    ("case", "pop", "rec", "out", "expected"), BAD_LINK_INPUT, ids=[c[0] for c in BAD_LINK_INPUT]
)
def test_link_bad_input_is_one_clear_line(migrated, tmp_path, capsys, case, pop, rec, out, expected):
    pop_path = _write(tmp_path / "pop.csv", f"{POP_HEAD}\n{POP_ROW}\n" if pop is None else pop)
    rec_path = (
        rec(tmp_path)
        if callable(rec)
        else _write(tmp_path / "rec.csv", f"{REC_HEAD}\n{REC_ROW}\n" if rec is None else rec)
    )
    before = rec_path.read_bytes()
    rc = main(
        [
            "cleanse",
            "link",
            "--population",
            str(pop_path),
            "--records",
            str(rec_path),
            "--out",
            str(tmp_path / out),
        ]
    )
    err = capsys.readouterr().err.strip()
    assert rc == 1, case
    assert "Traceback" not in err and len(err.splitlines()) == 1 and expected in err, err
    assert "Nguyễn" not in err and "001090012345" not in err  # no values in the message
    assert rec_path.read_bytes() == before  # an input is never overwritten


def test_link_counts_population_values_it_leaves_out(migrated, tmp_path, capsys):
    """Values the match can do without (a CMND that is not 9 digits, sex X, an unknown province)
    are left out and counted, not dropped silently; the records all get their row."""
    import pandas as pd

    pop = _write(
        tmp_path / "pop.csv",
        f"{POP_HEAD},cmnd_old\n"
        "C1,001090012345,12345,Nguyễn Văn An,1990-03-15,X,zzz,0123456789012345;123456789\n",
    )
    rec = _write(tmp_path / "rec.csv", f"{REC_HEAD}\n{REC_ROW}\nR2,Lê Thị Hoa,1/1/1980,,Nữ,\n")
    out = tmp_path / "o.parquet"
    assert main(["cleanse", "link", "--population", str(pop), "--records", str(rec), "--out", str(out)]) == 0
    counts = json.loads(capsys.readouterr().out.strip().splitlines()[0])
    assert counts["records"] == 2 and len(pd.read_parquet(out)) == 2
    assert counts["population_values_ignored"] == {
        "birth_province (unknown)": 1,
        "cmnd (not 9 digits)": 1,
        "cmnd_old (not 9 digits)": 1,
        "sex (not M/F)": 1,
    }


def test_link_reads_parquet_dates_and_timestamps(migrated, tmp_path, capsys):
    import datetime as dt

    import pandas as pd

    base = {
        "citizen_id": ["C1"],
        "cccd": ["001090012345"],
        "cmnd": [None],
        "full_name": ["Nguyễn Văn An"],
        "sex": ["M"],
        "birth_province": ["001"],
    }
    rec = _write(tmp_path / "rec.csv", f"{REC_HEAD}\n{REC_ROW}\n")
    for dob in ([dt.date(1990, 3, 15)], pd.to_datetime(["1990-03-15"])):
        pop = tmp_path / "pop.parquet"
        pd.DataFrame({**base, "dob": dob}).to_parquet(pop)
        out = tmp_path / "o.csv"
        assert (
            main(["cleanse", "link", "--population", str(pop), "--records", str(rec), "--out", str(out)]) == 0
        )
        assert pd.read_csv(out, dtype=str)["outcome"].tolist() == ["linked"]
    capsys.readouterr()
