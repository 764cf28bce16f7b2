"""The python-telegram-bot Application: handlers registered, delivery and ordering wired in.

Design in brief:

* Every update reads ``store.current`` once and uses that one ``Responder`` throughout, so a
  reply never mixes two knowledge versions while ``/reload`` swaps them.
* Decisions come from the core (``Responder.decide``); the handlers only decide *whether* to
  answer (private chat, or addressed in a group), format (``bot.telegram.format``) and send.
* Crisis: the escalation goes out first, in its own message, through the rate limiter's urgent
  lane (never queued behind other sends); then the chat is marked so later replies carry the
  hotline footer; then, if configured, an anonymous alert goes to the operators' chat.
* Privacy: logs carry decisions (kind, entry id, score) and update kinds, never message text,
  user ids, names or chat ids. ``LOG_MESSAGE_TEXT=1`` is the one, loudly announced, exception.
* Delivery: every Bot API request goes through ``bot.telegram.delivery`` (one retry policy, flood
  control, the urgent lane); updates of different chats run concurrently, each chat's in
  order, crisis messages first (``bot.telegram.processing``).
"""

from __future__ import annotations

import asyncio
import functools
import logging

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.runtime.health import DatabaseProbe
from bot.runtime.store import ResponderStore
from bot.runtime.watcher import KnowledgeWatcher
from bot.telegram import format as fmt
from bot.telegram.delivery import DEFAULT_POLICY, PriorityRateLimiter, RetryPolicy
from bot.telegram.handlers import admin, buttons, commands, errors, feedback, messages, privacy
from bot.telegram.handlers.escalation import is_urgent
from bot.telegram.processing import DEFAULT_CONCURRENCY, DEFAULT_HEAD_START, ChatOrderedProcessor
from bot.telegram.services import SERVICES_KEY, Services
from bot.telegram.settings import Settings

log = logging.getLogger("bot.telegram")

ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
PUBLIC_COMMANDS = (
    ("start", "What this bot can and cannot do"),
    ("topics", "Browse questions by category"),
    ("crisis", "Crisis and emergency lines, now"),
    ("region", "Choose your region for crisis lines"),
    ("help", "How to ask, and the commands"),
    ("privacy", "What this bot keeps about you"),
    ("forget", "Delete what is kept for this chat"),
)
COMMANDS = {"start": commands.start, "help": commands.help_command, "topics": commands.topics,
            "crisis": commands.crisis, "region": commands.region, "privacy": privacy.privacy, "forget": privacy.forget,
            "reload": admin.reload, "stats": admin.stats}
NON_TEXT = (filters.Sticker.ALL | filters.VOICE | filters.PHOTO | filters.Document.ALL | filters.VIDEO
            | filters.VIDEO_NOTE | filters.AUDIO | filters.ANIMATION | filters.LOCATION | filters.CONTACT)
CONNECTION_POOL_SIZE = 32  # HTTP connections for sending; concurrent chats share them


def register(app: Application) -> None:
    """Every handler, in the order PTB tries them: commands, other commands, text, edits, non-text, buttons, errors."""
    new = filters.UpdateType.MESSAGE
    for name, callback in COMMANDS.items():
        app.add_handler(CommandHandler(name, callback, filters=new))
    app.add_handler(MessageHandler(new & filters.COMMAND, commands.unknown_command))
    text = filters.TEXT | filters.CAPTION
    app.add_handler(MessageHandler(new & text, messages.on_message))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & text, messages.on_edit))
    app.add_handler(MessageHandler(new & filters.ChatType.PRIVATE & NON_TEXT, messages.on_non_text))
    app.add_handler(CallbackQueryHandler(feedback.on_vote, pattern=fmt.VOTE_PATTERN))
    app.add_handler(CallbackQueryHandler(buttons.on_button))
    app.add_error_handler(errors.on_error)


async def post_init(app: Application) -> None:
    """Open the database (or go on from memory), register the command list (a failure is logged and the bot
    runs without it), start the watcher."""
    services: Services = app.bot_data[SERVICES_KEY]
    await services.keeper.start()
    try:
        await app.bot.set_my_commands([BotCommand(name, text) for name, text in PUBLIC_COMMANDS])
    except Exception as exc:
        log.warning("could not register the command list (%s); continuing without it", type(exc).__name__)
    poll = services.settings.knowledge_poll_seconds
    if poll > 0:
        watcher = KnowledgeWatcher(services.store, debounce=min(2.0, poll))
        tell_admins = functools.partial(admin.tell_admins, services, app.bot)  # refused edits, then the recovery
        services.watching = asyncio.get_running_loop().create_task(
            watcher.run(poll, on_refused=tell_admins, on_loaded=services.knowledge_loaded, on_recovered=tell_admins))
    knowledge = services.store.current.knowledge
    log.info("bot @%s ready: knowledge version %s, %d entries, %d admin(s), %s mode",
             app.bot.username, knowledge.version, len(knowledge.entries), len(services.settings.admin_user_ids),
             "webhook" if services.settings.webhook_mode else "polling")


async def post_stop(app: Application) -> None:
    """After the last update was handled: write what is still in memory, close the database."""
    services: Services = app.bot_data[SERVICES_KEY]
    await services.keeper.stop()


def build_application(settings: Settings, store: ResponderStore, *, policy: RetryPolicy = DEFAULT_POLICY,
                      request: BaseRequest | None = None, get_updates_request: BaseRequest | None = None,
                      limits: dict[str, float] | None = None, concurrency: int = DEFAULT_CONCURRENCY,
                      head_start: float = DEFAULT_HEAD_START, database: DatabaseProbe | None = None) -> Application:
    """The configured PTB Application with every handler registered; not started.

    ``policy`` is the retry policy of every request; ``limits`` are ``AIORateLimiter``'s keyword
    arguments (``overall_max_rate=0`` turns pacing off, as the fuzz test does). ``request`` and
    ``get_updates_request`` replace PTB's HTTP client (tests record instead of sending).
    ``database`` tells the health check whether the database answers (none: no database).
    """
    services = Services(settings, store, database)
    urgent = functools.partial(is_urgent, services)
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .rate_limiter(PriorityRateLimiter(policy=policy, **(limits or {})))
        .concurrent_updates(ChatOrderedProcessor(concurrency, urgent=urgent, head_start=head_start))
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
    )
    if settings.base_url:
        builder = builder.base_url(settings.base_url)
    if settings.base_file_url:
        builder = builder.base_file_url(settings.base_file_url)
    # PTB's default pool of one connection would serialise every concurrent reply.
    builder = builder.request(request) if request is not None else builder.connection_pool_size(CONNECTION_POOL_SIZE)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    app = builder.build()
    app.bot_data[SERVICES_KEY] = services
    register(app)
    return app
