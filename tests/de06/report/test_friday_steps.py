"""Friday report steps outside Airflow: input selection and `de06 rollout report`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from de06.errors import InputError
from de06.report import friday

FIX = Path(__file__).parent / "fixtures"


@pytest.mark.unit
def test_pick_input_prefers_param_then_newest_inbox_file_then_sample(tmp_path, monkeypatch):
    monkeypatch.setenv("DE06_HOME", str(tmp_path))
    assert friday.pick_input(None) == friday.SAMPLE
    old, new = friday.inbox_dir() / "week38.tsv", friday.inbox_dir() / "week39.tsv"
    old.write_text("x")
    new.write_text("y")
    t = time.time()
    os.utime(old, (t - 100, t - 100))
    assert friday.pick_input(None) == new
    assert friday.pick_input(str(FIX / "clean_week38.tsv")) == FIX / "clean_week38.tsv"
    with pytest.raises(InputError, match="not found"):
        friday.pick_input(str(tmp_path / "absent.tsv"))
    # a scheduled run wants this week's letter: last week's file is not presented as this week's
    assert friday.pick_input(None, fresh_since=t - 50) == new
    os.utime(new, (t - 8 * 86400, t - 8 * 86400))
    os.utime(old, (t - 9 * 86400, t - 9 * 86400))
    with pytest.raises(InputError, match="older than this week"):
        friday.pick_input(None, fresh_since=t - 6 * 86400)
    old.unlink()
    new.unlink()
    with pytest.raises(InputError, match="no province status TSV"):
        friday.pick_input(None, fresh_since=t - 6 * 86400)
    assert friday.pick_input(None) == friday.SAMPLE  # by hand (the demo): the sample still serves


@pytest.mark.postgres
def test_cli_report_builds_html_with_charts(migrated, tmp_path):
    env = {**os.environ, "DE06_HOME": str(tmp_path)}
    out = subprocess.run(
        [
            str(Path(sys.executable).with_name("de06")),
            "rollout",
            "report",
            str(FIX / "shifted_utf16.tsv"),
            "--date",
            "2024-10-11",
            "--no-gx",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    path = Path(out.stdout.strip().splitlines()[-1])
    assert path == tmp_path / ".local" / "reports" / "friday" / "2024-10-11" / "index.html"
    html = path.read_text(encoding="utf-8")
    assert "<span class='ok'>clean</span>" in html
    assert (path.parent / "status_per_province.png").is_file() and (
        path.parent / "pv06_progress.png"
    ).is_file()
