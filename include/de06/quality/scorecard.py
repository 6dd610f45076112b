"""The scorecard: per dataset and run a 0-100 score per dimension and overall, the trend over the
last runs, rendered as static HTML with PNG charts (matplotlib, Agg) in
``.local/reports/scorecard/`` (``index.html``, ``latest.png``, ``trend_<dataset>.png``).

Scores are those of :mod:`de06.quality.scoring` as stored in ``lltp.dq_result``; nothing here
reads the validated data, so the scorecard cannot hold personal data.
"""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from de06.quality import paths, store
from de06.quality.dimensions import DIMENSIONS, LABELS

SCORE_KEYS = (*DIMENSIONS, "overall")
COLORS = {"dung": "#1f77b4", "du": "#2ca02c", "sach": "#9467bd", "song": "#ff7f0e", "overall": "#222222"}


def group_by_dataset(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Rows per dataset, oldest first (the trend's x axis)."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[r["dataset"]].append(r)
    for v in out.values():
        v.sort(key=lambda r: (r["created_at"], r["result_id"]))
    return dict(sorted(out.items()))


def _fmt(v: float | None) -> str:
    return "–" if v is None else f"{v:.1f}"


def _cell(v: float | None, threshold: float | None) -> str:
    if v is None or threshold is None:
        return f'<td class="na">{_fmt(v)}</td>' if v is None else f"<td>{_fmt(v)}</td>"
    cls = "bad" if v < threshold else "ok"
    return f'<td class="{cls}">{_fmt(v)}</td>'


def _plot_trend(dataset: str, rows: list[dict[str, Any]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.6), dpi=100)
    xs = list(range(1, len(rows) + 1))
    for key in SCORE_KEYS:
        ys = [r[f"score_{key}"] for r in rows]
        if all(y is None for y in ys):
            continue
        ax.plot(
            xs,
            [float("nan") if y is None else y for y in ys],
            marker="o",
            label=LABELS[key],
            color=COLORS[key],
            linewidth=2.4 if key == "overall" else 1.4,
        )
    ax.set_ylim(0, 102)
    ax.set_xlabel("validation run (oldest → newest)")
    ax.set_ylabel("score (0-100)")
    ax.set_title(f"{dataset}: scores over the last {len(rows)} run(s)")
    ax.set_xticks(xs)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.25))
    fig.tight_layout()
    fig.savefig(out, format="png")
    plt.close(fig)


def _plot_latest(latest: dict[str, dict[str, Any]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(latest)
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(names)), 4.0), dpi=100)
    width = 0.16
    for i, key in enumerate(SCORE_KEYS):
        ys = [latest[n][f"score_{key}"] or 0.0 for n in names]
        ax.bar(
            [j + (i - 2) * width for j in range(len(names))], ys, width, label=LABELS[key], color=COLORS[key]
        )
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=15, fontsize=8)
    ax.set_ylim(0, 105)
    ax.set_ylabel("score (0-100)")
    ax.set_title("Latest run per dataset")
    ax.legend(fontsize=7, ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.22))
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, format="png")
    plt.close(fig)


def _thresholds(dataset: str) -> dict[str, float]:
    from de06.errors import De06Error
    from de06.quality.suites import load_suite

    try:
        return load_suite(dataset).fail_below
    except De06Error:
        return {}


def docs_link(report_path: str | None) -> str | None:
    """The Data Docs page relative to the scorecard as served by the UI plugin (``../docs/...``)."""
    if not report_path:
        return None
    try:
        rel = Path(report_path).resolve().relative_to(paths.docs_dir().resolve())
    except ValueError:
        return None
    return "../docs/" + rel.as_posix()


