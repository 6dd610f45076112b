"""lltp_cleanse under dag.test() on a small simulated world, scored against ground truth."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.dag
ROOT = Path(__file__).resolve().parents[2]
POPULATION, RECORDS = 20_000, 3_000
#: a subset of partitions keeps dag.test() short (each mapped task costs about a second here)
PROVINCES = ["001", "079", "none"]


def _load_dag():
    spec = importlib.util.spec_from_file_location("lltp_cleanse", ROOT / "dags" / "lltp_cleanse.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.dag


@pytest.fixture(scope="module")
def world(airflow_db):
    from de06.db import connect
    from de06.simulators import judicial, population

    population.load(population.PopulationParams(size=POPULATION, seed=11), progress=False)
    judicial.load(judicial.JudicialParams(records=RECORDS, seed=11), progress=False)
    # start from no cleansing history (record ids of an earlier simulated world are reused)
    from de06.cleanse.pipeline import reset_history

    conn = connect("lltp")
    reset_history(conn)
    conn.close()


def _current(lltp):
    with lltp.cursor() as cur:
        cur.execute("SELECT record_id, outcome, citizen_id, tier FROM record_current ORDER BY record_id")
        return cur.fetchall()


def test_cleanse_dag_quality_reconciliation_and_idempotence(world, pg):
    from de06.cleanse.evaluate import evaluate_run

    lltp, truth = pg("lltp"), pg("truth")
    dag = _load_dag()
    dr = dag.test(run_conf={"mode": "full", "provinces": PROVINCES})
    assert str(dr.state).endswith("success")
    with lltp.cursor() as cur:
        cur.execute("SELECT run_id, status FROM cleanse_run WHERE run_key = %s", (dr.run_id,))
        run_id, status = cur.fetchone()
        cur.execute("SELECT count(*) FROM judicial_record WHERE office_province = ANY (%s)", (PROVINCES,))
        n_records = cur.fetchone()[0]
        cur.execute(
            "SELECT count(*), count(DISTINCT record_id) FROM record_outcome WHERE run_id = %s", (run_id,)
        )
        n_out, n_distinct = cur.fetchone()
    assert status == "done"
    assert n_out == n_distinct == n_records > 500  # every record of the subset, exactly one outcome
    m = evaluate_run(lltp, truth, run_id)
    assert m["precision"] >= 0.9999
    assert m["recall"] >= 0.98
    assert m["review_rate"] <= 0.02
    before = _current(lltp)
    # a second (incremental) run changes nothing
    dr2 = dag.test(run_conf={"mode": "incremental", "provinces": PROVINCES})
    assert str(dr2.state).endswith("success")
    assert _current(lltp) == before


def _export(pg, tmp_path):
    """The DAG's inputs as files in the `cleanse link` column contract (plus optional columns)."""
    import pandas as pd

    dancu, lltp = pg("dancu"), pg("lltp")
    pop = pd.read_sql(
        "SELECT c.citizen_id::text AS citizen_id, c.cccd, c.cmnd, c.full_name, c.dob::text AS dob, c.sex,"
        " c.birth_province,"
        " (SELECT string_agg(x.cmnd, ';') FROM citizen_cmnd x WHERE x.citizen_id = c.citizen_id)"
        " AS cmnd_old, c.dob_precision, c.is_deceased::text AS deceased, c.residence_province"
        " FROM citizen c",
        dancu,
    )
    recs = pd.read_sql(
        "SELECT record_id::text AS record_id, full_name, dob_text, id_number, sex_text AS sex,"
        " birth_place AS birth_province, residence FROM judicial_record"
        " WHERE office_province = ANY (%(p)s)",
        lltp,
        params={"p": PROVINCES},
    )
    pop.to_parquet(tmp_path / "pop.parquet", index=False)
    recs.to_csv(tmp_path / "recs.csv", index=False)
    return tmp_path / "pop.parquet", tmp_path / "recs.csv"


