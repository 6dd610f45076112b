"""Every benchmark result is kept: the latest as bench/results/<name>.json, each one in history/."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from de06.bench.common import results_dir, write_result


@pytest.mark.unit
def test_a_later_result_does_not_erase_an_earlier_one():
    name = "test_history_probe"
    first = dt.datetime(2026, 12, 5, 1, 20, 44, tzinfo=dt.UTC)
    second = dt.datetime(2026, 12, 5, 1, 36, 2, tzinfo=dt.UTC)
    made = []
    try:
        write_result(name, {"population": 10_000_000}, {"seconds": 104.0}, started_at=first)
        path = write_result(name, {"population": 100_000}, {"seconds": 2.9}, started_at=second)
        made = sorted((results_dir() / "history").glob(f"{name}-*.json"))
        assert [p.name for p in made] == [f"{name}-20261205T012044.json", f"{name}-20261205T013602.json"]
        assert json.loads(made[0].read_text())["params"]["population"] == 10_000_000
        assert json.loads(path.read_text())["params"]["population"] == 100_000  # the latest
    finally:
        for p in [*made, results_dir() / f"{name}.json"]:
            p.unlink(missing_ok=True)
