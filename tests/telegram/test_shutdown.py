"""Graceful shutdown. ``python -m bot run`` as a real process against the emulator: SIGTERM mid-burst, a
second instance, and everything they wrote checked for the token, message texts and who the users were.
Webhook mode: ``serve`` in this process, stopped while replies are still on their way.

The emulator runs in this test process; ``TELEGRAM_BASE_URL`` points the bot at it. Output is read
while the bot runs, so a chatty DEBUG log can never fill the pipe and stall it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

from bot.decision import Responder
from bot.knowledge.loader import load_knowledge
from bot.runtime.store import ResponderStore
from bot.telegram.app import build_application
from bot.telegram.lifecycle import serve
from bot.telegram.settings import Settings
from tests.emulator import BotApiEmulator, find_free_port
from tests.support.chat_faults import ChatFaults
from tests.support.replies import burst, replies_for, sent_to
from tests.support.telegram_harness import FAST_POLICY, TOKEN

ROOT = Path(__file__).resolve().parents[2]
BOT_ENV = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BASE_URL", "WEBHOOK_URL", "PORT", "WEBHOOK_SECRET", "KNOWLEDGE_DIR",
           "ADMIN_USER_IDS", "LOG_LEVEL", "DEFAULT_REGION", "CRISIS_ALERT_CHAT_ID", "LOG_MESSAGE_TEXT")
# Ids as long as real Telegram ones: a six-digit id once matched a log timestamp's microseconds ("32.880010").
FIRST_USER = 5_880_000_001
BLOCKED_USER = 5_880_000_999
MARKER = "zanzibarquokka"  # a word no log line has any business containing


class BotProcess:
    """``python -m bot run`` with its stdout and stderr collected as they come."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.output: list[bytes] = []
        self._readers = [asyncio.ensure_future(self._drain(stream)) for stream in (process.stdout, process.stderr)]

    @classmethod
    async def start(cls, env: dict[str, str]) -> BotProcess:
        process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
                                                       stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        return cls(process)

    async def _drain(self, stream: asyncio.StreamReader | None) -> None:
        assert stream is not None
        while chunk := await stream.read(65536):
            self.output.append(chunk)

    async def stop(self, timeout: float = 40) -> int:
        """SIGTERM, then wait for the exit code (killed and failed if it takes longer than ``timeout``)."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.process.wait(), timeout)
        finally:
            if self.process.returncode is None:
                self.process.kill()
                await self.process.wait()
            await asyncio.gather(*self._readers)
        return code

    @property
    def log(self) -> str:
        return b"".join(self.output).decode("utf-8", "replace")


def bot_env(emu: BotApiEmulator, knowledge: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in BOT_ENV}
    return {**env, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": emu.base_url, "LOG_LEVEL": "DEBUG",
            "KNOWLEDGE_DIR": str(knowledge)}


def queue_burst(emu: BotApiEmulator, chats: dict[int, list[str]]) -> None:
    for chat_id, texts in chats.items():
        burst(emu, {chat_id: texts}, username=f"private_person_{chat_id}", first_name=f"Zelda{chat_id}")


def assert_private(log: str, chats: Iterable[int], texts: Iterable[str]) -> None:
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    for chat_id in chats:
        for private in (str(chat_id), f"private_person_{chat_id}", f"Zelda{chat_id}"):
            assert private not in log, private
    for text in texts:
        assert text not in log, text
    assert MARKER not in log


async def test_sigterm_mid_burst_loses_nothing_and_no_output_ever_holds_the_token(knowledge_copy: Path) -> None:
    responder = Responder(load_knowledge(knowledge_copy))  # the bots read the same private copy
    texts = [f"how much does it cost {MARKER}", f"is it safe? {MARKER}", f"i want to kill myself {MARKER}",
             f"hello {MARKER}"]
    calm = [texts[0], texts[1], texts[3]]
    # 109 updates, more than one getUpdates batch (100). A crisis may overtake an earlier message of its own chat
    # (by design), so crisis messages come from chats of their own and each calm chat's order is exact.
    chats = {FIRST_USER + n: [texts[2]] if n % 5 == 0 else [calm[n % 3], calm[(n + 1) % 3]] for n in range(60)}
    later = {FIRST_USER + 100 + n: [texts[n % 4]] for n in range(10)}  # sent while no instance runs
    total = sum(len(replies_for(responder, t)) for t in [*chats.values(), *later.values()])
    async with BotApiEmulator(token=TOKEN) as emu:
        first = await BotProcess.start(bot_env(emu, knowledge_copy))
        try:
            await emu.wait_for_calls("getUpdates", timeout=30)
            emu.set_blocked(BLOCKED_USER)
            emu.inject_faults("sendMessage", rate=0.3, count=12, status=429, retry_after=1, seed=3)
            queue_burst(emu, {BLOCKED_USER: [texts[0]], **chats})
            await emu.wait_for_calls("sendMessage", 1, timeout=10)
            answered_at_sigterm = len(emu.sent_messages)
            first_code = await first.stop()  # mid-burst: some replies are waiting out a 429
        finally:
            await first.stop()
        answered_by_first = len(emu.sent_messages)
        queue_burst(emu, later)

        # The next instance: its first poll fails, one of its sends is a 400 (an apology follows).
        emu.inject_faults("getUpdates", count=1, status=502)
        second = await BotProcess.start(bot_env(emu, knowledge_copy))
        try:
            await emu.wait_for_sent(total, timeout=30)
            emu.inject_faults("sendMessage", count=1, status=400)
            emu.user_message(texts[0], chat_id=FIRST_USER, user_id=FIRST_USER)
            await emu.wait_for_sent(total + 1, timeout=10)
            await emu.wait_for_updates_consumed(timeout=10)
            second_code = await second.stop()
        finally:
            await second.stop()

    assert (first_code, second_code) == (0, 0), first.log + second.log
    # The first instance finished what was in flight when SIGTERM came (replies waiting out a 429 included) ...
    assert answered_at_sigterm < answered_by_first
    apology = emu.sent_messages[-1]
    assert apology["chat_id"] == FIRST_USER and apology["plain_text"] == responder.knowledge.texts.error.strip()
    for chat_id, chat_texts in {**chats, **later}.items():  # ... and between the two, all exactly once, in order
        expected = replies_for(responder, chat_texts)
        assert sent_to(emu, chat_id)[:len(expected)] == expected, chat_id
    assert not sent_to(emu, BLOCKED_USER)

    log = first.log + second.log
    assert "stopping: no new updates" in first.log and "stopped cleanly" in first.log
    assert "blocked the bot" in first.log and "BadRequest while handling a message update" in second.log
    assert "polling for updates failed (NetworkError)" in second.log
    assert_private(log, [*chats, *later, BLOCKED_USER], texts)


async def test_webhook_mode_stops_taking_updates_and_finishes_the_ones_it_took(knowledge_copy: Path) -> None:
    """``serve`` in webhook mode: after the stop, deliveries are refused (Telegram will redeliver them to the
    next instance) and every update accepted before it is answered, slow replies included."""
    responder = Responder(load_knowledge(knowledge_copy))
    faults = ChatFaults()
    faults.slow[FIRST_USER] = 0.5
    async with BotApiEmulator(token=TOKEN) as emu:
        port = find_free_port()
        settings = Settings(token=TOKEN, base_url=emu.base_url, webhook_url=f"http://127.0.0.1:{port}/telegram",
                            port=port, webhook_secret="s3cret")
        app = build_application(settings, ResponderStore(knowledge_copy, responder), request=faults,
                                policy=FAST_POLICY)
        stop = asyncio.Event()
        serving = asyncio.create_task(serve(app, settings, stop, listen="127.0.0.1"))
        await emu.wait_for_calls("setWebhook", timeout=10)
        await asyncio.sleep(0.05)
        chats = {FIRST_USER: ["how much does it cost", "hello"], FIRST_USER + 1: ["is it safe?"]}
        for chat_id, texts in chats.items():
            for text in texts:
                update = emu.user_message(text, chat_id=chat_id, user_id=chat_id)
                assert await emu.deliver_webhook(update, secret_token="s3cret") == 200
        stop.set()
        await asyncio.wait_for(serving, 10)
        late = emu.user_message("hello", chat_id=FIRST_USER + 2, user_id=FIRST_USER + 2)
        with pytest.raises(ConnectionRefusedError):  # nobody listens any more
            await emu.deliver_webhook(late, secret_token="s3cret")
        for chat_id, texts in chats.items():
            assert sent_to(emu, chat_id) == replies_for(responder, texts)
        assert [u["update_id"] for u in emu.pending_updates] == [late["update_id"]]  # left for the next instance
