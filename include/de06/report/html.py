"""HTML of the Friday progress report: one self-contained page next to its PNG charts.

Only aggregates and province names are shown; no personal data exists in its inputs.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from de06.domain import provinces
from de06.report.vocabulary import PV06_VI, STATUS_VI

CSS = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;font-size:.9em}
th{background:#f3f3f3}.bad{color:#c62828;font-weight:bold}.ok{color:#2e7d32;font-weight:bold}
.na{color:#777;font-style:italic}img{max-width:100%;border:1px solid #eee;margin:.5em 0}
"""


def _fmt(x: Any, pct: bool = False) -> str:
    if x is None:
        return "–"
    if pct:
        return f"{100 * x:.2f}%"
    if isinstance(x, float):
        return f"{x:,.2f}"
    if isinstance(x, int):
        return f"{x:,}"
    return escape(str(x))


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _img(name: str | None, alt: str) -> str:
    return (
        f'<img src="{escape(name)}" alt="{escape(alt)}">'
        if name
        else f'<p class="na">{escape(alt)}: no data yet</p>'
    )


def _na(section: dict[str, Any]) -> str:
    return f'<p class="na">not available: {escape(section.get("reason", "no data"))}</p>'


def render(
    out_dir: Path,
    *,
    report_date: str,
    source: str,
    rollout: dict[str, Any],
    records: list[dict[str, Any]],
    figures: dict[str, Any],
    charts: dict[str, str | None],
    quality: dict[str, Any] | None,
) -> Path:
    parts: list[str] = [
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
        f"<title>Friday report {escape(report_date)}</title><style>{CSS}</style></head><body>",
        f"<h1>Project 06 — weekly progress report, {escape(report_date)}</h1>",
        f"<p>Province status table: <code>{escape(source)}</code>. "
        + (
            "<span class='ok'>clean</span>"
            if rollout["clean"]
            else f"<span class='bad'>{rollout['problems']} problem(s) found</span>"
        )
        + f" — {rollout['provinces_found']} of {rollout['provinces_expected']} provinces, "
        f"{len(rollout['corrections'])} corrections applied.</p>",
    ]
    # ---- rollout
    parts.append("<h2>1. Province rollout (from the Working Group's letter)</h2>")
    keys = list(rollout["status_counts"]) + list(rollout["pv06_counts"])
    counted = {
        **rollout["status_counts"],
        **rollout["pv06_counts"],
        **rollout.get("security_counts", {}),
        "provinces": rollout["provinces_found"],
    }
    labels = {
        **STATUS_VI,
        **PV06_VI,
        "provinces": "Tỉnh, thành phố",
        "source_code_security": "ANTT mã nguồn",
        "system_security": "ANTT hệ thống",
    }
    rows = []
    for k in ["provinces", *keys, "source_code_security", "system_security"]:
        stated = rollout["stated_totals"].get(k)
        mark = "" if stated is None or stated == counted.get(k) else " class='bad'"
        rows.append([escape(labels.get(k, k)), _fmt(counted.get(k)), f"<span{mark}>{_fmt(stated)}</span>"])
    parts.append(_table(["", "counted from rows", "stated in summary"], rows))
    for title, key in (
        ("Missing provinces", "missing"),
        ("Listed more than once", "duplicates"),
        ("Names matching no province", "unknown"),
    ):
        if rollout[key]:
            parts.append(f"<p><b>{title}:</b> <span class='bad'>{escape(', '.join(rollout[key]))}</span></p>")
    if rollout["conflicts"]:
        parts.append(
            "<p><b>Conflicting duplicate rows:</b> "
            + escape(
                "; ".join(
                    f"{c['province']} (lines {c['rows']}: {', '.join(c['fields'])})"
                    for c in rollout["conflicts"]
                )
            )
            + "</p>"
        )
    if rollout["invalid"]:
        parts.append(
            _table(
                ["line", "column", "problem", "value"],
                [
                    [v["row"], v["column"], escape(v["problem"]), escape(v["value"])]
                    for v in rollout["invalid"]
                ],
            )
        )
    parts.append(_img(charts.get("status"), "Status per province"))
    parts.append(_img(charts.get("pv06"), "Deployment status and PV06 progress"))
    if quality:
        if quality.get("available", True) and quality.get("scores"):
            sc = quality["scores"]
            parts.append(
                "<p>GX suite <code>province_status</code>: "
                + ", ".join(f"{escape(k)} {_fmt(v)}" for k, v in sc.items())
                + (
                    " — <span class='ok'>passed</span>"
                    if quality.get("passed")
                    else " — <span class='bad'>threshold breached</span>"
                )
                + "</p>"
            )
        elif quality.get("reason"):
            parts.append(f"<p class='na'>GX suite province_status: {escape(quality['reason'])}</p>")
    # ---- pipelines
    parts.append("<h2>2. Pipelines against the state targets</h2>")
    j, m, h = figures["judicial"], figures["military"], figures["health"]
    kpis = []
    if j.get("available"):
        kpis.append(
            [
                "Judicial records cleaned against the population DB (linked)",
                _fmt(j["cleaned"]),
                _fmt(j["target"]),
                _fmt(j["target_share"], pct=True),
                "before 10 Oct 2024",
            ]
        )
    else:
        kpis.append(
            [
                "Judicial records cleaned",
                "<span class='na'>n/a</span>",
                _fmt(1_200_000),
                "–",
                escape(j["reason"]),
            ]
        )
    if m.get("available"):
        kpis.append(
            [
                "Military-court convictions synced into the judicial-records DB",
                _fmt(m["synced"]),
                _fmt(m["source_convictions"]),
                _fmt(m["coverage"], pct=True),
                "before 31 Dec 2024",
            ]
        )
    else:
        kpis.append(
            ["Military-court sync coverage", "<span class='na'>n/a</span>", "all", "–", escape(m["reason"])]
        )
    if h.get("available"):
        kpis.append(
            [
                "Health-book entries on VNeID (uses)",
                _fmt(h["entries"]),
                _fmt(h["uses_target_2025"]),
                _fmt(h["uses_target_share"], pct=True),
                "2025",
            ]
        )
        push = h.get("push", {})
        if push.get("available"):
            kpis.append(
                [
                    "Health facilities pushing to VNeID",
                    _fmt(push["facilities_connected"]),
                    _fmt(push["facilities"]),
                    _fmt(push["facility_share"], pct=True),
                    "100% in 2025",
                ]
            )
            api = push.get("api") or {}
            if api.get("state") in ("reachable", "unreachable"):  # "unknown": no run has pushed yet
                down = api["state"] == "unreachable"
                kpis.append(
                    [
                        "VNeID API (as the push runs saw it)",
                        f"<span class='{'bad' if down else 'ok'}'>{api['state']}</span>",
                        "reachable",
                        "–",
                        f"since {escape(api['outage_since'])}, {api['unreachable_runs']} run(s) failed;"
                        " nothing lost: the entries wait to be pushed"
                        if down
                        else f"last answered run {escape(api['last_answer_run_finished_at'])}",
                    ]
                )
            lat = push["latency"]
            kpis.append(
                [
                    "Push latency inbox→VNeID p50 / p95 / p99 (s)",
                    f"{_fmt(lat['p50'])} / {_fmt(lat['p95'])} / {_fmt(lat['p99'])}",
                    "near real time",
                    "–",
                    f"{lat['n']} entries",
                ]
            )
    else:
        kpis.append(
            ["Health-book volume", "<span class='na'>n/a</span>", _fmt(40_000_000), "–", escape(h["reason"])]
        )
    parts.append(_table(["KPI (national)", "now", "target", "share", "deadline / note"], kpis))
    if j.get("available"):
        parts.append(
            _table(
                ["linked", "review", "unmatched", "rejected", "processed", "records"],
                [
                    [
                        _fmt(j["outcomes"]["linked"]),
                        _fmt(j["outcomes"]["review"]),
                        _fmt(j["outcomes"]["unmatched"]),
                        _fmt(j["outcomes"]["rejected"]),
                        _fmt(j["processed"]),
                        _fmt(j["records"]),
                    ]
                ],
            )
        )
    parts.append(_img(charts.get("outcomes"), "Judicial-record outcomes per province"))
    parts.append(_img(charts.get("latency"), "Health-book push latency distribution"))
    parts.append(_img(charts.get("health"), "Health-book entries per province"))
    # ---- quality
    parts.append("<h2>3. Data quality over time</h2>")
    parts.append(
        _img(charts.get("scores"), "Scores over time") if charts.get("scores") else _na(figures["quality"])
    )
    # ---- per province
    parts.append("<h2>4. Per province (63 units, codes valid until 30 Jun 2025)</h2>")
    by_code = {r["province_code"]: r for r in records}
    jp = j.get("by_province", {}) if j.get("available") else {}
    mp = m.get("by_province", {}) if m.get("available") else {}
    hp = h.get("by_province", {}) if h.get("available") else {}
    prow = []
    for p in provinces.PROVINCES:
        r = by_code.get(p.code)
        prow.append(
            [
                p.code,
                escape(p.name),
                escape(STATUS_VI.get(r["status"], "–"))
                if r and r["status"]
                else "<span class='bad'>missing</span>",
                escape(PV06_VI.get(r["pv06"], "–")) if r and r["pv06"] else "–",
                _fmt(r["batch_no"]) if r else "–",
                _fmt(jp.get(p.code, {}).get("linked")),
                _fmt(mp.get(p.code, {}).get("synced")),
                _fmt(hp.get(p.code, {}).get("entries")),
            ]
        )
    parts.append(
        _table(
            [
                "code",
                "province",
                "deployment",
                "PV06",
                "batch",
                "records linked",
                "military synced",
                "health entries",
            ],
            prow,
        )
    )
    if rollout["corrections"]:
        parts.append("<h2>5. Corrections applied to the table</h2>")
        parts.append(
            _table(
                ["line", "column", "kind", "before", "after"],
                [
                    [
                        c["row"],
                        escape(c["column"]),
                        escape(c["kind"]),
                        escape(c["before"]),
                        escape(c["after"]),
                    ]
                    for c in rollout["corrections"]
                ],
            )
        )
    parts.append("</body></html>")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
