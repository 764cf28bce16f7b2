"""The unanswered inbox keeps only calm English questions the bot could not answer, redacted, and never a crisis."""

from __future__ import annotations

import datetime as dtm
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from bot.decision import NO_CONTEXT, ChatContext, Decision, Responder
from bot.runtime.chat_state import ChatStates
from bot.runtime.inbox import may_store, redact
from bot.runtime.keeper import StateKeeper
from bot.storage.database import Database
from bot.storage.models import Unanswered
from bot.storage.repositories import unanswered_since
from bot.storage.url import parse_database_url

ROOT = Path(__file__).resolve().parents[2]
LABELLED = [ROOT.parent / "shared" / "eval" / "dev.yaml", ROOT / "tests" / "data" / "holdout.yaml"]
CALM_UNANSWERED = "what is the capital of peru"


def crisis_examples() -> list[str]:
    """Every crisis message the project has: the labelled sets' and the examples quoted in crisis.yaml's policy."""
    messages = [m for path in LABELLED if path.exists()
                for m in yaml.safe_load(path.read_text(encoding="utf-8"))["crisis"]]
    policy = (ROOT / "knowledge" / "crisis.yaml").read_text(encoding="utf-8")
    escalate = policy.split("# ESCALATE", 1)[1].split("# DO NOT ESCALATE", 1)[0]
    messages += re.findall(r'"([^"]+)"', escalate)
    return messages


@pytest.fixture
async def keeper(tmp_path: Path) -> AsyncIterator[StateKeeper]:
    keeper = StateKeeper(ChatStates(24), Database(parse_database_url(f"sqlite:///{tmp_path / 'bot.db'}")),
                         secret=b"a-secret-for-the-inbox-tests", retention_days=30)
    await keeper.start()
    yield keeper
    await keeper.stop()


async def stored(keeper: StateKeeper) -> list[str]:
    assert await keeper.writes.flush(5)
    assert keeper.writes.database is not None
    async with keeper.writes.database.sessions() as session:
        return [q.text for q in await unanswered_since(session, dtm.date(2000, 1, 1))]


@pytest.mark.parametrize("text", [
    "ghar walon ke liye bojh hoon, mere bina unhe sukoon milega. bas kuch din aur",  # romanised Hindi: a burden
    "Kaç tane hap içersem bir daha uyanmam?",  # Turkish: how many pills so I don't wake up
])
def test_a_crisis_in_a_language_misread_as_english_is_never_screened_calm(responder: Responder, text: str) -> None:
    """lingua reads these as English; no English layer understands them, so the inbox must not keep them."""
    assert not responder.decide(text).screened_calm


async def test_no_crisis_message_of_the_knowledge_or_the_labelled_sets_creates_a_row(
        keeper: StateKeeper, responder: Responder) -> None:
    messages = crisis_examples()
    assert len(messages) > 60  # the holdout set and the policy's examples at the least (the dev set when present)
    knowledge = responder.knowledge
    assert [m for m in messages if responder.decide(m).screened_calm] == []  # the core's screen alone
    kept = [m for m in messages if keeper.unanswered(m, responder.decide(m), ChatContext(), knowledge)]
    assert kept == []
    # the same path does store a calm question it cannot answer: the test above can fail
    assert keeper.unanswered(CALM_UNANSWERED, responder.decide(CALM_UNANSWERED), ChatContext(), knowledge)
    assert await stored(keeper) == [CALM_UNANSWERED]


def test_what_may_be_stored(responder: Responder) -> None:
    knowledge = responder.knowledge

    def storable(text: str, context: ChatContext = NO_CONTEXT) -> bool:
        return may_store(text, responder.decide(text), context, knowledge)

    assert storable(CALM_UNANSWERED)
    assert not storable(CALM_UNANSWERED, ChatContext(flagged=True))  # in the hours after an escalation: nothing
    assert responder.decide("how much does it cost").kind == "answer" and not storable("how much does it cost")
    declines = ["what dose of ketamine should i take", "can i take ketamine while pregnant"]
    assert [responder.decide(t).topic is not None for t in declines] == [True, True]
    assert not any(storable(t) for t in declines)  # a boundary decline is not a gap in the knowledge
    for distress in ("this wait is killing me, what is the capital of peru", "feeling really low, what is the "
                     "capital of peru", "what is the capital of peru lol i wanna d1e"):
        assert responder.decide(distress).kind != "answer" and not storable(distress), distress
    foreign = Decision("fallback", "", language="es", screened_calm=True)
    assert not may_store(CALM_UNANSWERED, foreign, ChatContext(), knowledge)


async def test_retention_zero_stores_nothing_and_purge_removes_old_rows(tmp_path: Path, responder: Responder) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    today = [dtm.datetime(2030, 5, 1, 9, 0)]
    keeper = StateKeeper(ChatStates(24), Database(parse_database_url(url)), secret=b"x" * 20, retention_days=2,
                         clock=lambda: today[0])
    await keeper.start()
    decision = responder.decide(CALM_UNANSWERED)
    assert keeper.unanswered(CALM_UNANSWERED, decision, ChatContext(), responder.knowledge)
    assert await stored(keeper) == [CALM_UNANSWERED]
    today[0] += dtm.timedelta(days=1)
    await keeper.writes._purge()
    assert await stored(keeper) == [CALM_UNANSWERED]  # still within two days
    today[0] += dtm.timedelta(days=1)
    await keeper.writes._purge()
    assert await stored(keeper) == []
    await keeper.stop()

    off = StateKeeper(ChatStates(24), Database(parse_database_url(url)), secret=b"x" * 20, retention_days=0)
    await off.start()
    assert not off.unanswered(CALM_UNANSWERED, decision, ChatContext(), responder.knowledge)
    assert off.writes.database is not None
    async with off.writes.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Unanswered)) == 0
    await off.stop()


@pytest.mark.parametrize(("text", "expected"), [
    ("my name is Jane Doe, write me at jane.doe@example.com", "my name is [name], write me at [email]"),
    ("call +1 (555) 123-4567 or 020 7946 0958", "call [number] or [number]"),
    ("see https://clinic.example/prices?id=5 and www.ketamine.org", "see [link] and [link]"),
    ("ask @drsmith about it", "ask [handle] about it"),
    ("my policy number is 88412093", "my policy number is [number]"),
    ("I'm 34 and had 6 sessions in 2023", "I'm 34 and had 6 sessions in 2023"),
])
def test_redaction(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_redaction_caps_at_300_characters_after_redacting() -> None:
    text = "word " * 100 + "jane@example.com"
    assert len(redact(text)) <= 300 and "@" not in redact("x" * 290 + " jane@example.com")
