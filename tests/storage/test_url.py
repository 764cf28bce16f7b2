"""DATABASE_URL: every accepted form, Heroku's sslmode translated for asyncpg, and one-line refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.storage.url import DEFAULT_SQLITE_PATH, DatabaseUrlError, parse_database_url
from tests.support.postgres import PASSWORD, PostgresServer


def test_unset_means_the_embedded_sqlite_file_under_data() -> None:
    for value in (None, "", "  "):
        target = parse_database_url(value)
        assert target.backend == "sqlite" and target.sqlite_path == DEFAULT_SQLITE_PATH
        assert target.url.drivername == "sqlite+aiosqlite"


@pytest.mark.parametrize(("value", "path"), [("sqlite:///state/bot.db", "state/bot.db"),
                                             ("sqlite:////var/lib/bot/bot.db", "/var/lib/bot/bot.db"),
                                             ("sqlite+aiosqlite:///x.db", "x.db")])
def test_sqlite_urls_pick_the_file(value: str, path: str) -> None:
    target = parse_database_url(value)
    assert str(target.sqlite_path) == path and target.url.drivername == "sqlite+aiosqlite"


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+asyncpg"])
def test_heroku_style_postgres_urls_use_asyncpg_and_translate_sslmode(scheme: str) -> None:
    target = parse_database_url(f"{scheme}://u:p%40ss@db.example.com:5433/app?sslmode=require")
    assert target.url.drivername == "postgresql+asyncpg"
    assert dict(target.url.query) == {}  # asyncpg's connect() would refuse sslmode=
    assert target.connect_args["ssl"] == "require"
    assert (target.url.host, target.url.port, target.url.database, target.password) == (
        "db.example.com", 5433, "app", "p@ss")
    assert "p@ss" not in target.describe() and "p%40ss" not in target.describe()


@pytest.mark.parametrize(("value", "message"), [
    ("garbage", "DATABASE_URL is malformed"),
    ("mysql://u:p@h/db", "unsupported scheme 'mysql'"),
    ("postgres://u:topsecret@h:notaport/db", "DATABASE_URL is malformed"),
    ("postgres:///db", "must name a host"),
    ("postgres://u:topsecret@h/db?sslmode=sometimes", "sslmode must be one of"),
    ("postgres://u:topsecret@h/db?sslrootcert=x", "only sslmode is understood"),
    ("sqlite://", "must name a file"),
    ("sqlite:///:memory:", "must name a file"),
])
def test_malformed_urls_are_refused_in_one_line_without_the_password(value: str, message: str) -> None:
    with pytest.raises(DatabaseUrlError) as caught:
        parse_database_url(value)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value) and "topsecret" not in str(caught.value)


@pytest.mark.parametrize(("mode", "encrypted"), [("require", True), ("disable", False), ("prefer", True)])
async def test_sslmode_reaches_a_real_postgres(postgres: PostgresServer, mode: str, encrypted: bool) -> None:
    """The real server has TLS on: sslmode=require really encrypts; disable really does not."""
    target = parse_database_url(postgres.url(query=f"?sslmode={mode}"))
    assert target.password == PASSWORD
    engine = create_async_engine(target.url, connect_args=target.connect_args)
    try:
        async with engine.connect() as connection:
            ssl = await connection.scalar(text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
    finally:
        await engine.dispose()
    assert ssl is encrypted
