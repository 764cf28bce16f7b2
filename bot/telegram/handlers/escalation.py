"""Crisis escalation: the fixed response first and alone, then the sticky footer, then the operators' alert.

Also the triage that lets crisis updates jump the queue (``bot.telegram.processing``).
"""

from __future__ import annotations

import datetime as dtm
import logging

from telegram import Chat, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes, ExtBot

from bot.crisis import detect_crisis
from bot.decision import ChatContext, Decision, Responder
from bot.telegram import format as fmt
from bot.telegram.services import Services, services_of

log = logging.getLogger("bot.telegram")


async def escalate(context: ContextTypes.DEFAULT_TYPE, responder: Responder, chat: Chat,
                   decision: Decision, chat_context: ChatContext, reply_to: int | None = None) -> None:
    """The fixed crisis response, first and on its own; then remember it; then alert operators.

    The operators are alerted even when the escalation could not be delivered.
    """
    services = services_of(context)
    try:
        await services.send(context.bot, chat.id, fmt.format_decision(decision, responder.knowledge),
                            reply_to=reply_to, urgent=True)
    finally:  # only now, after the reply: the footer, in memory at once and stored behind
        services.keeper.mark_escalated(chat.id)
        if services.settings.crisis_alert_chat_id is not None:
            region = responder.knowledge.crisis.region(chat_context.region).code
            category = decision.crisis.category if decision.crisis else "unknown"
            context.application.create_task(alert(services, context.bot, region, category), update=None)


async def alert(services: Services, bot: ExtBot, region: str, category: str) -> None:
    """Tell the operators' chat that an escalation happened: time, region, category; nothing else."""
    when = dtm.datetime.now(dtm.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = fmt.CRISIS_ALERT.format(time=when, region=region, category=category)
    try:
        await bot.send_message(services.settings.crisis_alert_chat_id, fmt.escape(text),  # type: ignore[arg-type]
                               parse_mode=ParseMode.HTML)
    except Exception as exc:
        log.warning("crisis alert could not be sent (%s)", type(exc).__name__)


def is_urgent(services: Services, update: object) -> bool:
    """Whether an update should jump the queue: a crisis in its text, or the /crisis command.

    Only a triage for ordering (``bot.telegram.processing``); the handlers decide for themselves.
    It errs towards urgency: group messages not addressed to the bot are checked too.
    """
    if not isinstance(update, Update):
        return False
    message = update.message or update.edited_message
    text = (message.text or message.caption) if message is not None else None
    if not text:
        return False
    if text.startswith("/crisis"):
        return True
    return detect_crisis(services.store.current.knowledge.crisis.detection, text) is not None
