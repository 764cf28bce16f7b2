"""👍 / 👎 under FAQ answers: the vote is stored (entry, knowledge version, vote, day; nobody's id).

The buttons leave the answer once pressed, so each answer is rated once. A 👎 also offers the
entry's related questions, which is often what the person was looking for.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.telegram import format as fmt
from bot.telegram.services import services_of

log = logging.getLogger("bot.telegram")

THANKS = "Thanks for the feedback."
BETTER_FIT = "Thanks. Would one of these fit better?"


async def on_vote(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    services = services_of(context)
    services.counts["buttons"] += 1
    parsed = fmt.parse_vote(query.data)
    if parsed is None:  # the handler's pattern lets only votes through
        return
    up, entry_id, version = parsed
    try:
        await query.answer(THANKS)
    except BadRequest as exc:  # too old to answer; the vote still counts
        log.info("callback query could not be answered (%s)", type(exc).__name__)
    knowledge = services.store.current.knowledge
    if entry_id not in knowledge.by_id:  # forged, or an entry since removed: nothing to rate
        log.info("vote for an unknown entry ignored")
        return
    services.counts["votes_up" if up else "votes_down"] += 1
    services.keeper.vote(entry_id, version, up)
    log.info("vote entry=%s vote=%s", entry_id, "up" if up else "down")
    message = query.message
    if isinstance(message, Message):
        try:
            await message.edit_reply_markup(fmt.without_votes(message.reply_markup))
        except BadRequest as exc:  # e.g. pressed twice quickly: the buttons are gone already
            log.info("vote buttons could not be removed (%s)", type(exc).__name__)
    if not up:
        chat_id = message.chat.id if message is not None else query.from_user.id
        keyboard = fmt.questions_keyboard(knowledge, knowledge.by_id[entry_id].related,
                                          extra=[(fmt.BROWSE_LABEL, fmt.TOPICS)])
        await services.send(context.bot, chat_id, fmt.fixed_text(BETTER_FIT, keyboard=keyboard))
