"""`de06 bench cleanse --repeat N`: every time is the median of its interleaved runs."""

from __future__ import annotations

import pytest
from de06.bench.cleanse import medians

pytestmark = pytest.mark.unit


def test_one_run_keeps_its_times_and_gives_the_ratios():
    metrics = {"records": 1000, "seconds": 10.0, "records_per_s": 100.0}
    peers = {"pandas_merge": {"seconds": 6.0}, "splink": {"seconds": 25.0}}
    assert medians(metrics, peers, [10.0], {"pandas_merge": [6.0], "splink": [25.0]}) == {
        "pandas_merge_seconds_over_ours": 0.6,
        "splink_seconds_over_ours": 2.5,
    }
    assert "seconds_runs" not in metrics and metrics["seconds"] == 10.0


def test_several_runs_report_medians_and_list_the_runs():
    metrics = {"records": 1000, "seconds": 12.0, "records_per_s": 83.3}
    peers = {"pandas_merge": {"seconds": 9.0}, "splink": {"failed": "killed"}}
    ratios = medians(metrics, peers, [12.0, 8.0, 10.0], {"pandas_merge": [9.0, 5.0, 6.0]})
    assert metrics["seconds"] == 10.0 and metrics["seconds_runs"] == [12.0, 8.0, 10.0]
    assert metrics["records_per_s"] == 100.0
    assert peers["pandas_merge"] == {"seconds": 6.0, "seconds_runs": [9.0, 5.0, 6.0]}
    assert ratios == {"pandas_merge_seconds_over_ours": 0.6}  # a failed peer has no ratio


def test_repeat_with_workers_is_refused_not_ignored():
    from click.testing import CliRunner
    from de06.cli.bench import bench
    from de06.errors import InputError

    res = CliRunner().invoke(bench, ["cleanse", "--workers", "2", "--repeat", "3"])
    assert isinstance(res.exception, InputError) and "--repeat" in res.exception.problem
