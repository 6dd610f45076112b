"""Judicial-record simulator against a real PostgreSQL (small sizes)."""

from __future__ import annotations

import math
import re
from datetime import date

import pytest
from de06.simulators import judicial, noise
from de06.simulators.judicial import JudicialParams
from de06.simulators.population import PopulationParams
from de06.simulators.population import load as load_population

POP = PopulationParams(size=10_000, seed=11)
PARAMS = JudicialParams(records=2_000, seed=5, noise="default")

REC_SUM = """
SELECT md5(string_agg(j::text, '|' ORDER BY j.record_id)) FROM judicial_record j WHERE source = 'lltp'
"""
CONV_SUM = """
SELECT md5(string_agg(concat_ws('/', source_key, court_name, judgment_no, judgment_date, article,
       main_penalty,
       penalty_months, suspended, expunged, expunged_on), '|' ORDER BY source_key))
FROM conviction WHERE source = 'lltp'
"""
TRUTH_SUM = "SELECT md5(string_agg(t::text, '|' ORDER BY t.record_id)) FROM record_truth t"


@pytest.fixture(scope="module")
def world(migrated):
    load_population(POP, progress=False)
    judicial.load(PARAMS, progress=False)
    return PARAMS


def _all(pg, conn_id, sql, params=None):
    conn = pg(conn_id, autocommit=True)
    with conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _sums(pg):
    return (
        _all(pg, "lltp", REC_SUM)[0][0],
        _all(pg, "lltp", CONV_SUM)[0][0],
        _all(pg, "truth", TRUTH_SUM)[0][0],
    )


@pytest.mark.postgres
def test_truth_covers_every_record_once(world, pg):
    recs = [
        r[0]
        for r in _all(pg, "lltp", "SELECT record_id FROM judicial_record WHERE source = 'lltp' ORDER BY 1")
    ]
    truth = [r[0] for r in _all(pg, "truth", "SELECT record_id FROM record_truth ORDER BY 1")]
    assert recs == truth == list(range(1, PARAMS.records + 1))
    (profiles,) = _all(pg, "truth", "SELECT array_agg(DISTINCT profile) FROM record_truth")[0]
    assert profiles == ["default"]
    # every record has 1..n convictions, source keys 'lltp:<record_id>:<n>'
    rows = _all(pg, "lltp", "SELECT record_id, source_key FROM conviction WHERE source = 'lltp'")
    assert {r for r, _ in rows} == set(recs)
    assert all(k.startswith(f"lltp:{r}:") for r, k in rows)
    assert len({k for _, k in rows}) == len(rows)


@pytest.mark.postgres
def test_people_in_and_outside_the_population(world, pg):
    truth = dict(_all(pg, "truth", "SELECT record_id, citizen_id FROM record_truth"))
    outside = sum(1 for c in truth.values() if c is None) / len(truth)
    assert 0.02 < outside < 0.07
    ids = sorted({c for c in truth.values() if c is not None})
    people = _all(
        pg, "dancu_admin", "SELECT citizen_id, sex, dob FROM citizen WHERE citizen_id = ANY(%s)", (ids,)
    )
    assert len(people) == len(ids)
    male = sum(1 for _, s, _ in people if s == "M") / len(people)
    assert male > 0.7
    # several records for some citizens (duplicates across offices)
    assert len(ids) < sum(1 for c in truth.values() if c is not None)
    # age 16-70 at every judgment
    dob = {c: d for c, _, d in people}
    conv = _all(pg, "lltp", "SELECT record_id, judgment_date FROM conviction WHERE source = 'lltp'")
    for rid, jd in conv:
        c = truth[rid]
        if c is not None:
            age = (jd - dob[c]).days / 365.25
            assert 15.9 < age < 70.1


@pytest.mark.postgres
def test_noise_rates_within_tolerance(world, pg):
    (params,) = _all(
        pg, "truth", "SELECT params FROM sim_run WHERE dataset = 'judicial' ORDER BY run_id DESC LIMIT 1"
    )[0]
    realised = params["realised"]
    labels = _all(pg, "truth", "SELECT k, count(*) FROM record_truth, unnest(noise) k GROUP BY k")
    label_counts = dict(labels)
    prof = noise.profile(PARAMS.noise)
    for kind, rate in prof.rates().items():
        applied, eligible = realised[kind]
        assert label_counts.get(kind, 0) == applied, kind
        assert eligible > 0, kind
        tol = 4 * math.sqrt(rate * (1 - rate) / eligible) + 0.003
        assert abs(applied / eligible - rate) <= tol, (kind, applied, eligible, rate)


