"""A benchmark never drops decisions people made without being told to (de06.bench.cleanse)."""

from __future__ import annotations

import pytest
from de06.bench import cleanse as bc
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
def test_bench_refuses_a_database_with_review_decisions_unless_told(pg):
    lltp = pg("lltp")
    _clear(lltp)
    before = bc.people_decisions()
    try:
        with lltp.cursor() as cur:
            cur.execute(
                "INSERT INTO review_item (source, source_key, status, identity)"
                " VALUES ('lltp', %s, 'decided', '{}') RETURNING item_id",
                (KEY,),
            )
            item = cur.fetchone()[0]
            cur.execute(
                "INSERT INTO review_decision (item_id, decision, decided_by)"
                " VALUES (%s, 'not_match', 'a.reviewer')",
                (item,),
            )
        lltp.commit()
        assert bc.people_decisions() == before + 1
        with pytest.raises(InputError, match="review decision") as exc:
            bc.guard_decisions(discard=False)
        assert "--discard-review-decisions" in exc.value.fix and ".local/bench/pgdata" in exc.value.fix
        bc.guard_decisions(discard=True)  # told to: no objection
        # the CLI refuses before it builds or clears anything
        from click.testing import CliRunner
        from de06.cli.bench import bench

        res = CliRunner().invoke(
            bench, ["cleanse", "--population", "1000", "--records", "100", "--peers", ""]
        )
        assert res.exit_code != 0 and isinstance(res.exception, InputError)
        assert bc.people_decisions() == before + 1
    finally:
        _clear(lltp)
