"""What the bot keeps, in plain words (/privacy), deleting it for a chat (/forget), and the inbox line.

The texts describe exactly what ``bot.storage.models`` holds; keep them in step with it.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.telegram import format as fmt
from bot.telegram.services import Services, command_started, reply_to

INBOX_NOTICE = ("Questions I cannot answer are kept for {days} days, with contact details and names removed and "
                "nothing that links them to you, so the answers can improve (/privacy).")
PRIVACY = (
    "What this bot keeps, and nothing more:\n"
    "• your /region choice, and for {hours:g} hours after crisis lines were shown, a reminder to show them "
    "again. They are filed under a one-way code made from this chat, never your chat or user id. /forget deletes "
    "them.\n"
    "• 👍/👎 on answers: which answer, the day and the vote, nothing about you.\n"
    "• {inbox}\n"
    "• counts per day (how many questions, answers, crisis replies), no texts.\n\n"
    "It never keeps your name, your id or your messages, and never a crisis message."
)
INBOX_ON = ("questions it cannot answer (in English, without any sign of distress), for {days} days, with "
            "emails, phone numbers, links, handles, long numbers and names removed, and not linked to you.")
INBOX_OFF = "questions it cannot answer: not kept."
FORGOTTEN = ("Done: your region choice and any crisis-line reminder for this chat are deleted. Votes and "
             "unanswered questions were never linked to you, so there is nothing else to delete.")
FORGOTTEN_LATER = ("Done here: your region choice and any crisis-line reminder are forgotten. The stored copy could "
                   "not be reached just now; it is deleted as soon as the database is back.")


def inbox_notice(services: Services) -> str:
    """One plain line for /start and /help while the unanswered inbox is on; empty otherwise."""
    days = services.settings.unanswered_retention_days
    return f"\n\n{INBOX_NOTICE.format(days=days)}" if days > 0 else ""


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services, chat = command_started(update, context, "privacy")
    days = services.settings.unanswered_retention_days
    inbox = INBOX_ON.format(days=days) if days > 0 else INBOX_OFF
    text = PRIVACY.format(hours=services.store.current.knowledge.crisis.sticky_hours, inbox=inbox)
    await services.send(context.bot, chat.id, fmt.fixed_text(text), reply_to=reply_to(update.effective_message))


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services, chat = command_started(update, context, "forget")
    deleted = await services.keeper.forget(chat.id)
    await services.send(context.bot, chat.id, fmt.fixed_text(FORGOTTEN if deleted else FORGOTTEN_LATER),
                        reply_to=reply_to(update.effective_message))
