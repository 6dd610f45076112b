"""Where the runtime keeps pid files, logs and the broker's data.

``DE06_RUN_DIR`` moves the whole runtime tree (tests use it to run beside a developer's stack);
by default everything sits under the project's ``.local/``.
"""

from __future__ import annotations

import os
from pathlib import Path

from de06 import config

RUN_DIR_ENV = "DE06_RUN_DIR"


def base() -> Path:
    env = os.environ.get(RUN_DIR_ENV)
    return Path(env).resolve() if env else config.local_dir()


def run_dir(stack: str) -> Path:
    d = base() / "run" / stack
    d.mkdir(parents=True, exist_ok=True)
    return d


def log_dir(stack: str) -> Path:
    d = base() / "logs" / stack
    d.mkdir(parents=True, exist_ok=True)
    return d


def redis_dir() -> Path:
    d = base() / "redis"
    d.mkdir(parents=True, exist_ok=True)
    return d