def test_cleanse_link_gives_the_dag_outcomes(world, pg, tmp_path):
    import pandas as pd
    from de06.cleanse.link import link_files

    lltp = pg("lltp")
    with lltp.cursor() as cur:
        cur.execute("SELECT max(run_id) FROM cleanse_run WHERE status = 'done' AND mode = 'full'")
        run_id = cur.fetchone()[0]
        cur.execute(
            "SELECT record_id::text, outcome, citizen_id::text, tier FROM record_outcome WHERE run_id = %s",
            (run_id,),
        )
        dag_out = {r[0]: r[1:] for r in cur.fetchall()}
    pop, recs = _export(pg, tmp_path)
    link_files(pop, recs, tmp_path / "out.csv")
    got = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    link_out = {r.record_id: (r.outcome, r.citizen_id or None, r.tier or None) for r in got.itertuples()}
    assert link_out == dag_out


def test_review_decision_applied_by_next_run_and_kept(world, pg):
    from de06.cleanse import pipeline, review

    lltp, dancu = pg("lltp"), pg("dancu")
    with lltp.cursor() as cur:
        cur.execute(
            "SELECT i.item_id, i.source_key, i.candidates FROM review_item i JOIN record_current c"
            " ON c.record_id = i.source_key::bigint AND c.outcome = 'review'"
            " WHERE i.source = 'lltp' AND i.status = 'open' AND jsonb_array_length(i.candidates) > 0"
            " AND c.partition = ANY (%s) ORDER BY i.item_id DESC LIMIT 1",
            (PROVINCES,),
        )
        item, key, cands = cur.fetchone()
    review.decide(lltp, item, "link", "tester", int(cands[0]["citizen_id"]))
    for _ in range(2):  # applied by the next run, and not overridden by the one after
        pipeline.run_all(lltp, dancu, f"test:{item}:{_}", "incremental", PROVINCES)
        with lltp.cursor() as cur:
            cur.execute(
                "SELECT outcome, citizen_id, tier FROM record_current WHERE record_id = %s", (int(key),)
            )
            assert cur.fetchone() == ("linked", int(cands[0]["citizen_id"]), "review_decision")


def test_killed_run_resumes_without_duplicates_and_rerun_changes_nothing(world, pg):
    from de06.cleanse import pipeline

    lltp, dancu = pg("lltp"), pg("dancu")
    run = pipeline.start_run(lltp, "test:resume", "full", PROVINCES, dancu=dancu)
    first = pipeline.process_partition(run.run_id, PROVINCES[0], lltp, dancu)  # then "killed"
    # the rerun of the same run key finds the finished partition and skips it
    again = pipeline.run_all(lltp, dancu, "test:resume", "full", PROVINCES)
    assert again["run_id"] == run.run_id
    assert pipeline.process_partition(run.run_id, PROVINCES[0], lltp, dancu)["skipped"] is True
    with lltp.cursor() as cur:
        cur.execute(
            "SELECT count(*), count(DISTINCT record_id) FROM record_outcome WHERE run_id = %s", (run.run_id,)
        )
        n, distinct = cur.fetchone()
        cur.execute(
            "SELECT count(*) FROM record_outcome WHERE run_id = %s AND partition = %s",
            (run.run_id, PROVINCES[0]),
        )
        assert cur.fetchone()[0] == first["input"]
    assert n == distinct == again["reconcile"]["input"]


def test_reconcile_fails_when_an_outcome_is_missing(world, pg):
    from de06.cleanse import pipeline
    from de06.errors import De06Error

    lltp, dancu = pg("lltp"), pg("dancu")
    res = pipeline.run_all(lltp, dancu, "test:reconcile", "full", ["none", PROVINCES[1]])
    with lltp.cursor() as cur:
        cur.execute(
            "DELETE FROM record_outcome WHERE run_id = %s AND record_id = (SELECT min(record_id)"
            " FROM record_outcome WHERE run_id = %s)",
            (res["run_id"], res["run_id"]),
        )
    lltp.commit()
    with pytest.raises(De06Error, match="outcomes"):
        pipeline.reconcile(res["run_id"], lltp)
    pipeline.revert_run(res["run_id"], lltp)


