"""Every de06 command answers --help."""

from __future__ import annotations

import click
import pytest
from de06.cli.main import cli

pytestmark = pytest.mark.unit


def _walk(cmd: click.Command, path: list[str], ctx: click.Context):
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            assert sub is not None, f"{' '.join(path + [name])} is listed but does not load"
            yield from _walk(sub, path + [name], ctx)


def test_every_command_has_help():
    from click.testing import CliRunner

    runner = CliRunner()
    ctx = click.Context(cli)
    seen = 0
    for path, cmd in _walk(cli, [], ctx):
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output
        assert cmd.help or cmd.short_help, f"de06 {' '.join(path)} has no help text"
        seen += 1
    assert seen >= 6
