"""Memory that survives restarts, through the real PTB stack and the Bot API emulator, on SQLite and PostgreSQL.

The issue's "done when": a chat picks the UK, rates an answer 👍, asks what the knowledge cannot
answer, sends a crisis message; the bot restarts on the same database; the next crisis reply has
UK lines; `review --json` lists the question and counts the 👍; the database holds neither the
crisis text nor the chat's id. Then the faults: a damaged SQLite file, a PostgreSQL that goes away.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.decision import ChatContext, Responder
from bot.runtime.store import ResponderStore
from bot.storage.database import Database
from bot.storage.url import parse_database_url
from bot.telegram import format as fmt
from bot.telegram.handlers import feedback, privacy
from tests.support.postgres import PostgresServer
from tests.support.telegram_harness import ADMIN_ID, PATIENT_READS, Harness, running_bot
from tests.support.timeouts import COLD_START_TIMEOUT

ROOT = Path(__file__).resolve().parents[2]
CHAT = 734512998  # the user's private chat (= user id); never to be found in the database
UNANSWERED = "is there wifi in the treatment room"
CRISIS = "i want to kill myself"
LATER_CRISIS = "I'm going to end my life tonight"
STATE_SECRET = "a-state-secret-for-the-tests-0123456789"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.db'}"
    return request.getfixturevalue("pg_url")


def buttons(record: dict[str, Any]) -> list[str]:
    rows = (record.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row]


async def say(bot: Harness, text: str, n: int = 1) -> list[dict[str, Any]]:
    return await bot.say(text, n, chat_id=CHAT, user_id=CHAT)


async def database_dump(url: str) -> str:
    database = Database(parse_database_url(url))
    try:
        async with database.engine.connect() as connection:
            rows = []
            for table in ("chat_state", "feedback", "unanswered", "daily_count", "alembic_version"):
                rows += [repr(tuple(r)) for r in await connection.execute(text(f"SELECT * FROM {table}"))]
            return "\n".join(rows)
    finally:
        await database.close()


def review_json(url: str) -> dict[str, Any]:
    result = subprocess.run([sys.executable, "-m", "bot", "review", "--json"], cwd=ROOT, capture_output=True,
                            text=True, timeout=COLD_START_TIMEOUT, env={**os.environ, "DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


async def test_done_when_state_survives_a_restart_and_review_learns(database_url: str, knowledge_copy: Path,
                                                                    responder: Responder) -> None:
    env = {"DATABASE_URL": database_url, "STATE_SECRET": STATE_SECRET, "UNANSWERED_RETENTION_DAYS": "30",
           "ADMIN_USER_IDS": str(ADMIN_ID), **PATIENT_READS}
    store = ResponderStore(knowledge_copy, responder)
    knowledge = responder.knowledge
    uk = responder.crisis_text(ChatContext(region="UK"))
    assert uk != responder.crisis_text(ChatContext())
    async with running_bot(store, env=env) as bot:
        [start] = await say(bot, "/start")
        assert privacy.INBOX_NOTICE.format(days=30) in start["plain_text"]  # said while the inbox is on
        [picker] = await say(bot, "/region")
        bot.emu.press_button(picker, "r:UK")
        await bot.emu.wait_for_calls("editMessageText")

        [answer] = await say(bot, "how much does it cost")
        votes = fmt.vote_datas(knowledge, "cost")
        assert buttons(answer) == [f"a:{i}" for i in knowledge.by_id["cost"].related] + votes
        bot.emu.press_button(answer, votes[0])
        await bot.emu.wait_for_calls("editMessageReplyMarkup")
        assert buttons(bot.emu.get_message(CHAT, answer["message_id"]) or {}) == [  # rated once: the votes go
            f"a:{i}" for i in knowledge.by_id["cost"].related]
        assert list(bot.emu.callback_answers.values())[-1]["text"] == feedback.THANKS  # type: ignore[index]

        [fallback] = await say(bot, UNANSWERED)
        assert fallback["plain_text"].startswith(knowledge.texts.fallback.strip())
        [escalation] = await say(bot, CRISIS)
        assert escalation["plain_text"] == uk and buttons(escalation) == []  # no 👍/👎 under a crisis reply

    async with running_bot(store, env=env) as bot:  # a restart on the same database
        assert bot.services.keeper.read_timeout == 5.0  # DATABASE_READ_WAIT_MS reached the keeper
        [escalation] = await say(bot, LATER_CRISIS)
        assert escalation["plain_text"] == uk
        [stats] = await bot.say("/stats", chat_id=ADMIN_ID, user_id=ADMIN_ID)
        lines = stats["plain_text"].splitlines()
        assert {"messages: 4", "commands: 3", "crisis: 2", "votes_up: 1"} <= set(lines)  # across the restart

    review = await asyncio.to_thread(review_json, database_url)
    [question] = [q for q in review["unanswered"] if q["text"] == UNANSWERED]
    assert question["count"] == 1 and question["suggested"] == "session-experience"
    assert review["feedback"] == {"cost": {"up": 1, "down": 0}}
    assert review["decisions"]["7"]["crisis"] == 2
    stored = await database_dump(database_url)
    for secret in (CRISIS, LATER_CRISIS, "kill", "end my life", str(CHAT), "how much does it cost"):
        assert secret.lower() not in stored.lower(), secret


async def test_thumbs_down_offers_the_related_questions(knowledge_copy: Path, responder: Responder,
                                                        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    async with running_bot(ResponderStore(knowledge_copy, responder), env={"DATABASE_URL": url}) as bot:
        [answer] = await say(bot, "how much does it cost")
        [offer] = await bot.press(answer, fmt.vote_datas(responder.knowledge, "cost")[1])
        assert offer["plain_text"] == feedback.BETTER_FIT
        related = responder.knowledge.by_id["cost"].related
        assert buttons(offer) == [f"a:{i}" for i in related] + [fmt.TOPICS]
        [picked] = await bot.press(offer, f"a:{related[0]}")
        assert picked["plain_text"].startswith(responder.knowledge.by_id[related[0]].answer.strip())
        forged = bot.emu.press_button(answer, "+:no-such-entry:abc", strict=False)
        assert forged
        [after] = await say(bot, "hello")  # the forged vote was ignored; the chat goes on
        assert after["plain_text"]
    assert "'cost', " in (stored := await database_dump(url)) and "'down'" in stored and "no-such-entry" not in stored


async def test_forget_deletes_the_chat_state_and_privacy_says_what_is_kept(knowledge_copy: Path, responder: Responder,
                                                                          tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    env = {"DATABASE_URL": url, "UNANSWERED_RETENTION_DAYS": "14", **PATIENT_READS}
    async with running_bot(ResponderStore(knowledge_copy, responder), env=env) as bot:
        [picker] = await say(bot, "/region")
        bot.emu.press_button(picker, "r:AU")
        await bot.emu.wait_for_calls("editMessageText")
        await say(bot, CRISIS)
        assert await bot.services.keeper.writes.flush(5)
        assert "'AU'" in await database_dump(url)
        [gone] = await say(bot, "/forget")
        assert gone["plain_text"] == privacy.FORGOTTEN
        assert "chat_state" not in await database_dump(url) and "'AU'" not in await database_dump(url)
        [escalation] = await say(bot, LATER_CRISIS)
        assert escalation["plain_text"] == responder.crisis_text(ChatContext())  # back to the default region
        assert (await bot.services.health.report())["database"] == "ok"
        [about] = await say(bot, "/privacy")
        assert "for 14 days" in about["plain_text"] and "/forget" in about["plain_text"]


async def test_a_damaged_sqlite_file_starts_the_bot_on_memory_saying_so(knowledge_copy: Path, responder: Responder,
                                                                       tmp_path: Path,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "bot.db"
    path.write_bytes(b"\x00\x01 definitely not SQLite " * 400)
    async with running_bot(ResponderStore(knowledge_copy, responder),
                           env={"DATABASE_URL": f"sqlite:///{path}", "ADMIN_USER_IDS": str(ADMIN_ID)}) as bot:
        [picker] = await say(bot, "/region")
        bot.emu.press_button(picker, "r:UK")
        await bot.emu.wait_for_calls("editMessageText")
        [escalation] = await say(bot, CRISIS)
        assert escalation["plain_text"] == responder.crisis_text(ChatContext(region="UK"))  # memory serves
        [stats] = await bot.say("/stats", chat_id=ADMIN_ID, user_id=ADMIN_ID)
        assert f"database: SQLite file {path}, memory;" in stats["plain_text"]
        report = await bot.services.health.report()  # what GET /healthz answers
        assert (report["status"], report["database"]) == ("degraded", "down")
    [error] = [r.message for r in caplog.records if r.levelno == logging.ERROR]
    assert error.startswith(f"the SQLite file {path} is not a usable database (file is not a database); move it "
                            "away to start a new one. Starting on memory state")
    assert path.read_bytes().startswith(b"\x00\x01 definitely not SQLite")  # left as it was, for the operator


async def test_a_database_that_goes_away_mid_run_loses_no_reply(knowledge_copy: Path, responder: Responder) -> None:
    server = PostgresServer()
    try:
        server.start()
        env = {"DATABASE_URL": server.url(), "STATE_SECRET": STATE_SECRET, "ADMIN_USER_IDS": str(ADMIN_ID)}
        async with running_bot(ResponderStore(knowledge_copy, responder), env=env) as bot:
            [picker] = await say(bot, "/region")
            bot.emu.press_button(picker, "r:UK")
            await bot.emu.wait_for_calls("editMessageText")
            assert await bot.services.keeper.writes.flush(5)
            await asyncio.to_thread(server.stop)
            [answer] = await say(bot, "how much does it cost")
            assert answer["plain_text"].startswith(responder.knowledge.by_id["cost"].answer.strip())
            [escalation] = await say(bot, CRISIS)
            assert escalation["plain_text"] == responder.crisis_text(ChatContext(region="UK"))
            [stats] = await bot.say("/stats", chat_id=ADMIN_ID, user_id=ADMIN_ID)
            assert ", down; " in stats["plain_text"] and "1 outage(s)" in stats["plain_text"]
            await asyncio.to_thread(server.start)
            for _ in range(100):
                if bot.services.keeper.health().state == "ok":
                    break
                await asyncio.sleep(0.1)
        stored = await database_dump(server.url())
        assert "'messages', 2" in stored or "'messages', 3" in stored  # counted while down, written when back
        assert "'crisis', 1" in stored
    finally:
        server.remove()


def test_a_malformed_database_url_stops_the_start_in_one_line() -> None:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "123456789:AAF-test_token-0123456789abcdefghijk",
           "DATABASE_URL": "postgres://bot:hunter22@db.example.com:port/bot"}
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("error: DATABASE_URL is malformed") and result.stderr.count("\n") == 1
    assert "hunter22" not in result.stderr and "Traceback" not in result.stderr
    missing = {**env, "DATABASE_URL": "postgres://bot:hunter22@db.example.com/bot", "STATE_SECRET": ""}
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=missing, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and "STATE_SECRET is required with PostgreSQL" in result.stderr
