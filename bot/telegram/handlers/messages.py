"""Text messages: whether one is addressed to the bot, the decision, and the reply; edits; non-text."""

from __future__ import annotations

import logging
import re

from telegram import Chat, Message, MessageEntity, Update
from telegram.ext import ContextTypes, ExtBot

from bot.crisis import detect_crisis
from bot.decision import CRISIS
from bot.telegram import format as fmt
from bot.telegram.handlers.escalation import escalate
from bot.telegram.services import reply_to, services_of

log = logging.getLogger("bot.telegram")


def addressed_text(message: Message, bot: ExtBot) -> str | None:
    """The text meant for the bot, or ``None`` when a group message is not addressed to it.

    Private chats: always the text. Groups: only replies to the bot, mentions of it and
    commands (``/x`` or ``/x@thisbot``; ``/x@otherbot`` is not ours). The bot's @mention is
    removed so it does not count as words of the question.
    """
    text = message.text or message.caption or ""
    if message.chat.type == Chat.PRIVATE:
        return text
    username = (bot.username or "").lower()
    replied = message.reply_to_message
    addressed = bool(replied and replied.from_user and replied.from_user.id == bot.id)
    try:
        entities = message.parse_entities() if message.text else message.parse_caption_entities()
    except UnicodeEncodeError:  # lone surrogates: never sent by Telegram, but a forged update may be anything
        entities = {}
    for entity, value in entities.items():
        mention = value.lower() == f"@{username}" if entity.type == MessageEntity.MENTION else (
            entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot.id)
        if mention:
            addressed = True
        elif entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            target = value.partition("@")[2].lower()
            if target and target != username:
                return None  # a command for another bot
            addressed = True
    if not addressed:
        return None
    if username:
        text = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
    return text.strip()


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    text = addressed_text(message, context.bot)
    if text is None:
        return
    await answer_text(update, context, text)


async def answer_text(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Decide a message and reply: the escalation alone for a crisis, else the formatted decision."""
    services = services_of(context)
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    responder = services.store.current
    chat_context = await services.chat_context(responder, chat.id, update.effective_user)
    decision = responder.decide(text, chat_context)
    services.counts["messages"] += 1
    services.count(decision)
    services.log_decision("message", decision, text)
    if decision.kind == CRISIS:
        await escalate(context, responder, chat, decision, chat_context, reply_to=reply_to(message))
        return
    await services.send(context.bot, chat.id, fmt.format_decision(decision, responder.knowledge),
                        reply_to=reply_to(message))
    services.keeper.unanswered(text, decision, chat_context, responder.knowledge)  # after the reply


async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message is checked for crisis only; anything else was answered already."""
    services = services_of(context)
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    text = addressed_text(message, context.bot)
    if text is None:
        return
    services.counts["edits"] += 1
    responder = services.store.current
    hit = detect_crisis(responder.knowledge.crisis.detection, text)
    if hit is None:
        return
    chat_context = await services.chat_context(responder, chat.id, update.effective_user)
    decision = responder.crisis_decision(hit, chat_context)
    services.count(decision)
    services.log_decision("edit", decision, text)
    await escalate(context, responder, chat, decision, chat_context, reply_to=message.message_id)


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    chat = update.effective_chat
    if chat is None:
        return
    services.counts["non_text"] += 1
    responder = services.store.current
    chat_context = await services.chat_context(responder, chat.id, update.effective_user)
    footer = responder.footer_text(chat_context) if chat_context.flagged else None
    log.info("decision source=non_text kind=non_text")
    await services.send(context.bot, chat.id, fmt.fixed_text(responder.knowledge.texts.non_text, footer))
