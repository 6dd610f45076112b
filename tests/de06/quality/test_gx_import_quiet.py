"""Importing GX through the project does not flood task logs (the Airflow UI showed ~200 INFO lines
"Skipping registering function ..." in every quality task's log)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

SCRIPT = """
import io, logging
buf = io.StringIO()
root = logging.getLogger()
root.addHandler(logging.StreamHandler(buf))
root.setLevel(logging.INFO)  # as an Airflow task's logging is
import de06.quality
import great_expectations
logging.getLogger("de06.quality").info("still logged")
print(buf.getvalue().count("Skipping registering"), buf.getvalue().count("still logged"))
"""


def test_gx_import_does_not_log_its_registry_chatter():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "1"]
