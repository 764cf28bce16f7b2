"""Command line: ``python -m bot`` and ``ketamine-bot`` (run, chat, ask, validate, export, import, db, review, learn).

The top layer: it may import every package below it; nothing imports it but the entry point.
One module per command group, each with its handlers and a ``register`` that adds its
subcommands, so a new group is a new module and one line in ``parser.py``:

    parser.py     the top-level parser and ``main``
    common.py     loading the knowledge, or exiting with every problem (all commands share it)
    talk.py       chat and ask: the decisions, in a terminal or one per line
    knowledge.py  validate, export and import: checking and editing the knowledge folder
    serve.py      run: the Telegram bot
    storage.py    db upgrade, review and learn: the stored data, and taking what it teaches into the knowledge
    environment.py  the variables run reads, for run --help

``ask --json`` is the stable interface evaluation scripts and operators rely on: one
JSON object per input line, in order, with exactly the keys of ``Decision.as_json``.
"""

from bot.cli.parser import build_parser, main

__all__ = ["build_parser", "main"]
