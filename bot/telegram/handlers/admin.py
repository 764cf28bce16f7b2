"""Admins' commands (/reload, /stats) and what admins are told about refused knowledge edits and
the recovery after them.

A non-admin's /reload or /stats gets the unknown-command reply: the commands are not advertised,
and nobody else learns that they exist.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import time
from collections import Counter
from collections.abc import Mapping

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import ContextTypes, ExtBot

from bot.runtime.store import ReloadResult
from bot.runtime.watcher import log_result
from bot.telegram import format as fmt
from bot.telegram.handlers.commands import unknown_command
from bot.telegram.services import STAT_KEYS, Services, command_started, reply_to, services_of

log = logging.getLogger("bot.telegram")


def refused_text(result: ReloadResult) -> str:
    return "\n".join([f"Knowledge edit refused: {len(result.problems)} problem(s). Still serving version "
                      f"{result.version} ({result.summary}).", "", *map(str, result.problems)])


def recovered_text(result: ReloadResult) -> str:
    return f"Knowledge edit fixed: recovered, version {result.version} serving ({result.summary})."


async def tell_admins(services: Services, bot: ExtBot, result: ReloadResult, *, skip: int | None = None) -> None:
    """Every admin (but ``skip``) hears of a refused edit, with what to fix, or of the recovery after one.

    The texts name knowledge files and versions, never users.
    """
    text = recovered_text(result) if result.ok else refused_text(result)
    for admin in services.settings.admin_user_ids - {skip}:
        try:
            await services.send(bot, admin, fmt.fixed_text(text))
        except TelegramError as exc:  # an admin who never started the bot cannot be messaged
            log.warning("could not tell an admin about the knowledge (%s)", type(exc).__name__)


async def _admin_chat(update: Update, context: ContextTypes.DEFAULT_TYPE, name: str) -> int | None:
    """The chat id for an admin's command; anyone else gets the unknown-command reply, and None."""
    services = services_of(context)
    user = update.effective_user
    if user is None or user.id not in services.settings.admin_user_ids:
        await unknown_command(update, context)
        return None
    _, chat = command_started(update, context, name)
    return chat.id


async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id = await _admin_chat(update, context, "reload")
    if chat_id is None:
        return
    services = services_of(context)
    context.application.create_task(_typing(context.bot, chat_id), update=None)
    result = await asyncio.to_thread(services.store.reload)  # parsing must not stall other chats
    if result.recovered:
        text = recovered_text(result)
    elif result.ok:
        text = f"Reloaded knowledge version {result.version}: {result.summary}."
    else:
        text = refused_text(result)
    if result.ok:
        services.knowledge_loaded()
    log_result(result)
    await services.send(context.bot, chat_id, fmt.fixed_text(text), reply_to=reply_to(update.effective_message))
    if result.recovered:  # the other admins heard of the refusal too
        user = update.effective_user
        await tell_admins(services, context.bot, result, skip=user.id if user else None)


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id = await _admin_chat(update, context, "stats")
    if chat_id is None:
        return
    services = services_of(context)
    totals = await services.keeper.totals()
    await services.send(context.bot, chat_id, fmt.fixed_text(stats_text(services, totals)),
                        reply_to=reply_to(update.effective_message))


def stats_text(services: Services, totals: Mapping[str, int] | None = None) -> str:
    """Counts (all-time from the database when it answers, else since start) and the database's health.

    By design there is nothing here about who asked or what they wrote.
    """
    uptime = dtm.timedelta(seconds=int(time.monotonic() - services.started_monotonic))
    version = services.store.current.knowledge.version
    if totals is None:
        counts, hits = services.counts, services.entry_hits.most_common()
        lines = [f"Since {services.started:%Y-%m-%d %H:%M} UTC (up {uptime}), knowledge version {version}:"]
    else:
        counts = Counter(totals)
        hits = Counter({k.removeprefix("entry:"): n for k, n in totals.items() if k.startswith("entry:")}).most_common()
        lines = [f"All time, from the database (up {uptime}), knowledge version {version}:"]
    lines += [f"{key}: {counts[key]}" for key in STAT_KEYS]
    health = services.keeper.health()
    lines += ["", f"database: {health.where}, {health.state}; {health.pending} change(s) waiting, "
                  f"{health.failures} failed or slow operation(s), {health.outages} outage(s) since start"]
    hits = [(entry, count) for entry, count in hits if count]
    lines += ["", "Answers per entry:" if hits else "Answers per entry: none yet"]
    lines += [f"{entry}: {count}" for entry, count in hits]
    return "\n".join(lines)


async def _typing(bot: ExtBot, chat_id: int) -> None:
    try:
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
    except Exception as exc:  # a nicety only
        log.debug("typing indicator failed (%s)", type(exc).__name__)
