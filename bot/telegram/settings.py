"""Settings of the Telegram bot, read from the environment and checked before anything starts.

Every problem is reported in one line that says which variable is wrong and how to fix it,
never with a traceback and never echoing a secret. ``.env.example`` documents each variable.

Also here: logging setup with a filter that redacts the bot token (and webhook secret)
wherever it would appear, because a leaked token lets anyone impersonate the bot.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import os
import re
import sys
import threading
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.storage.url import DatabaseTarget, DatabaseUrlError, parse_database_url
from bot.telegram.webhook import HEALTH_PATH

TOKEN_PATTERN = re.compile(r"\d+:[A-Za-z0-9_-]{30,}")
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as secret_token
REGION_PATTERN = re.compile(r"[A-Za-z]{2,5}")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULT_PORT = 8080
REDACTED = "[REDACTED]"
_SECRET_SALT = b"ketamine-faq-bot/webhook-secret/v1"
_STATE_SALT = b"ketamine-faq-bot/state-secret/v1"
MIN_STATE_SECRET = 16  # characters: the key of the chat hashes must not be guessable
MAX_RETENTION_DAYS = 365
READ_WAIT_MS = (10, 5000)  # bounds of DATABASE_READ_WAIT_MS: below, every read "fails"; above, replies lag


class ConfigError(Exception):
    """A configuration problem; ``str()`` is one line meant for the operator."""


DEFAULT_KNOWLEDGE_POLL = 3.0  # seconds between looks at the knowledge folder (hot reload)


@dataclass(frozen=True)
class Settings:
    """Validated settings. Secrets are left out of ``repr`` so they cannot leak into logs."""

    token: str = field(repr=False)
    base_url: str | None = None
    webhook_url: str | None = None
    port: int = DEFAULT_PORT
    webhook_secret: str = field(default="", repr=False)
    knowledge_dir: Path | None = None
    admin_user_ids: frozenset[int] = frozenset()
    log_level: str = "INFO"
    default_region: str | None = None
    crisis_alert_chat_id: int | str | None = None
    log_message_text: bool = False
    knowledge_poll_seconds: float = 0.0  # 0: no hot reload (tests); the environment default is 3 s
    # None: no database, memory only (tests); from the environment, unset DATABASE_URL means SQLite in data/.
    database_url: str | None = field(default=None, repr=False)
    state_secret: str = field(default="", repr=False)
    unanswered_retention_days: int = 0
    database_read_wait: float | None = None  # seconds a reply waits for the chat's stored state; None: the default

    @property
    def database(self) -> DatabaseTarget | None:
        return parse_database_url(self.database_url) if self.database_url is not None else None

    @property
    def webhook_mode(self) -> bool:
        return bool(self.webhook_url)

    @property
    def base_file_url(self) -> str | None:
        """PTB's file URL for a custom ``base_url``: ``.../bot`` becomes ``.../file/bot``."""
        if not self.base_url or not self.base_url.endswith("/bot"):
            return None  # the bot downloads no files; PTB's default is fine then
        return self.base_url.removesuffix("/bot") + "/file/bot"

    @property
    def webhook_path(self) -> str:
        """The path part of ``WEBHOOK_URL`` that the local webhook server listens on."""
        return urlsplit(self.webhook_url or "").path.strip("/")

    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in logs."""
        database = self.database
        password = database.password if database else None
        return tuple(s for s in (self.token, self.webhook_secret, self.state_secret, password) if s)


def derive_webhook_secret(token: str) -> str:
    """A stable secret_token for the webhook, derived from the bot token (HMAC-SHA256, hex).

    Stable, so a restart keeps accepting Telegram's deliveries; one-way, so it reveals nothing
    about the token; different from the token, so the token is never sent in a header.
    """
    return hmac.new(_SECRET_SALT, token.encode("utf-8"), hashlib.sha256).hexdigest()


def derive_state_secret(token: str) -> str:
    """The key of the chat hashes when SQLite is used without ``STATE_SECRET``: stable, one-way, not the token."""
    return hmac.new(_STATE_SALT, token.encode("utf-8"), hashlib.sha256).hexdigest()


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and check every variable; raise :class:`ConfigError` naming all problems in one line."""
    env = os.environ if environ is None else environ
    problems: list[str] = []

    def get(name: str) -> str:
        return (env.get(name) or "").strip()

    token = get("TELEGRAM_BOT_TOKEN")
    if not token:
        problems.append("TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and put its token in "
                        "the environment (see .env.example)")
    elif not TOKEN_PATTERN.fullmatch(token):
        problems.append("TELEGRAM_BOT_TOKEN is malformed: expected digits, a colon and 30 or more letters, "
                        "digits, '-' or '_', exactly as @BotFather shows it")

    base_url = get("TELEGRAM_BASE_URL") or None
    if base_url and not _is_http_url(base_url):
        problems.append("TELEGRAM_BASE_URL must be an http(s) URL such as https://api.telegram.org/bot")

    webhook_url = get("WEBHOOK_URL") or None
    if webhook_url and not _is_http_url(webhook_url):
        problems.append("WEBHOOK_URL must be the public https URL Telegram posts to, "
                        "e.g. https://my-app.example.com/telegram")
    elif webhook_url and urlsplit(webhook_url).scheme != "https" and not _is_loopback(webhook_url):
        problems.append("WEBHOOK_URL must start with https:// (Telegram posts only to https; plain http is "
                        "accepted for 127.0.0.1, ::1 and localhost only, for tests)")
    elif webhook_url and "/" + urlsplit(webhook_url).path.strip("/") == HEALTH_PATH:
        problems.append(f"WEBHOOK_URL's path cannot be {HEALTH_PATH}, where the health check answers; "
                        "use e.g. https://my-app.example.com/telegram")

    port = DEFAULT_PORT
    if get("PORT"):
        if get("PORT").isdigit() and 1 <= int(get("PORT")) <= 65535:
            port = int(get("PORT"))
        else:
            problems.append("PORT must be a TCP port number between 1 and 65535")

    poll = DEFAULT_KNOWLEDGE_POLL
    if get("KNOWLEDGE_POLL_SECONDS"):
        try:
            poll = float(get("KNOWLEDGE_POLL_SECONDS"))
        except ValueError:
            poll = -1.0
        if not 0 <= poll <= 3600:
            problems.append("KNOWLEDGE_POLL_SECONDS must be a number of seconds from 0 (off) to 3600")
    secret = get("WEBHOOK_SECRET")
    if secret and not SECRET_PATTERN.fullmatch(secret):
        problems.append("WEBHOOK_SECRET may only contain letters, digits, '-' and '_' (1 to 256 characters)")

    admins = _parse_ids(get("ADMIN_USER_IDS"), problems)

    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")

    region = get("DEFAULT_REGION").upper() or None
    if region and not REGION_PATTERN.fullmatch(region):
        problems.append("DEFAULT_REGION must be a region code from knowledge/crisis.yaml, e.g. US, UK or INTL")

    alert_chat = _parse_chat(get("CRISIS_ALERT_CHAT_ID"), problems)

    flag = get("LOG_MESSAGE_TEXT")
    if flag not in ("", "0", "1"):
        problems.append("LOG_MESSAGE_TEXT must be 0 or 1")

    database_url = get("DATABASE_URL")
    state_secret = get("STATE_SECRET")
    try:
        database = parse_database_url(database_url)
    except DatabaseUrlError as exc:
        problems.append(str(exc))
    else:
        if database.backend == "postgresql" and not state_secret:
            problems.append("STATE_SECRET is required with PostgreSQL: set it to a long random string "
                            "(e.g. `openssl rand -hex 32`) and keep it; chats are stored under a hash keyed by it")
    if state_secret and len(state_secret) < MIN_STATE_SECRET:
        problems.append(f"STATE_SECRET must be at least {MIN_STATE_SECRET} characters (e.g. `openssl rand -hex 32`)")
    retention = get("UNANSWERED_RETENTION_DAYS") or "0"
    if not retention.isdigit() or int(retention) > MAX_RETENTION_DAYS:
        problems.append(f"UNANSWERED_RETENTION_DAYS must be a whole number of days from 0 (off, nothing stored) "
                        f"to {MAX_RETENTION_DAYS}")
    read_wait = get("DATABASE_READ_WAIT_MS")
    low, high = READ_WAIT_MS
    if read_wait and not (read_wait.isdigit() and low <= int(read_wait) <= high):
        problems.append(f"DATABASE_READ_WAIT_MS must be a whole number of milliseconds from {low} to {high} "
                        "(empty: 100)")

    if problems:
        raise ConfigError("; ".join(problems))
    return Settings(
        token=token, base_url=base_url, webhook_url=webhook_url, port=port,
        webhook_secret=secret or derive_webhook_secret(token),
        knowledge_dir=Path(get("KNOWLEDGE_DIR")) if get("KNOWLEDGE_DIR") else None,
        knowledge_poll_seconds=max(poll, 0.0),
        admin_user_ids=admins, log_level=log_level, default_region=region,
        crisis_alert_chat_id=alert_chat, log_message_text=flag == "1",
        database_url=database_url, state_secret=state_secret or derive_state_secret(token),
        unanswered_retention_days=int(retention),
        database_read_wait=int(read_wait) / 1000 if read_wait else None,
    )


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in value)