def test_reconcile_recounts_the_source(world, pg):
    """A partition that read one record too few (its own count agrees with its outcomes) is caught
    by the independent recount of the source."""
    from de06.cleanse import pipeline
    from de06.errors import De06Error

    lltp, dancu = pg("lltp"), pg("dancu")
    res = pipeline.run_all(lltp, dancu, "test:recount", "full", ["none", PROVINCES[1]])
    run_id = res["run_id"]
    with lltp.cursor() as cur:
        cur.execute(
            "DELETE FROM record_outcome WHERE run_id = %s AND record_id = (SELECT min(record_id)"
            " FROM record_outcome WHERE run_id = %s AND partition = %s) RETURNING partition",
            (run_id, run_id, PROVINCES[1]),
        )
        (part,) = cur.fetchone()
        cur.execute(
            "UPDATE cleanse_partition SET n_input = n_input - 1 WHERE run_id = %s AND partition = %s",
            (run_id, part),
        )
    lltp.commit()
    with pytest.raises(De06Error, match="input records in the source"):
        pipeline.reconcile(run_id, lltp)
    pipeline.revert_run(run_id, lltp)


def test_dry_run_is_never_current_and_revert_restores(world, pg):
    from de06.cleanse import pipeline

    lltp, dancu = pg("lltp"), pg("dancu")
    before = _current(lltp)
    dry = pipeline.run_all(lltp, dancu, "test:dry", "full", PROVINCES, dry_run=True)
    assert dry["reconcile"]["input"] > 0 and _current(lltp) == before
    real = pipeline.run_all(lltp, dancu, "test:revert", "full", PROVINCES)
    with lltp.cursor() as cur:
        cur.execute("SELECT count(*) FROM judicial_record")
        n_source = cur.fetchone()[0]
    counts = pipeline.revert_run(real["run_id"], lltp)
    assert counts["record_outcome"] == real["reconcile"]["input"]
    assert _current(lltp) == before
    with lltp.cursor() as cur:
        cur.execute("SELECT status, reverted_at FROM cleanse_run WHERE run_id = %s", (real["run_id"],))
        status, reverted_at = cur.fetchone()
        assert status == "reverted"
        cur.execute("SELECT count(*) FROM judicial_record")
        assert cur.fetchone()[0] == n_source  # source rows untouched
    lltp.rollback()
    # a second revert changes nothing and says when the first one was
    again = pipeline.revert_run(real["run_id"], lltp)
    assert again == {"already_reverted_at": reverted_at.astimezone(dt.UTC).isoformat(timespec="seconds")}
    with lltp.cursor() as cur:
        cur.execute("SELECT reverted_at FROM cleanse_run WHERE run_id = %s", (real["run_id"],))
        assert cur.fetchone()[0] == reverted_at
    lltp.rollback()


def test_cleaned_values_trail_and_population_values_of_a_run(world, pg):
    """Each record's cleaned row carries its rule trail (read back through the rule_trail view, one
    row per rule) and, when linked, the population's values of the linked citizen."""
    from de06.cleanse import pipeline
    from de06.identity.standardize import standardize

    lltp, dancu = pg("lltp"), pg("dancu")
    res = pipeline.run_all(lltp, dancu, "test:trail", "full", PROVINCES[:1], dry_run=True)
    run_id = res["run_id"]
    with lltp.cursor() as cur:
        cur.execute(
            "SELECT r.record_id, r.full_name, r.dob_text, r.id_number, r.sex_text, r.birth_place,"
            " r.residence, o.outcome, o.citizen_id, c.pop_full_name, c.pop_dob, c.pop_cccd"
            " FROM judicial_record r JOIN record_outcome o ON o.record_id = r.record_id AND o.run_id = %s"
            " JOIN record_cleaned c ON c.record_id = r.record_id AND c.run_id = %s",
            (run_id, run_id),
        )
        rows = cur.fetchall()
        cur.execute(
            "SELECT record_id, seq, rule, field, before, after FROM rule_trail WHERE run_id = %s"
            " ORDER BY record_id, seq",
            (run_id,),
        )
        trail: dict[int, list] = {}
        for rid, seq, *step in cur.fetchall():
            trail.setdefault(rid, []).append((seq, *step))
    assert len(rows) == res["reconcile"]["input"] > 100
    n_steps = 0
    for rid, *raw, outcome, _cid, pop_name, _dob, _cccd in rows:
        want = standardize(str(rid), *raw).trail
        got = trail.get(rid, [])
        assert got == [(i, t.rule, t.field, t.before, t.after) for i, t in enumerate(want, start=1)]
        n_steps += len(got)
        assert (pop_name is not None) == (outcome == "linked")
    assert n_steps > len(rows)  # the simulated dirt leaves several rules per record
    linked = {cid: (name, dob, cccd) for *_, outcome, cid, name, dob, cccd in rows if outcome == "linked"}
    with dancu.cursor() as cur:
        cur.execute(
            "SELECT citizen_id, full_name, dob, cccd FROM citizen WHERE citizen_id = ANY (%s)",
            (list(linked),),
        )
        assert {r[0]: tuple(r[1:]) for r in cur.fetchall()} == linked


