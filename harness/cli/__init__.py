"""Stage 6: ``bench``, the composition root. One module per command group, each registering on ``group.cli``:

- ``group`` (the group, consoles, error handling, shared options, ``bench modes``);
- ``measure`` (``run``, ``compare``), ``reports`` (``report`` and how a comparison is published), ``gate``,
  ``history`` (runs by commit, the trend page);
- ``library_commands`` (``generate``, ``record``), ``serve``, ``profile_commands`` (``stats``), ``calibrate``.

Each is imported when its command is used (``group.COMMAND_MODULES``), not when ``bench`` starts.
"""

from __future__ import annotations

from autotag.cli import run_cli
from harness.cli.group import cli

__all__ = ["cli", "main"]


def main() -> None:
    """The ``bench`` console script."""
    run_cli(cli, "bench")
