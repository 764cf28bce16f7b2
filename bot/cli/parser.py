"""The top-level parser: the options every command shares, and each command group's subcommands."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bot import __version__
from bot.cli import knowledge, serve, storage, talk
from bot.semantic.memory import return_big_blocks_promptly

DISTRIBUTION = "ketamine-faq-bot"  # the name in pyproject.toml; the version comes from bot.__version__ alone


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The CLI; ``prog`` is how the user invoked it (default: the script's name, e.g. ``ketamine-bot``)."""
    parser = argparse.ArgumentParser(prog=prog, description=(
        "Ketamine-therapy FAQ bot with crisis escalation. General information, not medical advice."))
    parser.add_argument("--version", action="version", version=f"{DISTRIBUTION} {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--knowledge", metavar="DIR",
                        help="knowledge folder (default: $KNOWLEDGE_DIR, else ./knowledge)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (serve, talk, knowledge, storage):  # the order `--help` lists them in
        group.register(commands, common)
    return parser


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    """Run one command; ``python -m bot`` passes ``prog``, the ``ketamine-bot`` script does not need to."""
    args = build_parser(prog).parse_args(argv)
    return_big_blocks_promptly()  # before anything big is allocated: see bot.semantic.memory
    return args.handler(args)
