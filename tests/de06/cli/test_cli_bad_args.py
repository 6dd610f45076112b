"""Bad arguments get one clear line (or click's usage error), never a traceback or a silent no-op.

Found by an audit of every command (4 Dec): negative and huge limits and ids reached PostgreSQL
as tracebacks; a query that fails or returns nothing, an empty --sql, an empty path, an empty
folder, a date that is a path, a 9-digit number taken for a citizen_id, unknown dead-letter ids
reported as success.
"""

from __future__ import annotations

import pytest
from de06.cli.main import main

pytestmark = pytest.mark.postgres

HUGE = "99999999999999999999"


def _run(args: list[str]) -> int:
    try:
        return main(args)
    except SystemExit as exc:  # commands that choose their own exit code
        return int(exc.code or 0)


@pytest.mark.parametrize(
    "args",
    [
        ["cleanse", "runs", "--limit", "-1"],
        ["review", "list", "--limit", HUGE],
        ["dlq", "list", "--limit", "0"],
        ["sync", "status", "--limit", "-5"],
        ["quarantine", "list", "--limit", HUGE],
        ["dlq", "replay", "--item", HUGE],
        ["dlq", "replay", "--item", "1", "--http-status", "99999"],
        ["dlq", "replay", "--http-status", "200"],  # no dead letter carries a 2xx (DAG and CLI: 400-599)
        ["cleanse", "prune", "--keep-days", "99999999999", "--dry-run"],
        ["review", "decide", HUGE, "--not-match"],
        ["quality", "scorecard", "--last", "0"],
        ["sync", "run", "--chunk-size", "0"],
        ["sync", "run", "--lookback-minutes", "-5"],
    ],
    ids=lambda a: " ".join(a[:3]),
)
def test_out_of_range_numbers_are_usage_errors(migrated, capsys, args):
    assert _run(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Invalid value" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["quality", "validate", "judicial_raw", "--sql", "not sql", "--conn", "lltp"],
            "failed: PostgreSQL 42601",
        ),
        (
            ["quality", "validate", "judicial_raw", "--sql", "SET search_path TO public", "--conn", "lltp"],
            "returns no rows",
        ),
        (["quality", "validate", "judicial_raw", "--sql", "  ", "--conn", "lltp"], "is empty"),
        (["quality", "validate", "judicial_raw", "--qparam", "foo"], "--qparam 'foo' is not NAME=VALUE"),
        (["rollout", "simulate", "--out", ""], "is not a file path"),
        (
            ["rollout", "report", "/nonexistent.tsv", "--date", "/tmp/x/not-a-date"],
            "is not a date YYYY-MM-DD",
        ),
        (["review", "decide", "999999999", "--link", "0", "--not-match"], "exactly one of"),
        (["dlq", "replay", "--item", "999999999"], "given is an open dead letter"),
        (["certificate", "preview", "--citizen", "009798024"], "look like an old CMND number"),
        (["review", "list", "--province", ""], "unknown province ''"),
        (["review", "show", "1", "--reason", "audit"], "--reason is only for --reveal"),
        (["certificate", "preview", "--citizen", "٩٧٩٨٠٢٤"], "neither a 12-digit personal ID"),
    ],
    ids=lambda a: " ".join(a[:2]) if isinstance(a, list) else None,
)
def test_bad_values_are_one_clear_line(migrated, capsys, args, expected):
    assert _run(args) == 1
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and expected in err, err
    assert err.splitlines()[-1].startswith("de06: error:")


def test_health_validate_refuses_an_empty_path_and_an_empty_folder(tmp_path, capsys):
    assert _run(["health", "validate", ""]) == 2  # "" is not the current folder
    assert "cannot read" in capsys.readouterr().err
    assert _run(["health", "validate", str(tmp_path)]) == 2
    assert "no files in the folder" in capsys.readouterr().err
