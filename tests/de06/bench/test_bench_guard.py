"""A benchmark never drops decisions people made without being told to (de06.bench.common)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from de06.bench import common
from de06.errors import InputError

KEY = "test-bench-guard"


def _clear(conn) -> None:
    with conn.cursor() as cur:
        cur.execute(
            "DELETE FROM review_decision WHERE item_id IN"
            " (SELECT item_id FROM review_item WHERE source_key = %s)",
            (KEY,),
        )
        cur.execute("DELETE FROM review_item WHERE source_key = %s", (KEY,))
    conn.commit()


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("source", "args"),
    [
        ("lltp", ["cleanse", "--population", "1000", "--records", "100", "--peers", ""]),
        ("qp", ["sync", "--initial", "100", "--changes", "10"]),
    ],
)
def test_bench_refuses_a_database_with_review_decisions_unless_told(pg, source, args):
    from de06.cli.bench import bench

    lltp = pg("lltp")
    _clear(lltp)
    before = {s: common.people_decisions(s) for s in ("lltp", "qp")}
    try:
        with lltp.cursor() as cur:
            cur.execute(
                "INSERT INTO review_item (source, source_key, status, identity)"
                " VALUES (%s, %s, 'decided', '{}') RETURNING item_id",
                (source, KEY),
            )
            item = cur.fetchone()[0]
            cur.execute(
                "INSERT INTO review_decision (item_id, decision, decided_by)"
                " VALUES (%s, 'not_match', 'a.reviewer')",
                (item,),
            )
        lltp.commit()
        assert common.people_decisions(source) == before[source] + 1
        with pytest.raises(InputError, match="review decision") as exc:
            common.guard_decisions(discard=False, source=source)
        assert "--discard-review-decisions" in exc.value.fix and ".local/bench/pgdata" in exc.value.fix
        common.guard_decisions(discard=True, source=source)  # told to: no objection
        # the CLI refuses before it builds or clears anything
        res = CliRunner().invoke(bench, args)
        assert res.exit_code != 0 and isinstance(res.exception, InputError), res.output
        assert {s: common.people_decisions(s) for s in ("lltp", "qp")} == {
            **before,
            source: before[source] + 1,
        }
    finally:
        _clear(lltp)


@pytest.mark.postgres
def test_the_diagnostic_scripts_that_clear_the_history_refuse_too(pg, tmp_path):
    """bench/dump_outcomes.py, cleanse_floor.py and cleanse_without_writes.py clear the cleansing
    history like the benchmark does: each stops first, with the fix, on a database holding a
    person's decision, and the decision is still there."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    lltp = pg("lltp")
    _clear(lltp)
    before = common.people_decisions("lltp")
    try:
        with lltp.cursor() as cur:
            cur.execute(
                "INSERT INTO review_item (source, source_key, status, identity)"
                " VALUES ('lltp', %s, 'decided', '{}') RETURNING item_id",
                (KEY,),
            )
            cur.execute(
                "INSERT INTO review_decision (item_id, decision, decided_by)"
                " VALUES (%s, 'not_match', 'a.reviewer')",
                (cur.fetchone()[0],),
            )
        lltp.commit()
        for script in (
            ["bench/dump_outcomes.py", "001", str(tmp_path / "out.txt")],
            ["bench/cleanse_floor.py"],
            ["bench/cleanse_without_writes.py"],
        ):
            res = subprocess.run(
                [sys.executable, *script], cwd=root, capture_output=True, text=True, timeout=120
            )
            assert res.returncode == 2, (script, res.stdout, res.stderr)
            assert "review decision" in res.stderr and common.DISCARD_FLAG in res.stderr, res.stderr
            assert common.people_decisions("lltp") == before + 1
        assert not (tmp_path / "out.txt").exists()
    finally:
        _clear(lltp)