def test_partitions_are_handed_out_largest_first(world, pg):
    """The DAG's start task lists the partitions by their number of records, largest first, so
    the biggest provinces are not the last tasks to start; every partition is listed once."""
    from de06.cleanse import pipeline, tasks
    from de06.domain.provinces import CODES

    lltp = pg("lltp")
    out = tasks.start("test:largest-first", {"mode": "full", "dry_run": True})
    assert sorted(out["partitions"]) == sorted(pipeline.ALL_PARTITIONS)
    sizes: dict[str, int] = {}
    with lltp.cursor() as cur:  # sizes counted here, not by the SQL the ordering uses
        cur.execute("SELECT office_province, count(*) FROM judicial_record GROUP BY 1")
        for code, n in cur.fetchall():
            key = code if code in CODES else pipeline.NONE_PARTITION
            sizes[key] = sizes.get(key, 0) + n
    counts = [sizes.get(p, 0) for p in out["partitions"]]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    assert pipeline.partition_sizes(lltp) == {p: n for p, n in sizes.items() if n}


def test_bench_export_feeds_the_peers_the_whole_world(world, pg, tmp_path):
    """`de06 bench cleanse` hands the peers every citizen and record, in the `cleanse link` contract."""
    import pyarrow.parquet as pq
    from de06.bench import peers_cleanse as pc
    from de06.bench.cleanse import export_files

    pop_path, rec_path, truth = export_files(tmp_path)
    with pg("dancu").cursor() as cur:
        cur.execute("SELECT count(*), count(cmnd) FROM citizen")
        n_pop, n_cmnd = cur.fetchone()
    with pg("lltp").cursor() as cur:
        cur.execute("SELECT count(*) FROM judicial_record")
        n_rec = cur.fetchone()[0]
    assert pq.read_metadata(pop_path).num_rows == n_pop and pq.read_metadata(rec_path).num_rows == n_rec
    assert len(truth) == n_rec
    pop = pc.read_table(pop_path, pc.POPULATION_COLUMNS)
    assert pop["cmnd"].notna().sum() == n_cmnd  # NULL stays missing, never the text "" or "None"
    res = pc.run_pandas_merge(pop_path, rec_path, workers=1)
    q = pc.score(res["links"], truth)
    assert res["records"] == n_rec and res["population"] == n_pop
    assert q["linked"] > 0.8 * q["with_citizen"] and q["precision"] > 0.99


