"""Chat state that survives restarts and is shared by instances, without ever holding a reply back.

:class:`StateKeeper` is what the shells use. Memory (:class:`ChatStates`) answers at once; the
database (when there is one) is the shared truth behind it:

* Reading a chat's state waits at most :data:`READ_TIMEOUT` (about 100 ms) for the database, then
  uses what memory has (the chat's cached state, else nothing, i.e. the default region). A read
  that arrives late still refreshes memory for the next message. While the database is down,
  reads do not wait for it at all.
* Changes go to memory first and are written behind (``bot.runtime.writebehind``); a change not
  yet written is laid over what a read returns, so a read never undoes it.
* Rows are keyed by HMAC-SHA256 of the chat id with ``STATE_SECRET``: no chat or user id at rest,
  and without the secret a row cannot be tied to a chat.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import hashlib
import hmac
import logging
from collections.abc import Callable, Mapping

from bot.decision import ChatContext, Decision
from bot.knowledge.model import Knowledge
from bot.runtime.chat_state import ChatStates
from bot.runtime.inbox import question_for
from bot.runtime.writebehind import Health, WriteBehind, utcnow
from bot.storage.database import Database
from bot.storage.repositories import ChatChange, StoredChat, Vote, read_chat

log = logging.getLogger("bot.storage")

READ_TIMEOUT = 0.1  # seconds a reply may wait for the chat's stored state
OPEN_WAIT = 10.0  # seconds start-up waits for the database before answering from memory
STOP_WAIT = 5.0  # seconds the last write may take at shutdown
TOUCH_AFTER_DAYS = 30  # a chat row read after this long is marked as in use, so it does not age out


def chat_key(secret: bytes, chat_id: int) -> str:
    """The keyed hash a chat is stored under (hex HMAC-SHA256)."""
    return hmac.new(secret, f"chat:{chat_id}".encode(), hashlib.sha256).hexdigest()


class StateKeeper:
    """Chat memory in front of the database, plus the feedback, inbox and counters written behind."""

    def __init__(self, states: ChatStates, database: Database | None = None, *, secret: bytes = b"",
                 retention_days: int = 0, counters: Callable[[], Mapping[str, int]] = dict,
                 read_timeout: float = READ_TIMEOUT, clock: Callable[[], dtm.datetime] = utcnow) -> None:
        if database is not None and not secret:
            raise ValueError("a database needs a secret to key chats by")
        self.states = states
        self.retention_days = retention_days
        self.read_timeout = read_timeout
        self._secret = secret
        self._clock = clock
        self.writes = WriteBehind(database, counters, retention_days, clock)
        self._reading: dict[int, asyncio.Task[StoredChat | None]] = {}
        self._changes: dict[int, int] = {}  # per chat, bumped by every local change: a read older than one is stale

    @property
    def inbox_on(self) -> bool:
        return self.retention_days > 0

    async def start(self, wait: float = OPEN_WAIT) -> None:
        await self.writes.start(wait)

    async def stop(self, wait: float = STOP_WAIT) -> None:
        await self.writes.stop(wait)

    def health(self) -> Health:
        return self.writes.snapshot()

    async def reachable(self) -> bool:
        """For ``GET /healthz``: whether the database answers now (one that cannot serve this run never does)."""
        return await self.writes.ping()

    # --- chat state --------------------------------------------------------------------------------

    async def context(self, chat_id: int, language: str | None = None,
                      region_from_language: str | None = None) -> ChatContext:
        """The chat's context, refreshed from the database when it answers within the read timeout."""
        if self.writes.available:
            await self._refresh(chat_id)
        return self.states.context(chat_id, language, region_from_language)

    def choose_region(self, chat_id: int, region: str) -> None:
        self._changed(chat_id)
        self.states.choose_region(chat_id, region)
        self.writes.chat(chat_key(self._secret, chat_id), ChatChange(values={"region": region}))

    def mark_escalated(self, chat_id: int) -> None:
        """Called after the crisis reply went out: the footer's expiry, in memory now, stored behind."""
        self._changed(chat_id)
        self.states.mark_escalated(chat_id)
        until = self.states.footer_until(chat_id)
        stored = dtm.datetime.fromtimestamp(until, dtm.UTC).replace(tzinfo=None) if until else None
        self.writes.chat(chat_key(self._secret, chat_id), ChatChange(values={"footer_until": stored}))

    async def forget(self, chat_id: int, wait: float = 2.0) -> bool:
        """Delete what is kept for the chat: now in memory; in the database within ``wait``, else later.

        ``True`` when the database no longer holds the chat (or there is none).
        """
        self._changed(chat_id)
        self.states.forget(chat_id)
        if not self.writes.recording:
            return True
        self.writes.chat(chat_key(self._secret, chat_id), ChatChange(delete=True))
        return await self.writes.flush(wait)

    def _changed(self, chat_id: int) -> None:
        if self.writes.recording:
            self._changes[chat_id] = self._changes.get(chat_id, 0) + 1

    async def _refresh(self, chat_id: int) -> None:
        task = self._reading.get(chat_id)
        if task is None:  # one read per chat at a time; a second message waits for the same read
            task = asyncio.ensure_future(self._read(chat_id))
            self._reading[chat_id] = task
            task.add_done_callback(lambda _: self._reading.pop(chat_id, None))
        done, _ = await asyncio.wait({task}, timeout=self.read_timeout)
        if not done:
            self.writes.failed(f"a read took over {self.read_timeout * 1000:.0f} ms")

    async def _read(self, chat_id: int) -> StoredChat | None:
        """Read the stored state and lay it, plus changes not yet written, into memory."""
        key = chat_key(self._secret, chat_id)
        started, commits = self._changes.get(chat_id, 0), self.writes.commits
        assert self.writes.database is not None
        try:
            async with self.writes.database.sessions() as session:
                stored = await read_chat(session, key)
        except Exception as exc:
            self.writes.failed(type(exc).__name__)
            return None
        if self._changes.get(chat_id, 0) != started or self.writes.commits != commits:
            return stored  # changed here, or a write committed, meanwhile: memory is at least as new as this read
        change = self.writes.overlay(key)
        region = stored.region if stored else None
        until = stored.footer_until if stored else None
        if change is not None:
            if change.delete:
                region = until = None
            region = change.values.get("region", region)
            until = change.values.get("footer_until", until)
        epoch = until.replace(tzinfo=dtm.UTC).timestamp() if until else None
        self.states.remember(chat_id, region, epoch)
        if stored is not None and stored.updated_on < self._clock().date() - dtm.timedelta(days=TOUCH_AFTER_DAYS):
            self.writes.chat(key, ChatChange(touch=True))
        return stored

    # --- feedback, inbox, counters -----------------------------------------------------------------

    def vote(self, entry_id: str, knowledge_version: str, up: bool) -> None:
        self.writes.vote(Vote(entry_id, knowledge_version, up, self._clock().date()))

    def unanswered(self, text: str, decision: Decision, context: ChatContext, knowledge: Knowledge) -> bool:
        """Keep an unanswered question if the inbox is on and ``bot.runtime.inbox`` allows it."""
        if not self.inbox_on:
            return False
        question = question_for(text, decision, context, knowledge, self._clock().date())
        if question is None:
            return False
        self.writes.question(question)
        return True

    async def totals(self, timeout: float = 1.0) -> Mapping[str, int] | None:
        """All-time counters from the database, plus what is not written yet; ``None`` if it does not answer."""
        if not self.writes.available or self.writes.database is None:
            return None
        try:
            async with asyncio.timeout(timeout):
                return await self.writes.totals()
        except Exception as exc:
            self.writes.failed(type(exc).__name__)
            return None
