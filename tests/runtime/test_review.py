"""The review groups unanswered questions by meaning and suggests an entry; `learn` takes one into the FAQ."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.console.review import render
from bot.decision import NO_CONTEXT, Decision, Responder
from bot.knowledge.loader import load_knowledge
from bot.runtime.chat_state import ChatStates
from bot.runtime.keeper import StateKeeper
from bot.runtime.review import Review, gather, group
from bot.storage.database import Database
from bot.storage.repositories import Batch, Question, write
from bot.storage.url import parse_database_url
from tests.support.timeouts import COLD_START_TIMEOUT

ROOT = Path(__file__).resolve().parents[2]
DAY = dtm.date(2030, 1, 1)


def asked(*texts: str) -> list[Question]:
    return [Question(t, "fallback", (), 10.0, "v", DAY) for t in texts]


def test_wordings_of_one_question_form_one_group_with_counts(responder: Responder) -> None:
    groups = group(asked("is there wifi in the treatment room", "is there wifi in the treatment room",
                         "is wifi available in the treatment room", "can i bring my dog to the clinic",
                         "are dogs allowed at the clinic"), responder)
    assert [(g.text, g.count) for g in groups] == [("is there wifi in the treatment room", 3),
                                                   ("can i bring my dog to the clinic", 2)]
    assert groups[0].examples == ["is wifi available in the treatment room"]
    assert groups[0].suggested == "session-experience" and groups[0].now == "fallback"


def test_a_question_the_knowledge_now_answers_says_so(responder: Responder) -> None:
    [answered] = group(asked("how much does it cost"), responder)
    assert (answered.suggested, answered.now) == ("cost", "answer")


def test_the_decision_mix_counts_every_kind_of_reply_the_bot_counts(responder: Responder, tmp_path: Path) -> None:
    # The support replies were counted by the bot but left out of the mix: 10 answers of 20 replies read as 71%.
    today = dtm.date(2026, 12, 6)
    counts = {"answers": 10, "support": 6, "crisis": 2, "fallback": 2, "messages": 20}

    async def stored_mix() -> dict[int, dict[str, int]]:
        database = Database(parse_database_url(f"sqlite:///{tmp_path / 'bot.db'}"))
        try:
            await database.open()
            async with database.sessions() as session, session.begin():
                await write(session, Batch(counts={(today, name): n for name, n in counts.items()}), today)
            return (await gather(database, responder, 30, today)).decisions
        finally:
            await database.close()

    mix = asyncio.run(stored_mix())[7]
    assert {kind: n for kind, n in mix.items() if n} == {"answers": 10, "support": 6, "crisis": 2, "fallback": 2}
    assert "answers 10 (50%)" in render(Review(30, [], {}, {7: mix}))


def test_review_json_on_an_empty_database(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "review", "--json"], cwd=ROOT, capture_output=True,
                            text=True, timeout=COLD_START_TIMEOUT,
                            env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"days": 30, "unanswered": [], "feedback": {}, "decisions": {
        "7": dict.fromkeys(("answers", "clarify", "fallback", "smalltalk", "support", "crisis"), 0),
        "30": dict.fromkeys(("answers", "clarify", "fallback", "smalltalk", "support", "crisis"), 0)}}
    text = subprocess.run([sys.executable, "-m", "bot", "review"], cwd=ROOT, capture_output=True, text=True,
                          timeout=COLD_START_TIMEOUT, env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert text.returncode == 0 and "none stored" in text.stdout and "Decision mix:" in text.stdout


def test_learn_takes_a_reviewed_question_into_the_phrasings_and_out_of_the_inbox(knowledge_copy: Path,
                                                                                  tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    question = "is there wifi in the infusion room"

    async def ask() -> None:
        keeper = StateKeeper(ChatStates(24), Database(parse_database_url(url)), secret=b"k" * 20, retention_days=30)
        await keeper.start()
        knowledge = load_knowledge(knowledge_copy)
        assert keeper.unanswered(question, Decision("fallback", "", screened_calm=True), NO_CONTEXT, knowledge)
        await keeper.stop()

    asyncio.run(ask())
    faq = knowledge_copy / "faq" / "treatment.yaml"
    comments = [line for line in faq.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("#")]
    env = {**os.environ, "DATABASE_URL": url, "KNOWLEDGE_DIR": str(knowledge_copy)}
    typed = "Is there WiFi in the infusion room"  # as the operator retyped it from review: the row still goes
    result = subprocess.run([sys.executable, "-m", "bot", "learn", "session-experience", typed], cwd=ROOT,
                            capture_output=True, text=True, timeout=COLD_START_TIMEOUT, env=env)
    assert result.returncode == 0, result.stderr
    assert "removed 1 matching question(s)" in result.stdout
    assert typed in load_knowledge(knowledge_copy).by_id["session-experience"].phrasings
    if comments and faq.exists():
        kept = faq.read_text(encoding="utf-8")
        assert all(line in kept for line in comments)  # the writer keeps the file's comments
    review = subprocess.run([sys.executable, "-m", "bot", "review", "--json"], cwd=ROOT, capture_output=True,
                            text=True, timeout=COLD_START_TIMEOUT, env=env)
    assert json.loads(review.stdout)["unanswered"] == []
    again = subprocess.run([sys.executable, "-m", "bot", "learn", "session-experience", typed], cwd=ROOT,
                           capture_output=True, text=True, timeout=COLD_START_TIMEOUT, env=env)
    assert again.returncode == 1 and "already a phrasing" in again.stderr


@pytest.mark.parametrize("days", ["0", "-5", "366", "x"])
def test_review_days_out_of_range_is_refused_in_one_line(days: str) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "review", "--days", days], cwd=ROOT, capture_output=True,
                            text=True, timeout=COLD_START_TIMEOUT)
    assert result.returncode == 2
    assert "must be a whole number of days from 1 to 365" in result.stderr and "364" not in result.stderr
