"""Settings from the environment, log redaction, and ``python -m bot run`` as a real process."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.telegram.settings import (
    REDACTED,
    SECRET_PATTERN,
    ConfigError,
    RedactSecrets,
    Settings,
    derive_state_secret,
    derive_webhook_secret,
    load_settings,
)
from tests.emulator import BotApiEmulator
from tests.support.telegram_harness import TOKEN

ROOT = Path(__file__).resolve().parents[2]
BOT_ENV = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BASE_URL", "WEBHOOK_URL", "PORT", "WEBHOOK_SECRET", "KNOWLEDGE_DIR",
           "ADMIN_USER_IDS", "LOG_LEVEL", "DEFAULT_REGION", "CRISIS_ALERT_CHAT_ID", "LOG_MESSAGE_TEXT",
           "DATABASE_URL", "STATE_SECRET", "UNANSWERED_RETENTION_DAYS", "DATABASE_READ_WAIT_MS")


def clean_env(**values: str) -> dict[str, str]:
    """This process's environment without any bot variable, plus ``values``."""
    return {**{k: v for k, v in os.environ.items() if k not in BOT_ENV}, **values}


def config_error(env: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    return str(caught.value)


# --- settings -----------------------------------------------------------------------------------


def test_minimal_settings_mean_polling_with_defaults() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert (settings.webhook_mode, settings.base_url, settings.port, settings.log_level) == (False, None, 8080, "INFO")
    assert settings.admin_user_ids == frozenset() and settings.crisis_alert_chat_id is None
    assert not settings.log_message_text and settings.default_region is None


def test_every_variable_is_read() -> None:
    settings = load_settings({
        "TELEGRAM_BOT_TOKEN": f" {TOKEN} ", "TELEGRAM_BASE_URL": "http://localhost:8081/bot",
        "WEBHOOK_URL": "https://bot.example.com/telegram/hook", "PORT": "5000", "WEBHOOK_SECRET": "my_Secret-1",
        "KNOWLEDGE_DIR": "/srv/knowledge", "ADMIN_USER_IDS": "12, 34,,56", "LOG_LEVEL": "debug",
        "DEFAULT_REGION": "uk", "CRISIS_ALERT_CHAT_ID": "-1001234567890", "LOG_MESSAGE_TEXT": "1",
    })
    assert settings.token == TOKEN and settings.webhook_secret == "my_Secret-1"
    assert settings.base_file_url == "http://localhost:8081/file/bot"
    assert (settings.webhook_mode, settings.webhook_path, settings.port) == (True, "telegram/hook", 5000)
    assert settings.knowledge_dir == Path("/srv/knowledge")
    assert settings.admin_user_ids == {12, 34, 56}
    assert (settings.log_level, settings.default_region) == ("DEBUG", "UK")
    assert settings.crisis_alert_chat_id == -1001234567890 and settings.log_message_text


@pytest.mark.parametrize(("env", "message"), [
    ({}, "TELEGRAM_BOT_TOKEN is not set"),
    ({"TELEGRAM_BOT_TOKEN": "   "}, "TELEGRAM_BOT_TOKEN is not set"),
    ({"TELEGRAM_BOT_TOKEN": "123456:short"}, "TELEGRAM_BOT_TOKEN is malformed"),
    ({"TELEGRAM_BOT_TOKEN": "bot123456:AAF-test_token-0123456789abcdefghijk"}, "TELEGRAM_BOT_TOKEN is malformed"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN + " extra"}, "TELEGRAM_BOT_TOKEN is malformed"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "PORT": "80a"}, "PORT must be"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "PORT": "70000"}, "PORT must be"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "bot.example.com/hook"}, "WEBHOOK_URL must be"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "http://bot.example.com/hook"}, "WEBHOOK_URL must start with"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "http://10.0.0.5:8080/hook"}, "WEBHOOK_URL must start with"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "http://127.0.0.1.example.com/hook"}, "WEBHOOK_URL must start"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "ftp://bot.example.com/hook"}, "WEBHOOK_URL must be"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": "localhost:8081"}, "TELEGRAM_BASE_URL must be"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_SECRET": "has spaces"}, "WEBHOOK_SECRET may only"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "ADMIN_USER_IDS": "12,@admin"}, "ADMIN_USER_IDS must be"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "LOG_LEVEL": "chatty"}, "LOG_LEVEL must be"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "DEFAULT_REGION": "United Kingdom"}, "DEFAULT_REGION must be"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "CRISIS_ALERT_CHAT_ID": "ops chat"}, "CRISIS_ALERT_CHAT_ID must be"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "LOG_MESSAGE_TEXT": "yes"}, "LOG_MESSAGE_TEXT must be"),
])
def test_problems_are_one_line_and_never_echo_the_token(env: dict[str, str], message: str) -> None:
    error = config_error(env)
    assert error.startswith(message) or f"; {message}" in error
    assert "\n" not in error
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    assert not token or token.split(":")[-1] not in error


@pytest.mark.parametrize("url", ["http://127.0.0.1:8443/telegram", "http://[::1]:8443/telegram",
                                 "http://localhost:8443/telegram", "http://127.0.0.2/telegram",
                                 "https://bot.example.com/telegram"])
def test_webhook_over_http_only_on_this_machine(url: str) -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": url})
    assert settings.webhook_mode and settings.webhook_url == url


def test_all_problems_are_reported_together() -> None:
    error = config_error({"TELEGRAM_BOT_TOKEN": "nope", "PORT": "x", "LOG_LEVEL": "loud"})
    assert error.count("; ") == 2 and "\n" not in error