def test_incremental_reads_new_changed_and_unresolved_records_only(world, pg):
    """An incremental run reads the records without a settled outcome for their current version:
    new ones, changed ones (updated after their last linked outcome) and those still in review or
    unmatched; a linked or rejected record that did not change is not read again."""
    from de06.cleanse import pipeline

    lltp, dancu = pg("lltp"), pg("dancu")
    part = PROVINCES[0]
    full = pipeline.run_all(lltp, dancu, "test:incremental-base", "full", [part])
    with lltp.cursor() as cur:
        cur.execute("SELECT record_id, outcome FROM record_outcome WHERE run_id = %s", (full["run_id"],))
        outcome = dict(cur.fetchall())
        linked = sorted(r for r, o in outcome.items() if o == "linked")
        unresolved = {r for r, o in outcome.items() if o in ("review", "unmatched")}
        assert linked and unresolved
        changed = linked[0]
        cur.execute("SELECT updated_at FROM judicial_record WHERE record_id = %s", (changed,))
        (old_updated,) = cur.fetchone()
        cur.execute("UPDATE judicial_record SET updated_at = now() WHERE record_id = %s", (changed,))
        cur.execute("SELECT max(record_id) + 1 FROM judicial_record")
        (new_id,) = cur.fetchone()
        cur.execute(
            "INSERT INTO judicial_record (record_id, full_name, dob_text, sex_text, id_number, birth_place,"
            " residence, office_province) SELECT %s, full_name, dob_text, sex_text, id_number, birth_place,"
            " residence, office_province FROM judicial_record WHERE record_id = %s",
            (new_id, linked[-1]),
        )
    lltp.commit()
    inc = None
    try:
        inc = pipeline.run_all(lltp, dancu, "test:incremental", "incremental", [part])
        with lltp.cursor() as cur:
            cur.execute("SELECT record_id FROM record_outcome WHERE run_id = %s", (inc["run_id"],))
            read = {r for (r,) in cur.fetchall()}
        assert read == unresolved | {changed, new_id}
        assert inc["reconcile"]["input"] == len(read)
    finally:
        lltp.rollback()
        if inc is not None:
            pipeline.revert_run(inc["run_id"], lltp)
        with lltp.cursor() as cur:
            cur.execute("DELETE FROM judicial_record WHERE record_id = %s", (new_id,))
            cur.execute(
                "UPDATE judicial_record SET updated_at = %s WHERE record_id = %s", (old_updated, changed)
            )
        lltp.commit()


def test_bench_runs_the_pipeline_over_worker_processes_and_reports_its_cpu(world, pg):
    """`de06 bench cleanse`'s own run: every record once, and where its CPU went."""
    from de06.bench.cleanse import run_ours

    out = run_ours(2)
    with pg("lltp").cursor() as cur:
        cur.execute("SELECT count(*) FROM judicial_record")
        assert out["reconcile"]["input"] == out["reconcile"]["outcomes"] == cur.fetchone()[0]
    cpu = out["cpu_seconds"]
    assert cpu["python"] > 0 and cpu["postgres_backends"] > 0
    assert cpu["python"] + cpu["postgres_backends"] <= cpu["machine"]["user"] + cpu["machine"]["system"] + 1.0


def _run_rows(lltp, run_id: int) -> tuple[set, set]:
    with lltp.cursor() as cur:
        cur.execute("SELECT record_id FROM record_outcome WHERE run_id = %s", (run_id,))
        outcomes = {r[0] for r in cur.fetchall()}
        cur.execute("SELECT record_id FROM record_cleaned WHERE run_id = %s", (run_id,))
        cleaned = {r[0] for r in cur.fetchall()}
    return outcomes, cleaned