@pytest.mark.postgres
def test_labels_match_the_dirt(world, pg):
    truth = _all(
        pg, "truth", "SELECT record_id, citizen_id, noise FROM record_truth WHERE citizen_id IS NOT NULL"
    )
    recs = {
        r[0]: r[1:]
        for r in _all(pg, "lltp", "SELECT record_id, full_name, dob_text, id_number FROM judicial_record")
    }
    cits = {
        r[0]: r[1:] for r in _all(pg, "dancu_admin", "SELECT citizen_id, full_name, dob, cccd FROM citizen")
    }
    # failures are counted per check (record ids only): names and IDs never reach the test output
    checked = 0
    bad: dict[str, list[int]] = {}
    for rid, cid, kinds in truth:
        full_name, dob_text, id_number = recs[rid]
        true_name, dob, cccd = cits[cid]
        checks = {}
        if set(kinds or []) <= {"duplicate", "look_alike", "moved"}:  # record-level kinds only
            checks["clean"] = (
                full_name == true_name
                and id_number == cccd
                and (dob_text == dob.strftime("%d/%m/%Y") or dob_text.endswith(str(dob.year)))
            )
            checked += 1
        if "id_missing" in kinds:
            checks["id_missing"] = id_number is None
        if "cmnd_instead" in kinds and "cccd_one_digit" not in kinds and "leading_zero_lost" not in kinds:
            checks["cmnd_instead"] = re.fullmatch(r"\d{9}", id_number) is not None
        if "leading_zero_lost" in kinds:
            checks["leading_zero_lost"] = not id_number.startswith("0") and len(id_number) < 12
        if "no_diacritics" in kinds:
            checks["no_diacritics"] = full_name.isascii()
        for name, ok in checks.items():
            if not ok:
                bad.setdefault(name, []).append(rid)
    assert bad == {}
    assert checked > 100


@pytest.mark.postgres
def test_look_alike_records_point_to_namesakes(world, pg):
    ids = [
        r[0] for r in _all(pg, "truth", "SELECT citizen_id FROM record_truth WHERE 'look_alike' = ANY(noise)")
    ]
    assert ids
    (n,) = _all(
        pg,
        "dancu_admin",
        """
        SELECT count(*) FROM citizen c WHERE c.citizen_id = ANY(%s) AND EXISTS (
          SELECT 1 FROM citizen o
          WHERE o.full_name = c.full_name AND o.dob = c.dob AND o.citizen_id <> c.citizen_id)""",
        (ids,),
    )[0]
    assert n == len(set(ids))


@pytest.mark.postgres
def test_conviction_facts(world, pg):
    rows = _all(
        pg,
        "lltp",
        """
        SELECT judgment_no, judgment_date, effective_date, main_penalty, penalty_months, suspended,
               probation_months, expunged, expunged_on, expunge_basis, main_end_date, code_version
        FROM conviction WHERE source = 'lltp'""",
    )
    no_re = re.compile(r"^\d+/(\d{4})/(HS-ST|HS-PT|HSST|HSPT)$")
    for no, jd, eff, main, months, susp, prob, exp, exp_on, basis, end, code in rows:
        m = no_re.match(no)
        assert m and int(m.group(1)) == jd.year
        assert eff >= jd
        assert code == (2015 if jd >= date(2018, 1, 1) else 1999)
        if susp:
            assert main == "prison" and months <= 36 and 12 <= prob <= 60
        assert exp == (exp_on is not None) == (basis is not None)
        if exp:
            assert exp_on < date(2024, 10, 1)
            if basis == "automatic":
                assert end is not None and exp_on >= judicial.add_months(end, 12)
        if main in ("life", "death"):
            assert not exp
    assert any(r[7] for r in rows) and not all(r[7] for r in rows)


