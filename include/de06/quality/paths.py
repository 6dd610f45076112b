"""Where data-quality artefacts live (all under the project's ``.local/`` unless overridden).

- ``DE06_GX_DIR``: GX file context (suites, validation results, Data Docs); default ``.local/gx``.
- ``DE06_SCORECARD_DIR``: the scorecard HTML + PNGs; default ``.local/reports/scorecard``.
- ``DE06_EXPECTATIONS_DIR``: suite files; default ``expectations/`` in the checkout.
- ``DE06_FRIDAY_DIR``: the Friday progress reports, one folder per date; default ``.local/reports/friday``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from de06 import config


def expectations_dir() -> Path:
    env = os.environ.get("DE06_EXPECTATIONS_DIR")
    return Path(env) if env else config.root() / "expectations"


def gx_dir() -> Path:
    env = os.environ.get("DE06_GX_DIR")
    d = Path(env) if env else config.local_dir() / "gx"
    d.mkdir(parents=True, exist_ok=True)
    return d


def docs_dir() -> Path:
    """Root of GX's local Data Docs site (``index.html`` inside)."""
    return gx_dir() / "gx" / "uncommitted" / "data_docs" / "local_site"


def scorecard_dir() -> Path:
    env = os.environ.get("DE06_SCORECARD_DIR")
    d = Path(env) if env else config.reports_dir() / "scorecard"
    d.mkdir(parents=True, exist_ok=True)
    return d


def friday_dir() -> Path:
    env = os.environ.get("DE06_FRIDAY_DIR")
    d = Path(env) if env else config.reports_dir() / "friday"
    d.mkdir(parents=True, exist_ok=True)
    return d


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_name(text: str) -> str:
    """A file-system-safe form of a run or task id (``manual__2026-01-01T00:00:00+00:00`` ->
    ``manual__2026-01-01T00_00_00_00_00``)."""
    return _UNSAFE.sub("_", text).strip("._") or "_"
