"""Storage: what the bot keeps between restarts, in SQLite (the default) or PostgreSQL.

SQLAlchemy 2 (async) models, the repositories that read and write them, the ``DATABASE_URL``
parser and the Alembic migrations runner (``migrations/`` ships inside the package).

It is I/O, so it sits above the pure core: it may import nothing of the bot but its own
modules, and the core (``bot.decision`` and below) never imports it. ``bot.runtime`` decides
*what* may be stored and *when*; the shells and the CLI wire it in. Privacy rules live in the
schema: no message text but the redacted unanswered inbox, no chat or user id (chats are keyed
by a keyed hash computed in ``bot.runtime``), and nothing that links a row to a chat.
"""
