"""Command line: ``python -m bot run | chat | ask | validate | export | import | db | review``.

``ask --json`` is the stable interface evaluation scripts and operators rely on: one
JSON object per input line, in order, with exactly the keys of ``Decision.as_json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from bot.console import operators
from bot.console.explain import explain
from bot.console.terminal import run_chat
from bot.decision import ChatContext, Responder
from bot.knowledge.loader import KnowledgeError, load_knowledge
from bot.knowledge.location import HINT, knowledge_dir
from bot.knowledge.model import Knowledge
from bot.knowledge.spreadsheet import FORMATS, export_entries, import_sheet
from bot.runtime.report import category_counts, knowledge_warnings
from bot.runtime.store import summarize
from bot.semantic.encoder import ModelError


def load_or_exit(directory: Path) -> Knowledge:
    """Load knowledge, or print every problem as ``path:line: message`` and exit 1."""
    try:
        return load_knowledge(directory)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        if not directory.is_dir():
            print(f"hint: {HINT}", file=sys.stderr)
        print(f"knowledge in {directory} was refused: {len(exc.problems)} problem(s)", file=sys.stderr)
        raise SystemExit(1) from None


def responder_or_exit(directory: Path) -> Responder:
    """Load knowledge and build its Responder (the classifier needs the model file), or exit 1 saying why."""
    knowledge = load_or_exit(directory)
    try:
        return Responder(knowledge)
    except ModelError as exc:  # one line: the file, and how to rebuild it
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


def _messages(texts: Sequence[str]) -> Iterable[str]:
    """Arguments when given, else one message per stdin line (blank lines are messages too)."""
    if texts:
        yield from texts
        return
    for line in sys.stdin:
        yield line.rstrip("\r\n")


def command_ask(args: argparse.Namespace) -> int:
    responder = responder_or_exit(knowledge_dir(args.knowledge))
    context = ChatContext(region=args.region)
    for text in _messages(args.text):
        if args.explain:
            print(explain(responder, text, context), flush=True)
            continue
        decision = responder.decide(text, context)
        if args.json:
            print(json.dumps(decision.as_json(), ensure_ascii=False), flush=True)
        else:
            label = decision.id or ",".join(decision.options) or "-"
            print(f"{decision.kind}\t{label}\t{decision.score:.1f}", flush=True)
    return 0


def command_chat(args: argparse.Namespace) -> int:
    return run_chat(responder_or_exit(knowledge_dir(args.knowledge)), region=args.region)


def command_validate(args: argparse.Namespace) -> int:
    directory = knowledge_dir(args.directory or args.knowledge)
    responder = responder_or_exit(directory)
    warnings = knowledge_warnings(responder)
    counts = ", ".join(f"{category} {count}" for category, count in sorted(category_counts(responder).items()))
    for warning in warnings:
        print(warning)
    print(f"entries per category: {counts}")
    verdict = f"{directory}: {summarize(responder)} (version {responder.knowledge.version}), {len(warnings)} warning(s)"
    if warnings and args.strict:  # the last line and the exit status say the same thing
        print(f"failed: {verdict}; --strict counts warnings as failures", file=sys.stderr)
        return 1
    print(f"ok: {verdict}")
    return 0


def command_export(args: argparse.Namespace) -> int:
    knowledge = load_or_exit(knowledge_dir(args.knowledge))
    exported = export_entries(knowledge, args.format)
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
    report = import_sheet(Path(args.file), knowledge_dir(args.knowledge), dry_run=args.dry_run)
    for line in report.lines() if report.ok or args.dry_run else ():
        print(line)
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


def command_run(args: argparse.Namespace) -> int:
    from bot.telegram.settings import ConfigError, configure_logging, load_settings  # Telegram only for `run`

    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings)
    directory = knowledge_dir(args.knowledge)
    responder = responder_or_exit(directory)

    from bot.runtime.store import ResponderStore
    from bot.telegram.lifecycle import run

    return run(settings, ResponderStore(directory, responder))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=(
        "Ketamine-therapy FAQ bot with crisis escalation. General information, not medical advice."))
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--knowledge", metavar="DIR",
                        help="knowledge folder (default: $KNOWLEDGE_DIR, else ./knowledge)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", parents=[common], help="run the Telegram bot (token from TELEGRAM_BOT_TOKEN)")
    run.set_defaults(handler=command_run)

    chat = commands.add_parser("chat", parents=[common], help="talk to the bot in this terminal; no token needed")
    chat.add_argument("--region", help="hotline region code (US, UK, IE, CA, AU, INTL)")
    chat.set_defaults(handler=command_chat)

    ask = commands.add_parser("ask", parents=[common],
                              help="print the decision for each message (arguments, else stdin lines)")
    ask.add_argument("text", nargs="*", help="messages; when none, one per stdin line")
    output = ask.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="one JSON object per message: kind, id, options, "
                                                             "score, reply")
    output.add_argument("--explain", action="store_true", help="show normalised text, top entries and what "
                                                                "matched")
    ask.add_argument("--region", help="hotline region code for crisis replies")
    ask.set_defaults(handler=command_ask)

    validate = commands.add_parser("validate", parents=[common],
                                   help="check a knowledge folder; exit 1 listing every problem")
    validate.add_argument("directory", nargs="?", help="folder to check (default: the knowledge folder)")
    validate.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    validate.set_defaults(handler=command_validate)

    export = commands.add_parser("export", parents=[common],
                                 help="print all FAQ entries for a spreadsheet (CSV, JSON or XLSX)")
    export.add_argument("--format", choices=FORMATS, default="csv",
                        help="csv: lists joined by ' | '; json: an array of entries; xlsx: an Excel workbook "
                             "(needs --output or a redirect) (default: %(default)s)")
    export.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")
    export.set_defaults(handler=command_export)

    imports = commands.add_parser("import", parents=[common],
                                  help="update entries by id and add new ones from an edited export (CSV or XLSX), "
                                       "all or nothing, after checking the whole knowledge folder")
    imports.add_argument("file", help="a .csv (comma or semicolon separated, UTF-8) or .xlsx file with the "
                                      "export's columns; phrasings, related and keywords separated by |")
    imports.add_argument("--dry-run", action="store_true",
                         help="show what would change, per entry and field, and write nothing")
    imports.set_defaults(handler=command_import)
    operators.add_commands(commands, common, responder_or_exit)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)