@pytest.mark.unit
def test_expungement_worked_examples():
    # judicial_records.md section 3: 2 years' prison, released 10/05/2021, paid 01/06/2021 -> 10/05/2023
    w = judicial.waiting_months("prison", 24, False)
    assert judicial.expunge_due(date(2021, 5, 10), w, date(2021, 6, 1)) == date(2023, 5, 10)
    # compensation paid 15/09/2023 -> expunged 15/09/2023
    assert judicial.expunge_due(date(2021, 5, 10), w, date(2023, 9, 15)) == date(2023, 9, 15)
    # suspended: probation ended 15/03/2024 -> 15/03/2025
    assert judicial.expunge_due(
        date(2024, 3, 15), judicial.waiting_months("prison", 12, True), date(2024, 3, 1)
    ) == date(2025, 3, 15)
    assert judicial.waiting_months("prison", 84, False) == 36
    assert judicial.waiting_months("prison", 240, False) == 60
    assert judicial.waiting_months("death", None, False) is None


@pytest.mark.postgres
def test_deterministic_skip_and_force(world, pg):
    before = _sums(pg)
    assert "skipped" in judicial.load(PARAMS, progress=False)
    assert "loaded" in judicial.load(PARAMS, force=True, progress=False)
    assert _sums(pg) == before
    other = JudicialParams(records=PARAMS.records, seed=PARAMS.seed + 1)
    judicial.load(other, progress=False)
    after = _sums(pg)
    assert after[0] != before[0] and after[2] != before[2]
    judicial.load(PARAMS, progress=False)
    assert _sums(pg) == before


@pytest.mark.postgres
def test_clean_profile_is_exact(migrated, pg):
    load_population(POP, progress=False)
    clean = JudicialParams(records=300, seed=9, noise="clean")
    try:
        judicial.load(clean, progress=False)
        labels = _all(pg, "truth", "SELECT count(*) FROM record_truth WHERE noise <> '{}'")[0][0]
        assert labels == 0
        truth = dict(
            _all(pg, "truth", "SELECT record_id, citizen_id FROM record_truth WHERE citizen_id IS NOT NULL")
        )
        recs = {
            r[0]: r[1:]
            for r in _all(pg, "lltp", "SELECT record_id, full_name, id_number FROM judicial_record")
        }
        cits = {
            r[0]: r[1:]
            for r in _all(
                pg,
                "dancu_admin",
                "SELECT citizen_id, full_name, cccd FROM citizen WHERE citizen_id = ANY(%s)",
                (list(truth.values()),),
            )
        }
        assert [r for r, c in truth.items() if recs[r] != cits[c]] == []  # record ids only
    finally:
        judicial.load(PARAMS, progress=False)


@pytest.mark.postgres
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_extract(world, tmp_path, fmt):
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
    from de06.simulators.export import (
        POPULATION_COLUMNS,
        POPULATION_OPTIONAL,
        RECORD_COLUMNS,
        TRUTH_COLUMNS,
        export_extract,
    )

    paths = export_extract(5_000, 300, tmp_path, fmt=fmt)

    def read(path):
        if fmt == "csv":
            opts = pacsv.ConvertOptions(
                column_types={c: "string" for c in POPULATION_COLUMNS + RECORD_COLUMNS}
            )
            return pacsv.read_csv(path, convert_options=opts)
        return pq.read_table(path)

    pop, recs, truth = read(paths["population"]), read(paths["records"]), read(paths["truth"])
    assert tuple(pop.column_names) == POPULATION_COLUMNS + POPULATION_OPTIONAL and pop.num_rows == 5_000
    assert set(pop.column("dob_precision").to_pylist()) <= {"D", "Y"}
    assert tuple(recs.column_names) == RECORD_COLUMNS and recs.num_rows == 300
    assert tuple(truth.column_names) == TRUTH_COLUMNS and truth.num_rows == 300
    assert all(len(c) == 12 for c in pop.column("cccd").to_pylist())  # leading zeros kept
    assert recs.column("record_id").to_pylist() == truth.column("record_id").to_pylist()
    cids = {c for c in truth.column("citizen_id").to_pylist() if c}
    assert cids and cids <= set(pop.column("citizen_id").to_pylist())


