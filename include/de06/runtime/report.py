"""Human-readable lines for ``up`` and ``status`` (pure functions over the dicts stack returns)."""

from __future__ import annotations

from de06.runtime.stack import ADMIN_PASSWORD, ADMIN_USER


def up_lines(stack: str, url: str, seconds: float) -> list[str]:
    return [
        f"{stack} is up in {seconds:.0f} s",
        f"  UI     {url}",
        f"  login  {ADMIN_USER} / {ADMIN_PASSWORD}",
        "  DAGs   new DAGs start paused: unpause a DAG in the UI (its toggle) to let it run",
        f"  stop   de06 {stack} down   (or make stop)",
    ]


def status_lines(st: dict) -> list[str]:
    comps = st["components"]
    if not any(c["alive"] for c in comps.values()):
        return [f"{st['stack']}: not running"]
    lines = [f"{st['stack']}: {st.get('url', '')}"]
    health = st.get("health") or {}
    for name, c in comps.items():
        state = "running" if c["alive"] else "DEAD"
        key = name.replace("-", "_")
        h = (health.get(key) or {}).get("status")
        extra = f"  health={h}" if h else ""
        if name.startswith("worker") and "workers_answering" in st:
            answers = any(w.startswith(name + "@") for w in st["workers_answering"])
            extra = "  ping=ok" if answers else "  ping=NO ANSWER"
        lines.append(f"  {name:<14} pid {c['pid']:<8} {state}{extra}")
    if "broker_ok" in st:
        lines.append(f"  broker         {st['broker_url']}  {'ok' if st['broker_ok'] else 'NOT REACHABLE'}")
    if health.get("metadatabase"):
        lines.append(f"  metadatabase   {health['metadatabase'].get('status')}")
    return lines
