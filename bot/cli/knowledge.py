"""``validate``, ``export`` and ``import``: checking the knowledge folder and editing it from spreadsheets."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import built_or_exit, checked_writes, load_or_exit, print_write_warnings, responder_or_exit
from bot.knowledge.location import knowledge_dir
from bot.knowledge.sheets import XLSX_SUFFIXES
from bot.knowledge.spreadsheet import FORMATS, export_entries, import_sheet
from bot.knowledge.training import crisis_training
from bot.runtime.checks import run_checks, verify_folder
from bot.runtime.report import Warning_, category_counts, knowledge_warnings
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
    with built_or_exit(directory):
        checks = run_checks(responder)
    if checks.refused:  # refused, as a running bot refuses the edit
        for problem in checks.refused:
            print(problem, file=sys.stderr)
        print(f"knowledge in {directory} was refused: {checks.refusal()}", file=sys.stderr)
        return 1
    warnings = [*knowledge_warnings(responder), *(Warning_(p.where, p.message) for p in checks.alarmed)]
    counts = ", ".join(f"{category} {count}" for category, count in sorted(category_counts(responder).items()))
    for warning in warnings:
        print(warning)
    print(f"entries per category: {counts}")
    if other := responder.knowledge.crisis_examples.other_languages:
        training = crisis_training(responder.knowledge)
        learned = len(training.glossed_crisis) + len(training.glossed_calm)
        print(f"crisis examples in other languages: {learned} of {len(other)} learned through their gloss "
              "(the rest have too few words in knowledge/glossary/ to be read)")
    verdict = f"{directory}: {summarize(responder)} (version {responder.knowledge.version}), {len(warnings)} warning(s)"
    if warnings and args.strict:  # the last line and the exit status say the same thing
        print(f"failed: {verdict}; --strict counts warnings as failures", file=sys.stderr)
        return 1
    print(f"ok: {verdict}")
    return 0


def _export_format(args: argparse.Namespace) -> str:
    """``--format``, else the output file's suffix (``--output faqs.xlsx`` wrote CSV into a file Excel refused),
    else CSV; a format that contradicts the suffix is refused rather than written under the wrong name."""
    suffix = Path(args.output).suffix.lower() if args.output else ""
    named = "xlsx" if suffix in XLSX_SUFFIXES else suffix[1:] if suffix[1:] in FORMATS else None
    if args.format and named and args.format != named:
        print(f"error: --format {args.format} does not fit {args.output}; name the file .{args.format}, or leave "
              "--format out to write what the name says", file=sys.stderr)
        raise SystemExit(2)
    return args.format or named or "csv"


def command_export(args: argparse.Namespace) -> int:
    export_format = _export_format(args)
    knowledge = load_or_exit(knowledge_dir(args.knowledge))
    exported = export_entries(knowledge, export_format)
    if args.output:
        target = Path(args.output)
        if isinstance(exported, bytes):
            target.write_bytes(exported)
        else:
            target.write_text(exported, encoding="utf-8", newline="")
        print(f"wrote {len(knowledge.entries)} entries to {target}", file=sys.stderr)
    elif isinstance(exported, bytes):
        if sys.stdout.isatty():
            print("error: xlsx is a binary file: add --output FILE.xlsx (or redirect to a file)", file=sys.stderr)
            return 2
        sys.stdout.buffer.write(exported)
    else:
        sys.stdout.write(exported)
    return 0


def command_import(args: argparse.Namespace) -> int:
    with checked_writes():
        report = import_sheet(Path(args.file), knowledge_dir(args.knowledge), dry_run=args.dry_run,
                              verify=verify_folder, remove_phrasings=args.remove_phrasings)
    for line in report.lines() if report.ok or args.dry_run else ():
        print(line)
    print_write_warnings(report.result.warnings if report.result else ())
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if not report.ok:
        print(f"nothing was written: {len(report.problems)} problem(s)", file=sys.stderr)
        return 1
    changes = report.result.changes if report.result else ()
    written = ", ".join(str(path) for path in report.result.written) if report.result else ""
    entries = len({change.entry_id for change in changes})
    if args.dry_run:
        print(f"dry run: {entries} entries would change; nothing was written")
    elif entries:
        print(f"imported: {entries} entries changed in {written}; the running bot picks the edit up by itself")
    else:
        print("no changes: the knowledge already matches the sheet")
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    validate = commands.add_parser("validate", parents=[common],
                                   help="check a knowledge folder; exit 1 listing every problem")
    validate.add_argument("directory", nargs="?", help=argparse.SUPPRESS)  # the old form, see _validate_folder
    validate.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    validate.set_defaults(handler=command_validate)

    export = commands.add_parser("export", parents=[common],
                                 help="print all FAQ entries for a spreadsheet (CSV, JSON or XLSX)")
    export.add_argument("--format", choices=FORMATS,
                        help="csv: lists joined by ' | '; json: an array of entries; xlsx: an Excel workbook "
                             "(needs --output or a redirect) (default: the --output file's suffix, else csv)")
    export.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")
    export.set_defaults(handler=command_export)

    imports = commands.add_parser("import", parents=[common],
                                  help="update entries by id and add new ones from an edited export (CSV or XLSX), "
                                       "all or nothing, after checking the whole knowledge folder and its crisis "
                                       "checks")
    imports.add_argument("file", help="a .csv (comma or semicolon separated, UTF-8) or .xlsx file with the "
                                      "export's columns; phrasings, related and keywords separated by |")
    imports.add_argument("--dry-run", action="store_true",
                         help="show what would change, per entry and field, and write nothing")
    imports.add_argument("--remove-phrasings", action="store_true",
                         help="let the sheet take phrasings out of entries (refused otherwise: a sheet exported "
                              "before a learn or review lacks what was added since)")
    imports.set_defaults(handler=command_import)