@pytest.mark.postgres
def test_too_small_population_is_one_clear_line(world, pg, capsys):
    from de06.cli.main import main

    before = _sums(pg)
    code = main(["simulate", "judicial", "--records", str(POP.size * 2), "--seed", "3", "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert len(err.splitlines()) == 1 and "fix:" in err and "--size" in err
    assert _sums(pg) == before  # nothing was cleared


@pytest.mark.postgres
def test_rebuild_keeps_other_sources(world, pg):
    conn = pg("lltp", autocommit=True)
    with conn.cursor() as cur:
        cur.execute(
            """INSERT INTO conviction (source, source_key, court_name, judgment_no, judgment_date,
                                       crime_name, article, main_penalty)
               VALUES ('qp', 'qp:test-keep', 'Tòa án quân sự Quân khu 7', '1/2020/HS-ST', DATE '2020-01-02',
                       'Đào ngũ', '402', 'prison')"""
        )
    try:
        assert "loaded" in judicial.load(PARAMS, force=True, progress=False)
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM conviction WHERE source_key = 'qp:test-keep'")
            assert cur.fetchone()[0] == 1
            cur.execute("SELECT count(*) FROM judicial_record WHERE source = 'lltp'")
            assert cur.fetchone()[0] == PARAMS.records
    finally:
        with conn.cursor() as cur:
            cur.execute("DELETE FROM conviction WHERE source_key = 'qp:test-keep'")


@pytest.mark.unit
def test_conviction_invariants_over_many_people():
    import random as _random

    rnd = _random.Random(2024)
    cut = date(2024, 10, 1)
    for i in range(3_000):
        dob = date(1940 + i % 67, 1 + i % 12, 1 + i % 28)
        convs = judicial.make_convictions(rnd, dob, "001", 1 + i % 4)
        for c in convs:
            age = (c.judgment_date - dob).days / 365.25
            assert 15.9 < age < 70.1
            assert c.expunged == (c.expunged_on is not None) == (c.expunge_basis is not None)
            if c.main_penalty in ("life", "death"):
                assert age >= 18 and not c.expunged
            if c.suspended:
                assert c.main_penalty == "prison" and c.penalty_months <= 36
            if c.expunged:
                assert c.expunged_on < cut
        assert [c.judgment_date for c in convs] == sorted(c.judgment_date for c in convs)


@pytest.mark.postgres
def test_moved_records_carry_the_residence_of_then(world, pg):
    """A record labelled ``moved`` names another province of residence than the citizen's current
    one in the population DB (where they lived when it was made); every other record names the
    current one. The realised share is near the profile's rate."""
    from de06.domain.provinces import BY_CODE

    truth = _all(
        pg, "truth", "SELECT record_id, citizen_id, noise FROM record_truth WHERE citizen_id IS NOT NULL"
    )
    res = dict(_all(pg, "lltp", "SELECT record_id, residence FROM judicial_record"))
    now = dict(_all(pg, "dancu_admin", "SELECT citizen_id, residence_province FROM citizen"))
    moved = [rid for rid, _, kinds in truth if "moved" in kinds]
    wrong = [rid for rid, cid, kinds in truth if (res[rid] == BY_CODE[now[cid]].name) == ("moved" in kinds)]
    assert wrong == []
    rate = noise.profile("default").moved
    assert abs(len(moved) / len(truth) - rate) < 4 * math.sqrt(rate * (1 - rate) / len(truth))


@pytest.mark.unit
def test_no_record_and_additional_penalty_rules_over_many_people():
    """Art. 69(2) only for negligent crimes of a less serious or serious clause (a 260(2) prison
    term of 3-10 years keeps its record); no expungement of a conviction that left no record; an
    additional penalty outlasting the waiting period delays expungement to its end (Art. 70(3))."""
    import random as _random

    from de06.domain import penal

    rnd = _random.Random(315)
    seen = {"no_record": 0, "negligent_with_record": 0, "delayed_by_additional": 0}
    for i in range(6_000):
        dob = date(1940 + i % 67, 1 + i % 12, 1 + i % 28)
        for c in judicial.make_convictions(rnd, dob, "031", 1 + i % 3):
            negligent = bool(penal.brackets(c.code_version, c.article))
            if c.no_record_basis == penal.ART69_NEGLIGENT:
                assert negligent
                assert penal.crime_class(
                    next(b.top for b in penal.brackets(c.code_version, c.article) if b.clause == c.clause)
                ) in ("less_serious", "serious")
                seen["no_record"] += 1
            elif negligent and c.no_record_basis is None:
                assert c.clause in ("2", "3")  # the very serious clauses of Arts. 128/260
                seen["negligent_with_record"] += 1
            if c.no_record_basis:
                assert not c.expunged
            if c.expunged and c.additional_end is not None:
                assert c.expunged_on >= c.additional_end
                if c.additional_end > judicial.add_months(c.main_end_date, c.waiting):
                    seen["delayed_by_additional"] += 1
    assert all(seen.values()), seen


@pytest.mark.unit
def test_convictions_carry_a_penalty_their_article_allows_and_the_clause_that_holds_it():
    """Where the article's brackets are known (:data:`de06.domain.penal.BRACKETS`), a drawn penalty
    is one its clauses allow (no reform or fine where the article has none, no term above its
    heaviest bracket), the clause is the first real one holding it, and its crime class decides
    Art. 107: an offender of 16-17 convicted under an intentional clause that is very or extremely
    serious keeps the record."""
    import random as _random

    from de06.domain import penal

    rnd = _random.Random(107)
    seen: set[tuple[int, str]] = set()
    juvenile = {"record_kept": 0, "no_record": 0}
    for i in range(6_000):
        dob = date(1940 + i % 67, 1 + i % 12, 1 + i % 28)
        for c in judicial.make_convictions(rnd, dob, "048", 1 + i % 3):
            known = penal.penalty_brackets(c.code_version, c.article)
            if not known:
                continue
            seen.add((c.code_version, c.article))
            (bracket,) = [b for b in known if b.clause == c.clause]
            assert bracket.allows(c.main_penalty, c.penalty_months), (c.article, c.clause, c.main_penalty)
            assert c.clause == penal.lawful_clause(
                c.code_version, c.article, c.main_penalty, c.penalty_months
            )
            if c.main_penalty == "prison":
                assert bracket.low <= c.penalty_months <= max(b.top for b in known), (c.article, c.clause)
            if c.suspended:
                assert c.main_penalty == "prison" and c.penalty_months <= 36
            age = (c.judgment_date - dob).days / 365.25
            negligent = bool(penal.brackets(c.code_version, c.article))
            if 16 <= age < 18 and not negligent:
                heavy = bracket.crime_class in (penal.VERY_SERIOUS, penal.EXTREMELY_SERIOUS)
                assert (c.no_record_basis is None) == heavy, (c.article, c.clause, c.no_record_basis)
                juvenile["record_kept" if heavy else "no_record"] += 1
    assert len(seen) >= 15, seen
    assert all(juvenile.values()), juvenile


#: The articles whose brackets were read for simulator version 10 (until then the convention).
READ_V10 = (
    *((2015, a) for a in ("141", "142", "170", "178", "188", "250", "255", "322", "323", "330", "332")),
    *((2015, a) for a in ("341", "354", "364")),
    (1999, "111"),
)


def _people(seed: int, n: int):
    import random as _random

    rnd = _random.Random(seed)
    for i in range(n):
        dob = date(1940 + i % 67, 1 + i % 12, 1 + i % 28)
        yield dob, judicial.make_convictions(rnd, dob, "079", 1 + i % 3), rnd.getstate()


@pytest.mark.unit
def test_convictions_under_the_articles_read_for_version_10_are_lawful():
    """Every conviction the simulator draws under an article read for version 10 carries a penalty
    one of its real clauses allows, inside the article's brackets, and the first clause holding it."""
    from de06.domain import penal

    seen: dict[tuple[int, str], int] = {}
    for _dob, convs, _state in _people(1010, 12_000):
        for c in convs:
            key = (c.code_version, c.article)
            if key not in READ_V10:
                continue
            seen[key] = seen.get(key, 0) + 1
            known = penal.penalty_brackets(*key)
            (bracket,) = [b for b in known if b.clause == c.clause]
            assert bracket.allows(c.main_penalty, c.penalty_months), (key, c.clause, c.main_penalty)
            assert c.clause == penal.lawful_clause(*key, c.main_penalty, c.penalty_months)
            if c.main_penalty == "prison":
                assert bracket.low <= c.penalty_months <= max(b.top for b in known), (key, c.penalty_months)
            if c.main_penalty in ("reform", "fine", "warning"):
                assert key not in ((2015, "170"), (2015, "354")), (key, c.main_penalty)
    assert sorted(seen) == sorted(READ_V10), seen


@pytest.mark.unit
def test_grave_crimes_take_the_real_clause_where_it_is_known():
    """Clause 2 for a grave crime is only the fallback of articles without brackets."""
    off = {o.article: o for o in judicial.OFFENCES}
    assert judicial.crime_clause(off["141"], "life", None) == "3"
    assert judicial.crime_clause(off["141"], "prison", 84) == "1"
    assert judicial.crime_clause(off["142"], "prison", 216) == "2"
    assert judicial.crime_clause(off["141"], "life", None, 1999, "111") == "3"
    assert judicial.crime_clause(off["141"], "prison", 60, 1999, "111") == "1"
    # not read (the 1999 Arts. 112, 119) or left out (the 2015 Art. 150): the fallback
    assert judicial.crime_clause(off["142"], "life", None, 1999, "112") == "2"
    assert judicial.crime_clause(off["150"], "prison", 240) == "2"
    assert judicial.crime_clause(off["150"], "life", None, 1999, "119") == "2"


def _clauses_moved_on_the_same_stream(new, old) -> int:
    """``new`` and ``old`` (``_people`` of the same seed, two versions of the brackets) drew the same
    judgment dates and articles and left the shared stream in the same state after each person;
    returns how many convictions name another clause."""
    moved = 0
    for (_, cn, sn), (_, co, so) in zip(new, old, strict=True):
        assert sn == so
        assert [(c.judgment_date, c.article, c.code_version) for c in cn] == [
            (c.judgment_date, c.article, c.code_version) for c in co
        ]
        moved += sum(a.clause != b.clause for a, b in zip(cn, co, strict=True))
    return moved


@pytest.mark.unit
def test_version_10_brackets_move_sentences_not_the_random_stream(monkeypatch):
    """The brackets read for version 10 change clauses and some penalties, never a random draw: with
    and without them, the same people get the same judgment dates and articles, and the shared
    stream (from which the noise of every later identity is drawn) is in the same state after each."""
    from de06.domain import penal

    new = list(_people(2718, 6_000))
    without = {k: v for k, v in penal.BRACKETS.items() if k not in READ_V10}
    monkeypatch.setattr(penal, "BRACKETS", without)
    old = list(_people(2718, 6_000))
    assert _clauses_moved_on_the_same_stream(new, old) > 0


@pytest.mark.unit
def test_convictions_carry_the_non_custodial_penalty_their_clause_names():
    """Version 11: a fine only under a clause that names a fine (none under Art. 173, whose clause 1
    names reform only), reform only under one that names reform and within its cap, no warning under
    any listed article (none names one); a fine or warning made reform takes 6 months."""
    from de06.domain import penal

    kinds: dict[str, int] = {}
    for _dob, convs, _state in _people(1111, 12_000):
        for c in convs:
            known = penal.penalty_brackets(c.code_version, c.article)
            if not known:
                continue
            (bracket,) = [b for b in known if b.clause == c.clause]
            if c.main_penalty == "fine":
                assert bracket.fine, (c.code_version, c.article, c.clause)
                assert c.penalty_months is None
            elif c.main_penalty == "reform":
                assert bracket.reform_months is not None, (c.code_version, c.article, c.clause)
                assert c.penalty_months <= bracket.reform_months, (c.article, c.clause, c.penalty_months)
            assert c.main_penalty != "warning", (c.code_version, c.article)
            key = f"{c.code_version}:{c.article}:{c.main_penalty}"
            kinds[key] = kinds.get(key, 0) + 1
    assert kinds.get("2015:173:fine", 0) == 0 and kinds["2015:173:reform"] > 0
    assert kinds.get("1999:138:fine", 0) == 0 and kinds["1999:138:reform"] > 0
    assert kinds.get("2015:322:reform", 0) == 0 and kinds["2015:322:fine"] > 0


@pytest.mark.unit
def test_version_11_non_custodial_kinds_move_sentences_not_the_random_stream(
    monkeypatch, brackets_before_kinds
):
    """The kinds and caps read for version 11 change penalties, never a random draw: with the clauses
    as version 10 read them, the same people get the same judgment dates and articles, and the shared
    stream is in the same state after each; only some fines, warnings and reforms move (a fine under
    Art. 173 becomes 6 months' reform, a reform under Art. 322 a fine, 3 years' reform under Art. 318
    become 2), never a clause."""
    from de06.domain import penal

    new = list(_people(3141, 6_000))
    monkeypatch.setattr(penal, "BRACKETS", brackets_before_kinds)
    old = list(_people(3141, 6_000))
    moved = []
    for (_, cn, sn), (_, co, so) in zip(new, old, strict=True):
        assert sn == so
        assert [(c.judgment_date, c.article, c.code_version, c.clause) for c in cn] == [
            (c.judgment_date, c.article, c.code_version, c.clause) for c in co
        ]
        moved += [
            (b.main_penalty, a.main_penalty)
            for a, b in zip(cn, co, strict=True)
            if (a.main_penalty, a.penalty_months) != (b.main_penalty, b.penalty_months)
        ]
    assert ("fine", "reform") in moved and ("reform", "fine") in moved and ("reform", "reform") in moved
    assert all(was in penal.NON_CUSTODIAL and now in penal.NON_CUSTODIAL for was, now in moved), set(moved)


#: The 1999 articles whose brackets were read for simulator version 12 (until then the convention).
READ_V12 = ((1999, "93"), (1999, "133"), (1999, "135"), (1999, "278"))


@pytest.mark.unit
def test_convictions_under_the_1999_articles_read_for_version_12_are_lawful():
    """Every conviction drawn under the 1999 Arts. 93, 133, 135 and 278 carries a penalty one of their
    real clauses allows, inside the article's brackets, under the first clause holding it: no reform
    or fine (none names one), life or death only under Art. 93(1), 133(4) or 278(4)."""
    from de06.domain import penal

    seen: dict[tuple[int, str], set[str]] = {}
    for _dob, convs, _state in _people(1212, 12_000):
        for c in convs:
            key = (c.code_version, c.article)
            if key not in READ_V12:
                continue
            known = penal.penalty_brackets(*key)
            (bracket,) = [b for b in known if b.clause == c.clause]
            assert bracket.allows(c.main_penalty, c.penalty_months), (key, c.clause, c.main_penalty)
            assert c.clause == penal.lawful_clause(*key, c.main_penalty, c.penalty_months)
            assert c.main_penalty in ("prison", "life", "death"), (key, c.main_penalty)
            if c.main_penalty == "prison":
                assert bracket.low <= c.penalty_months <= max(b.top for b in known), (key, c.penalty_months)
            seen.setdefault(key, set()).add(c.main_penalty)
    assert sorted(seen) == sorted(READ_V12), seen
    assert {"life", "death"} <= seen[(1999, "93")]


@pytest.mark.unit
def test_grave_1999_murder_takes_the_real_clause():
    """The 1999 Art. 93 is read: a grave crime's fallback clause 2 no longer applies to it."""
    off = {o.article: o for o in judicial.OFFENCES}
    assert judicial.crime_clause(off["123"], "prison", 216, 1999, "93") == "1"
    assert judicial.crime_clause(off["123"], "life", None, 1999, "93") == "1"
    assert judicial.crime_clause(off["123"], "prison", 120, 1999, "93") == "2"


@pytest.mark.unit
def test_version_12_brackets_move_sentences_not_the_random_stream(monkeypatch):
    """The 1999 brackets read for version 12 (Arts. 93, 133, 135, 278, and Art. 202 as its 2009 text
    reads) change clauses and some penalties, never a random draw: with and without them, the same
    people get the same judgment dates and articles and the shared stream is in the same state after
    each. The 1999 Art. 119 (read: no life sentence) would move it, as the 2015 Art. 150 would, and is
    left out: a life draw made 20 years' prison ends, and its settlement date is one more draw."""
    import dataclasses

    from de06.domain import penal

    new = list(_people(2009, 6_000))
    recalled_202 = tuple(
        dataclasses.replace(b, top=12, fine=True) if b.clause == "4" else b
        for b in penal.BRACKETS[(1999, "202")]
    )
    without = {k: v for k, v in penal.BRACKETS.items() if k not in READ_V12}
    without[(1999, "202")] = recalled_202
    with monkeypatch.context() as m:
        m.setattr(penal, "BRACKETS", without)
        m.setitem(penal.NEGLIGENT, (1999, "202"), recalled_202)
        old = list(_people(2009, 6_000))
    assert _clauses_moved_on_the_same_stream(new, old) > 0
    # with the 1999 Art. 119 as read ((1) 2-7 y, (2) 5-20 y), the 3 life draws under it in these
    # people (seed 2009) become prison and move the stream
    art119 = (penal.Bracket("1", 24, 84), penal.Bracket("2", 60, 240))
    monkeypatch.setitem(penal.BRACKETS, (1999, "119"), art119)
    with119 = list(_people(2009, 6_000))
    assert any(sn != s119 for (_, _, sn), (_, _, s119) in zip(new, with119, strict=True))
