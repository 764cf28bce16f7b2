"""The error handler: log the exception type, the update kind and where; apologise; keep running."""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.error import Forbidden, InvalidToken
from telegram.ext import ContextTypes

from bot.telegram import format as fmt
from bot.telegram.services import services_of

log = logging.getLogger("bot.telegram")


def update_kind(update: object) -> str:
    """The kind of an update ("message", "callback_query", ...) without any of its content."""
    if not isinstance(update, Update):
        return "none" if update is None else type(update).__name__
    for kind in Update.ALL_TYPES:
        if getattr(update, kind, None) is not None:
            return kind
    return "unknown"


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Never the update's content in the log: its kind and the traceback's frames only."""
    services = services_of(context)
    error = context.error
    kind = update_kind(update)
    where = "".join(traceback.format_tb(error.__traceback__)) if error is not None else ""
    if not isinstance(update, Update):  # e.g. a network error while polling: PTB retries by itself
        log.warning("%s outside an update (%s)", type(error).__name__, kind)
        return
    if isinstance(error, Forbidden):  # e.g. an edit or a button answer in a chat that blocked the bot
        services.counts["blocked"] += 1
        log.info("reply skipped: the user blocked the bot or removed it from the chat (Forbidden)")
        return
    services.counts["errors"] += 1
    log.error("%s while handling a %s update\n%s", type(error).__name__, kind, where.rstrip())
    chat = update.effective_chat
    if chat is None or isinstance(error, Forbidden | InvalidToken):
        return  # nobody to apologise to, or no way to
    try:
        text = services.store.current.knowledge.texts.error
        await services.send(context.bot, chat.id, fmt.fixed_text(text))
    except Exception as exc:
        log.warning("could not send the apology (%s)", type(exc).__name__)
