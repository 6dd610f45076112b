"""Quality tests write GX results, Data Docs and the scorecard into a temporary folder."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def quality_dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality")
    saved = {k: os.environ.get(k) for k in ("DE06_GX_DIR", "DE06_SCORECARD_DIR")}
    os.environ["DE06_GX_DIR"] = str(root / "gx")
    os.environ["DE06_SCORECARD_DIR"] = str(root / "scorecard")
    yield root
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
