"""What strangers can do to the bot: its webhook endpoint and its admin commands.

The webhook tests speak raw HTTP to the bot's own server on 127.0.0.1, so they can send what no
well-behaved client would (huge declared lengths, chunked floods, wrong types) and read the status.
Nothing rejected may be processed: a later genuine update is the first message the bot counts.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import sys
import threading
from pathlib import Path

import pytest

from bot.decision import ChatContext, Responder
from bot.runtime.store import ResponderStore
from bot.telegram.lifecycle import announce_log_policy
from bot.telegram.settings import REDACTED, RedactSecrets, Settings, install_excepthooks
from bot.telegram.webhook import MAX_BODY_BYTES, WebhookServer
from tests.emulator import DEFAULT_GROUP_CHAT_ID, SECRET_TOKEN_HEADER
from tests.support.telegram_harness import ADMIN_ID, TOKEN, Harness, running_bot


async def http(port: int, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> int:
    """Send one request and return the status the server answers (0 if it closed without answering)."""
    if body:
        headers = {"Content-Length": str(len(body)), **headers}
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    try:
        writer.write(head.encode() + body)
        await writer.drain()
    except ConnectionError:
        pass  # the server may stop listening mid-body; its answer is still there to read
    try:
        line = await asyncio.wait_for(reader.readline(), 5)
    finally:
        writer.close()
    return int(line.split()[1]) if line else 0


async def chunked_flood(port: int, path: str, headers: dict[str, str], total: int) -> int:
    """A chunked body that never says how long it is, 64 KB at a time, until the server stops it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    writer.write(head.encode())
    chunk = b"[" + b"1," * 32000 + b"1]"
    try:
        for _ in range(total // len(chunk) + 1):
            writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()
    except ConnectionError:
        pass
    try:
        line = await asyncio.wait_for(reader.readline(), 5)
    except ConnectionError:
        line = b""
    finally:
        writer.close()
    return int(line.split()[1]) if line else 0


async def test_webhook_lets_through_only_well_formed_updates_with_the_secret(knowledge_copy: Path,
                                                                              responder: Responder) -> None:
    async with running_bot(ResponderStore(knowledge_copy, responder), webhook=True) as bot:
        port, path, secret = bot.settings.port, "/" + bot.settings.webhook_path, bot.settings.webhook_secret
        good = {"Content-Type": "application/json", SECRET_TOKEN_HEADER: secret}
        update = json.dumps(bot.emu.user_message("i want to kill myself")).encode()

        statuses = {
            "no secret": await http(port, "POST", path, {"Content-Type": "application/json"}, update),
            "wrong secret": await http(port, "POST", path, {**good, SECRET_TOKEN_HEADER: secret[:-1] + "x"}, update),
            "no secret, 50 MB declared": await http(
                port, "POST", path, {"Content-Type": "application/json", "Content-Length": str(50 << 20)}),
            "not JSON content type": await http(port, "POST", path, {**good, "Content-Type": "text/plain"}, update),
            "2 MB declared": await http(port, "POST", path, {**good, "Content-Length": str(2 << 20)}),
            "1 MB + 1 byte sent": await http(port, "POST", path, good, b" " * MAX_BODY_BYTES + b"{}"),
            "chunked flood": await chunked_flood(port, path, good, 3 << 20),
            "not JSON": await http(port, "POST", path, good, b"update_id=1&text=hello"),
            "JSON, not an object": await http(port, "POST", path, good, b"[1, 2, 3]"),
            "JSON, not an update": await http(port, "POST", path, good, b'{"message": {"text": "hi"}}'),
            "broken update": await http(port, "POST", path, good, b'{"update_id": 5, "message": {"chat": 1}}'),
            "GET": await http(port, "GET", path, good),
            "other path": await http(port, "POST", "/other", good, update),
            "path prefix": await http(port, "POST", path + "x", good, update),
            "path below": await http(port, "POST", path + "/x", good, update),
        }
        assert statuses == {
            "no secret": 403, "wrong secret": 403, "no secret, 50 MB declared": 403,
            "not JSON content type": 415, "2 MB declared": 413, "1 MB + 1 byte sent": 413,
            "chunked flood": 400, "not JSON": 400, "JSON, not an object": 400, "JSON, not an update": 400,
            "broken update": 400, "GET": 405, "other path": 404, "path prefix": 404, "path below": 404,
        }

        assert await http(port, "POST", path, {**good, "Content-Type": "application/json; charset=utf-8"},
                          update) == 200
        [escalation] = await bot.emu.wait_for_sent(1)
        assert escalation["plain_text"] == responder.crisis_text(ChatContext())
        await asyncio.sleep(0.1)
        assert bot.services.counts["messages"] == 1  # nothing rejected was processed
        assert len(bot.emu.sent_messages) == 1


def test_webhook_needs_a_secret() -> None:
    with pytest.raises(ValueError):
        WebhookServer(bot=None, update_queue=None, path="telegram", secret="", port=1)


async def test_admin_rights_are_checked_on_every_call(knowledge_copy: Path, responder: Responder) -> None:
    async with running_bot(ResponderStore(knowledge_copy, responder)) as bot:
        group = {"chat_type": "supergroup"}
        mention = f"/stats@{bot.emu.username}"
        [stats] = await say(bot, mention, user_id=ADMIN_ID, **group)
        assert stats["plain_text"].startswith("Since ")
        [normal] = await say(bot, mention, user_id=777, **group)  # same group, not an admin
        assert not normal["plain_text"].startswith("Since ")

        bot.services.settings = dataclasses.replace(bot.services.settings, admin_user_ids=frozenset())  # revoked
        [after] = await say(bot, "/stats", chat_id=ADMIN_ID, user_id=ADMIN_ID)
        assert not after["plain_text"].startswith("Since ")
        [reload] = await say(bot, "/reload", chat_id=ADMIN_ID, user_id=ADMIN_ID)
        assert not reload["plain_text"].startswith("Reload")
        assert bot.emu.messages_to(DEFAULT_GROUP_CHAT_ID)[0]["message"]["reply_to_message"]["from"]["id"] == ADMIN_ID


async def say(bot: Harness, text: str, **kwargs: object) -> list[dict[str, object]]:
    before = len(bot.emu.sent_messages)
    bot.emu.user_message(text, **kwargs)  # type: ignore[arg-type]
    return (await bot.emu.wait_for_sent(before + 1))[before:]


def test_logging_message_texts_is_announced_loudly(caplog: pytest.LogCaptureFixture) -> None:
    announce_log_policy(Settings(token=TOKEN))
    assert caplog.records == []
    announce_log_policy(Settings(token=TOKEN, log_message_text=True))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 4 and "WILL be written to the log" in warnings[1] and "never in production" in warnings[2]


def test_uncaught_exceptions_are_printed_without_the_token(capsys: pytest.CaptureFixture[str]) -> None:
    hooks = sys.excepthook, threading.excepthook
    try:
        install_excepthooks(RedactSecrets([TOKEN]))
        try:
            raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/getMe failed")
        except RuntimeError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
        thread = threading.Thread(target=lambda: (_ for _ in ()).throw(OSError(f"token {TOKEN}")))
        thread.start()
        thread.join()
    finally:
        sys.excepthook, threading.excepthook = hooks
    err = capsys.readouterr().err
    assert TOKEN not in err and f"bot{REDACTED}/getMe" in err and f"OSError: token {REDACTED}" in err
