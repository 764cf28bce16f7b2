"""Shared by the delivery tests: what a chat should get back, and what it got."""

from __future__ import annotations

from collections.abc import Iterable

from bot.decision import ChatContext, Responder
from bot.telegram import format as fmt
from tests.emulator import BotApiEmulator, parse_html


def replies_for(responder: Responder, texts: Iterable[str]) -> list[str]:
    """The plain texts a fresh private chat (language "en") gets for ``texts``, in order."""
    policy = responder.knowledge.crisis
    expected, flagged = [], False
    for text in texts:
        decision = responder.decide(text, ChatContext(region=policy.region_for_language("en"), flagged=flagged,
                                                      language="en"))
        flagged = flagged or decision.kind == "crisis"
        expected += [parse_html(out.text)[0] for out in fmt.format_decision(decision, responder.knowledge)]
    return expected


def sent_to(emu: BotApiEmulator, chat_id: int) -> list[str]:
    return [record["plain_text"] for record in emu.messages_to(chat_id)]


def burst(emu: BotApiEmulator, chats: dict[int, list[str]], **kwargs: object) -> None:
    """Queue every chat's messages at once (one getUpdates batch if at most 100), chats interleaved."""
    for n in range(max(map(len, chats.values()))):
        for chat_id, texts in chats.items():
            if n < len(texts):
                emu.user_message(texts[n], chat_id=chat_id, user_id=chat_id, **kwargs)  # type: ignore[arg-type]
