"""``de06 simulate clinics``, ``de06 health status`` and ``de06 dlq list`` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.postgres
DE06 = str(Path(sys.executable).with_name("de06"))


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([DE06, *args], capture_output=True, text=True, timeout=120, env=os.environ.copy())


def test_simulate_clinics_fills_the_inbox_and_writes_files(people, bhxh, tmp_path):
    out = _run("simulate", "clinics", "--count", "6", "--seed", "3", "--out", str(tmp_path), "--people", "50")
    assert out.returncode == 0, out.stderr
    assert "sent 6 envelope(s)" in out.stdout
    assert len(list(tmp_path.iterdir())) == 6
    with bhxh.cursor() as cur:
        cur.execute(
            "SELECT (SELECT count(*) FROM submission) + (SELECT count(*) FROM submission_duplicate), "
            "(SELECT count(*) FROM sim_sent), (SELECT count(*) FROM facility)"
        )
        received, recorded, facilities = cur.fetchone()
    assert received == recorded == 6 and facilities > 0
    status = json.loads(_run("health", "status").stdout)
    assert sum(status["submissions"].values()) + status["duplicates"]["duplicate"] == 6
    dead = _run("dlq", "list", "--json")
    assert dead.returncode == 0 and json.loads(dead.stdout) == []


def test_bad_flag_is_one_clear_line():
    out = _run("simulate", "clinics", "--no-inbox")
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "fix:" in out.stderr


def test_status_groups_rejections_by_problem_and_keeps_the_fix(bhxh):
    """The same problem in HOSO 1 of one envelope and HOSO 2 of another is one line, and the line
    keeps the fix (reasons were cut at 60 characters, mid-sentence)."""
    import hashlib
    import uuid

    tag = uuid.uuid4().hex[:8]
    problem = (
        f"XML1: insurance amounts without a BHYT card {tag} (MA_THE_BHYT is empty but T_BHTT is not 0);"
        " send the card code, or bill the visit as patient-paid"
    )
    with bhxh.cursor() as cur:
        # more copies than any other problem has, so the status's top 10 shows this one
        cur.execute(
            "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM submission"
            " WHERE status = 'rejected' GROUP BY regexp_replace(reason, '^HOSO [0-9]+ ', '')) t"
        )
        copies = max(2, int(cur.fetchone()[0]) + 1)
        for i in range(1, copies + 1):
            body = f"{tag}-{i}".encode()
            cur.execute(
                "INSERT INTO submission (file_name, sha256, body, status, reason)"
                " VALUES (%s, %s, %s, 'rejected', %s)",
                (f"{tag}-{i}.xml", hashlib.sha256(body).hexdigest(), body, f"HOSO {i} {problem}"),
            )
    bhxh.commit()
    try:
        rejected = json.loads(_run("health", "status").stdout)["rejected"]
        assert rejected.get(problem) == copies, rejected
    finally:
        with bhxh.cursor() as cur:
            cur.execute("DELETE FROM submission WHERE file_name LIKE %s", (f"{tag}-%",))
        bhxh.commit()
