"""Per-chat memory the decision depends on: the chosen hotline region and when the footer expires.

This is the fast copy every reply reads. With a database (``bot.runtime.keeper``) it is a cache
of the stored state, refreshed on each update when the database answers in time; without one,
it is all there is, and losing it on restart errs on the safe side for regions (default
region) while the sticky hotline footer is a courtesy on top of the escalation itself, which
never depends on this state. Times are wall-clock (epoch seconds) so they can be stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.decision import ChatContext


@dataclass
class _ChatMemory:
    region: str | None = None
    footer_until: float | None = None


class ChatStates:
    """Region choices and footer expiry times by chat id, with an injectable clock for tests.

    A remembered region the knowledge no longer has is passed on as it is: the crisis policy then
    answers with the default region plus the international lines (``CrisisPolicy.crisis_text``).
    """

    def __init__(self, sticky_hours: float, clock: Callable[[], float] = time.time) -> None:
        self.sticky_seconds = sticky_hours * 3600
        self._clock = clock
        self._chats: dict[int, _ChatMemory] = {}

    def context(self, chat_id: int, language: str | None = None,
                region_from_language: str | None = None) -> ChatContext:
        memory = self._chats.get(chat_id, _ChatMemory())
        until = memory.footer_until
        flagged = until is not None and self._clock() < until
        return ChatContext(region=memory.region or region_from_language, flagged=flagged, language=language)

    def choose_region(self, chat_id: int, region: str) -> None:
        self._chats.setdefault(chat_id, _ChatMemory()).region = region

    def mark_escalated(self, chat_id: int) -> None:
        self._chats.setdefault(chat_id, _ChatMemory()).footer_until = self._clock() + self.sticky_seconds

    def footer_until(self, chat_id: int) -> float | None:
        memory = self._chats.get(chat_id)
        return memory.footer_until if memory else None

    def remember(self, chat_id: int, region: str | None, footer_until: float | None) -> None:
        """Take the state read from the database (``None``s: nothing stored)."""
        if region is None and footer_until is None:
            self._chats.pop(chat_id, None)
        else:
            self._chats[chat_id] = _ChatMemory(region, footer_until)

    def forget(self, chat_id: int) -> None:
        self._chats.pop(chat_id, None)