def test_derived_webhook_secret_is_stable_valid_and_not_the_token() -> None:
    secret = derive_webhook_secret(TOKEN)
    assert secret == derive_webhook_secret(TOKEN) == load_settings({"TELEGRAM_BOT_TOKEN": TOKEN}).webhook_secret
    assert SECRET_PATTERN.fullmatch(secret)
    assert secret != TOKEN and TOKEN.split(":")[1] not in secret
    assert derive_webhook_secret(TOKEN[:-1] + "x") != secret


def test_secrets_stay_out_of_repr() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_SECRET": "very_secret_value"})
    assert TOKEN not in repr(settings) and "very_secret_value" not in repr(settings)
    assert settings.secrets() == (TOKEN, "very_secret_value", derive_state_secret(TOKEN))


def test_database_settings() -> None:
    sqlite = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert sqlite.database is not None and sqlite.database.backend == "sqlite"  # unset: the embedded default
    assert sqlite.state_secret == derive_state_secret(TOKEN) != TOKEN and sqlite.unanswered_retention_days == 0
    url = "postgres://bot:pa55word@db.example.com:5432/bot?sslmode=require"
    postgres = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": url, "STATE_SECRET": "s" * 32,
                              "UNANSWERED_RETENTION_DAYS": "30"})
    assert postgres.database is not None and postgres.database.connect_args["ssl"] == "require"
    assert "pa55word" in postgres.secrets() and "s" * 32 in postgres.secrets()  # redacted from every log line
    assert "pa55word" not in repr(postgres) and postgres.unanswered_retention_days == 30
    assert sqlite.database_read_wait is None  # the keeper's default
    assert load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_READ_WAIT_MS": "300"}).database_read_wait == 0.3
    for env, message in [({"DATABASE_URL": url}, "STATE_SECRET is required with PostgreSQL"),
                         ({"STATE_SECRET": "short"}, "STATE_SECRET must be at least 16 characters"),
                         ({"UNANSWERED_RETENTION_DAYS": "-1"}, "UNANSWERED_RETENTION_DAYS must be a whole number"),
                         ({"UNANSWERED_RETENTION_DAYS": "1000"}, "UNANSWERED_RETENTION_DAYS must be a whole number"),
                         ({"DATABASE_READ_WAIT_MS": "5"}, "DATABASE_READ_WAIT_MS must be a whole number"),
                         ({"DATABASE_READ_WAIT_MS": "0.3"}, "DATABASE_READ_WAIT_MS must be a whole number"),
                         ({"DATABASE_URL": "postgres://bot:pa55word@host:x/db"}, "DATABASE_URL is malformed")]:
        with pytest.raises(ConfigError) as caught:
            load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, **env})
        assert message in str(caught.value) and "pa55word" not in str(caught.value)


def test_redaction_covers_messages_arguments_and_tracebacks() -> None:
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Collect()
    handler.addFilter(RedactSecrets(Settings(token=TOKEN, webhook_secret="s3cr3t").secrets()))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("POST https://api.telegram.org/bot%s/getMe", TOKEN)
        logger.warning(f"secret is s3cr3t and token {TOKEN}")
        try:
            raise RuntimeError(f"connection to /bot{TOKEN}/sendMessage failed")
        except RuntimeError:
            logger.exception("request failed")
    finally:
        logger.removeHandler(handler)
    assert len(records) == 3
    assert all(TOKEN not in r and "s3cr3t" not in r for r in records)
    assert f"/bot{REDACTED}/getMe" in records[0] and "RuntimeError" in records[2] and REDACTED in records[2]


# --- python -m bot run ----------------------------------------------------------------------------


def run_bot(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "run"], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=60)


@pytest.mark.parametrize(("token", "expected"), [
    (None, "error: TELEGRAM_BOT_TOKEN is not set"),
    ("123:not-a-token", "error: TELEGRAM_BOT_TOKEN is malformed"),
])
def test_run_without_a_valid_token_exits_2_with_one_line(token: str | None, expected: str) -> None:
    result = run_bot(clean_env(**({"TELEGRAM_BOT_TOKEN": token} if token else {})))
    assert result.returncode == 2
    assert result.stderr.startswith(expected) and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr and result.stdout == ""


async def test_run_polls_answers_and_stops_cleanly_on_sigterm() -> None:
    async with BotApiEmulator(token=TOKEN) as emu:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=ROOT, stderr=asyncio.subprocess.PIPE,
            env=clean_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=emu.base_url, LOG_LEVEL="DEBUG"))
        try:
            await emu.wait_for_calls("getUpdates", timeout=60)  # start-up loads the encoder
            emu.user_message("how much does it cost")
            [reply] = await emu.wait_for_sent(1, timeout=10)
            assert reply["plain_text"].startswith("In the United States")
            assert emu.commands()  # set_my_commands ran at start-up (post_init)
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 20)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "kind=answer id=cost" in log
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert "how much" not in log and "1001" not in log


async def test_run_with_a_token_telegram_rejects_exits_2() -> None:
    async with BotApiEmulator(token=TOKEN) as emu:
        other = "987654321:BBG-other_token-0123456789abcdefghijk"
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=ROOT, stderr=asyncio.subprocess.PIPE,
            env=clean_env(TELEGRAM_BOT_TOKEN=other, TELEGRAM_BASE_URL=emu.base_url))
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    log = stderr.decode()
    assert process.returncode == 2, log
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in log and "Traceback" not in log
    assert other not in log and other.split(":")[1] not in log
