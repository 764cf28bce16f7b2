"""Writes that never hold a reply back: changes are collected in memory and written in the background.

Handlers only *record* (a region chosen, a footer set, a vote, an unanswered question, counts);
the flusher writes what has collected, in one transaction, as soon as it is woken and at least
every :data:`FLUSH_SECONDS`. While the database is unreachable (or not opened yet) nothing is
lost: changes keep collecting (bounded), one warning is logged for the outage, every failed
attempt is counted for ``/stats``, attempts back off up to a minute, and everything collected is
written once the database answers again (a database never opened is opened and migrated then).

Counters are not recorded one by one: the flusher compares the shell's running counters with
what it last wrote and writes the difference, so handlers keep counting in plain memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import text

from bot.storage.database import Database, DatabaseUnusable
from bot.storage.repositories import Batch, ChatChange, Question, Vote, count_totals, purge, write

log = logging.getLogger("bot.storage")

FLUSH_SECONDS = 1.0  # counters reach the database at least this often
PURGE_SECONDS = 3600.0  # expired footers and old inbox rows are removed this often
FIRST_RETRY, MAX_RETRY = 0.5, 60.0  # back-off between attempts while the database is down
MAX_PENDING_ROWS = 10_000  # votes or questions kept while the database is down; the oldest go first
CHAT_IDLE_DAYS = 365  # a chat row untouched this long is removed


def utcnow() -> dtm.datetime:
    """Naive UTC, as the tables store it."""
    return dtm.datetime.now(dtm.UTC).replace(tzinfo=None)


@dataclass
class Health:
    """What ``/stats`` and a health check report about the database."""

    backend: str  # "sqlite", "postgresql" or "memory"
    where: str
    state: str  # "ok", "down", "starting" or "memory"
    pending: int = 0
    failures: int = 0  # failed or timed-out database operations since start
    outages: int = 0
    dropped: int = 0  # rows given up because too much collected during an outage


class WriteBehind:
    """The changes not yet written, the flusher task, and whether the database is answering."""

    def __init__(self, database: Database | None, counters: Callable[[], Mapping[str, int]],
                 retention_days: int, clock: Callable[[], dtm.datetime] = utcnow) -> None:
        self.database = database
        self._counters = counters
        self.retention_days = retention_days
        self._clock = clock
        self._pending = Batch()
        self._writing = Batch()  # the batch in flight, still overlaid on reads until committed
        self.commits = 0  # writes committed so far: a read that spans one cannot tell which side it saw
        self._written: dict[str, int] = {}  # counter values already written
        self._wake = asyncio.Event()
        self._settled = asyncio.Event()  # the first attempt to open the database has ended, either way
        self._one_writer = asyncio.Lock()  # the flusher and an explicit flush() never write the same batch twice
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._stop = asyncio.Event()
        self.opened = False
        self.unusable: str | None = None  # why the database is off for this run, if it is
        self.down_since: float | None = None
        self.health = Health(database.target.backend if database else "memory",
                             database.target.describe() if database else "no database", "starting")
        if database is None:
            self.health.state = "memory"

    @property
    def available(self) -> bool:
        """Whether reads should try the database (opened and answering)."""
        return self.opened and self.down_since is None

    # --- recording ---------------------------------------------------------------------------------

    @property
    def recording(self) -> bool:
        """Whether changes are worth keeping: there is a database this run may still write to."""
        return self.database is not None and self.unusable is None

    def chat(self, key: str, change: ChatChange) -> None:
        if not self.recording:
            return
        self._pending.chats.setdefault(key, ChatChange()).merge(change)
        self._wake.set()

    def vote(self, vote: Vote) -> None:
        if not self.recording:
            return
        self._bounded(self._pending.votes, vote)
        self._wake.set()

    def question(self, question: Question) -> None:
        if not self.recording:
            return
        self._bounded(self._pending.questions, question)
        self._wake.set()

    def overlay(self, key: str) -> ChatChange | None:
        """Changes to a chat not yet committed (in flight, then pending), to lay over a database read."""
        changes = [b.chats[key] for b in (self._writing, self._pending) if key in b.chats]
        if not changes:
            return None
        merged = ChatChange()
        for change in changes:
            merged.merge(change)
        return merged

    async def totals(self) -> Counter[str]:
        """All-time counters: what the database holds plus the increments not committed yet.

        Read under the writer's lock, so an increment is neither missed nor counted twice while a
        write commits.
        """
        assert self.database is not None
        async with self._one_writer:
            async with self.database.sessions() as session:
                stored = await count_totals(session)
            return self._unwritten_counts(stored)

    def _unwritten_counts(self, stored: Mapping[str, int]) -> Counter[str]:
        """``stored`` counters plus the increments not committed yet."""
        totals = Counter(stored)
        for (_, name), increment in [*self._writing.counts.items(), *self._pending.counts.items()]:
            totals[name] += increment
        for name, value in self._counters().items():
            totals[name] += value - self._written.get(name, 0)
        return totals

    def _bounded(self, rows: list, row: Vote | Question) -> None:
        rows.append(row)
        if len(rows) > MAX_PENDING_ROWS:
            del rows[0]
            self.health.dropped += 1

    # --- the flusher ---------------------------------------------------------------------------------

    async def start(self, wait: float) -> None:
        """Start the flusher; wait up to ``wait`` seconds for the database to open (it keeps trying after)."""
        if self.database is None or self._task is not None:
            return
        self._task = asyncio.get_running_loop().create_task(self._run(), name="database writer")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._settled.wait(), wait)
        if not self._settled.is_set():
            self.failed(f"not open after {wait:.0f} s")

    async def stop(self, timeout: float) -> bool:
        """Stop the flusher and write what has collected, waiting at most ``timeout`` seconds.

        The flusher is asked to finish its round rather than cancelled: a commit cancelled while the
        driver completes it (aiosqlite commits in a thread) would be written twice by the last flush.
        """
        if self._task is not None:
            self._stopping = True
            self._stop.set()
            self._wake.set()
            done, _ = await asyncio.wait({self._task}, timeout=timeout)
            if not done:  # stuck on a database that does not answer
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None
        flushed = await self.flush(timeout) if self.opened else not self._pending
        if self.database is not None:
            await self.database.close()
        return flushed

    async def flush(self, timeout: float) -> bool:
        """Write what has collected now; ``False`` if that failed or took longer than ``timeout``.

        A write that takes too long is left to finish (not cancelled mid-commit, which could write it twice).
        """
        if not self.opened:
            return False
        writing = asyncio.ensure_future(self._write_once())
        try:
            await asyncio.wait_for(asyncio.shield(writing), timeout)
        except TimeoutError:
            self.failed("a write timed out")
            writing.add_done_callback(lambda task: task.cancelled() or task.exception())  # retrieved, not logged
            return False
        except Exception as exc:
            self.failed(type(exc).__name__)
            return False
        return True

    async def _run(self) -> None:
        delay = FIRST_RETRY
        last_purge = float("-inf")
        while not self._stopping:
            try:
                if not self.opened:
                    await self._open()
                if time.monotonic() - last_purge >= PURGE_SECONDS:
                    await self._purge()
                    last_purge = time.monotonic()
                await self._write_once()
                delay = FIRST_RETRY
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), FLUSH_SECONDS)
            except asyncio.CancelledError:
                raise
            except DatabaseUnusable as exc:
                self.off(str(exc))
                return
            except Exception as exc:
                self.failed(type(exc).__name__)
                with contextlib.suppress(TimeoutError):  # a stop cuts the back-off short; new changes do not
                    await asyncio.wait_for(self._stop.wait(), delay)
                delay = min(delay * 2, MAX_RETRY)

    async def _open(self) -> None:
        assert self.database is not None
        revision = await self.database.open()
        self.opened = True
        self._settled.set()
        self.back()
        log.info("database ready: %s, schema revision %s", self.health.where, revision)

    async def _write_once(self) -> None:
        async with self._one_writer:
            await self._write_locked()

    async def _write_locked(self) -> None:
        self._wake.clear()
        assert self.database is not None
        if self._writing:  # a write that failed or was interrupted: its changes go first
            self._writing.chats.update({k: v for k, v in self._pending.chats.items()
                                        if k not in self._writing.chats})
            for key in [k for k in self._pending.chats if k in self._writing.chats]:
                self._writing.chats[key].merge(self._pending.chats.pop(key))
            self._pending.chats.clear()
            self._writing.votes += self._pending.votes
            self._writing.questions += self._pending.questions
            for name, value in self._pending.counts.items():
                self._writing.counts[name] = self._writing.counts.get(name, 0) + value
            self._pending = Batch()
        else:
            self._writing, self._pending = self._pending, Batch()
        current = dict(self._counters())
        today = self._clock().date()
        for name, value in current.items():
            increment = value - self._written.get(name, 0)
            if increment:
                self._writing.counts[(today, name)] = self._writing.counts.get((today, name), 0) + increment
        self._written = current
        if self._writing:
            async with self.database.sessions() as session, session.begin():
                await write(session, self._writing, today)
            self.commits += 1
        elif self.down_since is not None:  # nothing to write: ask the database whether it is back
            async with self.database.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        self._writing = Batch()
        self.back()

    async def _purge(self) -> None:
        assert self.database is not None
        async with self.database.sessions() as session, session.begin():
            removed = await purge(session, self._clock(), self.retention_days, CHAT_IDLE_DAYS)
        if removed:
            log.info("purged %d expired row(s) (footers, inbox past retention, idle chats)", removed)

    # --- health ----------------------------------------------------------------------------------------

    async def ping(self) -> bool:
        if self.database is None or not self.opened or self.unusable is not None:
            return False
        async with self.database.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True

    def failed(self, reason: str) -> None:
        """A database operation failed or timed out: count it; log one warning per outage."""
        self.health.failures += 1
        self._settled.set()
        if self.down_since is None and self.database is not None and self.unusable is None:
            self.down_since = time.monotonic()
            self.health.outages += 1
            self.health.state = "down"
            log.warning("database unavailable (%s): answering from memory; changes are kept and written when "
                        "it is back", reason)

    def back(self) -> None:
        if self.down_since is not None:
            log.info("database back after %.0f s: writing the changes kept meanwhile",
                     time.monotonic() - self.down_since)
        self.down_since = None
        self.health.state = "ok"

    def off(self, reason: str) -> None:
        """The database cannot serve this run (e.g. a damaged SQLite file): memory state only."""
        self.unusable = reason
        self._pending = Batch()
        self._settled.set()
        self.health.state = "memory"
        log.error("%s. Starting on memory state: regions, hotline footers, feedback and counts will not survive "
                  "a restart", reason)

    def snapshot(self) -> Health:
        batches = (self._writing, self._pending)
        self.health.pending = sum(len(b.chats) + len(b.votes) + len(b.questions) for b in batches)
        return self.health
