"""Bad input at scale: nothing a user can type or press breaks the bot or makes it send an invalid message.

* A seeded corpus of 25,000 messages (``fuzz_corpus``: random Unicode, huge, empty, control
  characters, RTL overrides, emoji, HTML/Markdown injection, SQL-looking strings, real questions
  and crises wrapped in noise) goes through the whole decision path: ``Responder.decide`` and the
  Telegram formatting of its decision, checked by the emulator's Telegram HTML parser.
* A 5,000-update sample of it (private and group messages, edits, button presses with forged
  data) goes through the real handlers, ``Application.process_update``, with a recording
  ``BaseRequest`` instead of HTTP: no handler may raise, and every message sent must be valid
  Telegram HTML of at most 4096 characters. PTB's own parsing costs about 1.3 ms an update and
  a decision about 2.5 ms (the sentence encoder), so 100,000 took eight minutes of CI; the
  sizes are what finds problems in seconds (a lone surrogate broke the tokenizer within the
  first thousand).
* Hypothesis adds generated texts and callback data on top.

The corpus is split into chunks run in forked worker processes (one per CPU).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.decision import ChatContext, Responder
from bot.runtime.store import ResponderStore
from bot.telegram import format as fmt
from bot.telegram.app import build_application
from bot.telegram.handlers.escalation import is_urgent
from bot.telegram.services import SERVICES_KEY
from bot.telegram.settings import Settings
from tests.emulator import ApiError, parse_html, utf16_len
from tests.emulator._validation import reply_markup
from tests.support.fuzz_corpus import corpus
from tests.support.recording_request import BOT_USER, RecordingRequest
from tests.support.telegram_harness import ADMIN_ID, TOKEN

CORPUS_SIZE = 25_000
HANDLER_SAMPLE = 5_000
CHUNK = 6_250
GROUP = -1001234567890
NO_PACING = {"overall_max_rate": 0, "group_max_rate": 0}

_RESPONDER: Responder | None = None  # set before forking; the workers inherit it


# --- checks -----------------------------------------------------------------------------------------


def problems_with(outgoing: list[fmt.Outgoing]) -> list[str]:
    """What Telegram would reject in these messages (HTML, length, buttons)."""
    found = []
    for out in outgoing:
        try:
            plain, _ = parse_html(out.text)
            reply_markup(out.reply_markup.to_dict() if out.reply_markup else None)
        except ApiError as exc:
            found.append(exc.description)
            continue
        if not plain.strip() or utf16_len(plain) > fmt.MAX_MESSAGE_CHARS:
            found.append(f"{utf16_len(plain)} UTF-16 units")
    return found


def decide_chunk(index: int) -> tuple[Counter[str], list[str]]:
    """Decide and format one chunk of the corpus; the decision kinds seen and any problems."""
    responder = _RESPONDER
    assert responder is not None
    kinds: Counter[str] = Counter()
    problems: list[str] = []
    checked: set[tuple[Any, ...]] = set()
    policy = responder.knowledge.crisis
    for n, text in enumerate(corpus(CHUNK, seed=index)):
        context = ChatContext(region=list(policy.regions)[n % len(policy.regions)], flagged=n % 5 == 0,
                              language=("en", "de", None)[n % 3])
        decision = responder.decide(text, context)
        kinds[decision.kind] += 1
        key = (decision.kind, decision.id, decision.options, decision.footer, decision.reply)
        if key not in checked:  # replies come from the knowledge: each distinct one is checked once
            checked.add(key)
            problems += [f"{decision.kind}/{decision.id}: {p}" for p in problems_with(
                fmt.format_decision(decision, responder.knowledge))]
    return kinds, problems


# --- through the handlers -----------------------------------------------------------------------------


class FuzzBot:
    """The real Application with a recording request, on an event loop of its own."""

    def __init__(self, responder: Responder, knowledge_dir: Path) -> None:
        self.request = RecordingRequest()
        self.app = build_application(Settings(token=TOKEN, admin_user_ids=frozenset({ADMIN_ID})),
                                     ResponderStore(knowledge_dir, responder), request=self.request,
                                     get_updates_request=RecordingRequest(), limits=NO_PACING)
        self.services = self.app.bot_data[SERVICES_KEY]
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(self.app.initialize())
        self._next = 0

    def close(self) -> None:
        self.loop.run_until_complete(self.app.shutdown())
        self.loop.close()

    def feed(self, data: dict[str, Any]) -> None:
        """Triage the update as the update processor does, then handle it as PTB does."""
        update = Update.de_json(data, self.app.bot)
        is_urgent(self.services, update)
        self.loop.run_until_complete(self.app.process_update(update))

    def update(self, kind: str, text: str, chat_id: int) -> dict[str, Any]:
        """A raw update: a private or group message, an edit, or a button press carrying ``text`` as data."""
        self._next += 1
        user = {"id": abs(chat_id) % 10**9 or 1, "is_bot": False, "first_name": "F", "language_code": "en"}
        chat = {"id": chat_id, "type": "private", "first_name": "F"} if chat_id > 0 else {
            "id": chat_id, "type": "supergroup", "title": "G"}
        message = {"message_id": self._next, "date": 0, "chat": chat, "from": user, "text": text}
        if kind == "button":
            bot_message = {"message_id": self._next, "date": 0, "chat": chat, "from": BOT_USER, "text": "menu"}
            return {"update_id": self._next, "callback_query": {"id": str(self._next), "from": user,
                                                                "chat_instance": "1", "message": bot_message,
                                                                "data": text[:64] or "x"}}
        if kind == "group":
            mention = f"@{BOT_USER['username']}"
            message["text"] = f"{mention} {text}"
            message["entities"] = [{"type": "mention", "offset": 0, "length": len(mention)}]
        return {"update_id": self._next, ("edited_message" if kind == "edit" else "message"): message}


def handler_chunk(args: tuple[int, int, str]) -> tuple[Counter[str], list[str], int, int]:
    """Feed ``count`` corpus messages as assorted updates; return what was sent, problems, errors, unanswered."""
    seed, count, knowledge_dir = args
    assert _RESPONDER is not None
    bot = FuzzBot(_RESPONDER, Path(knowledge_dir))
    unanswered = 0
    try:
        for n, text in enumerate(corpus(count, seed=1000 + seed)):
            kind = ("private",) * 7 + ("group", "edit", "button")
            chosen = kind[n % 10]
            chat_id = GROUP if chosen == "group" else 10**6 * (seed + 1) + n
            before = len(bot.request.sent)
            bot.feed(bot.update(chosen, text, chat_id))
            if chosen == "private" and text and len(bot.request.sent) == before:
                unanswered += 1
    finally:
        bot.close()
    return Counter(bot.request.counts), bot.request.problems, bot.services.counts["errors"], unanswered


def run_chunks(function: Any, jobs: list[Any]) -> list[Any]:
    if (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(os.cpu_count()) as pool:
            return pool.map(function, jobs, chunksize=1)
    return [function(job) for job in jobs]


def test_25k_corpus_through_the_decision_path_and_5k_through_the_handlers(responder: Responder,
                                                                             knowledge_copy: Path) -> None:
    global _RESPONDER
    _RESPONDER = responder
    decided = run_chunks(decide_chunk, list(range(CORPUS_SIZE // CHUNK)))
    kinds = sum((k for k, _ in decided), Counter())
    assert sum(kinds.values()) == CORPUS_SIZE
    assert [p for _, chunk in decided for p in chunk] == []
    assert all(kinds[kind] > 100 for kind in ("answer", "clarify", "crisis", "smalltalk", "fallback")), kinds

    jobs = [(n, HANDLER_SAMPLE // 2, str(knowledge_copy)) for n in range(2)]
    handled = run_chunks(handler_chunk, jobs)
    calls = sum((c for c, *_ in handled), Counter())
    assert [p for _, chunk, *_ in handled for p in chunk] == []
    assert [errors for _, _, errors, _ in handled] == [0, 0]  # no exception escaped a handler
    assert [unanswered for *_, unanswered in handled] == [0, 0]  # every private text got a reply
    assert calls["sendMessage"] >= 0.7 * HANDLER_SAMPLE and calls["answerCallbackQuery"] == HANDLER_SAMPLE // 10


# --- hypothesis ----------------------------------------------------------------------------------------

ANY_CHARACTER = st.characters(exclude_categories=())  # lone surrogates included: forged updates may hold them


@pytest.fixture(scope="module")
def fuzzbot(responder: Responder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzBot]:
    bot = FuzzBot(responder, tmp_path_factory.mktemp("knowledge"))
    yield bot
    bot.close()


@settings(max_examples=300, deadline=None)
@given(text=st.text(ANY_CHARACTER, max_size=5000))
def test_any_text_gets_a_valid_decision(responder: Responder, text: str) -> None:
    decision = responder.decide(text, ChatContext(flagged=len(text) % 2 == 0))
    assert decision.reply.strip()
    assert problems_with(fmt.format_decision(decision, responder.knowledge)) == []


VALID_DATA = ["menu", "topics", "a:cost", "c:safety", "m:cost-access", "r:UK", "a:", "c:", "r:", "a:cost:x"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["private", "group", "edit", "button"]),
       text=st.text(ANY_CHARACTER, max_size=300) | st.sampled_from(VALID_DATA)
       | st.text(alphabet="ac:mr-._x0123", max_size=70))
def test_any_update_is_handled_without_errors_or_invalid_messages(fuzzbot: FuzzBot, kind: str, text: str) -> None:
    errors = fuzzbot.services.counts["errors"]
    calls = sum(fuzzbot.request.counts.values())
    fuzzbot.feed(fuzzbot.update(kind, text, GROUP if kind == "group" else 4_000_000 + fuzzbot._next))
    assert fuzzbot.services.counts["errors"] == errors
    assert fuzzbot.request.problems == []
    if kind == "button" or (kind == "private" and text):
        assert sum(fuzzbot.request.counts.values()) > calls  # pressed buttons and messages always get an answer
