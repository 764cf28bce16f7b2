"""Everyone's commands: /start, /help, /topics, /crisis, /region. (/privacy and /forget: ``privacy``.)"""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.ext import ContextTypes

from bot.decision import ChatContext, Responder
from bot.telegram import format as fmt
from bot.telegram.handlers.privacy import inbox_notice
from bot.telegram.services import Services, reply_to, services_of

log = logging.getLogger("bot.telegram")


async def _setup(update: Update, context: ContextTypes.DEFAULT_TYPE,
                 name: str) -> tuple[Services, Responder, Chat, ChatContext, int | None]:
    services = services_of(context)
    chat = update.effective_chat
    assert chat is not None
    services.counts["commands"] += 1
    log.info("command /%s", name)
    responder = services.store.current
    return (services, responder, chat, await services.chat_context(responder, chat.id, update.effective_user),
            reply_to(update.effective_message))


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services, responder, chat, chat_context, quote = await _setup(update, context, "start")
    knowledge = responder.knowledge
    text = knowledge.texts.start + inbox_notice(services)
    await services.send(context.bot, chat.id, fmt.fixed_text(text, responder.footer_text(chat_context),
                                                             fmt.categories_keyboard(knowledge)), reply_to=quote)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services, responder, chat, chat_context, quote = await _setup(update, context, "help")
    text = responder.knowledge.texts.help + inbox_notice(services)
    await services.send(context.bot, chat.id, fmt.fixed_text(text, responder.footer_text(chat_context)),
                        reply_to=quote)


async def topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services, responder, chat, _, quote = await _setup(update, context, "topics")
    await services.send(context.bot, chat.id, [fmt.topics_view(responder.knowledge)], reply_to=quote)


async def crisis(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The hotlines now, through the urgent lane; asking for them also turns on the footer."""
    services, responder, chat, chat_context, quote = await _setup(update, context, "crisis")
    text = responder.crisis_text(chat_context, (chat_context.language or "en")[:2].lower())
    try:
        await services.send(context.bot, chat.id, fmt.fixed_text(text), reply_to=quote, urgent=True)
    finally:
        services.keeper.mark_escalated(chat.id)


async def region(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services, responder, chat, chat_context, quote = await _setup(update, context, "region")
    view = fmt.region_view(responder.knowledge.crisis, chat_context.region)
    await services.send(context.bot, chat.id, [view], reply_to=quote)