def _is_loopback(url: str) -> bool:
    """Whether ``url`` names this machine: a webhook there is a test (an emulator), never Telegram."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _parse_ids(value: str, problems: list[str]) -> frozenset[int]:
    ids = set()
    for item in filter(None, (part.strip() for part in value.split(","))):
        if not item.isdigit():
            problems.append("ADMIN_USER_IDS must be numeric Telegram user ids separated by commas "
                            "(ask @userinfobot for yours)")
            return frozenset()
        ids.add(int(item))
    return frozenset(ids)


def _parse_chat(value: str, problems: list[str]) -> int | str | None:
    if not value:
        return None
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    if re.fullmatch(r"@[A-Za-z][A-Za-z0-9_]{3,}", value):
        return value
    problems.append("CRISIS_ALERT_CHAT_ID must be a numeric chat id (e.g. -1001234567890) or a @channelname")
    return None


# --- logging ---------------------------------------------------------------------------------------


class RedactSecrets(logging.Filter):
    """Replace secrets in a record's message, arguments, exception and stack text.

    Installed on handlers (not loggers) so that it also sees records propagated from library
    loggers such as PTB's and httpx's, which can mention request URLs containing the token.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw template, still redacted
            message = str(record.msg)
        record.msg, record.args = self.clean(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self.clean(record.stack_info)
        return True


def configure_logging(settings: Settings) -> None:
    """Log to stderr at ``LOG_LEVEL``, apply :func:`apply_log_policy`, redact secrets everywhere.

    Everywhere includes what does not go through logging by default: warnings are routed into
    the log, and a traceback of an exception nobody caught (main thread or another) is printed
    redacted too.
    """
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=settings.log_level)
    logging.captureWarnings(True)
    apply_log_policy(settings)
    redactor = install_redaction(settings.secrets())
    install_excepthooks(redactor)


