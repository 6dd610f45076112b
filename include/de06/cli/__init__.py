"""The ``de06`` command line."""

from __future__ import annotations

import getpass
import os

import click

from de06.errors import InputError

#: ``--limit`` of the listing commands
LIMIT = click.IntRange(1, 100_000)
#: an id of a database row (bigint): ``review decide ITEM``, ``dlq replay --item``
ROW_ID = click.IntRange(1, 2**63 - 1)


def check_reveal(reveal: bool, reason: str | None) -> None:
    """``--reveal`` needs a ``--reason`` (it is recorded), and ``--reason`` means nothing without it."""
    if reason is not None and not reveal:
        raise InputError(
            "--reason is only for --reveal", "add --reveal, or drop --reason for the masked view"
        )
    if reveal and not (reason or "").strip():
        raise InputError(
            "--reveal needs --reason", 'say why, e.g. --reveal --reason "citizen complaint 2024-117"'
        )


def who() -> str:
    """The person running the command, as recorded with a decision or a reveal (``DE06_USER``
    when set, else the login name)."""
    return os.environ.get("DE06_USER") or getpass.getuser()
