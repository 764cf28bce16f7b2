"""Ketamine-therapy FAQ bot with crisis escalation.

Layers, each importing only the ones below it (checked by the import contracts in
``pyproject.toml``)::

    shells    cli, console, telegram      talk to people and operators
    runtime   live knowledge, hot reload, operator reports, chat state
    decision  the one decision for a message (Responder)
    matching  FAQ and small-talk ranking
    knowledge YAML source, validating loader, immutable model, spreadsheets
    crisis    crisis detection rules and detector
    language  normalisation and terms, shared by matching and crisis

The core (everything but the shells) never imports python-telegram-bot.
"""

import os

# Before numpy is first imported: its OpenBLAS starts one thread per core at import, and each keeps its own
# buffer (19 MB resident on a two-core machine) although the bot limits BLAS to one thread anyway
# (``bot.semantic.embedder.default_embedder``: every matmul here is small). An operator's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
