"""``DATABASE_URL`` read into what SQLAlchemy's async drivers need, or one line saying what is wrong.

Accepted forms:

* unset or empty: a SQLite file ``data/bot.db`` under the working directory (the embedded default);
* ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db`` (driver: aiosqlite);
* ``postgres://`` or ``postgresql://`` (what Heroku's add-on sets), also ``postgresql+asyncpg://``
  (driver: asyncpg).

libpq's ``?sslmode=require``, which Heroku appends, is not a keyword asyncpg's ``connect()``
takes: SQLAlchemy passes URL query parameters through as keywords and the connection would fail
with a ``TypeError``. It is translated to asyncpg's own ``ssl=<mode>`` (the same six modes, the
same meaning: ``require`` encrypts without verifying the certificate, as libpq does). Other
query parameters are refused at start rather than failing on the first connection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_SQLITE_PATH = Path("data") / "bot.db"
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
CONNECT_TIMEOUT = 5.0  # seconds to open a connection: a database that is down must not hold start-up long
COMMAND_TIMEOUT = 10.0  # seconds a PostgreSQL statement may take before asyncpg gives up on it
FORMS = "postgres://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:///path/to/file.db"


class DatabaseUrlError(ValueError):
    """``DATABASE_URL`` cannot be used; ``str()`` is one line for the operator, never the password."""


@dataclass(frozen=True)
class DatabaseTarget:
    """Where the data lives: the async SQLAlchemy URL and the driver's connection arguments."""

    url: URL = field(repr=False)
    connect_args: dict[str, Any] = field(default_factory=dict)

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.url.get_backend_name()

    @property
    def sqlite_path(self) -> Path | None:
        return Path(self.url.database or "") if self.backend == "sqlite" else None

    @property
    def password(self) -> str | None:
        """For log redaction only."""
        return self.url.password if isinstance(self.url.password, str) else None

    def describe(self) -> str:
        """Where, for logs and messages: the file, or host/port/database; never user or password."""
        if self.sqlite_path is not None:
            return f"SQLite file {self.sqlite_path}"
        return f"PostgreSQL at {self.url.host}:{self.url.port or 5432}/{self.url.database or ''}"


def parse_database_url(value: str | None) -> DatabaseTarget:
    """The target for ``value`` (see the module docstring); :class:`DatabaseUrlError` if unusable."""
    value = (value or "").strip()
    if not value:
        return DatabaseTarget(URL.create("sqlite+aiosqlite", database=str(DEFAULT_SQLITE_PATH)))
    try:
        url = make_url(value)
    except (ArgumentError, ValueError) as exc:  # ValueError: e.g. a port that is not a number
        raise DatabaseUrlError(f"DATABASE_URL is malformed ({_reason(exc)}): expected {FORMS}") from None
    scheme = url.drivername
    if scheme in ("sqlite", "sqlite+aiosqlite"):
        return _sqlite(url)
    if scheme in ("postgres", "postgresql", "postgresql+asyncpg"):
        return _postgres(url)
    raise DatabaseUrlError(f"DATABASE_URL has an unsupported scheme {scheme.split('+')[0]!r}: expected {FORMS}")


def _sqlite(url: URL) -> DatabaseTarget:
    if not url.database or url.database == ":memory:" or url.host:
        raise DatabaseUrlError("DATABASE_URL for SQLite must name a file, e.g. sqlite:///data/bot.db "
                               "(relative) or sqlite:////var/lib/bot/bot.db (absolute)")
    if url.query:
        raise DatabaseUrlError(f"DATABASE_URL for SQLite takes no parameters (got {', '.join(sorted(url.query))})")
    return DatabaseTarget(url.set(drivername="sqlite+aiosqlite"), {"timeout": CONNECT_TIMEOUT})


def _postgres(url: URL) -> DatabaseTarget:
    if not url.host:
        raise DatabaseUrlError(f"DATABASE_URL for PostgreSQL must name a host: expected {FORMS}")
    query = dict(url.query)
    mode = query.pop("sslmode", None)
    if query:
        raise DatabaseUrlError(f"DATABASE_URL has parameters the bot does not use ({', '.join(sorted(query))}); "
                               "only sslmode is understood")
    connect_args: dict[str, Any] = {"timeout": CONNECT_TIMEOUT, "command_timeout": COMMAND_TIMEOUT}
    if mode is not None:
        if mode not in SSL_MODES:
            raise DatabaseUrlError(f"DATABASE_URL sslmode must be one of {', '.join(SSL_MODES)}")
        connect_args["ssl"] = mode  # asyncpg's ssl= takes libpq's mode names
    return DatabaseTarget(url.set(drivername="postgresql+asyncpg", query={}), connect_args)


def _reason(exc: Exception) -> str:
    """The parser's complaint without the URL itself (which may hold the password)."""
    text = str(exc)
    return "not a URL" if "://" in text or not text else text.split(":")[0]
