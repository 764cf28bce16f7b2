"""Inline buttons: a question, a category, the topic list, a region; stale or forged data gets a polite reply."""

from __future__ import annotations

import logging

from telegram import LinkPreviewOptions, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.telegram import format as fmt
from bot.telegram.services import services_of

log = logging.getLogger("bot.telegram")


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    services = services_of(context)
    try:
        await query.answer()  # stop the button's spinner first
    except BadRequest as exc:  # e.g. the query is too old; the reply can still go out
        log.info("callback query could not be answered (%s)", type(exc).__name__)
    message = query.message
    chat_id = message.chat.id if message is not None else query.from_user.id
    services.counts["buttons"] += 1
    responder = services.store.current
    knowledge = responder.knowledge
    chat_context = await services.chat_context(responder, chat_id, query.from_user)
    parsed = fmt.parse_callback(query.data)
    kind, value = parsed if parsed else ("invalid", "")
    log.info("button kind=%s", kind)
    if kind == fmt.ANSWER_PREFIX:
        decision = responder.decide_entry(value, chat_context)
        services.count(decision)
        services.log_decision("button", decision)
        await services.send(context.bot, chat_id, fmt.format_decision(decision, knowledge))
        return
    view: fmt.Outgoing | None = None
    in_place = kind in (fmt.MENU_PREFIX, fmt.MENU, fmt.REGION_PREFIX)
    if kind in (fmt.CATEGORY_PREFIX, fmt.MENU_PREFIX):
        view = fmt.category_view(knowledge, value)
    elif kind in (fmt.MENU, fmt.TOPICS):
        view = fmt.topics_view(knowledge)
    elif kind == fmt.REGION_PREFIX and value in knowledge.crisis.regions:
        services.keeper.choose_region(chat_id, value)
        footer = responder.footer_text(services.states.context(chat_id))
        view = fmt.region_chosen_view(knowledge.crisis, value, footer)
    if view is None:  # forged, stale or malformed data: say so politely
        services.counts["fallback"] += 1
        log.info("decision source=button kind=fallback id=unknown-topic")
        await services.send(context.bot, chat_id, fmt.fixed_text(knowledge.texts.unknown_topic,
                                                                 keyboard=fmt.browse_keyboard()))
        return
    if in_place and isinstance(message, Message):
        await _edit(message, view)
    else:
        await services.send(context.bot, chat_id, [view])


async def _edit(message: Message, view: fmt.Outgoing) -> None:
    try:
        await message.edit_text(view.text, parse_mode=ParseMode.HTML, reply_markup=view.reply_markup,
                                link_preview_options=LinkPreviewOptions(is_disabled=True))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():  # pressing the same button twice is fine
            raise
