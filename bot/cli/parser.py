"""The top-level parser: the options every command shares, and each command group's subcommands."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bot.cli import knowledge, serve, talk


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=(
        "Ketamine-therapy FAQ bot with crisis escalation. General information, not medical advice."))
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--knowledge", metavar="DIR",
                        help="knowledge folder (default: $KNOWLEDGE_DIR, else ./knowledge)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (serve, talk, knowledge):  # the order `--help` lists them in
        group.register(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)
