"""The JSON shape every benchmark writes, and peak-RSS sampling."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import threading
from pathlib import Path
from typing import Any

import psutil

from de06 import config


def results_dir() -> Path:
    d = config.root() / "bench" / "results"
    d.mkdir(parents=True, exist_ok=True)
    return d


def git_sha() -> str:
    try:
        return (
            subprocess.run(
                ["git", "rev-parse", "HEAD"], cwd=config.root(), capture_output=True, text=True, timeout=10
            ).stdout.strip()
            or "unknown"
        )
    except OSError:
        return "unknown"


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "mem_gb": round(psutil.virtual_memory().total / 2**30),
        "python": platform.python_version(),
    }


def write_result(
    name: str,
    params: dict[str, Any],
    metrics: dict[str, Any],
    peers: dict[str, Any] | None = None,
    ratios: dict[str, Any] | None = None,
    started_at: dt.datetime | None = None,
) -> Path:
    doc = {
        "name": name,
        "params": params,
        "git_sha": git_sha(),
        "started_at": (started_at or dt.datetime.now(dt.UTC)).isoformat(),
        "machine": machine(),
        "metrics": metrics,
        "peers": peers or {},
        "ratios": ratios or {},
    }
    text = json.dumps(doc, indent=2, ensure_ascii=False, default=str)
    path = results_dir() / f"{name}.json"
    path.write_text(text)
    # every result is kept beside the latest: a small run must not erase the full-scale figure a
    # report quotes (bench/results/history/<name>-<started_at>.json)
    stamp = doc["started_at"][:19].replace(":", "").replace("-", "")
    history = results_dir() / "history"
    history.mkdir(exist_ok=True)
    (history / f"{name}-{stamp}.json").write_text(text)
    return path


class PeakRss:
    """Sample the resident set of a process (``root_pid``, default this one), its children and
    extra pids (e.g. the PostgreSQL backends doing the work) every ``interval`` seconds;
    ``peak_mb`` is the largest single-process RSS seen and ``peak_total_mb`` the largest sum.

    CPU seconds used inside the block are kept too (:meth:`cpu`): the process tree's (the root's
    own and its reaped children's, as the kernel counts them) and the whole machine's user, system
    and idle time."""

    def __init__(
        self, interval: float = 0.2, extra_pids: list[int] | None = None, root_pid: int | None = None
    ):
        self.interval = interval
        self.extra = extra_pids or []
        self.root_pid = root_pid
        self.peak_mb = 0.0
        self.peak_total_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._tree0: float | None = None
        self._tree_cpu: float | None = None
        self._machine0 = None
        self._machine: dict[str, float] = {}

    def _procs(self):
        try:
            root = psutil.Process(self.root_pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            procs = []
        for pid in self.extra:
            try:
                procs.append(psutil.Process(pid))
            except psutil.NoSuchProcess:
                pass
        return procs

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0.0
            for p in self._procs():
                try:
                    rss = p.memory_info().rss / 2**20
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                total += rss
                self.peak_mb = max(self.peak_mb, rss)
            self.peak_total_mb = max(self.peak_total_mb, total)
            self._stop.wait(self.interval)

    def _tree_seconds(self) -> float | None:
        try:
            t = psutil.Process(self.root_pid).cpu_times()
        except psutil.NoSuchProcess:
            return None
        return t.user + t.system + t.children_user + t.children_system

    def cpu(self) -> dict[str, Any]:
        """CPU seconds inside the block: ``tree`` (root and reaped children; None when the root
        is another process that has ended) and ``machine`` (user, system, idle of all cores)."""
        return {
            "tree": None if self._tree_cpu is None else round(self._tree_cpu, 1),
            "machine": {k: round(v, 1) for k, v in self._machine.items()},
        }

    def __enter__(self) -> PeakRss:
        self._tree0 = self._tree_seconds()
        self._machine0 = psutil.cpu_times()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        tree = self._tree_seconds()
        if tree is not None and self._tree0 is not None:
            self._tree_cpu = tree - self._tree0
        m1 = psutil.cpu_times()
        self._machine = {k: getattr(m1, k) - getattr(self._machine0, k) for k in ("user", "system", "idle")}


#: what each review source is: the benchmark that clears it
_SOURCE_OF = {"lltp": "judicial records (the cleansing)", "qp": "military-court convictions (the sync)"}


def people_decisions(source: str = "lltp") -> int:
    """Decisions people recorded on review items of ``source`` ('lltp' or 'qp') in this database
    (``de06 review decide``): what a benchmark that clears that flow's history drops. 0 when the
    table does not exist yet."""
    from de06.db import connect

    conn = connect("lltp")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass('review_decision') IS NOT NULL")
            if not cur.fetchone()[0]:
                return 0
            cur.execute(
                "SELECT count(*) FROM review_decision d JOIN review_item i USING (item_id)"
                " WHERE i.source = %s",
                (source,),
            )
            return int(cur.fetchone()[0])
    finally:
        conn.rollback()
        conn.close()


DISCARD_FLAG = "--discard-review-decisions"


def guard_script(discard: bool) -> None:
    """:func:`guard_decisions` for the diagnostic scripts under ``bench/`` that clear the cleansing
    history: the refusal as one line and exit status 2 (unless ``discard``, their
    :data:`DISCARD_FLAG`)."""
    import sys

    from de06.errors import InputError

    try:
        guard_decisions(discard)
    except InputError as exc:
        print(exc.line(), file=sys.stderr)
        sys.exit(2)


def guard_decisions(discard: bool, source: str = "lltp") -> None:
    """Refuse to start when the benchmark would drop decisions people made, unless ``discard``:
    a benchmark run by hand in the demo's or an operator's databases would otherwise erase a
    reviewer's work without a word."""
    n = people_decisions(source)
    if n and not discard:
        from de06.errors import InputError

        raise InputError(
            f"this database holds {n} review decision(s) people made on {_SOURCE_OF[source]}; the"
            " benchmark clears that history and would drop them",
            "run benchmarks in their own databases (`make bench`, or `export"
            " DE06_PGDATA=$PWD/.local/bench/pgdata DE06_AIRFLOW_HOME=$PWD/.local/bench/airflow`"
            " first), or pass --discard-review-decisions to drop them",
        )
