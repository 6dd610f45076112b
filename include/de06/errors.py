"""Errors a person can act on: one line naming the problem and the fix."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class De06Error(Exception):
    """An error with a one-line message and a fix; the CLI prints it without a traceback."""

    def __init__(self, problem: str, fix: str | None = None):
        self.problem = problem
        self.fix = fix
        super().__init__(self.line())

    def line(self) -> str:
        return f"{self.problem} — fix: {self.fix}" if self.fix else self.problem


class ConfigError(De06Error):
    pass


class DatabaseUnavailable(De06Error):
    pass


class InputError(De06Error):
    """Bad input file or value."""


@contextmanager
def fail_without_retry(*kinds: type[De06Error]) -> Iterator[None]:
    """Inside an Airflow task: an :class:`InputError` (bad params or input, which a retry cannot
    fix), or one of ``kinds`` (e.g. a quality breach of data already written), fails the task at
    once with its one line, instead of being retried."""
    try:
        yield
    except (InputError, *kinds) as exc:
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException(exc.line()) from None
