"""``validate``, ``export`` and ``import``: checking the knowledge folder and editing it from spreadsheets."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import load_or_exit, responder_or_exit
from bot.knowledge.location import knowledge_dir
from bot.knowledge.spreadsheet import export_entries, import_csv
from bot.runtime.report import category_counts, knowledge_warnings
from bot.runtime.store import summarize


def _validate_folder(args: argparse.Namespace) -> Path:
    """The folder to check: ``--knowledge DIR`` as for every command; ``validate DIR`` still works, with a note."""
    if args.directory is None:
        return knowledge_dir(args.knowledge)
    if args.knowledge is not None and Path(args.knowledge) != Path(args.directory):
        print(f"error: two folders given ({args.directory} and --knowledge {args.knowledge}); "
              "give one, as --knowledge DIR", file=sys.stderr)
        raise SystemExit(2)
    print(f"note: 'validate DIR' is the old form; use 'validate --knowledge {args.directory}'", file=sys.stderr)
    return Path(args.directory)


def command_validate(args: argparse.Namespace) -> int:
    directory = _validate_folder(args)
    responder = responder_or_exit(directory)
    warnings = knowledge_warnings(responder)
    counts = ", ".join(f"{category} {count}" for category, count in sorted(category_counts(responder).items()))
    for warning in warnings:
        print(warning)
    print(f"entries per category: {counts}")
    print(f"ok: {directory}: {summarize(responder)} (version {responder.knowledge.version}), "
          f"{len(warnings)} warning(s)")
    if warnings and args.strict:
        print(f"--strict: {len(warnings)} warning(s) count as failures", file=sys.stderr)
        return 1
    return 0


def command_export(args: argparse.Namespace) -> int:
    knowledge = load_or_exit(knowledge_dir(args.knowledge))
    sys.stdout.write(export_entries(knowledge, args.format))
    return 0


def command_import(args: argparse.Namespace) -> int:
    written, problems = import_csv(Path(args.csv), knowledge_dir(args.knowledge),
                                   Path(args.output) if args.output else None)
    for problem in problems:
        print(problem, file=sys.stderr)
    if written is None:
        print(f"nothing was written: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"wrote {written}; check it with: python -m bot validate")
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    validate = commands.add_parser("validate", parents=[common],
                                   help="check a knowledge folder; exit 1 listing every problem")
    validate.add_argument("directory", nargs="?", help=argparse.SUPPRESS)  # the old form, see _validate_folder
    validate.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    validate.set_defaults(handler=command_validate)

    export = commands.add_parser("export", parents=[common], help="print all FAQ entries as CSV or JSON")
    export.add_argument("--format", choices=("csv", "json"), default="csv",
                        help="csv for spreadsheets, json for scripts (default: %(default)s)")
    export.set_defaults(handler=command_export)

    imports = commands.add_parser("import", parents=[common],
                                  help="turn a CSV (id, question, phrasings, answer, related, category) into a "
                                       "new faq/*.yaml file, after checking it with the existing knowledge")
    imports.add_argument("csv", help="CSV file; phrasings and related are separated by |")
    imports.add_argument("--output", help="YAML file to create (default: faq/<csv name>.yaml); never overwritten")
    imports.set_defaults(handler=command_import)
