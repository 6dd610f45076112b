"""Where a command's CPU goes, by kind of process: ``.venv/bin/python bench/cpu_by_process.py -- CMD ...``.

A diagnostic, not a mode of the product. It runs ``CMD`` (typically ``de06 bench cleanse --workers
2 ...``), samples every process on the machine once a second while it runs, and prints the CPU
seconds (user + system) each kind of process used meanwhile: Airflow's api-server, scheduler,
dag-processor, triggerer, Celery workers and the task processes they start, the PostgreSQL
backends per database, autovacuum and the server's background processes, and the rest. A process
alive before the command counts only what it used after the start; one started and ended between
two samples is missed (the totals are a lower bound). Also prints the machine's user, system and
idle seconds over the same time. Counts and seconds only.
"""

from __future__ import annotations

import collections
import subprocess
import sys
import time

import psutil

_AIRFLOW_ROLES = ("scheduler", "api-server", "dag-processor", "triggerer")


def role(p: psutil.Process) -> str:
    """The kind of a process, from its name and command line."""
    try:
        name, cmd = p.name(), " ".join(p.cmdline())
    except (psutil.Error, OSError):
        return "gone"
    if name.startswith("postgres") or cmd.startswith("postgres:"):
        for db in ("lltp", "dancu", "airflow", "bhxh", "qp", "truth"):
            if f" {db} " in f"{cmd} ":
                return f"postgres backend ({db})"
        if "autovacuum" in cmd:
            return "postgres autovacuum"
        return "postgres (server processes)"
    if cmd.startswith("airflow supervisor"):
        return "airflow task supervisor"
    if "redis" in name or "redis" in cmd:
        return "redis"
    for r in _AIRFLOW_ROLES:
        if r in cmd:
            return f"airflow {r}"
    if "celery" in cmd or "worker" in cmd:
        # Celery's pool processes fork the task processes, which keep the worker's command line
        return "celery worker or task process"
    if "python" in name or "de06" in cmd:
        return f"python: {' '.join(cmd.split()[1:3])[:40]}"
    return f"other: {name}"


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        sys.exit("usage: .venv/bin/python bench/cpu_by_process.py -- CMD [ARGS...]")
    last: dict[tuple[int, float], float] = {}
    for p in psutil.process_iter():
        try:
            t = p.cpu_times()
            last[(p.pid, p.create_time())] = t.user + t.system
        except (psutil.Error, OSError):
            continue
    kinds: dict[tuple[int, float], str] = {}
    used: collections.Counter = collections.Counter()
    seen: collections.Counter = collections.Counter()
    machine0, t0 = psutil.cpu_times(), time.perf_counter()
    child = subprocess.Popen(argv)
    while True:
        done = child.poll() is not None
        for p in psutil.process_iter():
            try:
                key = (p.pid, p.create_time())
                t = p.cpu_times()
            except (psutil.Error, OSError):
                continue
            if key not in kinds:
                kinds[key] = role(p)
                seen[kinds[key]] += key not in last
            now = t.user + t.system
            used[kinds[key]] += max(0.0, now - last.get(key, 0.0))
            last[key] = now
        if done:
            break
        time.sleep(1.0)
    machine1, wall = psutil.cpu_times(), time.perf_counter() - t0
    print(f"command exit {child.returncode}; wall {wall:.1f} s")
    spent = {k: getattr(machine1, k) - getattr(machine0, k) for k in ("user", "system", "idle")}
    print("machine: " + ", ".join(f"{k} {v:.1f} s" for k, v in spent.items()))
    for kind, sec in used.most_common():
        if sec >= 0.5:
            print(f"{sec:8.1f} s  {kind}  (started during the run: {seen[kind]})")


if __name__ == "__main__":
    main()
