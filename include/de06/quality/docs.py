"""Data Docs: GX's own static site, built from the masked results in a GX file context.

The file context lives in ``<gx_dir>/gx`` (:func:`de06.quality.paths.gx_dir`); the site in
``<gx_dir>/gx/uncommitted/data_docs/local_site/index.html``. Results reach GX's store only after
masking, so the site never holds a raw personal value. A file lock serialises concurrent writers
(parallel mapped tasks).
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
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
    """No tqdm bars on stderr from GX's metric calculations."""
    from great_expectations.data_context.types.base import ProgressBarsConfig

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
