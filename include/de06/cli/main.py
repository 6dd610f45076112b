"""``de06``: one CLI for the project. Sub-commands load lazily so ``--help`` is fast.

Each area owns a module ``de06.cli.<area>`` exposing a click command or group; register it in
``COMMANDS``. A :class:`de06.errors.De06Error` becomes one line on stderr and exit code 1.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import sys

import click

from de06.errors import De06Error

#: command name -> "module:attribute"
COMMANDS: dict[str, str] = {
    "db": "de06.cli.db:db",
    "env": "de06.cli.db:env",
    "simulate": "de06.cli.simulate:simulate",
    "vneid-api": "de06.cli.vneid:vneid_api",
    "health": "de06.cli.health:health",
    "dlq": "de06.cli.health:dlq",
    "cleanse": "de06.cli.cleanse:cleanse",
    "review": "de06.cli.cleanse:review",
    "sync": "de06.cli.sync:sync",
    "quarantine": "de06.cli.sync:quarantine",
    "certificate": "de06.cli.sync:certificate",
    "rollout": "de06.cli.rollout:rollout",
    "quality": "de06.cli.quality:quality",
    "demo": "de06.cli.demo:demo",
    "airflow": "de06.cli.airflow:airflow_cmd",
    "cluster": "de06.cli.cluster:cluster",
    "bench": "de06.cli.bench:bench",
}


class LazyGroup(click.Group):
    """A group whose sub-commands live in other modules, imported only when used.

    ``lazy`` maps a command name to ``"module:attribute"``; a module that does not exist yet
    simply hides its command.
    """

    def __init__(self, *args, lazy: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = lazy if lazy is not None else COMMANDS

    def _exists(self, name: str) -> bool:
        module = self.lazy[name].split(":")[0]
        try:
            return importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            return False

    def list_commands(self, ctx):
        eager = list(super().list_commands(ctx))
        return sorted(set(eager) | {n for n in self.lazy if self._exists(n)})

    def get_command(self, ctx, name):
        cmd = super().get_command(ctx, name)
        if cmd is not None:
            return cmd
        if name not in self.lazy or not self._exists(name):
            return None
        module, attr = self.lazy[name].split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log at INFO level on stderr.")
def cli(verbose: bool) -> None:
    """de06: the Project 06 data flows (judicial records, military courts, health book)."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    try:
        cli.main(args=argv, prog_name="de06", standalone_mode=False)
    except De06Error as exc:
        click.echo(f"de06: error: {exc.line()}", err=True)
        return 1
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("de06: aborted", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("de06: interrupted", err=True)
        return 130
    except OSError as exc:
        if getattr(exc, "errno", None) == 28:
            click.echo("de06: error: the disk is full — fix: free space under .local/ and retry", err=True)
            return 1
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
