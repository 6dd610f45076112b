"""Pipeline figures against real PostgreSQL: known rows in, the same aggregates out (as deltas, so
other data in the test database does not matter); a database without the tables -> "not available"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from de06.report import figures

pytestmark = pytest.mark.postgres

REC0 = 9_700_000_000  # record ids far from any simulator's
OWNERS = {"001": 3, "079": 2}  # health-book entries per owner ID prefix


def _connect(conn_id: str):
    from de06.db import connect

    return connect(conn_id)


@pytest.fixture
def seeded(migrated, pg):
    lltp, bhxh, vneid = pg("lltp"), pg("bhxh"), pg("vneid")
    now = datetime.now(UTC)
    with lltp, lltp.cursor() as cur:
        cur.execute(
            "INSERT INTO cleanse_run (run_key, mode, status, finished_at) VALUES (%s, 'full', 'done', now())"
            " RETURNING run_id",
            (f"test-figures-{now.timestamp()}",),
        )
        run_id = cur.fetchone()[0]
        outcomes = (
            [("001", "linked")] * 4 + [("001", "review")] + [("079", "linked")] * 2 + [("079", "rejected")]
        )
        for i, (prov, outcome) in enumerate(outcomes):
            rid = REC0 + i
            cur.execute(
                "INSERT INTO judicial_record (record_id, office_province) VALUES (%s, %s)", (rid, prov)
            )
            cur.execute(
                "INSERT INTO record_outcome (run_id, record_id, partition, outcome, citizen_id,"
                " reject_reason) VALUES (%s, %s, %s, %s, %s, %s)",
                (
                    run_id,
                    rid,
                    prov,
                    outcome,
                    1 if outcome == "linked" else None,
                    "test" if outcome == "rejected" else None,
                ),
            )
    with bhxh, bhxh.cursor() as cur:
        cur.execute(
            "INSERT INTO submission (file_name, sha256, body, status)"
            " VALUES ('t.xml', %s, '\\x00', 'accepted') RETURNING submission_id",
            (f"{int(now.timestamp() * 1e6):064d}",),
        )
        sub = cur.fetchone()[0]
        for i, lat in enumerate((1.0, 2.0, 3.0, 4.0)):
            cur.execute(
                "INSERT INTO outbox_item (submission_id, idempotency_key, facility_code, episode_key,"
                " entry_type, identity, occurred_at, payload, status, received_at, acked_at)"
                " VALUES (%s, %s, '01999', 'E', 'visit', '{}', %s, '{}', 'acked', %s, %s)",
                (sub, f"test-figures-{sub}-{i}", now, now - timedelta(seconds=lat), now),
            )
    with vneid, vneid.cursor() as cur:
        n = 0
        for prefix, count in OWNERS.items():
            for _ in range(count):
                n += 1
                owner = f"{prefix}{n:09d}"
                cur.execute(
                    "INSERT INTO health_book_entry (idempotency_key, request_hash, citizen_id, book_owner_id,"
                    " entry_type, facility_code, episode_key, occurred_at, payload, client_id)"
                    " VALUES (%s, %s, %s, %s, 'visit', '01999', 'E', now(), '{}', 'test')",
                    (f"test-figures-{now.timestamp()}-{n}", "0" * 64, owner, owner),
                )
    yield
    with lltp, lltp.cursor() as cur:
        cur.execute("DELETE FROM record_outcome WHERE run_id = %s", (run_id,))
        cur.execute("DELETE FROM cleanse_run WHERE run_id = %s", (run_id,))
        cur.execute(
            "DELETE FROM judicial_record WHERE record_id >= %s AND record_id < %s", (REC0, REC0 + 100)
        )
    with bhxh, bhxh.cursor() as cur:
        cur.execute("DELETE FROM outbox_item WHERE submission_id = %s", (sub,))
        cur.execute("DELETE FROM submission WHERE submission_id = %s", (sub,))
    with vneid, vneid.cursor() as cur:
        cur.execute("DELETE FROM health_book_entry WHERE idempotency_key LIKE 'test-figures-%%'")


def test_figures_deltas(migrated, request):
    before = figures.gather(_connect)
    request.getfixturevalue("seeded")
    after = figures.gather(_connect)
    j0, j1 = before["judicial"], after["judicial"]
    assert j1["outcomes"]["linked"] - j0["outcomes"]["linked"] == 6
    assert j1["outcomes"]["review"] - j0["outcomes"]["review"] == 1
    assert j1["outcomes"]["rejected"] - j0["outcomes"]["rejected"] == 1
    assert j1["by_province"]["079"]["linked"] - j0["by_province"].get("079", {}).get("linked", 0) == 2
    assert j1["target"] == 1_200_000
    h0, h1 = before["health"], after["health"]
    assert h1["entries"] - h0["entries"] == 5
    assert h1["by_province"]["001"]["entries"] - h0["by_province"].get("001", {}).get("entries", 0) == 3
    lat = h1["push"]["latency_sample_s"]
    assert sorted(round(x) for x in lat[:4]) == [1, 2, 3, 4]  # the newest acknowledgements
    # nothing personal in what the report receives: no 12-digit owner IDs anywhere
    import json
    import re

    assert not re.search(r"\b\d{12}\b", json.dumps(after))


def test_missing_tables_are_not_available(migrated):
    # the truth database has none of the pipelines' tables
    out = figures.gather(lambda conn_id: _connect("truth"))
    for key in ("judicial", "military", "health", "quality"):
        assert out[key]["available"] is False
        assert "does not exist yet" in out[key]["reason"]


def test_unreachable_database_is_not_available():
    def refuse(conn_id: str):
        raise OSError("connection refused")

    out = figures.judicial_figures(refuse)
    assert out == {"available": False, "reason": "lltp database not reachable (OSError)"}


@pytest.fixture
def seeded_military(migrated, pg):
    qp, lltp = pg("qp"), pg("lltp")
    refs = [f"TEST-FIG-{i}" for i in range(3)]
    with qp, qp.cursor() as cur:
        for ref in refs:  # three convictions, the first in two versions
            cur.execute("INSERT INTO conviction (conviction_ref, version) VALUES (%s, 1)", (ref,))
        cur.execute("INSERT INTO conviction (conviction_ref, version) VALUES (%s, 2)", (refs[0],))
    with lltp, lltp.cursor() as cur:
        for ref, place in zip(refs[:2], ("Hà Nội", "TP.HCM"), strict=True):  # two of three synced
            cur.execute(
                "INSERT INTO conviction (source, source_key, court_name, judgment_no, judgment_date,"
                " crime_name, article, main_penalty)"
                " VALUES ('qp', %s, 'TAQS', '1/2024', '2024-01-02', 'x', '173', 'prison')",
                (ref,),
            )
            cur.execute(
                "INSERT INTO qp_identity (source_key, birth_place, match_outcome) VALUES (%s, %s, 'linked')",
                (ref, place),
            )
    yield
    with qp, qp.cursor() as cur:
        cur.execute("DELETE FROM conviction WHERE conviction_ref LIKE 'TEST-FIG-%%'")
    with lltp, lltp.cursor() as cur:
        cur.execute("DELETE FROM qp_identity WHERE source_key LIKE 'TEST-FIG-%%'")
        cur.execute("DELETE FROM conviction WHERE source = 'qp' AND source_key LIKE 'TEST-FIG-%%'")


def test_military_coverage_deltas(migrated, request):
    before = figures.military_figures(_connect)
    request.getfixturevalue("seeded_military")
    after = figures.military_figures(_connect)
    assert after["available"], after
    assert after["source_convictions"] - before["source_convictions"] == 3
    assert after["source_sheets"] - before["source_sheets"] == 4
    assert after["synced"] - before["synced"] == 2
    for code in ("001", "079"):
        assert (
            after["by_province"][code]["synced"] - before["by_province"].get(code, {}).get("synced", 0) == 1
        )


@pytest.mark.parametrize("reached_again", [False, True])
def test_the_report_says_whether_the_vneid_api_is_reachable(migrated, pg, tmp_path, reached_again):
    """The push runs' view of the VNeID API reaches the Friday report's KPI table (runs dated far
    ahead, so they are the newest whatever other tests left in push_run)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    bhxh = pg("bhxh")
    t0 = datetime(2099, 1, 1, 8, 0, tzinfo=UTC)
    rows = [("test-fig-ok", t0, 40, False), ("test-fig-down", t0 + timedelta(minutes=5), 0, True)]
    if reached_again:
        rows.append(("test-fig-back", t0 + timedelta(minutes=9), 7, False))
    with bhxh, bhxh.cursor() as cur:
        for run_id, finished, answers, unreachable in rows:
            cur.execute(
                "INSERT INTO push_run (run_id, mode, started_at, finished_at, answers, transport_errors,"
                " unreachable) VALUES (%s, 'event', %s, %s, %s, %s, %s)",
                (run_id, finished - timedelta(seconds=30), finished, answers, 3 * unreachable, unreachable),
            )
    try:
        api = figures.gather(_connect)["health"]["push"]["api"]
        out = subprocess.run(
            [
                str(Path(sys.executable).with_name("de06")),
                "rollout",
                "report",
                "--date",
                "2099-01-02",
                "--no-gx",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "DE06_HOME": str(tmp_path)},
        )
        assert out.returncode == 0, out.stderr
        html = Path(out.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8")
    finally:
        with bhxh, bhxh.cursor() as cur:
            cur.execute("DELETE FROM push_run WHERE run_id LIKE 'test-fig-%%'")
    if reached_again:
        assert (
            api["state"] == "reachable" and api["last_answer_run_finished_at"] == "2099-01-01T08:09:00+00:00"
        )
        assert "<span class='ok'>reachable</span>" in html and "2099-01-01T08:09:00+00:00" in html
    else:
        assert api == {
            "state": "unreachable",
            "last_answer_run_finished_at": "2099-01-01T08:00:00+00:00",
            "outage_since": "2099-01-01T08:04:30+00:00",
            "unreachable_runs": 1,
        }
        assert "<span class='bad'>unreachable</span>" in html and "since 2099-01-01T08:04:30+00:00" in html