def apply_log_policy(settings: Settings) -> None:
    """Keep library loggers from writing what people sent.

    httpx/httpcore log every request URL at INFO (the URL holds the token): WARNING only.
    python-telegram-bot logs whole updates and request parameters at DEBUG (message texts,
    user ids), so its loggers stay at INFO or above even with ``LOG_LEVEL=DEBUG``, unless
    ``LOG_MESSAGE_TEXT=1`` says the operator accepts texts in the log.
    """
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if not settings.log_message_text:
        level = max(logging.INFO, logging.getLevelName(settings.log_level))
        logging.getLogger("telegram").setLevel(level)


def install_redaction(secrets: Iterable[str], logger: logging.Logger | None = None) -> RedactSecrets:
    """Add one redacting filter to every handler of ``logger`` (default: the root logger)."""
    redactor = RedactSecrets(secrets)
    for handler in (logger or logging.getLogger()).handlers:
        handler.addFilter(redactor)
    return redactor


def install_excepthooks(redactor: RedactSecrets) -> None:
    """Print uncaught exceptions (any thread) with secrets redacted, instead of Python's raw traceback."""

    def show(kind: type[BaseException], value: BaseException, tb: object) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))  # type: ignore[arg-type]
        sys.stderr.write(redactor.clean(text))

    def show_thread(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            show(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = show
    threading.excepthook = show_thread