def render_html(groups: dict[str, list[dict[str, Any]]], generated: datetime) -> str:
    head = "".join(f"<th>{html.escape(LABELS[k])}</th>" for k in SCORE_KEYS)
    latest_rows = []
    trend_blocks = []
    for dataset, rows in groups.items():
        thr = _thresholds(dataset)
        last = rows[-1]
        status = '<span class="ok">passed</span>' if last["passed"] else '<span class="bad">breached</span>'
        link = docs_link(last["report_path"])
        docs = f'<a href="{html.escape(link)}">Data Docs</a>' if link else ""
        latest_rows.append(
            f"<tr><td><b>{html.escape(dataset)}</b></td>"
            + "".join(_cell(last[f"score_{k}"], thr.get(k)) for k in SCORE_KEYS)
            + f"<td>{status}</td><td>{html.escape(last['dag_id'])}<br><small>{html.escape(last['run_id'])}</small></td>"  # noqa: E501
            + f"<td>{last['row_count']}</td><td>{last['created_at']:%Y-%m-%d %H:%M} UTC</td><td>{docs}</td></tr>"  # noqa: E501
        )
        runs = "".join(
            "<tr>"
            + f"<td>{r['created_at']:%Y-%m-%d %H:%M}</td><td>{html.escape(r['dag_id'])} / {html.escape(r['run_id'])}</td>"  # noqa: E501
            + "".join(_cell(r[f"score_{k}"], thr.get(k)) for k in SCORE_KEYS)
            + f"<td>{'passed' if r['passed'] else 'breached'}</td>"
            + f"<td>{html.escape('; '.join(r['breaches'] or []))}</td></tr>"
            for r in reversed(rows)
        )
        thr_text = ", ".join(f"{LABELS[k]} ≥ {v:.1f}" for k, v in thr.items())
        trend_blocks.append(
            f'<section><h3>{html.escape(dataset)}</h3><p class="thr">Thresholds: {html.escape(thr_text)}</p>'
            f'<img src="trend_{html.escape(paths.safe_name(dataset))}.png" alt="trend of {html.escape(dataset)}">'  # noqa: E501
            f"<table><tr><th>When (UTC)</th><th>DAG / run</th>{head}<th>Result</th><th>Breaches</th></tr>{runs}</table>"  # noqa: E501
            "</section>"
        )
    body = (
        "<p>No validation has run yet. Run a DAG with a quality task or <code>de06 quality validate</code>.</p>"  # noqa: E501
        if not groups
        else (
            '<img src="latest.png" alt="latest scores per dataset">'
            f'<h2>Latest run per dataset</h2><table id="latest"><tr><th>Dataset</th>{head}<th>Result</th>'
            "<th>DAG / run</th><th>Rows</th><th>When</th><th></th></tr>"
            + "".join(latest_rows)
            + "</table><h2>Trend</h2>"
            + "".join(trend_blocks)
        )
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Data-quality scorecard</title><style>
body{{font-family:system-ui,sans-serif;margin:1.5em;color:#222}}
table{{border-collapse:collapse;margin:.5em 0 1.5em}}
th,td{{border:1px solid #ccc;padding:.3em .6em;text-align:right}} th{{background:#f3f3f3}}
td:first-child,td:nth-child(2){{text-align:left}} .ok{{color:#17663a}} .bad{{color:#b00020;font-weight:bold}}
td.bad{{background:#fde7ea}} td.ok{{background:#e8f6ee}} .na{{color:#999}} .thr{{color:#555;font-size:.9em}}
img{{max-width:100%;border:1px solid #eee}}</style></head><body>
<h1>Data-quality scorecard: đúng, đủ, sạch, sống</h1>
<p>Score per dimension = mean observed success ratio of its expectations × 100; overall = mean of the
dimensions. Red = below the suite's threshold. Generated {generated:%Y-%m-%d %H:%M} UTC.</p>
{body}</body></html>"""


def build(per_dataset: int = 20, out_dir: Path | None = None) -> Path:
    """Write the scorecard (HTML + PNGs) and return the path of ``index.html``."""
    import fcntl
    import os

    out = out_dir or paths.scorecard_dir()
    out.mkdir(parents=True, exist_ok=True)
    # one build at a time (the UI rebuilds on a page view, a DAG may build too); every file is
    # written beside its final name and renamed into place, so a reader never gets half a chart
    with open(out / ".build.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        groups = group_by_dataset(store.recent_results(per_dataset))
        tag = f".{os.getpid()}.tmp"

        def place(name: str, write) -> None:
            tmp = out / (name + tag)
            try:
                write(tmp)
                tmp.replace(out / name)
            except BaseException:  # a failed write leaves the previous file and no half-written temp
                tmp.unlink(missing_ok=True)
                raise

        for dataset, rows in groups.items():
            place(f"trend_{paths.safe_name(dataset)}.png", lambda t, d=dataset, r=rows: _plot_trend(d, r, t))
        if groups:
            place("latest.png", lambda t: _plot_latest({d: rows[-1] for d, rows in groups.items()}, t))
        html_text = render_html(groups, datetime.now(UTC))
        place("index.html", lambda t: t.write_text(html_text, encoding="utf-8"))
    return out / "index.html"