def test_prune_deletes_only_what_no_reader_needs(world, pg):
    """Runs past the window: a dry or failed run's rows go, a finished run keeps only the rows no
    later run past the window superseded; a run inside the window stays whole and still reverts
    to exactly the state before it; the current state does not move; a dry prune deletes nothing;
    a pruned run can no longer be reverted or rerun."""
    from datetime import timedelta

    from de06.cleanse import pipeline
    from de06.cleanse.retention import prune_history
    from de06.errors import De06Error

    lltp, dancu = pg("lltp"), pg("dancu")
    p0, p1 = PROVINCES[:2]
    sizes = pipeline.partition_sizes(lltp)
    p2 = max((p for p in sizes if p not in (p0, p1)), key=sizes.get)  # a third one with records
    parts = [p0, p1, p2]
    old = pipeline.run_all(lltp, dancu, "test:prune:old", "full", parts)["run_id"]
    dry = pipeline.run_all(lltp, dancu, "test:prune:dry", "full", parts, dry_run=True)["run_id"]
    # a run that wrote one partition and failed: its rows supersede nothing
    failed = pipeline.start_run(lltp, "test:prune:failed", "full", [p2], dancu=dancu).run_id
    pipeline.process_partition(failed, p2, lltp, dancu)
    with lltp.cursor() as cur:
        cur.execute(
            "UPDATE cleanse_run SET status = 'failed', finished_at = now() WHERE run_id = %s", (failed,)
        )
    lltp.commit()
    # a run that wrote one partition and then stalled (its Airflow run failed, never cleared)
    # (p2: no later run refreshes the review items it left open)
    stalled = pipeline.start_run(lltp, "test:prune:stalled", "full", [p2, p1], dancu=dancu).run_id
    pipeline.process_partition(stalled, p2, lltp, dancu)
    # a run started before the window but still making progress after its start: never touched
    active = pipeline.start_run(lltp, "test:prune:active", "full", [p1, p0], dancu=dancu).run_id
    mid = pipeline.run_all(lltp, dancu, "test:prune:mid", "full", [p0])["run_id"]
    before_newest = _current(lltp)
    newest = pipeline.run_all(lltp, dancu, "test:prune:newest", "full", [p1])["run_id"]
    pipeline.process_partition(active, p1, lltp, dancu)
    rows = {r: _run_rows(lltp, r)[0] for r in (old, dry, failed, stalled, mid, newest, active)}
    with lltp.cursor() as cur:
        cur.execute("SELECT record_id, partition FROM record_outcome WHERE run_id = %s", (old,))
        part_of = dict(cur.fetchall())
        cur.execute("SELECT finished_at FROM cleanse_run WHERE run_id = %s", (newest,))
        newest_finished = cur.fetchone()[0]
    in_p0 = {r for r in rows[old] if part_of[r] == p0}
    sizes_of = {r: len(v) for r, v in rows.items()}
    assert in_p0 and rows[mid] == in_p0, sizes_of
    assert all(rows[r] for r in (failed, stalled, newest, active)), sizes_of
    with lltp.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM review_item WHERE source = 'lltp' AND status = 'open' AND run_id = %s",
            (stalled,),
        )
        stalled_items = cur.fetchone()[0]
    assert stalled_items > 0
    before = _current(lltp)
    # the window starts exactly at the newest run: it stays whole, every run before it is past
    now = newest_finished + timedelta(days=7)

    trial = prune_history(lltp, 7, dry_run=True, now=now)
    assert _run_rows(lltp, old)[0] == rows[old]  # rolled back
    done = prune_history(lltp, 7, now=now)
    keys = ("runs_past_window", "record_outcome", "record_cleaned", "deleted_by_run")
    assert {k: done[k] for k in keys} == {k: trial[k] for k in keys}
    by_run = done["deleted_by_run"]
    assert by_run[str(old)] == {"record_outcome": len(in_p0), "record_cleaned": len(in_p0)}
    assert by_run[str(dry)]["record_outcome"] == len(rows[dry])
    assert by_run[str(failed)]["record_outcome"] == len(rows[failed])
    assert by_run[str(stalled)]["record_outcome"] == len(rows[stalled])
    # (earlier tests may have left stalled runs of their own)
    assert stalled in done["stalled_marked_failed"] and active not in done["stalled_marked_failed"]
    assert done["review_withdrawn"] >= stalled_items
    assert str(mid) not in by_run and str(newest) not in by_run and str(active) not in by_run

    # superseded by a run past the window: gone; superseded only by the newest run (inside the
    # window), by a dry or by a failed run: kept
    assert _run_rows(lltp, old) == (rows[old] - in_p0, rows[old] - in_p0)
    for r in (dry, failed, stalled):
        assert _run_rows(lltp, r) == (set(), set())
    for r in (mid, newest, active):
        assert _run_rows(lltp, r) == (rows[r], rows[r])
    with lltp.cursor() as cur:
        cur.execute(
            "SELECT run_id, status, pruned_at IS NOT NULL FROM cleanse_run WHERE run_id = ANY (%s)"
            " ORDER BY run_id",
            ([stalled, active],),
        )
        assert cur.fetchall() == [(stalled, "failed", True), (active, "running", False)]
    lltp.commit()
    # the stalled run cannot finish into the current state, nor be resumed, and its open review
    # items are withdrawn as a revert would; a pruned finished run cannot finish again either
    with lltp.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM review_item WHERE source = 'lltp' AND status = 'open' AND run_id = %s",
            (stalled,),
        )
        assert cur.fetchone()[0] == 0
    lltp.commit()
    for r in (stalled, mid):  # one gate (pipeline.ensure_open) for every step of a run
        with pytest.raises(De06Error, match=f"run {r} is past the retention window and was pruned"):
            pipeline.process_partition(r, p1, lltp, dancu)
        with pytest.raises(De06Error, match=f"run {r} is past the retention window and was pruned"):
            pipeline.finish_run(r, lltp)
    from de06.cleanse.evaluate import evaluate_run

    with pytest.raises(De06Error, match="pruned: its outcomes may be partly deleted"):
        evaluate_run(lltp, pg("truth"), old)
    assert evaluate_run(lltp, pg("truth"), newest)["records"] == len(rows[newest])
    with pytest.raises(De06Error, match="pruned"):
        pipeline.start_run(lltp, "test:prune:stalled", "full", [p1, p2])
    assert _current(lltp) == before
    with lltp.cursor() as cur:
        cur.execute("SELECT counts, pruned_at FROM cleanse_run WHERE run_id = %s", (old,))
        counts, first_pruned = cur.fetchone()
        assert sum(counts.values()) == len(rows[old])  # the run's counts stay
        cur.execute("SELECT pruned_at FROM cleanse_run WHERE run_id = %s", (newest,))
        assert cur.fetchone()[0] is None
    again = prune_history(lltp, 7, now=now)
    assert again["record_outcome"] == again["record_cleaned"] == 0 and again["deleted_by_run"] == {}
    with lltp.cursor() as cur:
        cur.execute("SELECT pruned_at FROM cleanse_run WHERE run_id = %s", (old,))
        assert cur.fetchone()[0] == first_pruned  # the first prune's time is kept
    lltp.commit()

    with pytest.raises(De06Error, match="was pruned"):
        pipeline.revert_run(mid, lltp)
    with pytest.raises(De06Error, match="pruned"):
        pipeline.start_run(lltp, "test:prune:mid", "full", [p0])
    assert _run_rows(lltp, mid)[0] == rows[mid]
    # the run inside the window reverts to exactly the state before it
    pipeline.revert_run(newest, lltp)
    assert _current(lltp) == before_newest
    with pytest.raises(De06Error, match="was reverted"):
        pipeline.finish_run(newest, lltp)  # a reverted run is never made current again
    assert _current(lltp) == before_newest


