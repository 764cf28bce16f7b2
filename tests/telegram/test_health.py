"""GET /healthz in webhook mode, on the bot's own server, with the emulator posting the updates."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPResponse

from bot.decision import Responder
from bot.runtime import health
from bot.runtime.store import ResponderStore
from bot.telegram.settings import ConfigError, load_settings
from tests.support.telegram_harness import TOKEN, Harness, running_bot


async def fetch(bot: Harness, path: str, method: str = "GET", **kwargs: object) -> HTTPResponse:
    url = f"http://127.0.0.1:{bot.settings.port}{path}"
    return await AsyncHTTPClient().fetch(url, method=method, raise_error=False, **kwargs)  # type: ignore[arg-type]


async def test_healthz_reports_the_knowledge_version_and_no_secret(knowledge_copy: Path,
                                                                   responder: Responder) -> None:
    async with running_bot(ResponderStore(knowledge_copy, responder), webhook=True) as bot:
        response = await fetch(bot, "/healthz")
        assert response.code == 200
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.headers["Cache-Control"] == "no-store"
        assert json.loads(response.body) == {"status": "ok", "knowledge_version": responder.knowledge.version,
                                             "database": "none"}
        raw = response.body.decode() + str(response.headers)
        assert TOKEN not in raw and TOKEN.split(":")[1] not in raw and bot.settings.webhook_secret not in raw

        head = await fetch(bot, "/healthz", "HEAD")  # monitors that only want the status
        assert (head.code, head.body) == (200, b"")

        # a new knowledge version is reported as soon as it serves
        treatment = knowledge_copy / "faq" / "treatment.yaml"
        treatment.write_text(treatment.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        result = await asyncio.to_thread(bot.store.reload)
        assert result.ok and result.version != responder.knowledge.version
        assert json.loads((await fetch(bot, "/healthz")).body)["knowledge_version"] == result.version


async def test_the_update_path_still_refuses_get_and_healthz_refuses_post(knowledge_copy: Path,
                                                                         responder: Responder) -> None:
    async with running_bot(ResponderStore(knowledge_copy, responder), webhook=True) as bot:
        secret = {"X-Telegram-Bot-Api-Secret-Token": bot.settings.webhook_secret}
        assert (await fetch(bot, "/" + bot.settings.webhook_path, headers=secret)).code == 405
        post = await fetch(bot, "/healthz", "POST", body=b"{}", headers={"Content-Type": "application/json"})
        assert post.code == 405
        assert (await fetch(bot, "/healthz/x")).code == 404
        # and updates still go through
        update = bot.emu.user_message("how much does it cost")
        assert await bot.emu.deliver_webhook(update, secret_token=bot.settings.webhook_secret) == 200
        [answer] = await bot.emu.wait_for_sent(1)
        assert answer["plain_text"].startswith(responder.knowledge.by_id["cost"].answer.strip())


async def _down() -> bool:
    return False


async def _broken() -> bool:
    raise ConnectionRefusedError("database unreachable")


async def _hangs() -> bool:
    await asyncio.sleep(60)
    return True


async def _up() -> bool:
    return True


@pytest.mark.parametrize(("probe", "database", "status"), [
    (_up, "ok", "ok"), (_down, "down", "degraded"), (_broken, "down", "degraded"), (_hangs, "down", "degraded"),
])
async def test_a_database_outage_is_degraded_but_still_200_and_answering(
        knowledge_copy: Path, responder: Responder, monkeypatch: pytest.MonkeyPatch, probe: health.DatabaseProbe,
        database: str, status: str) -> None:
    monkeypatch.setattr(health, "PROBE_TIMEOUT", 0.2)  # a hung database must not hang the health check
    async with running_bot(ResponderStore(knowledge_copy, responder), webhook=True,
                           build={"database": probe}) as bot:
        response = await fetch(bot, "/healthz", request_timeout=5)
        assert response.code == 200  # a platform must not restart a bot that still answers
        assert json.loads(response.body) == {"status": status, "knowledge_version": responder.knowledge.version,
                                             "database": database}
        update = bot.emu.user_message("i want to kill myself")
        assert await bot.emu.deliver_webhook(update, secret_token=bot.settings.webhook_secret) == 200
        [escalation] = await bot.emu.wait_for_sent(1)
        assert "988" in escalation["plain_text"]


def test_the_webhook_cannot_take_the_health_check_path() -> None:
    with pytest.raises(ConfigError, match="WEBHOOK_URL's path cannot be /healthz"):
        load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://bot.example.com/healthz/"})
