"""Start a component as a background process in its own session; stop it with its whole tree.

Each started process gets a pid file ``<run dir>/<name>.pid`` (JSON: pid, create time, command,
log path) and the environment variable ``DE06_RUNTIME_TAG`` naming its run dir, so ``stop_all``
also finds descendants that left the process group (Airflow task supervisors, Celery pool
children) and nothing is left running after ``down``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

TAG_ENV = "DE06_RUNTIME_TAG"


@dataclass(frozen=True)
class Started:
    name: str
    pid: int
    create_time: float
    argv: list[str]
    log: str

    def process(self) -> psutil.Process | None:
        """The live process, or None when it exited (or the pid was reused)."""
        try:
            p = psutil.Process(self.pid)
            if abs(p.create_time() - self.create_time) > 1.0 or p.status() == psutil.STATUS_ZOMBIE:
                return None
            return p
        except psutil.Error:
            return None

    def alive(self) -> bool:
        return self.process() is not None


def pid_file(run_dir: Path, name: str) -> Path:
    return run_dir / f"{name}.pid"


def start(
    run_dir: Path, log_dir: Path, name: str, argv: list[str], env: dict[str, str], cwd: Path
) -> Started:
    """Start ``argv`` detached (new session), output appended to ``<log_dir>/<name>.log``."""
    log_path = log_dir / f"{name}.log"
    env = {**env, TAG_ENV: str(run_dir)}
    with open(log_path, "ab") as log:
        log.write(f"\n=== de06: starting {name} at {time.strftime('%Y-%m-%dT%H:%M:%S')} ===\n".encode())
        log.flush()
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=str(cwd),
            start_new_session=True,
        )
    try:
        ctime = psutil.Process(proc.pid).create_time()
    except psutil.Error:
        ctime = time.time()
    started = Started(name, proc.pid, ctime, list(argv), str(log_path))
    pid_file(run_dir, name).write_text(json.dumps(started.__dict__))
    return started


def read(run_dir: Path, name: str) -> Started | None:
    try:
        data = json.loads(pid_file(run_dir, name).read_text())
    except (FileNotFoundError, ValueError):
        return None
    return Started(**data)


def recorded(run_dir: Path) -> list[Started]:
    out = []
    for f in sorted(run_dir.glob("*.pid")):
        s = read(run_dir, f.stem)
        if s is not None:
            out.append(s)
    return out


def tagged(run_dir: Path) -> list[psutil.Process]:
    """Every live process of this user whose environment carries this run dir's tag.

    A sweep for strays only: Celery's main process rewrites its title over its environ block, so it
    is found through its pid file (and its children through the tree), not through this tag.
    """
    me = os.getuid()
    found = []
    for p in psutil.process_iter(["uids"]):
        try:
            if p.info["uids"] is None or p.info["uids"].real != me or p.pid == os.getpid():
                continue
            if p.environ().get(TAG_ENV) == str(run_dir) and p.status() != psutil.STATUS_ZOMBIE:
                found.append(p)
        except psutil.Error:
            continue
    return found


def _tree(p: psutil.Process) -> list[psutil.Process]:
    try:
        return [p, *p.children(recursive=True)]
    except psutil.Error:
        return [p]


def _signal(procs: list[psutil.Process], sig: int) -> None:
    for p in procs:
        try:
            p.send_signal(sig)
        except psutil.Error:
            pass


def kill_tree(procs: list[psutil.Process], timeout: float = 20.0) -> None:
    """SIGTERM every process (and its process group), wait, then SIGKILL what is left."""
    everything: dict[int, psutil.Process] = {}
    for p in procs:
        for q in _tree(p):
            everything[q.pid] = q
    group_leaders = set()
    for p in procs:
        try:
            if os.getpgid(p.pid) == p.pid:
                group_leaders.add(p.pid)
        except OSError:
            pass
    for pgid in group_leaders:
        try:
            os.killpg(pgid, signal.SIGTERM)
        except OSError:
            pass
    _signal(list(everything.values()), signal.SIGTERM)
    _, alive = psutil.wait_procs(list(everything.values()), timeout=timeout)
    if alive:
        for pgid in group_leaders:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except OSError:
                pass
        _signal(alive, signal.SIGKILL)
        psutil.wait_procs(alive, timeout=5)


def stop(run_dir: Path, name: str, timeout: float = 20.0) -> bool:
    """Stop one recorded component and its tree; True if it was running."""
    s = read(run_dir, name)
    if s is None:
        return False
    p = s.process()
    if p is not None:
        kill_tree([p], timeout=timeout)
    pid_file(run_dir, name).unlink(missing_ok=True)
    return p is not None


def stop_all(run_dir: Path, order: list[list[str]] | None = None, timeout: float = 20.0) -> list[str]:
    """Stop the recorded components wave by wave (each wave in parallel), then any stray tagged process.

    ``order`` lists waves of names (e.g. workers, then Airflow's components, then the broker);
    components in no wave go in a last wave. Returns the names that were running.
    """
    recs = {s.name: s for s in recorded(run_dir)}
    waves = [[n for n in wave if n in recs] for wave in (order or [])]
    placed = {n for w in waves for n in w}
    waves.append([n for n in recs if n not in placed])
    stopped = []
    for wave in waves:
        live = {n: p for n in wave if (p := recs[n].process()) is not None}
        if live:
            kill_tree(list(live.values()), timeout=timeout)
            stopped += list(live)
        for n in wave:
            pid_file(run_dir, n).unlink(missing_ok=True)
    strays = tagged(run_dir)
    if strays:
        kill_tree(strays, timeout=5)
    return stopped


def last_lines(log: str | Path, n: int = 1, contains: tuple[str, ...] = ()) -> list[str]:
    """The last ``n`` non-empty lines of a log (optionally only lines containing a word)."""
    try:
        with open(log, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 64_000))
            text = f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return []
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("=== de06:")]
    if contains:
        picked = [ln for ln in lines if any(w.lower() in ln.lower() for w in contains)]
        lines = picked or lines
    return lines[-n:]


def kill_now(run_dir: Path, name: str) -> list[int]:
    """SIGKILL a component and its whole tree at once (a crash, as tests simulate); the pids killed.

    The pid file stays, as after a real crash; ``stop_all`` cleans it up.
    """
    s = read(run_dir, name)
    p = s.process() if s else None
    if p is None:
        return []
    tree = _tree(p)
    _signal(tree, signal.SIGKILL)
    psutil.wait_procs(tree, timeout=5)
    return [q.pid for q in tree]
