"""The Telegram shell: python-telegram-bot handlers around the pure core in ``bot/``.

Design in brief:

* Every update reads ``store.current`` once and uses that one :class:`Responder` throughout, so a
  reply never mixes two knowledge versions while ``/reload`` swaps them.
* Decisions come from the core (``Responder.decide``); this module only decides *whether* to
  answer (private chat, or addressed in a group), formats (``bot.telegram.format``) and sends.
* Crisis: the escalation goes out first, in its own message, through the rate limiter's urgent
  lane (never queued behind other sends); then the chat is marked so later replies carry the
  hotline footer; then, if configured, an anonymous alert goes to the operators' chat.
* Privacy: logs carry decisions (kind, entry id, score) and update kinds, never message text,
  user ids, names or chat ids. ``LOG_MESSAGE_TEXT=1`` is the one, loudly announced, exception.
* Delivery: every Bot API request goes through ``bot.telegram.delivery`` (one retry policy, flood
  control, the urgent lane); updates of different chats run concurrently, each chat's in
  order, crisis messages first (``bot.telegram.processing``). A user who blocked the bot is skipped.
* Lifecycle (:func:`serve`): on SIGTERM/SIGINT the bot stops taking updates, finishes the ones
  it has (answered, not dropped), and exits 0. Polling confirms fetched updates to Telegram
  only once they are queued here, and the queue is drained before exit; in webhook mode a
  delivery that was not answered 200 is sent again by Telegram, to the next instance.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
import re
import signal
import time
import traceback
from collections import Counter

from telegram import (
    BotCommand,
    Chat,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.crisis.detector import detect_crisis
from bot.decision import ANSWER, CRISIS, ChatContext, Decision, Responder
from bot.runtime.chat_state import ChatStates
from bot.runtime.store import ReloadResult, ResponderStore
from bot.runtime.watcher import KnowledgeWatcher, log_result
from bot.telegram import format as fmt
from bot.telegram.delivery import DEFAULT_POLICY, URGENT, PriorityRateLimiter, RetryPolicy
from bot.telegram.processing import DEFAULT_CONCURRENCY, DEFAULT_HEAD_START, ChatOrderedProcessor
from bot.telegram.settings import Settings
from bot.telegram.webhook import WebhookServer

__all__ = ["URGENT", "FaqBot", "PriorityRateLimiter", "build_application", "run", "serve"]

log = logging.getLogger("bot.telegram")

ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
PUBLIC_COMMANDS = (
    ("start", "What this bot can and cannot do"),
    ("topics", "Browse questions by category"),
    ("crisis", "Crisis and emergency lines, now"),
    ("region", "Choose your region for crisis lines"),
    ("help", "How to ask, and the commands"),
)
NON_TEXT = (filters.Sticker.ALL | filters.VOICE | filters.PHOTO | filters.Document.ALL | filters.VIDEO
            | filters.VIDEO_NOTE | filters.AUDIO | filters.ANIMATION | filters.LOCATION | filters.CONTACT)
STAT_KEYS = ("messages", "edits", "commands", "buttons", "answers", "clarify", "fallback", "smalltalk",
             "crisis", "non_text", "errors", "blocked")


def update_kind(update: object) -> str:
    """The kind of an update ("message", "callback_query", ...) without any of its content."""
    if not isinstance(update, Update):
        return "none" if update is None else type(update).__name__
    for kind in Update.ALL_TYPES:
        if getattr(update, kind, None) is not None:
            return kind
    return "unknown"


class FaqBot:
    """Handlers and the per-process state they share: chat memory and counters (no texts, no users)."""

    def __init__(self, settings: Settings, store: ResponderStore) -> None:
        self.settings = settings
        self.store = store
        self.states = ChatStates(store.current.knowledge.crisis.sticky_hours)
        self.counts: Counter[str] = Counter({key: 0 for key in STAT_KEYS})
        self.entry_hits: Counter[str] = Counter()
        self.started = dtm.datetime.now(dtm.UTC)
        self._started_monotonic = time.monotonic()
        self.watching: asyncio.Task[None] | None = None  # the knowledge folder watcher, when enabled

    # --- wiring -------------------------------------------------------------------------------

    def register(self, app: Application) -> None:
        new = filters.UpdateType.MESSAGE
        commands = {"start": self.cmd_start, "help": self.cmd_help, "topics": self.cmd_topics,
                    "crisis": self.cmd_crisis, "region": self.cmd_region, "reload": self.cmd_reload,
                    "stats": self.cmd_stats}
        for name, callback in commands.items():
            app.add_handler(CommandHandler(name, callback, filters=new))
        text = filters.TEXT | filters.CAPTION
        app.add_handler(MessageHandler(new & text, self.on_message))
        app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & text, self.on_edit))
        app.add_handler(MessageHandler(new & filters.ChatType.PRIVATE & NON_TEXT, self.on_non_text))
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_error_handler(self.on_error)

    async def post_init(self, app: Application) -> None:
        """Register the command list; a failure is logged and the bot runs without it."""
        try:
            await app.bot.set_my_commands([BotCommand(name, text) for name, text in PUBLIC_COMMANDS])
        except Exception as exc:
            log.warning("could not register the command list (%s); continuing without it", type(exc).__name__)
        if self.settings.knowledge_poll_seconds > 0:
            watcher = KnowledgeWatcher(self.store, debounce=min(2.0, self.settings.knowledge_poll_seconds))
            self.watching = asyncio.get_running_loop().create_task(
                watcher.run(self.settings.knowledge_poll_seconds, on_refused=lambda r: self.tell_admins(app.bot, r),
                            on_loaded=self.knowledge_loaded))
        knowledge = self.store.current.knowledge
        log.info("bot @%s ready: knowledge version %s, %d entries, %d admin(s), %s mode",
                 app.bot.username, knowledge.version, len(knowledge.entries), len(self.settings.admin_user_ids),
                 "webhook" if self.settings.webhook_mode else "polling")

    def knowledge_loaded(self) -> None:
        """A new knowledge version may change how long the crisis footer stays on."""
        self.states.sticky_seconds = self.store.current.knowledge.crisis.sticky_hours * 3600

    async def tell_admins(self, bot: ExtBot, result: ReloadResult) -> None:
        """An edit on disk was refused: every admin hears what to fix (the problems name files, not users)."""
        for admin in self.settings.admin_user_ids:
            try:
                await self.send(bot, admin, fmt.fixed_text(refused_text(result)))
            except TelegramError as exc:  # an admin who never started the bot cannot be messaged
                log.warning("could not tell an admin about the refused edit (%s)", type(exc).__name__)

    def stop_watching(self) -> None:
        if self.watching is not None:
            self.watching.cancel()
            self.watching = None

    # --- context, sending ---------------------------------------------------------------------

    def chat_context(self, responder: Responder, chat_id: int, user: User | None) -> ChatContext:
        """Region: the chat's /region choice, else the user's language if unambiguous, else DEFAULT_REGION."""
        language = user.language_code if user else None
        implied = responder.knowledge.crisis.region_for_language(language) or self.settings.default_region
        return self.states.context(chat_id, language, implied)

    async def send(self, bot: ExtBot, chat_id: int, outgoing: list[fmt.Outgoing], *,
                   reply_to: int | None = None, urgent: bool = False) -> bool:
        """Send the messages in order (each through the retry policy); ``False`` if the chat blocked us.

        A chat that blocked the bot (or removed it) answers 403: that is logged as such, without
        any id, and the rest of the reply is skipped. Other failures propagate to the error handler.
        """
        for n, out in enumerate(outgoing):
            try:
                await bot.send_message(
                    chat_id, out.text, parse_mode=ParseMode.HTML, reply_markup=out.reply_markup,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to and n == 0 else None,
                    rate_limit_args=URGENT if urgent else None,
                )
            except Forbidden:
                self.counts["blocked"] += 1
                log.info("reply skipped: the user blocked the bot or removed it from the chat (Forbidden)")
                return False
        return True

    def is_urgent(self, update: object) -> bool:
        """Whether an update should jump the queue: a crisis in its text, or the /crisis command.

        Only a triage for ordering (``bot.telegram.processing``); the handlers decide for themselves. It
        errs towards urgency: group messages not addressed to the bot are checked too.
        """
        if not isinstance(update, Update):
            return False
        message = update.message or update.edited_message
        text = (message.text or message.caption) if message is not None else None
        if not text:
            return False
        if text.startswith("/crisis"):
            return True
        return detect_crisis(self.store.current.knowledge.crisis.detection, text) is not None

    @staticmethod
    def _reply_to(message: Message | None) -> int | None:
        """In groups, replies quote the message they answer; in private chats that is just noise."""
        if message is None or message.chat.type == Chat.PRIVATE:
            return None
        return message.message_id

    def _log_decision(self, source: str, decision: Decision, text: str | None = None) -> None:
        log.info("decision source=%s kind=%s id=%s score=%.1f%s", source, decision.kind,
                 decision.id or ",".join(decision.options) or "-", decision.score,
                 f" category={decision.crisis.category}" if decision.crisis else "")
        if self.settings.log_message_text and text is not None:
            log.info("message text (LOG_MESSAGE_TEXT=1): %r", text)

    def _count(self, decision: Decision) -> None:
        key = {ANSWER: "answers"}.get(decision.kind, decision.kind)
        self.counts[key] += 1
        if decision.kind == ANSWER and decision.id:
            self.entry_hits[decision.id] += 1

    # --- addressing in groups -----------------------------------------------------------------

    @staticmethod
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

    # --- messages -----------------------------------------------------------------------------

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        text = self.addressed_text(message, context.bot)
        if text is None:
            return
        await self.answer_text(update, context, text)

    async def answer_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        """Decide a message and reply: the escalation alone for a crisis, else the formatted decision."""
        message, chat = update.effective_message, update.effective_chat
        assert message is not None and chat is not None
        responder = self.store.current
        chat_context = self.chat_context(responder, chat.id, update.effective_user)
        decision = responder.decide(text, chat_context)
        self.counts["messages"] += 1
        self._count(decision)
        self._log_decision("message", decision, text)
        if decision.kind == CRISIS:
            await self.escalate(context, responder, chat, decision, chat_context, reply_to=self._reply_to(message))
            return
        await self.send(context.bot, chat.id, fmt.format_decision(decision, responder.knowledge),
                        reply_to=self._reply_to(message))

    async def on_edit(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An edited message is checked for crisis only; anything else was answered already."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        text = self.addressed_text(message, context.bot)
        if text is None:
            return
        self.counts["edits"] += 1
        responder = self.store.current
        hit = detect_crisis(responder.knowledge.crisis.detection, text)
        if hit is None:
            return
        chat_context = self.chat_context(responder, chat.id, update.effective_user)
        decision = responder.crisis_decision(hit, chat_context)
        self._count(decision)
        self._log_decision("edit", decision, text)
        await self.escalate(context, responder, chat, decision, chat_context, reply_to=message.message_id)

    async def escalate(self, context: ContextTypes.DEFAULT_TYPE, responder: Responder, chat: Chat,
                       decision: Decision, chat_context: ChatContext, reply_to: int | None = None) -> None:
        """The fixed crisis response, first and on its own; then remember it; then alert operators.

        The operators are alerted even when the escalation could not be delivered.
        """
        try:
            await self.send(context.bot, chat.id, fmt.format_decision(decision, responder.knowledge),
                            reply_to=reply_to, urgent=True)
        finally:
            self.states.mark_escalated(chat.id)
            if self.settings.crisis_alert_chat_id is not None:
                region = responder.knowledge.crisis.region(chat_context.region).code
                category = decision.crisis.category if decision.crisis else "unknown"
                context.application.create_task(self.alert(context.bot, region, category), update=None)

    async def alert(self, bot: ExtBot, region: str, category: str) -> None:
        """Tell the operators' chat that an escalation happened: time, region, category; nothing else."""
        when = dtm.datetime.now(dtm.UTC).strftime("%Y-%m-%d %H:%M UTC")
        text = fmt.CRISIS_ALERT.format(time=when, region=region, category=category)
        try:
            await bot.send_message(self.settings.crisis_alert_chat_id, fmt.escape(text),  # type: ignore[arg-type]
                                   parse_mode=ParseMode.HTML)
        except Exception as exc:
            log.warning("crisis alert could not be sent (%s)", type(exc).__name__)

    async def on_non_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        self.counts["non_text"] += 1
        responder = self.store.current
        chat_context = self.chat_context(responder, chat.id, update.effective_user)
        footer = responder.footer_text(chat_context) if chat_context.flagged else None
        log.info("decision source=non_text kind=non_text")
        await self.send(context.bot, chat.id, fmt.fixed_text(responder.knowledge.texts.non_text, footer))

    # --- commands -----------------------------------------------------------------------------

    def _command_setup(self, update: Update, name: str) -> tuple[Responder, Chat, ChatContext, int | None]:
        chat = update.effective_chat
        assert chat is not None
        self.counts["commands"] += 1
        log.info("command /%s", name)
        responder = self.store.current
        return responder, chat, self.chat_context(responder, chat.id, update.effective_user), \
            self._reply_to(update.effective_message)

    async def cmd_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        responder, chat, chat_context, reply_to = self._command_setup(update, "start")
        knowledge = responder.knowledge
        await self.send(context.bot, chat.id, fmt.fixed_text(knowledge.texts.start, responder.footer_text(chat_context),
                                                             fmt.categories_keyboard(knowledge)), reply_to=reply_to)

    async def cmd_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        responder, chat, chat_context, reply_to = self._command_setup(update, "help")
        await self.send(context.bot, chat.id, fmt.fixed_text(responder.knowledge.texts.help,
                                                             responder.footer_text(chat_context)), reply_to=reply_to)

    async def cmd_topics(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        responder, chat, _, reply_to = self._command_setup(update, "topics")
        await self.send(context.bot, chat.id, [fmt.topics_view(responder.knowledge)], reply_to=reply_to)

    async def cmd_crisis(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The hotlines now, through the urgent lane; asking for them also turns on the footer."""
        responder, chat, chat_context, reply_to = self._command_setup(update, "crisis")
        text = responder.crisis_text(chat_context, (chat_context.language or "en")[:2].lower())
        try:
            await self.send(context.bot, chat.id, fmt.fixed_text(text), reply_to=reply_to, urgent=True)
        finally:
            self.states.mark_escalated(chat.id)

    async def cmd_region(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        responder, chat, chat_context, reply_to = self._command_setup(update, "region")
        view = fmt.region_view(responder.knowledge.crisis, chat_context.region)
        await self.send(context.bot, chat.id, [view], reply_to=reply_to)

    def _is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.settings.admin_user_ids

    async def _as_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A non-admin's /reload or /stats gets the same reply as any other text."""
        message = update.effective_message
        if message is not None and message.text:
            await self.answer_text(update, context, message.text)

    async def _admin_chat(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
        """The chat id for an admin's command; for anyone else, answer it as text and return None."""
        if not self._is_admin(update):
            await self._as_text(update, context)
            return None
        chat = update.effective_chat
        assert chat is not None
        self.counts["commands"] += 1
        return chat.id

    async def cmd_reload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = await self._admin_chat(update, context)
        if chat_id is None:
            return
        context.application.create_task(self._typing(context.bot, chat_id), update=None)
        result = await asyncio.to_thread(self.store.reload)  # parsing must not stall other chats
        if result.ok:
            self.knowledge_loaded()
            text = f"Reloaded knowledge version {result.version}: {result.summary}."
        else:
            text = refused_text(result)
        log_result(result)
        await self.send(context.bot, chat_id, fmt.fixed_text(text), reply_to=self._reply_to(update.effective_message))

    async def cmd_stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = await self._admin_chat(update, context)
        if chat_id is None:
            return
        await self.send(context.bot, chat_id, fmt.fixed_text(self.stats_text()),
                        reply_to=self._reply_to(update.effective_message))

    def stats_text(self) -> str:
        """Counts since start; by design there is nothing here about who asked or what they wrote."""
        uptime = dtm.timedelta(seconds=int(time.monotonic() - self._started_monotonic))
        lines = [f"Since {self.started:%Y-%m-%d %H:%M} UTC (up {uptime}), "
                 f"knowledge version {self.store.current.knowledge.version}:"]
        lines += [f"{key}: {self.counts[key]}" for key in STAT_KEYS]
        hits = self.entry_hits.most_common()
        lines += ["", "Answers per entry:" if hits else "Answers per entry: none yet"]
        lines += [f"{entry}: {count}" for entry, count in hits]
        return "\n".join(lines)

    @staticmethod
    async def _typing(bot: ExtBot, chat_id: int) -> None:
        try:
            await bot.send_chat_action(chat_id, ChatAction.TYPING)
        except Exception as exc:  # a nicety only
            log.debug("typing indicator failed (%s)", type(exc).__name__)

    # --- buttons ------------------------------------------------------------------------------

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        try:
            await query.answer()  # stop the button's spinner first
        except BadRequest as exc:  # e.g. the query is too old; the reply can still go out
            log.info("callback query could not be answered (%s)", type(exc).__name__)
        message = query.message
        chat_id = message.chat.id if message is not None else query.from_user.id
        self.counts["buttons"] += 1
        responder = self.store.current
        knowledge = responder.knowledge
        chat_context = self.chat_context(responder, chat_id, query.from_user)
        parsed = fmt.parse_callback(query.data)
        kind, value = parsed if parsed else ("invalid", "")
        log.info("button kind=%s", kind)
        if kind == fmt.ANSWER_PREFIX:
            decision = responder.decide_entry(value, chat_context)
            self._count(decision)
            self._log_decision("button", decision)
            await self.send(context.bot, chat_id, fmt.format_decision(decision, knowledge))
            return
        view: fmt.Outgoing | None = None
        in_place = kind in (fmt.MENU_PREFIX, fmt.MENU, fmt.REGION_PREFIX)
        if kind in (fmt.CATEGORY_PREFIX, fmt.MENU_PREFIX):
            view = fmt.category_view(knowledge, value)
        elif kind in (fmt.MENU, fmt.TOPICS):
            view = fmt.topics_view(knowledge)
        elif kind == fmt.REGION_PREFIX and value in knowledge.crisis.regions:
            self.states.choose_region(chat_id, value)
            footer = responder.footer_text(self.states.context(chat_id))
            view = fmt.region_chosen_view(knowledge.crisis, value, footer)
        if view is None:  # forged, stale or malformed data: say so politely
            self.counts["fallback"] += 1
            log.info("decision source=button kind=fallback id=unknown-topic")
            await self.send(context.bot, chat_id, fmt.fixed_text(knowledge.texts.unknown_topic,
                                                                 keyboard=fmt.browse_keyboard()))
            return
        if in_place and isinstance(message, Message):
            await self._edit(message, view)
        else:
            await self.send(context.bot, chat_id, [view])

    @staticmethod
    async def _edit(message: Message, view: fmt.Outgoing) -> None:
        try:
            await message.edit_text(view.text, parse_mode=ParseMode.HTML, reply_markup=view.reply_markup,
                                    link_preview_options=LinkPreviewOptions(is_disabled=True))
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():  # pressing the same button twice is fine
                raise

    # --- errors -------------------------------------------------------------------------------

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the exception type, the update kind and where it happened; apologise; keep running."""
        error = context.error
        kind = update_kind(update)
        where = "".join(traceback.format_tb(error.__traceback__)) if error is not None else ""
        if not isinstance(update, Update):  # e.g. a network error while polling: PTB retries by itself
            log.warning("%s outside an update (%s)", type(error).__name__, kind)
            return
        if isinstance(error, Forbidden):  # e.g. an edit or a button answer in a chat that blocked the bot
            self.counts["blocked"] += 1
            log.info("reply skipped: the user blocked the bot or removed it from the chat (Forbidden)")
            return
        self.counts["errors"] += 1
        log.error("%s while handling a %s update\n%s", type(error).__name__, kind, where.rstrip())
        chat = update.effective_chat
        if chat is None or isinstance(error, Forbidden | InvalidToken):
            return  # nobody to apologise to, or no way to
        try:
            text = self.store.current.knowledge.texts.error
            await self.send(context.bot, chat.id, fmt.fixed_text(text))
        except Exception as exc:
            log.warning("could not send the apology (%s)", type(exc).__name__)


CONNECTION_POOL_SIZE = 32  # HTTP connections for sending; concurrent chats share them


def build_application(settings: Settings, store: ResponderStore, *, policy: RetryPolicy = DEFAULT_POLICY,
                      request: BaseRequest | None = None, get_updates_request: BaseRequest | None = None,
                      limits: dict[str, float] | None = None, concurrency: int = DEFAULT_CONCURRENCY,
                      head_start: float = DEFAULT_HEAD_START) -> Application:
    """The configured PTB Application with every handler registered; not started.

    ``policy`` is the retry policy of every request; ``limits`` are ``AIORateLimiter``'s keyword
    arguments (``overall_max_rate=0`` turns pacing off, as the fuzz test does). ``request`` and
    ``get_updates_request`` replace PTB's HTTP client (tests record instead of sending).
    """
    faqbot = FaqBot(settings, store)
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .rate_limiter(PriorityRateLimiter(policy=policy, **(limits or {})))
        .concurrent_updates(ChatOrderedProcessor(concurrency, urgent=faqbot.is_urgent, head_start=head_start))
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
    faqbot.register(app)
    app.bot_data["faqbot"] = faqbot
    return app


# --- running ----------------------------------------------------------------------------------------

POLL_TIMEOUT = 10  # seconds a long poll waits at Telegram for updates


def announce_log_policy(settings: Settings) -> None:
    """Warn loudly, at start, when people's messages will be logged."""
    if settings.log_message_text:
        log.warning("!" * 72)
        log.warning("LOG_MESSAGE_TEXT=1: people's messages WILL be written to the log. They are sensitive")
        log.warning("health data. Use this only for local debugging, never in production.")
        log.warning("!" * 72)


def _polling_error(exc: TelegramError) -> None:
    """One line per failed poll instead of PTB's traceback; PTB keeps retrying with backoff (1 s to 30 s)."""
    if isinstance(exc, Conflict):
        log.error("another instance is polling with this token (Conflict): run exactly one")
    else:
        log.warning("polling for updates failed (%s); retrying", type(exc).__name__)


async def start_receiving(app: Application, settings: Settings, *, listen: str = "0.0.0.0",
                          poll_timeout: float = POLL_TIMEOUT) -> WebhookServer | None:
    """Start taking updates: long polling, or the webhook server plus ``setWebhook``."""
    if not settings.webhook_mode:
        assert app.updater is not None
        # bootstrap_retries=0: deleteWebhook already goes through the retry policy
        await app.updater.start_polling(timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES, bootstrap_retries=0,
                                        error_callback=_polling_error)
        return None
    server = WebhookServer(bot=app.bot, update_queue=app.update_queue, path=settings.webhook_path,
                           secret=settings.webhook_secret, port=settings.port, listen=listen)
    server.start()
    try:
        await app.bot.set_webhook(settings.webhook_url or "", allowed_updates=ALLOWED_UPDATES,
                                  secret_token=settings.webhook_secret)
    except BaseException:
        await server.stop()
        raise
    return server


def refused_text(result: ReloadResult) -> str:
    return "\n".join([f"Knowledge edit refused: {len(result.problems)} problem(s). Still serving version "
                      f"{result.version} ({result.summary}).", "", *map(str, result.problems)])


async def stop_receiving(app: Application, server: WebhookServer | None) -> None:
    """Stop taking updates (and watching the knowledge folder); what was taken stays queued for ``stop``."""
    faqbot = app.bot_data.get("faqbot")
    if isinstance(faqbot, FaqBot):
        faqbot.stop_watching()
    if server is not None:
        await server.stop()
    if app.updater is not None and app.updater.running:
        await app.updater.stop()  # polling: one last getUpdates confirms what was queued


async def serve(app: Application, settings: Settings, stop: asyncio.Event, *, listen: str = "0.0.0.0",
                poll_timeout: float = POLL_TIMEOUT) -> None:
    """Run the bot until ``stop`` is set, then shut down gracefully.

    Start: ``getMe`` (retried by the policy), the command list, taking updates, processing.
    Stop: no new updates are taken; updates already taken, queued or in progress, are answered
    (``Application.stop`` drains the queue and waits for handlers and their tasks); then exit.
    A stop during start-up aborts the start-up.
    """
    faqbot: FaqBot = app.bot_data["faqbot"]
    server: WebhookServer | None = None

    async def start() -> None:
        nonlocal server
        await app.initialize()
        await faqbot.post_init(app)
        server = await start_receiving(app, settings, listen=listen, poll_timeout=poll_timeout)
        await app.start()

    starting = asyncio.ensure_future(start())
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            log.info("stop requested during start-up")
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
        else:
            starting.result()  # start-up errors propagate
            log.info("running; send SIGTERM or SIGINT to stop")
            await stopping
            log.info("stopping: no new updates; finishing %d update(s) in progress",
                     app.update_queue.qsize() + _in_progress(app))
    finally:
        stopping.cancel()
        await stop_receiving(app, server)
        if app.running:
            await app.stop()
        await app.shutdown()  # a no-op if initialize() never succeeded
    log.info("stopped cleanly")


def _in_progress(app: Application) -> int:
    processor = app.update_processor
    return processor.current_concurrent_updates


def run(settings: Settings, store: ResponderStore) -> int:
    """Run until SIGINT/SIGTERM: webhook mode when ``WEBHOOK_URL`` is set, else long polling."""
    announce_log_policy(settings)
    app = build_application(settings, store)
    log.info("starting in %s mode", f"webhook (port {settings.port})" if settings.webhook_mode else "polling")

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, _on_signal, stop, sig)
        await serve(app, settings, stop)

    try:
        asyncio.run(main())
    except InvalidToken:
        log.error("Telegram rejected TELEGRAM_BOT_TOKEN: check it with @BotFather (/mybots -> API Token)")
        return 2
    except TelegramError as exc:  # still unreachable after the retries: let the platform restart us
        log.error("could not reach the Telegram Bot API at start-up (%s); exiting", type(exc).__name__)
        return 1
    except OSError as exc:  # e.g. the webhook port is taken
        log.error("could not start: %s", exc)
        return 1
    return 0


def _on_signal(stop: asyncio.Event, sig: signal.Signals) -> None:
    if stop.is_set():
        log.warning("%s again: still finishing the updates in progress", sig.name)
        return
    log.info("%s received", sig.name)
    stop.set()
