"""The scale-out benchmark's memory probe: the largest Airflow process, PostgreSQL left out."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from de06.bench.scale import AirflowRss

HOLD = 'import sys, time; b = b"x" * (int(sys.argv[1]) << 20); time.sleep(3)'  # pages written


@pytest.mark.unit
def test_largest_airflow_process_is_measured_and_others_are_not():
    # the probe recognises Airflow and Celery processes by their command line
    # larger than any Airflow process an earlier test could leave behind (~300 MB), smaller than
    # the other one
    big = subprocess.Popen([sys.executable, "-c", HOLD, "500", "airflow-task"])
    other = subprocess.Popen([sys.executable, "-c", HOLD, "900", "not-a-worker"])
    try:
        with AirflowRss(interval=0.1) as rss:
            time.sleep(2.0)
    finally:
        big.kill()
        other.kill()
        big.wait()
        other.wait()
    assert 500 <= rss.peak_mb < 900
