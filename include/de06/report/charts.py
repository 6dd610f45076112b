"""PNG charts of the Friday report (matplotlib, Agg backend; imported lazily by the renderer).

Each function writes one PNG and returns its file name, or None when there is nothing to plot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from de06.domain import provinces
from de06.report.vocabulary import PV06_KEYS, STATUS_KEYS

STATUS_COLORS = {
    "completed": "#2e7d32",
    "devtest_done": "#f9a825",
    "devtest_in_progress": "#ef6c00",
    None: "#bdbdbd",
}
PV06_COLORS = {"accessed": "#1565c0", "has_machine": "#64b5f6", "no_machine": "#e53935", None: "#bdbdbd"}
OUTCOME_COLORS = {"linked": "#2e7d32", "review": "#f9a825", "unmatched": "#90a4ae", "rejected": "#c62828"}


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, out_dir: Path, name: str) -> str:
    fig.tight_layout()
    fig.savefig(out_dir / name, dpi=100)
    _plt().close(fig)
    return name


def status_per_province(rows: list[dict[str, Any]], out_dir: Path) -> str | None:
    """One line per province (63, code order): deployment status and PV06 progress as coloured cells."""
    from matplotlib.patches import Patch

    plt = _plt()
    by_code = {r["province_code"]: r for r in rows}
    fig, ax = plt.subplots(figsize=(7, 14))
    names = []
    for i, p in enumerate(provinces.PROVINCES):
        r = by_code.get(p.code, {})
        ax.barh(i, 1, left=0, color=STATUS_COLORS[r.get("status")], edgecolor="white")
        ax.barh(i, 1, left=1, color=PV06_COLORS[r.get("pv06")], edgecolor="white")
        names.append(p.name + ("" if r else " (missing)"))
    ax.set_yticks(range(len(names)), labels=names, fontsize=7)
    ax.invert_yaxis()
    ax.set_xticks([0.5, 1.5], labels=["Deployment", "PV06"])
    ax.set_xlim(0, 2)
    handles = [Patch(color=STATUS_COLORS[k], label=k) for k in STATUS_KEYS]
    handles += [Patch(color=PV06_COLORS[k], label=f"PV06 {k}") for k in PV06_KEYS]
    handles.append(Patch(color="#bdbdbd", label="not reported"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=2, fontsize=7)
    ax.set_title("Status per province (63 provinces, pre-2025 codes)")
    return _save(fig, out_dir, "status_per_province.png")


def rollout_totals(rollout: dict[str, Any], out_dir: Path) -> str:
    """Counted from the rows vs stated in the letter, for deployment status and PV06 progress."""
    plt = _plt()
    keys = [*STATUS_KEYS, *PV06_KEYS]
    counted = [{**rollout["status_counts"], **rollout["pv06_counts"]}[k] for k in keys]
    stated = [rollout["stated_totals"].get(k) for k in keys]
    fig, ax = plt.subplots(figsize=(9, 4))
    xs = range(len(keys))
    ax.bar([x - 0.2 for x in xs], counted, width=0.4, label="counted from rows", color="#1565c0")
    ax.bar(
        [x + 0.2 for x in xs],
        [s if s is not None else 0 for s in stated],
        width=0.4,
        label="stated in summary",
        color="#90caf9",
    )
    for x, (c, s) in enumerate(zip(counted, stated, strict=True)):
        if s is not None and s != c:
            ax.annotate("≠", (x, max(c, s) + 0.5), ha="center", color="#c62828", fontsize=14)
    ax.set_xticks(list(xs), labels=keys, rotation=20, fontsize=8)
    ax.set_ylabel("provinces")
    ax.set_title("Deployment status and PV06 progress: rows vs stated totals")
    ax.legend(fontsize=8)
    return _save(fig, out_dir, "pv06_progress.png")


def outcomes_per_province(judicial: dict[str, Any], out_dir: Path) -> str | None:
    if not judicial.get("available") or not judicial.get("by_province"):
        return None
    plt = _plt()
    codes = list(judicial["by_province"])
    fig, ax = plt.subplots(figsize=(14, 4.5))
    bottom = [0] * len(codes)
    for outcome, color in OUTCOME_COLORS.items():
        vals = [judicial["by_province"][c].get(outcome, 0) for c in codes]
        ax.bar(range(len(codes)), vals, bottom=bottom, color=color, label=outcome)
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    ax.set_xticks(range(len(codes)), labels=codes, rotation=90, fontsize=6)
    ax.set_xlabel("province (3-digit code of the records office)")
    ax.set_ylabel("judicial records")
    ax.set_title("Judicial-record cleansing outcomes per province (latest outcome per record)")
    ax.legend(fontsize=8)
    return _save(fig, out_dir, "outcomes_per_province.png")


def latency_distribution(health: dict[str, Any], out_dir: Path) -> str | None:
    push = health.get("push") or {}
    sample = push.get("latency_sample_s") or []
    if not health.get("available") or not sample:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.hist(sample, bins=40, color="#5c6bc0")
    for key, style in (("p50", "--"), ("p95", "-"), ("p99", ":")):
        v = push["latency"].get(key)
        if v is not None:
            ax.axvline(v, color="#c62828", linestyle=style, label=f"{key} {v:.2f} s")
    ax.set_xlabel("seconds from inbox to VNeID acknowledgement")
    ax.set_ylabel("entries")
    ax.set_title(f"Health-book push latency (last {len(sample)} acknowledged entries)")
    ax.legend(fontsize=8)
    return _save(fig, out_dir, "latency_distribution.png")


def health_per_province(health: dict[str, Any], out_dir: Path) -> str | None:
    if not health.get("available") or not health.get("by_province"):
        return None
    plt = _plt()
    codes = list(health["by_province"])
    fig, ax = plt.subplots(figsize=(14, 4))
    ax.bar(range(len(codes)), [health["by_province"][c]["entries"] for c in codes], color="#00897b")
    ax.set_xticks(range(len(codes)), labels=codes, rotation=90, fontsize=6)
    ax.set_xlabel("province (ID prefix of the book owner)")
    ax.set_ylabel("health-book entries")
    ax.set_title("Health-book entries on VNeID per province")
    return _save(fig, out_dir, "health_per_province.png")


def scores_over_time(quality: dict[str, Any], out_dir: Path) -> str | None:
    series = quality.get("series") if quality.get("available") else None
    if not series:
        return None
    from datetime import datetime

    plt = _plt()
    fig, ax = plt.subplots(figsize=(9, 4))
    for ds, points in sorted(series.items()):
        pts = [(datetime.fromisoformat(p["at"]), p["overall"]) for p in points if p["overall"] is not None]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=ds)
    ax.set_ylim(0, 105)
    ax.set_ylabel("overall score (0-100)")
    ax.set_title("Data-quality scores over time (đúng, đủ, sạch, sống)")
    ax.legend(fontsize=7)
    fig.autofmt_xdate()
    return _save(fig, out_dir, "scores_over_time.png")
