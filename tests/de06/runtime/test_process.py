"""Process supervision: a started tree is stopped completely, including escaped descendants."""

from __future__ import annotations

import sys
import time

import psutil
import pytest
from de06.runtime import ports, process

pytestmark = pytest.mark.unit

# A parent that ignores SIGTERM, with a child that moves to its own session (escapes the group).
TREE = r"""
import os, signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"], start_new_session=True)
print("tree up", flush=True)
time.sleep(300)
"""


def test_stop_all_leaves_no_process(tmp_path):
    run, logs = tmp_path / "run", tmp_path / "logs"
    run.mkdir()
    logs.mkdir()
    s = process.start(run, logs, "tree", [sys.executable, "-c", TREE], {"PATH": "/usr/bin:/bin"}, tmp_path)
    deadline = time.monotonic() + 20
    while len(process.tagged(run)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(process.tagged(run)) == 2 and s.alive()
    assert process.last_lines(s.log, 1) == ["tree up"]
    stopped = process.stop_all(run, timeout=1)
    assert stopped == ["tree"]
    assert process.tagged(run) == []
    assert not psutil.pid_exists(s.pid) or not s.alive()
    assert process.recorded(run) == []


def test_kill_now_takes_the_whole_tree(tmp_path):
    s = process.start(
        tmp_path, tmp_path, "w", [sys.executable, "-c", "import time; time.sleep(300)"], {}, tmp_path
    )
    assert process.kill_now(tmp_path, "w") == [s.pid]
    assert not s.alive()
    assert process.read(tmp_path, "w") is not None  # the pid file survives a crash
    assert process.stop_all(tmp_path) == []


def test_port_checks():
    import socket

    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        port = srv.getsockname()[1]
        assert not ports.is_free(port)
        from de06.errors import De06Error

        with pytest.raises(De06Error, match=f"api-server: port {port}.*DE06_API_PORT"):
            ports.require_free(port, "api-server", "DE06_API_PORT")
    assert ports.is_free(ports.free_port())
