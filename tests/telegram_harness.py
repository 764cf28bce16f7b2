"""Runs the real bot (``build_application``) against the Bot API emulator, for the Telegram tests.

``tests/`` is on ``sys.path`` (no ``__init__.py``), so test modules import this as
``telegram_harness``, like they import ``emulator``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from emulator import BotApiEmulator, find_free_port

from bot.config import Settings, load_settings
from bot.store import ResponderStore
from bot.telegram_app import ALLOWED_UPDATES, FaqBot, build_application, webhook_arguments

TOKEN = "123456789:AAF-test_token-0123456789abcdefghijk"  # the shape @BotFather hands out
ADMIN_ID = 4242
USER_ID = 1001


@dataclass
class Harness:
    emu: BotApiEmulator
    app: Any
    faqbot: FaqBot
    settings: Settings

    @property
    def store(self) -> ResponderStore:
        return self.faqbot.store

    async def say(self, text: str = "", n: int = 1, **kwargs: Any) -> list[dict[str, Any]]:
        """Send a user message and return the ``n`` new messages the bot sent in reply."""
        before = len(self.emu.sent_messages)
        self.emu.user_message(text, **kwargs)
        sent = await self.emu.wait_for_sent(before + n)
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
                      **overrides: Any) -> AsyncIterator[Harness]:
    """The emulator and the bot, polling (or serving its webhook on 127.0.0.1); stopped afterwards.

    Settings are built from ``overrides``, or read by ``load_settings`` from ``env`` (plus the
    emulator's token and address) to test the whole path from environment to running bot.
    """
    async with BotApiEmulator(token=TOKEN) as emu:
        if webhook:  # Telegram would post to a public https URL; here the bot listens on loopback
            port = find_free_port()
            overrides = {"port": port, "webhook_url": f"http://127.0.0.1:{port}/telegram", **overrides}
        settings = make_settings(emu, **overrides) if env is None else load_settings(
            {"TELEGRAM_BOT_TOKEN": emu.token, "TELEGRAM_BASE_URL": emu.base_url, **env})
        app = build_application(settings, store)
        faqbot: FaqBot = app.bot_data["faqbot"]
        await app.initialize()
        try:
            await faqbot.post_init(app)  # run_polling/run_webhook call it; manual start does not
            await app.start()
            if webhook:
                await app.updater.start_webhook(**webhook_arguments(settings, listen="127.0.0.1"))
            else:
                await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES)
            yield Harness(emu, app, faqbot, settings)
        finally:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            await app.shutdown()
