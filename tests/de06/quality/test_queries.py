"""The packaged dataset queries run on the migrated schemas and return every column the suite checks."""

from __future__ import annotations

import pytest
from de06.quality import runner, suites

QUERIED = ["population_extract", "judicial_raw", "judicial_cleaned", "military_batch", "military_target",
           "health_microbatch"]  # fmt: skip


@pytest.mark.postgres
@pytest.mark.parametrize("dataset", QUERIED)
def test_query_matches_suite(migrated, dataset):
    conn_id, sql = runner.dataset_query(dataset)
    df = runner.read_query(conn_id, f"SELECT * FROM ({sql}) AS q LIMIT 0", runner.QUERY_DEFAULTS)
    missing = set(suites.load_suite(dataset).required_columns()) - set(df.columns)
    assert missing == set()


@pytest.mark.postgres
def test_cli_validate_packaged_query_and_scorecard(migrated, quality_dirs, capsys):
    from de06.cli.main import main

    assert main(["quality", "validate", "military_target", "--run-id", "manual__cli_test"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("military_target [") and "report: " in out
    assert main(["quality", "scorecard"]) == 0
    index = capsys.readouterr().out.strip()
    assert index.endswith("index.html") and "military_target" in open(index, encoding="utf-8").read()
    assert main(["quality", "docs"]) == 0
    assert capsys.readouterr().out.strip().endswith("index.html")
