"""Operators' commands on stored data: ``db upgrade``, ``review`` and ``learn`` (``python -m bot ...``).

They read ``DATABASE_URL`` as the bot does (unset: ``data/bot.db``), need no Telegram token, and
say what is wrong in one line: a malformed URL, a database that cannot be reached or a damaged file.
``learn`` writes the knowledge through the one shared writer (``bot.knowledge.writer``: comments
kept, the folder validated and its crisis checks run in a scratch copy, files swapped atomically), so
the running bot's hot reload picks the new phrasing up.

SQLAlchemy and Alembic (about 40 MB resident) are imported by these commands when they run, not
with the module: every command loads the whole CLI, and ``ask`` or ``validate`` never open a database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import TYPE_CHECKING

from bot.cli.common import checked_writes, print_write_warnings, responder_or_exit
from bot.knowledge.location import knowledge_dir
from bot.knowledge.writer import add_phrasing
from bot.runtime.checks import verify_folder

if TYPE_CHECKING:
    from bot.storage.database import Database

DEFAULT_REVIEW_DAYS = 30


def database_or_exit() -> Database:
    from bot.storage.database import Database  # see the module docstring
    from bot.storage.url import DatabaseUrlError, parse_database_url

    try:
        return Database(parse_database_url(os.environ.get("DATABASE_URL")))
    except DatabaseUrlError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


async def _opened(database: Database) -> str:
    """Open (and migrate) the database, or exit 1 with one line saying why."""
    from bot.storage.database import DatabaseUnusable  # see the module docstring

    try:
        return await database.open()
    except DatabaseUnusable as exc:
        message = str(exc)
    except Exception as exc:  # unreachable, refused, timed out: the driver's first line, never the URL
        message = f"{database.target.describe()} cannot be reached ({type(exc).__name__}: {_first_line(exc)})"
    await database.close()
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(1)


def command_db(args: argparse.Namespace) -> int:
    database = database_or_exit()

    async def upgrade() -> str:
        try:
            return await _opened(database)
        finally:
            await database.close()

    revision = asyncio.run(upgrade())
    print(f"ok: {database.target.describe()} is at schema revision {revision}")
    return 0


def command_review(args: argparse.Namespace) -> int:
    from bot.console.review import render  # see the module docstring
    from bot.runtime.review import gather

    database = database_or_exit()
    responder = responder_or_exit(knowledge_dir(args.knowledge))

    async def read() -> dict[str, object] | str:
        await _opened(database)
        try:
            review = await gather(database, responder, args.days)
        finally:
            await database.close()
        return review.as_json() if args.json else render(review)

    result = asyncio.run(read())
    print(json.dumps(result, ensure_ascii=False) if args.json else result)
    return 0


def command_learn(args: argparse.Namespace) -> int:
    """Add a reviewed question to an entry's phrasings, then drop it from the inbox (best effort)."""
    from bot.storage.repositories import remove_unanswered  # see the module docstring

    database = database_or_exit()
    with checked_writes():
        result = add_phrasing(knowledge_dir(args.knowledge), args.entry_id, args.question, verify=verify_folder)
    print_write_warnings(result.warnings)
    if not result.ok:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        print(f"nothing was written: {len(result.problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"added the phrasing to '{args.entry_id}' in {', '.join(map(str, result.written))}; a running bot "
          "picks it up with its next hot reload")

    async def forget_question() -> int:
        try:
            await database.open()
            async with database.sessions() as session, session.begin():
                return await remove_unanswered(session, {" ".join(args.question.split()): None})
        finally:
            await database.close()

    try:
        removed = asyncio.run(forget_question())
    except Exception as exc:  # the knowledge is already written; the inbox row ages out anyway
        print(f"note: the inbox could not be updated ({type(exc).__name__}); the question ages out with its "
              "retention", file=sys.stderr)
        return 0
    print(f"removed {removed} matching question(s) from the unanswered inbox")
    return 0


def _days(text: str) -> int:
    """``--days``: 1 to 365, said in one line (``choices=range(...)`` printed all 365 values)."""
    if not text.strip().isdecimal() or not 1 <= int(text) <= 365:
        raise argparse.ArgumentTypeError(f"must be a whole number of days from 1 to 365, not {text!r}")
    return int(text)


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    db = commands.add_parser("db", help="database schema: `db upgrade` applies the migrations (DATABASE_URL)")
    db.add_argument("action", choices=["upgrade"], help="upgrade: bring the schema to this version's head")
    db.set_defaults(handler=command_db)

    review = commands.add_parser("review", parents=[common], help="unanswered questions grouped, answers rated "
                                                                   "down, the decision mix (DATABASE_URL)")
    review.add_argument("--json", action="store_true", help="one JSON object: unanswered, feedback, decisions")
    review.add_argument("--days", type=_days, default=DEFAULT_REVIEW_DAYS, metavar="N",
                        help=f"how many days of the inbox to read (default {DEFAULT_REVIEW_DAYS})")
    review.set_defaults(handler=command_review)

    learn = commands.add_parser("learn", parents=[common], help="add a reviewed question to an entry's phrasings "
                                                                 "and drop it from the unanswered inbox")
    learn.add_argument("entry_id", help="the FAQ entry the question belongs to (review's 'suggested')")
    learn.add_argument("question", help="the question as review shows it")
    learn.set_defaults(handler=command_learn)


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:200]
