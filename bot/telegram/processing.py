"""Concurrent update processing that keeps each chat's order and lets crisis messages go first.

PTB's ``concurrent_updates`` runs updates side by side but in no particular order, so two
quick messages from one person could be answered the wrong way round. :class:`ChatOrderedProcessor`
runs updates of *different* chats concurrently and updates of *one* chat one after the other,
in the order Telegram delivered them (PTB hands them over in that order; each update waits for
the one before it in its chat).

Crisis messages go first. An update that ``urgent(update)`` flags starts at once, even before an
earlier update of its own chat has finished (an escalation must not wait behind a reply that is
still being retried); later updates of the chat wait for it. Ordinary updates fetched together
with crisis ones wait until those are done, but at most ``head_start`` seconds, so a slow crisis
send delays other people's answers by that much at most and never by its retries.

The number of updates in progress is PTB's semaphore (``max_concurrent_updates``). Updates
waiting for their chat's turn hold a place in it, so it is generous: one chat's backlog must
not take every place.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger("bot.telegram.processing")

DEFAULT_CONCURRENCY = 4096  # updates in progress at once, those waiting for their chat's turn included
DEFAULT_HEAD_START = 2.0  # seconds ordinary updates may wait for crisis updates fetched with them


def chat_key(update: object) -> Hashable | None:
    """What orders an update: its chat, else its user; ``None`` for updates with neither."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Different chats concurrently, one chat in order, urgent updates first."""

    def __init__(self, max_concurrent_updates: int = DEFAULT_CONCURRENCY, *,
                 urgent: Callable[[object], bool] | None = None, head_start: float = DEFAULT_HEAD_START) -> None:
        super().__init__(max_concurrent_updates)
        self._urgent = urgent
        self.head_start = head_start
        self._last: dict[Hashable, asyncio.Future[None]] = {}  # per chat: done when its latest update is
        self._urgent_running = 0
        self._no_urgent = asyncio.Event()
        self._no_urgent.set()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: PTB's ``Application.stop`` already waited for every update."""

    def is_urgent(self, update: object) -> bool:
        if self._urgent is None:
            return False
        try:
            return bool(self._urgent(update))
        except Exception as exc:  # triage must never lose an update; the handler will meet the problem
            log.warning("could not triage an update (%s); treating it as ordinary", type(exc).__name__)
            return False

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        urgent = self.is_urgent(update)
        key = chat_key(update)
        previous = self._last.get(key) if key is not None else None
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if key is not None:
            self._last[key] = done  # registered before any await: the chat's next update waits for this one
        if urgent:
            self._urgent_running += 1
            self._no_urgent.clear()
        try:
            if urgent:
                await coroutine
            else:
                if previous is not None:
                    await asyncio.shield(previous)
                await self._yield_to_urgent()
                await coroutine
        finally:
            if urgent:
                self._urgent_running -= 1
                if not self._urgent_running:
                    self._no_urgent.set()
                if previous is not None:  # later updates of the chat also wait for those before this one
                    with contextlib.suppress(BaseException):
                        await asyncio.shield(previous)
            done.set_result(None)
            if key is not None and self._last.get(key) is done:
                del self._last[key]

    async def _yield_to_urgent(self) -> None:
        """Let crisis updates fetched with this one go first, for at most ``head_start`` seconds."""
        await asyncio.sleep(0)  # every update of the batch starts, so the urgent ones among them are known
        if self._urgent_running:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._no_urgent.wait(), self.head_start)

    @property
    def busy_chats(self) -> int:
        """Chats with an update in progress or waiting."""
        return len(self._last)
