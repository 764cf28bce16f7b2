"""Schema migrations with Alembic, at start and by ``python -m bot db upgrade``.

N instances starting together would otherwise race to create the same tables. On PostgreSQL
each takes a session advisory lock first, on the connection that then runs the migrations:
the first migrates, the others wait, then find the schema at head and do nothing. (A lock held
by a crashed instance goes with its connection.) SQLite serves one instance, which needs no lock.

The migration scripts are found next to this module, so an installed (non-editable) package
migrates too: ``pyproject.toml`` ships them as package data.

Alembic is imported only when a migration is due: once imported it stays resident (some 10 MB of
the running bot), and almost every start finds the schema at head already. Whether it is, is read
from Alembic's own version table with one query.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SHIPPED_HEAD = "0001"  # the newest revision in migrations/versions; a test holds it to Alembic's reading
VERSION_TABLE = "alembic_version"  # Alembic's default, which env.py keeps
# pg_advisory_lock takes a 64-bit key; this one is "ketbotdb" in ASCII, unlikely to collide.
LOCK_KEY = int.from_bytes(b"ketbotdb", "big") & 0x7FFF_FFFF_FFFF_FFFF


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration without an ini file: the scripts' folder, and the connection to use."""
    from alembic.config import Config  # imported here: see the module docstring

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision shipped with this code, as Alembic reads the scripts."""
    from alembic.script import ScriptDirectory  # imported here: see the module docstring

    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


async def upgrade(engine: AsyncEngine, revision: str = "head") -> str:
    """Bring the schema to ``revision`` under the advisory lock (PostgreSQL); return the revision reached.

    A database already at the shipped head is left as it is, without loading Alembic.
    """
    if revision == "head" and await current(engine) == SHIPPED_HEAD:
        return SHIPPED_HEAD
    async with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            await connection.commit()
        try:
            await connection.run_sync(_upgrade, revision)
            await connection.commit()
            return await connection.run_sync(_current) or ""
        finally:
            if postgres and not connection.closed and not connection.invalidated:
                await connection.rollback()
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
                await connection.commit()


async def current(engine: AsyncEngine) -> str | None:
    """The revision the database is at, ``None`` for a database never migrated."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


def _upgrade(connection: Connection, revision: str) -> None:
    from alembic import command  # imported here: see the module docstring

    command.upgrade(alembic_config(connection), revision)


def _current(connection: Connection) -> str | None:
    """The one row of Alembic's version table (the history is linear), None before the first migration."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
