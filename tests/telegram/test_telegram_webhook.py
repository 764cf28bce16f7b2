"""Webhook mode end to end: the emulator posts updates to the bot's own webhook server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from bot.decision import ChatContext, Responder
from bot.runtime.store import ResponderStore
from bot.telegram.app import ALLOWED_UPDATES
from bot.telegram.settings import derive_webhook_secret
from tests.emulator import find_free_port
from tests.support.telegram_harness import TOKEN, running_bot


async def test_webhook_from_environment_rejects_deliveries_without_the_secret(knowledge_copy: Path,
                                                                            responder: Responder) -> None:
    port = find_free_port()
    env = {"WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram", "PORT": str(port)}  # no WEBHOOK_SECRET
    async with running_bot(ResponderStore(knowledge_copy, responder), webhook=True, env=env) as bot:
        secret = derive_webhook_secret(TOKEN)
        assert bot.settings.webhook_mode and bot.settings.webhook_secret == secret
        [registered] = bot.emu.calls_of("setWebhook")
        assert registered.params["url"] == env["WEBHOOK_URL"] == bot.emu.webhook_url
        assert registered.params["secret_token"] == secret
        assert set(registered.params["allowed_updates"]) == set(ALLOWED_UPDATES)

        forged = bot.emu.user_message("how much does it cost")
        assert await bot.emu.deliver_webhook(forged) == 403
        assert await bot.emu.deliver_webhook(forged, secret_token="guess") == 403
        assert await bot.emu.deliver_webhook(forged, secret_token=TOKEN) == 403  # the token is not the secret

        crisis = bot.emu.user_message("i want to kill myself")
        assert await bot.emu.deliver_webhook(crisis, secret_token=secret) == 200
        [escalation] = await bot.emu.wait_for_sent(1)
        # updates are handled in order: a processed forged update would have been answered first
        assert escalation["plain_text"] == responder.crisis_text(ChatContext())
        assert [u["update_id"] for u in bot.emu.pending_updates] == [forged["update_id"]]
        assert bot.services.counts["messages"] == 1


async def test_webhook_conversation_with_buttons(knowledge_copy: Path, responder: Responder) -> None:
    async with running_bot(ResponderStore(knowledge_copy, responder), webhook=True) as bot:
        secret = bot.settings.webhook_secret
        assert bot.emu.calls_of("setWebhook")[0].params["secret_token"] == secret
        assert await bot.emu.deliver_webhook(bot.emu.user_message("/start"), secret_token=secret) == 200
        [start] = await bot.emu.wait_for_sent(1)
        press = bot.emu.press_button(start, "c:cost-access")
        assert await bot.emu.deliver_webhook(press, secret_token=secret) == 200
        [_, questions] = await bot.emu.wait_for_sent(2)
        press = bot.emu.press_button(questions, "a:cost")
        assert await bot.emu.deliver_webhook(press, secret_token=secret) == 200
        [*_, answer] = await bot.emu.wait_for_sent(3)
        assert answer["plain_text"].startswith(responder.knowledge.by_id["cost"].answer.strip())
