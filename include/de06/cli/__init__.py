"""The ``de06`` command line."""

from __future__ import annotations

import getpass
import os


def who() -> str:
    """The person running the command, as recorded with a decision or a reveal (``DE06_USER``
    when set, else the login name)."""
    return os.environ.get("DE06_USER") or getpass.getuser()