def test_prune_refuses_bad_arguments():
    from datetime import datetime

    from de06.cleanse.retention import prune_history
    from de06.errors import InputError

    for bad in (0, -3, True, 1.5, "30"):
        with pytest.raises(InputError, match="keep_days"):
            prune_history(None, bad)
    with pytest.raises(InputError, match="dry_run"):
        prune_history(None, 30, dry_run="false")
    with pytest.raises(InputError, match="time zone"):
        prune_history(None, 30, now=datetime(2026, 1, 1))


def test_retention_dag_dry_run_counts_and_deletes_nothing(world, pg):
    """The DAG's task reports what a prune would delete (a dry run superseded nothing and sits
    past the window here) and, as a dry run, deletes none of it."""
    import importlib.util as iu

    from airflow.models import TaskInstance
    from airflow.utils.session import create_session
    from de06.cleanse import pipeline

    lltp, dancu = pg("lltp"), pg("dancu")
    dry = pipeline.run_all(lltp, dancu, "test:retention:dag", "full", PROVINCES[:1], dry_run=True)
    with lltp.cursor() as cur:
        cur.execute(
            "UPDATE cleanse_run SET finished_at = finished_at - interval '10 days' WHERE run_id = %s",
            (dry["run_id"],),
        )
    lltp.commit()
    n_rows = _run_rows(lltp, dry["run_id"])
    assert n_rows[0]
    spec = iu.spec_from_file_location("lltp_retention", ROOT / "dags" / "lltp_retention.py")
    mod = iu.module_from_spec(spec)
    spec.loader.exec_module(mod)
    # 5.0, as a JSON form may send it: the schema takes it as an integer, and so does the prune
    dr = mod.dag.test(run_conf={"keep_days": 5.0, "dry_run": True})
    assert str(dr.state).endswith("success")
    with create_session() as s:
        ti = s.query(TaskInstance).filter_by(dag_id="lltp_retention", run_id=dr.run_id, task_id="prune").one()
        out = ti.xcom_pull(task_ids="prune", session=s)
    assert out["dry_run"] is True
    assert out["deleted_by_run"][str(dry["run_id"])] == {
        "record_outcome": len(n_rows[0]),
        "record_cleaned": len(n_rows[1]),
    }
    assert _run_rows(lltp, dry["run_id"]) == n_rows
    with lltp.cursor() as cur:
        cur.execute("SELECT pruned_at FROM cleanse_run WHERE run_id = %s", (dry["run_id"],))
        assert cur.fetchone()[0] is None


