"""The benchmarks' CPU accounting: a process tree's CPU, its finished children included."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from de06.bench.common import PeakRss

BURN = (
    "import time\nt = time.process_time()\n"
    "while time.process_time() - t < float(__import__('sys').argv[1]): pass"
)


@pytest.mark.unit
def test_cpu_of_the_tree_counts_a_finished_child_and_the_machine():
    with PeakRss(interval=0.05) as rss:
        subprocess.run([sys.executable, "-c", BURN, "0.6"], check=True)  # reaped before the block ends
        time.sleep(0.1)
    cpu = rss.cpu()
    assert cpu["tree"] >= 0.5  # the child's 0.6 s (its interpreter start-up adds to it)
    m = cpu["machine"]
    assert m["user"] + m["system"] >= 0.5 and m["idle"] >= 0.0


@pytest.mark.unit
def test_cpu_outside_the_block_is_not_counted():
    subprocess.run([sys.executable, "-c", BURN, "0.6"], check=True)
    with PeakRss(interval=0.05) as rss:
        time.sleep(0.2)
    assert rss.cpu()["tree"] < 0.3
