"""Runs the real bot (``build_application``) against the Bot API emulator, for the Telegram tests."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from bot.runtime.store import ResponderStore
from bot.telegram.app import build_application, post_init, post_stop
from bot.telegram.delivery import RetryPolicy
from bot.telegram.lifecycle import start_receiving, stop_receiving
from bot.telegram.services import SERVICES_KEY, Services
from bot.telegram.settings import Settings, load_settings
from tests.emulator import BotApiEmulator, find_free_port

TOKEN = "123456789:AAF-test_token-0123456789abcdefghijk"  # the shape @BotFather hands out
ADMIN_ID = 4242
# For tests of what state survives, not of how long a reply waits for it: a shared CI machine can take
# more than the default 100 ms for a first read, which the bot rightly treats as an outage.
PATIENT_READS = {"DATABASE_READ_WAIT_MS": "5000"}
USER_ID = 1001
# The production schedule (5 attempts, waits of 1 s growing to 14 s) at a hundredth of the time; the
# deadline has room for the attempts themselves, which do not get a hundred times faster.
FAST_POLICY = RetryPolicy(first_delay=0.01, max_delay=0.14, deadline=0.6)


@dataclass
class Harness:
    emu: BotApiEmulator
    app: Any
    services: Services
    settings: Settings

    @property
    def store(self) -> ResponderStore:
        return self.services.store

    async def say(self, text: str = "", n: int = 1, timeout: float = 5.0, **kwargs: Any) -> list[dict[str, Any]]:
        """Send a user message and return the ``n`` new messages the bot sent in reply (within ``timeout`` s)."""
        before = len(self.emu.sent_messages)
        self.emu.user_message(text, **kwargs)
        sent = await self.emu.wait_for_sent(before + n, timeout=timeout)
        return sent[before:]

    async def press(self, message: dict[str, Any], data: str, n: int = 1, **kwargs: Any) -> list[dict[str, Any]]:
        """Press a button and return the ``n`` new messages sent in reply."""
        before = len(self.emu.sent_messages)
        self.emu.press_button(message, data, **kwargs)
        sent = await self.emu.wait_for_sent(before + n)
        return sent[before:]


def make_settings(emu: BotApiEmulator, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"token": emu.token, "base_url": emu.base_url, "admin_user_ids": frozenset({ADMIN_ID}),
                              "webhook_secret": "test-secret"}
    values.update(overrides)
    return Settings(**values)


@asynccontextmanager
async def running_bot(store: ResponderStore, *, webhook: bool = False, env: dict[str, str] | None = None,
                      build: dict[str, Any] | None = None, **overrides: Any) -> AsyncIterator[Harness]:
    """The emulator and the bot, polling (or serving its webhook on 127.0.0.1); stopped afterwards.

    Settings are built from ``overrides`` (no database), or read by ``load_settings`` from ``env`` (plus the
    emulator's token and address, and a fresh SQLite file unless ``env`` names a ``DATABASE_URL``) to test
    the whole path from environment to running bot.
    ``build`` holds extra arguments of ``build_application``; the retry policy defaults to
    :data:`FAST_POLICY`. Start and stop are the production ones (``bot.telegram.lifecycle.serve``)
    minus signals, with a 1 s long poll.
    """
    async with BotApiEmulator(token=TOKEN) as emu:
        if webhook:  # Telegram would post to a public https URL; here the bot listens on loopback
            port = find_free_port()
            overrides = {"port": port, "webhook_url": f"http://127.0.0.1:{port}/telegram", **overrides}
        scratch = tempfile.mkdtemp(prefix="bot-harness-")  # unset DATABASE_URL: a fresh file, not ./data/bot.db
        settings = make_settings(emu, **overrides) if env is None else load_settings(
            {"TELEGRAM_BOT_TOKEN": emu.token, "TELEGRAM_BASE_URL": emu.base_url,
             "DATABASE_URL": f"sqlite:///{scratch}/bot.db", **env})
        app = build_application(settings, store, **{"policy": FAST_POLICY, **(build or {})})
        server = None
        await app.initialize()
        try:
            await post_init(app)
            server = await start_receiving(app, settings, listen="127.0.0.1", poll_timeout=1)
            await app.start()
            yield Harness(emu, app, app.bot_data[SERVICES_KEY], settings)
        finally:
            await stop_receiving(app, server)
            if app.running:
                await app.stop()
            await post_stop(app)
            await app.shutdown()
            shutil.rmtree(scratch, ignore_errors=True)
