"""The environment variables ``run`` reads, one line each: what ``run --help`` lists.

Kept here rather than next to the Telegram settings so that ``--help`` does not import
python-telegram-bot. Tests check that every variable the code reads is listed here, and in
``app.json`` and ``.env.example``, so the three cannot drift apart.
"""

from __future__ import annotations

VARIABLES: tuple[tuple[str, str], ...] = (
    ("TELEGRAM_BOT_TOKEN", "required: the token from @BotFather (never logged)"),
    ("WEBHOOK_URL", "public https URL Telegram posts updates to (webhook mode); empty: long polling"),
    ("PORT", "webhook mode: port to listen on, on 0.0.0.0 (default 8080; platforms set it)"),
    ("WEBHOOK_SECRET", "webhook mode: header Telegram must send (default: derived from the token)"),
    ("ADMIN_USER_IDS", "comma-separated Telegram user ids for /reload, /stats and knowledge alerts"),
    ("DEFAULT_REGION", "hotline region when a chat chose none (default: crisis.yaml's)"),
    ("CRISIS_ALERT_CHAT_ID", "chat told that an escalation happened (time, region, category only)"),
    ("KNOWLEDGE_DIR", "knowledge folder (default ./knowledge; --knowledge wins)"),
    ("KNOWLEDGE_POLL_SECONDS", "seconds between looks for edited knowledge (default 3; 0: no hot reload)"),
    ("MODEL_DIR", "sentence-encoder folder (default: the model shipped in the package)"),
    ("CACHE_DIR", "cache of embeddings, fits and glossaries (default ./data/cache; rebuilt when missing)"),
    ("DATABASE_URL", "where state is kept: postgres://... or sqlite:///file (default: SQLite data/bot.db)"),
    ("STATE_SECRET", "key of the hash chats are stored under; required with PostgreSQL (never logged)"),
    ("UNANSWERED_RETENTION_DAYS", "days to keep unanswered questions for review (default 0: none kept)"),
    ("DATABASE_READ_WAIT_MS", "ms a reply waits for the chat's stored state (default 100; 10-5000)"),
    ("LOG_LEVEL", "DEBUG, INFO (default), WARNING, ERROR or CRITICAL"),
    ("LOG_MESSAGE_TEXT", "1 logs message texts, for local debugging only; never in production"),
    ("TELEGRAM_BASE_URL", "Bot API server ending in /bot (default Telegram's); local servers, tests"),
)


def help_text() -> str:
    """The ``run --help`` epilog: one aligned line per variable."""
    width = max(len(name) for name, _ in VARIABLES)
    lines = [f"  {name:<{width}}  {meaning}" for name, meaning in VARIABLES]
    return "environment variables (see .env.example):\n" + "\n".join(lines)
