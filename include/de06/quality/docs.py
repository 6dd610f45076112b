"""Data Docs: GX's own static site, built from the masked results in a GX file context.

The file context lives in ``<gx_dir>/gx`` (:func:`de06.quality.paths.gx_dir`); the site in
``<gx_dir>/gx/uncommitted/data_docs/local_site/index.html``. Results reach GX's store only after
masking, so the site never holds a raw personal value. A file lock serialises concurrent writers
(parallel mapped tasks).
"""

from __future__ import annotations

import fcntl
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from de06.quality import paths

if TYPE_CHECKING:
    from great_expectations.data_context import FileDataContext

    from de06.quality.suites import SuiteSpec


@contextmanager
def _locked() -> Iterator[None]:
    lock = paths.gx_dir() / ".docs.lock"
    with open(lock, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def quiet(context: Any) -> None:
    """No tqdm bars on stderr from GX's metric calculations, no INFO chatter."""
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)


def file_context() -> FileDataContext:
    import great_expectations as gx

    context = gx.get_context(mode="file", project_root_dir=str(paths.gx_dir()))
    quiet(context)
    return context


def publish(
    spec: SuiteSpec, result: dict[str, Any], *, run_name: str, batch_name: str, when: datetime
) -> Path:
    """Store a masked result in GX's store and render its Data Docs page; returns the page path."""
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResult
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    from de06.quality.suites import to_gx_suite

    with _locked():
        context = file_context()
        context.suites.add_or_update(to_gx_suite(spec))
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=spec.name),
            run_id=RunIdentifier(run_name=paths.safe_name(run_name), run_time=when),
            batch_identifier=paths.safe_name(batch_name),
        )
        context.validation_results_store.set(key, ExpectationSuiteValidationResult(**result))
        context.build_data_docs(resource_identifiers=[key])
        urls = context.get_docs_sites_urls(resource_identifier=key)
    url = urls[0]["site_url"] if urls else ""
    return Path(url.removeprefix("file://")) if url else paths.docs_dir() / "index.html"


def rebuild() -> Path:
    """Rebuild the whole site from the stored (masked) results; returns ``index.html``."""
    with _locked():
        context = file_context()
        context.build_data_docs()
    return paths.docs_dir() / "index.html"


_REMOTE_TAG = re.compile(
    r"<link[^>]*href=\"https?://[^\"]*\"[^>]*>|<script[^>]*src=\"https?://[^\"]*\"[^>]*>\s*</script>"
    r"|<img[^>]*src=\"https?://[^\"]*\"[^>]*>",
    re.I,
)
OFFLINE_CSS = """<style>
body{font-family:system-ui,sans-serif;margin:0 1.2em;color:#222}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #ddd;padding:.25em .5em;vertical-align:top}
.collapse:not(.show){display:none}ol.breadcrumb{list-style:none;padding:0;display:flex;gap:1em}
img[alt="Great Expectations"]{display:none}.text-danger{color:#b00020}.text-success{color:#17663a}
</style>"""


def offline_html(text: str) -> str:
    """A Data Docs page without third-party requests (air-gapped networks; no page view reaches a
    CDN or GX's tracking image): remote stylesheets, scripts and images removed, a local style added."""
    stripped = _REMOTE_TAG.sub("", text)
    return stripped.replace("</head>", OFFLINE_CSS + "</head>", 1)


def run_dag(run_name: str) -> str:
    """The DAG id of a validation page's run folder (``<dag_id>.<run_id>``, runner.validate_*)."""
    return run_name.split(".", 1)[0]


def offline_index(may_read: Callable[[str], bool] | None = None) -> str:
    """An index of the Data Docs pages that needs no JavaScript (GX's own index fills its table
    with a CDN-hosted script, so it is empty on an air-gapped network). ``may_read(dag_id)``:
    only the runs of the DAGs the viewer may read are listed."""
    import html

    root = paths.docs_dir()
    pages = sorted(root.glob("validations/*/*/*/*.html"), key=lambda p: p.parts[-2], reverse=True)
    rows = []
    for p in pages:
        suite, run, when, batch = p.relative_to(root).parts[1:5]
        if may_read is not None and not may_read(run_dag(run)):
            continue
        rows.append(
            f"<tr><td>{html.escape(suite)}</td><td>{html.escape(run)}</td><td>{html.escape(when)}</td>"
            f'<td><a href="{html.escape(p.relative_to(root).as_posix())}">{html.escape(batch[:-5])}</a></td>'
            "</tr>"
        )
    suites = "".join(
        f'<li><a href="expectations/{html.escape(p.name)}">{html.escape(p.stem)}</a></li>'
        for p in sorted(root.glob("expectations/*.html"))
    )
    table = "".join(rows) or '<tr><td colspan="4">No validation result yet.</td></tr>'
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Data Docs</title>'
        + OFFLINE_CSS
        + "</head><body><h1>Data Docs</h1><h2>Validation results (newest first)</h2>"
        "<table><tr><th>Suite</th><th>DAG.run</th><th>Validated (UTC)</th><th>Task</th></tr>"
        + table
        + f"</table><h2>Expectation suites</h2><ul>{suites}</ul></body></html>"
    )
