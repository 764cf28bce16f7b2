"""Scale-out: two `python -m bot run` processes in webhook mode on one PostgreSQL, behind "one URL".

The emulator posts each update to one instance or the other, as a platform's router would. A
/region choice made through one instance must apply to a crisis reply sent by the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import select

from bot.decision import ChatContext, Responder
from bot.runtime.keeper import chat_key
from bot.storage.database import Database
from bot.storage.models import ChatState
from bot.storage.url import parse_database_url
from bot.telegram.settings import derive_webhook_secret
from tests.emulator import BotApiEmulator, find_free_port
from tests.support.telegram_harness import PATIENT_READS, TOKEN

ROOT = Path(__file__).resolve().parents[2]
READY = "running; send SIGTERM"
STATE_SECRET = "scale-out-state-secret-0123456789"
CHAT = 55512345


@contextlib.asynccontextmanager
async def instance(emu: BotApiEmulator, database_url: str) -> AsyncIterator[str]:
    """One bot process in webhook mode; yields the URL its webhook listens on."""
    port = find_free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": emu.base_url, "WEBHOOK_URL": url,
           "PORT": str(port), "DATABASE_URL": database_url, "STATE_SECRET": STATE_SECRET,
           "KNOWLEDGE_POLL_SECONDS": "0", "LOG_LEVEL": "INFO", **PATIENT_READS}
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
                                                   stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    assert process.stderr is not None
    log: list[str] = []
    try:
        while READY not in (log[-1] if log else ""):
            line = await asyncio.wait_for(process.stderr.readline(), 120)
            if not line:
                raise RuntimeError("the bot exited before it was ready:\n" + "".join(log))
            log.append(line.decode(errors="replace"))
        draining = asyncio.ensure_future(_drain(process.stderr))
        yield url
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 60) == 0
        if "draining" in locals():
            await draining


async def _drain(stream: asyncio.StreamReader) -> None:
    while await stream.readline():
        pass


async def stored_region(database_url: str) -> str | None:
    database = Database(parse_database_url(database_url))
    try:
        async with database.sessions() as session:
            key = chat_key(STATE_SECRET.encode(), CHAT)
            return await session.scalar(select(ChatState.region).where(ChatState.key == key))
    finally:
        await database.close()


async def test_region_set_through_one_instance_applies_to_a_crisis_reply_from_the_other(
        pg_url: str, responder: Responder) -> None:
    secret = derive_webhook_secret(TOKEN)
    async with BotApiEmulator(TOKEN) as emu, instance(emu, pg_url) as first, instance(emu, pg_url) as second:
        assert await emu.deliver_webhook(emu.user_message("/region", chat_id=CHAT, user_id=CHAT), url=first,
                                         secret_token=secret) == 200
        [picker] = await emu.wait_for_sent(1, timeout=30)
        assert await emu.deliver_webhook(emu.press_button(picker, "r:UK"), url=first, secret_token=secret) == 200
        await emu.wait_for_calls("editMessageText", timeout=30)
        for _ in range(100):  # the first instance writes behind its reply
            if await stored_region(pg_url) == "UK":
                break
            await asyncio.sleep(0.05)
        assert await stored_region(pg_url) == "UK"

        crisis = emu.user_message("i want to kill myself", chat_id=CHAT, user_id=CHAT)
        assert await emu.deliver_webhook(crisis, url=second, secret_token=secret) == 200
        [*_, escalation] = await emu.wait_for_sent(2, timeout=30)
        assert escalation["plain_text"] == responder.crisis_text(ChatContext(region="UK"))
        assert escalation["plain_text"] != responder.crisis_text(ChatContext())
