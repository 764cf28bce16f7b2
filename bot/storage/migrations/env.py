"""Alembic's environment: migrations run on the connection ``bot.storage.migrate`` hands over.

That runner holds PostgreSQL's advisory lock on the same connection, so only one instance
migrates at a time; this file therefore never opens a connection of its own.
"""

from alembic import context

from bot.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `python -m bot db upgrade` (bot.storage.migrate), not the alembic CLI")

context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")  # SQLite alters tables by copying them
with context.begin_transaction():
    context.run_migrations()