def _read_plan(lltp, part: str, settings: dict[str, str]) -> str:
    """EXPLAIN of a partition's incremental source cursor under ``settings``, planned while
    ``record_outcome`` is analysed empty (rolled back; the table's statistics are read again)."""
    from de06.cleanse import pipeline
    from de06.domain.provinces import CODES

    params = {"codes": list(CODES), "partition": part, "started_at": dt.datetime.now(dt.UTC)}
    try:
        with lltp.cursor() as cur:
            cur.execute("TRUNCATE record_outcome")
            cur.execute("ANALYZE record_outcome")
            for name, value in settings.items():
                cur.execute(f"SET LOCAL {name} = {value}")
            cur.execute(
                "EXPLAIN DECLARE plan_probe CURSOR FOR " + pipeline.sql("select_records"),
                {**params, "mode": "incremental"},
            )
            return "\n".join(r[0] for r in cur.fetchall())
    finally:
        lltp.rollback()
        lltp.autocommit = True
        with lltp.cursor() as cur:
            cur.execute("ANALYZE record_outcome")
        lltp.autocommit = False


def test_partition_read_probes_outcomes_by_index_even_when_they_look_empty(world, pg):
    """A partition's source cursor is declared under the pipeline's read settings, and under them
    an incremental read planned while ``record_outcome`` is analysed empty (a first run) checks
    each record by an index probe. Without them PostgreSQL scans the whole table for each record,
    a table the run's other partitions are filling: at full scale the two largest partitions' reads
    did not finish in 10 minutes. The province's index is used in both modes."""
    import psycopg2.extensions
    from de06.cleanse import pipeline

    lltp, dancu = pg("lltp"), pg("dancu")
    part = PROVINCES[0]
    assert "Seq Scan on record_outcome" in _read_plan(lltp, part, {})  # the hazard, as PostgreSQL plans it
    guarded = _read_plan(lltp, part, pipeline.PARTITION_READ_PLAN)
    assert "Seq Scan" not in guarded and "judicial_record_office_idx" in guarded, guarded

    said: list[str] = []

    class Recording(psycopg2.extensions.cursor):
        def execute(self, query, params=None):
            said.append(" ".join(str(query).split()))
            return super().execute(query, params)

    lltp.cursor_factory = Recording
    run = pipeline.start_run(lltp, "test:read-plan", "incremental", [part], True, dancu=dancu)
    try:
        pipeline.process_partition(run.run_id, part, lltp, dancu)
    finally:
        lltp.cursor_factory = psycopg2.extensions.cursor
        pipeline.revert_run(run.run_id, lltp)
    first_line = " ".join(pipeline.sql("select_records").split())[:60]
    at = next(i for i, q in enumerate(said) if q.startswith(first_line))
    assert said[at - 1] == "SET LOCAL cursor_tuple_fraction = 1.0; SET LOCAL enable_seqscan = off"
    assert said[at + 1] == "SET LOCAL cursor_tuple_fraction = DEFAULT; SET LOCAL enable_seqscan = DEFAULT"
