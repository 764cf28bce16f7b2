"""What every handler shares: settings, the live knowledge, chat state, counters, and sending.

One small object instead of one class holding every handler: handlers are plain functions
(as in python-telegram-bot's own examples) that find this in ``context.bot_data``.
Privacy: counters hold numbers only, never who asked or what they wrote.

Chat state goes through :class:`bot.runtime.keeper.StateKeeper`: memory in front of the database
(when ``DATABASE_URL`` gives one), read with a ~100 ms limit and written behind the replies.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dtm
import logging
import time
from collections import Counter
from typing import TYPE_CHECKING

from telegram import Chat, LinkPreviewOptions, Message, ReplyParameters, Update, User
from telegram.constants import ParseMode
from telegram.error import Forbidden

from bot.decision import ANSWER, ChatContext, Decision, Responder
from bot.runtime.chat_state import ChatStates
from bot.runtime.health import DatabaseProbe, HealthCheck
from bot.runtime.keeper import READ_TIMEOUT, StateKeeper
from bot.storage.database import Database
from bot.telegram.delivery import URGENT

if TYPE_CHECKING:
    from telegram.ext import CallbackContext, ExtBot

    from bot.runtime.store import ResponderStore
    from bot.telegram import format as fmt
    from bot.telegram.settings import Settings

log = logging.getLogger("bot.telegram")

SERVICES_KEY = "services"  # where the Services object lives in Application.bot_data
STAT_KEYS = ("messages", "edits", "commands", "buttons", "answers", "clarify", "fallback", "smalltalk",
             "support", "crisis", "non_text", "errors", "blocked", "votes_up", "votes_down")


class Services:
    """Per-process state the handlers share: chat memory and counters (no texts, no users)."""

    def __init__(self, settings: Settings, store: ResponderStore, database: DatabaseProbe | None = None) -> None:
        self.settings = settings
        self.store = store
        self.states = ChatStates(store.current.knowledge.crisis.sticky_hours)
        self.counts: Counter[str] = Counter({key: 0 for key in STAT_KEYS})
        self.entry_hits: Counter[str] = Counter()
        target = settings.database
        self.keeper = StateKeeper(self.states, Database(target) if target else None,
                                  secret=settings.state_secret.encode("utf-8"),
                                  retention_days=settings.unanswered_retention_days, counters=self.counters,
                                  read_timeout=settings.database_read_wait or READ_TIMEOUT)
        if database is None and target is not None:
            database = self.keeper.reachable
        self.health = HealthCheck(store, database)  # what GET /healthz reports in webhook mode
        self.started = dtm.datetime.now(dtm.UTC)
        self.started_monotonic = time.monotonic()
        self.watching: asyncio.Task[None] | None = None  # the knowledge folder watcher, when enabled

    def knowledge_loaded(self) -> None:
        """A new knowledge version may change how long the crisis footer stays on."""
        self.states.sticky_seconds = self.store.current.knowledge.crisis.sticky_hours * 3600

    def counters(self) -> dict[str, int]:
        """The running counts as stored by day: the keys of /stats, and answers per entry."""
        return {**self.counts, **{f"entry:{entry}": n for entry, n in self.entry_hits.items()}}

    def stop_watching(self) -> None:
        if self.watching is not None:
            self.watching.cancel()
            self.watching = None

    async def chat_context(self, responder: Responder, chat_id: int, user: User | None) -> ChatContext:
        """Region: the chat's /region choice, else the user's language if unambiguous, else DEFAULT_REGION.

        Waits at most ``DATABASE_READ_WAIT_MS`` (100 ms) for the stored choice (another instance may have made
        it), then uses memory.
        """
        language = user.language_code if user else None
        implied = responder.knowledge.crisis.region_for_language(language)
        return dataclasses.replace(await self.keeper.context(chat_id, language, implied),
                                   default_region=self.settings.default_region)

    async def send(self, bot: ExtBot, chat_id: int, outgoing: list[fmt.Outgoing], *,
                   reply_to: int | None = None, urgent: bool = False) -> bool:
        """Send the messages in order (each through the retry policy); ``False`` if the chat blocked us.

        A chat that blocked the bot (or removed it) answers 403: that is logged as such, without
        any id, and the rest of the reply is skipped. Other failures propagate to the error handler.
        """
        for n, out in enumerate(outgoing):
            try:
                await bot.send_message(
                    chat_id, out.text, parse_mode=ParseMode.HTML, reply_markup=out.reply_markup,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to and n == 0 else None,
                    rate_limit_args=URGENT if urgent else None,
                )
            except Forbidden:
                self.counts["blocked"] += 1
                log.info("reply skipped: the user blocked the bot or removed it from the chat (Forbidden)")
                return False
        return True

    def log_decision(self, source: str, decision: Decision, text: str | None = None) -> None:
        log.info("decision source=%s kind=%s id=%s score=%.1f%s", source, decision.kind,
                 decision.id or ",".join(decision.options) or "-", decision.score,
                 f" category={decision.crisis.category}" if decision.crisis else "")
        if self.settings.log_message_text and text is not None:
            log.info("message text (LOG_MESSAGE_TEXT=1): %r", text)

    def count(self, decision: Decision) -> None:
        key = {ANSWER: "answers"}.get(decision.kind, decision.kind)
        self.counts[key] += 1
        if decision.kind == ANSWER and decision.id:
            self.entry_hits[decision.id] += 1


def services_of(context: CallbackContext) -> Services:
    """The shared services of the application a handler runs in."""
    return context.bot_data[SERVICES_KEY]


def command_started(update: Update, context: CallbackContext, name: str) -> tuple[Services, Chat]:
    """What every command handler does first: its services and chat, the command counted and logged (no ids)."""
    services = services_of(context)
    chat = update.effective_chat
    assert chat is not None
    services.counts["commands"] += 1
    log.info("command /%s", name)
    return services, chat


def reply_to(message: Message | None) -> int | None:
    """In groups, replies quote the message they answer; in private chats that is just noise."""
    if message is None or message.chat.type == Chat.PRIVATE:
        return None
    return message.message_id
