"""Per-chat memory the decision depends on: the chosen hotline region and recent escalations.

Kept in memory only, on purpose: it holds no message text, and losing it on restart
errs on the safe side for regions (default region) while the sticky hotline footer is a
courtesy on top of the escalation itself, which never depends on this state.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.decision import ChatContext


@dataclass
class _ChatMemory:
    region: str | None = None
    escalated_at: float | None = None


class ChatStates:
    """Region choices and escalation times by chat id, with an injectable clock for tests."""

    def __init__(self, sticky_hours: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.sticky_seconds = sticky_hours * 3600
        self._clock = clock
        self._chats: dict[int, _ChatMemory] = {}

    def context(self, chat_id: int, language: str | None = None,
                region_from_language: str | None = None) -> ChatContext:
        memory = self._chats.get(chat_id, _ChatMemory())
        escalated = memory.escalated_at
        flagged = escalated is not None and self._clock() - escalated < self.sticky_seconds
        return ChatContext(region=memory.region or region_from_language, flagged=flagged, language=language)

    def choose_region(self, chat_id: int, region: str) -> None:
        self._chats.setdefault(chat_id, _ChatMemory()).region = region

    def mark_escalated(self, chat_id: int) -> None:
        self._chats.setdefault(chat_id, _ChatMemory()).escalated_at = self._clock()
