"""The database connection: engine, sessions, and opening it (checked and migrated) at start.

Opening tells two kinds of failure apart, because the bot reacts differently:

* :class:`DatabaseUnusable`: the SQLite file is damaged, is not a database, or cannot be
  opened. That will not fix itself; the bot runs on memory state and says so.
* anything else (a PostgreSQL that is down, refuses, times out): transient; the bot runs on
  memory and keeps trying in the background (``bot.runtime.writebehind``).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from bot.storage.migrate import upgrade
from bot.storage.url import DatabaseTarget

log = logging.getLogger("bot.storage")

POOL_SIZE = 5  # connections per instance; replies never wait on them, so a few are plenty
POOL_TIMEOUT = 2.0  # seconds to wait for a free connection before the operation counts as failed


class DatabaseUnusable(Exception):
    """The SQLite file cannot serve as the bot's database; ``str()`` is one line for the operator."""


class Database:
    """One engine per process; sessions from :attr:`sessions`."""

    def __init__(self, target: DatabaseTarget) -> None:
        self.target = target
        self.engine = create_async_engine(target.url, connect_args=target.connect_args, pool_size=POOL_SIZE,
                                          max_overflow=POOL_SIZE, pool_timeout=POOL_TIMEOUT, pool_recycle=1800)
        if target.backend == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def open(self) -> str:
        """Check the database and migrate it to head; the revision reached.

        Raises :class:`DatabaseUnusable` for a SQLite file that cannot serve; any other exception
        means the database is unreachable for now.
        """
        path = self.target.sqlite_path
        if path is None:
            return await upgrade(self.engine)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            async with self.engine.connect() as connection:
                problems = [row[0] for row in await connection.execute(text("PRAGMA quick_check"))]
            if problems != ["ok"]:
                raise DatabaseUnusable(f"the SQLite file {path} is damaged ({problems[0]}); move it away to start "
                                       "a new one")
            return await upgrade(self.engine)
        except DBAPIError as exc:
            reason = str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__
            if "not a database" in reason or "malformed" in reason:
                raise DatabaseUnusable(f"the SQLite file {path} is not a usable database ({reason}); move it away "
                                       "to start a new one") from None
            raise DatabaseUnusable(f"the SQLite file {path} cannot be opened ({reason})") from None
        except OSError as exc:
            raise DatabaseUnusable(f"the SQLite file {path} cannot be opened ({exc.strerror or exc})") from None

    async def close(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL lets the review read while the bot writes; NORMAL sync is durable enough with WAL."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
