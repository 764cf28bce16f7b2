"""Migrations: applied at start and by `db upgrade`, idempotent, and safe when N instances start together."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from bot.storage.database import Database, DatabaseUnusable
from bot.storage.migrate import SHIPPED_HEAD, current, head
from bot.storage.models import Base
from bot.storage.url import parse_database_url
from tests.support.postgres import PostgresServer

ROOT = Path(__file__).resolve().parents[2]
TABLES = {"chat_state", "feedback", "unanswered", "daily_count", "alembic_version"}


async def tables_and_versions(database: Database) -> tuple[set[str], list[str]]:
    async with database.engine.connect() as connection:
        names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        versions = list((await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars())
    return names, versions


async def assert_at_head(url: str) -> None:
    """The database at ``url`` has every table, at the newest revision."""
    database = Database(parse_database_url(url))
    try:
        names, versions = await tables_and_versions(database)
        assert names == TABLES and versions == [head()]
    finally:
        await database.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.db'}"
    return request.getfixturevalue("pg_url")


async def test_open_migrates_to_head_and_the_models_match_the_migrations(url: str) -> None:
    database = Database(parse_database_url(url))
    try:
        assert await current(database.engine) is None
        assert await database.open() == head() != ""
        assert await database.open() == head()  # a second start finds nothing to do
        names, versions = await tables_and_versions(database)
        assert names == TABLES and versions == [head()]
        async with database.engine.connect() as connection:  # every model column exists with its type's affinity
            for table in Base.metadata.sorted_tables:
                columns = await connection.run_sync(lambda sync, t=table.name: inspect(sync).get_columns(t))
                assert {c["name"] for c in columns} == set(table.columns.keys())
    finally:
        await database.close()


async def test_concurrent_upgrades_in_one_process_do_not_race(pg_url: str) -> None:
    databases = [Database(parse_database_url(pg_url)) for _ in range(6)]
    try:
        revisions = await asyncio.gather(*(d.open() for d in databases))
        assert revisions == [head()] * 6
        names, versions = await tables_and_versions(databases[0])
        assert names == TABLES and versions == [head()]
    finally:
        await asyncio.gather(*(d.close() for d in databases))


def test_the_shipped_head_is_the_newest_migration() -> None:
    """A new migration must move SHIPPED_HEAD too: a database at the old head would be taken as current."""
    assert head() == SHIPPED_HEAD


_OPEN_AND_REPORT = """
import asyncio, sys
from bot.storage.database import Database
from bot.storage.url import parse_database_url

async def main():
    database = Database(parse_database_url(sys.argv[1]))
    try:
        print(await database.open(), "alembic" in sys.modules)
    finally:
        await database.close()

asyncio.run(main())
"""


def test_alembic_is_loaded_only_when_a_migration_is_due(url: str) -> None:
    """Alembic stays resident once imported (about 10 MB): a start that finds the schema at head never loads it."""
    def start() -> str:
        done = subprocess.run([sys.executable, "-c", _OPEN_AND_REPORT, url], cwd=ROOT, capture_output=True,
                              text=True, timeout=120, check=True)
        return done.stdout.strip()

    assert start() == f"{head()} True"  # a new database: migrated, with Alembic
    assert start() == f"{head()} False"  # at head: nothing to do, nothing loaded
    asyncio.run(assert_at_head(url))


def test_n_instances_starting_together_migrate_once(pg_url: str) -> None:
    """Four `python -m bot db upgrade` processes at the same moment on a fresh database: all succeed."""
    env = {**os.environ, "DATABASE_URL": pg_url}
    processes = [subprocess.Popen([sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    for code, out, err in results:
        assert code == 0, err
        assert out.strip() == f"ok: {parse_database_url(pg_url).describe()} is at schema revision {head()}"
    asyncio.run(assert_at_head(pg_url))


async def test_the_advisory_lock_makes_a_second_instance_wait(postgres: PostgresServer, pg_url: str) -> None:
    """While one instance holds the migration lock, another's upgrade waits instead of racing it."""
    from bot.storage.migrate import LOCK_KEY

    holder = Database(parse_database_url(pg_url))
    waiter = Database(parse_database_url(pg_url))
    try:
        async with holder.engine.connect() as connection:
            await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            upgrading = asyncio.ensure_future(waiter.open())
            await asyncio.sleep(0.5)
            assert not upgrading.done()
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            assert await asyncio.wait_for(upgrading, 30) == head()
    finally:
        await holder.close()
        await waiter.close()


@pytest.mark.parametrize("content", [b"this is not a database at all" * 100, b""])
async def test_a_damaged_sqlite_file_is_named(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bot.db"
    database = Database(parse_database_url(f"sqlite:///{tmp_path / 'ok.db'}"))
    await database.open()
    await database.close()
    good = (tmp_path / "ok.db").read_bytes()
    path.write_bytes(content or good[: len(good) // 2] + b"\x00garbage" * 512)  # garbage, or cut in half
    database = Database(parse_database_url(f"sqlite:///{path}"))
    try:
        with pytest.raises(DatabaseUnusable) as caught:
            await database.open()
    finally:
        await database.close()
    assert str(path) in str(caught.value) and "move it away" in str(caught.value)
