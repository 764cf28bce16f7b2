"""Everyone's commands: /start, /help, /topics, /crisis, /region, and the reply to any other command.

(/privacy and /forget live in ``privacy``.)
"""

from __future__ import annotations

from telegram import Chat, Update
from telegram.ext import ContextTypes

from bot.crisis import detect_crisis
from bot.decision import ChatContext, Responder
from bot.telegram import format as fmt
from bot.telegram.handlers.messages import addressed_text, answer_text
from bot.telegram.handlers.privacy import inbox_notice
from bot.telegram.services import Services, command_started, reply_to, services_of


async def _setup(update: Update, context: ContextTypes.DEFAULT_TYPE,
                 name: str) -> tuple[Services, Responder, Chat, ChatContext, int | None]:
    services, chat = command_started(update, context, name)
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


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have (or an admin's, from anyone else): say which ones it has.

    Not the FAQ fallback, which would read "/stats" as a question. Crisis words after the
    command still escalate: the crisis check always comes first. In groups, a command for
    another bot (``/x@otherbot``) is left alone.
    """
    message = update.effective_message
    text = addressed_text(message, context.bot) if message is not None else None
    if text is None:
        return
    if detect_crisis(services_of(context).store.current.knowledge.crisis.detection, text) is not None:
        await answer_text(update, context, text)
        return
    services, responder, chat, chat_context, quote = await _setup(update, context, "unknown")
    footer = responder.footer_text(chat_context) if chat_context.flagged else None
    await services.send(context.bot, chat.id, fmt.fixed_text(responder.knowledge.texts.unknown_command, footer),
                        reply_to=quote)
