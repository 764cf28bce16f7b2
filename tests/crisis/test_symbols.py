"""An emoji that stands for a crisis word is read as the word (``detection.symbols`` in crisis.yaml), by every layer.

People in crisis write in symbols as they write in typos and leetspeak; a knife and a drop of blood must not hide
what "knife" and "blood" would say.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.console.explain import explain
from bot.crisis.detector import spoken_symbols
from bot.decision import CRISIS, SUPPORT, Responder
from bot.knowledge import Knowledge
from tests.support.edits import refused_edit

# Development data: r117 and r121 misses (read after they were scored blind)
IN_SYMBOLS = [
    "\U0001f52a\U0001fa78 again. worse.",
    "want to become a \U0001faa6 tbh and i mean it",
]


def without_symbols(knowledge: Knowledge) -> Responder:
    detection = dataclasses.replace(knowledge.crisis.detection, symbols=None)
    return Responder(dataclasses.replace(knowledge, crisis=dataclasses.replace(knowledge.crisis, detection=detection)))


@pytest.mark.parametrize("text", IN_SYMBOLS)
def test_a_crisis_written_in_emoji_escalates(knowledge: Knowledge, text: str) -> None:
    assert Responder(knowledge).decide(text).kind == CRISIS
    # the symbols are what catch it: read without them, the message is calm
    assert without_symbols(knowledge).decide(text).kind != CRISIS


@pytest.mark.parametrize("text", [
    "\U0001f48a\U0001f48a\U0001f48a so many meds for my blood pressure, can I still get ketamine?",
    "\U0001fa78\U0001f489 donated blood today, can I have my session tomorrow?",
    "halloween costume: \U0001faa6\u26b0\ufe0f\U0001f47b any ideas",
    "\U0001f52a chopping onions \U0001f62d",
])
def test_calm_messages_with_those_emoji_stay_calm(responder: Responder, text: str) -> None:
    assert responder.decide(text).kind != CRISIS


# Development data: blind sets' calm messages (r123, r131, r136), read after they were scored: with the laugh written
# as a word, the figures of speech the patterns already know ("... so bad i'm gonna kms lol") explain them
LAUGHED_OFF = [
    "the waiting room music makes me want to jump out the window \U0001f602 please change it",
    "ok that ketamine bill almost gave me a heart attack \U0001f605",
]
# Calm with its laugh read; unread too, since the examples grew (the meaning sets "kms" aside as a figure of speech)
FIGURE_EITHER_WAY = "this waiting room wifi is so bad im gonna kms \U0001f602"


@pytest.mark.parametrize("text", [*LAUGHED_OFF, FIGURE_EITHER_WAY])
def test_a_laughing_emoji_reads_as_a_laugh(responder: Responder, text: str) -> None:
    assert responder.decide(text).kind not in (CRISIS, SUPPORT)


@pytest.mark.parametrize("text", LAUGHED_OFF)
def test_read_without_its_laugh_the_message_reads_as_distress(knowledge: Knowledge, text: str) -> None:
    """Unread, each is read as distress: escalated, or (the heart attack, since the boundary topics grew) the support
    reply."""
    assert without_symbols(knowledge).decide(text).kind in (CRISIS, SUPPORT)


@pytest.mark.parametrize("text", [
    "i'm gonna kms \U0001f602",  # a laugh alone explains nothing away
    "i took all my pills \U0001f923",
    "going to jump off the bridge tonight \U0001f605",
])
def test_a_laugh_does_not_hide_a_crisis(responder: Responder, text: str) -> None:
    assert responder.decide(text).kind == CRISIS


def test_only_the_listed_emoji_are_spoken_and_the_rest_is_kept(knowledge: Knowledge) -> None:
    rules = knowledge.crisis.detection
    assert spoken_symbols(rules, "\U0001f52a\U0001fa78 again.") == " knife  blood  again."
    # the variation selector goes with its emoji
    assert spoken_symbols(rules, "\u26b0\ufe0f soon") == " coffin  soon"
    untouched = "how much is a session? \U0001f642 \U0001f480"
    assert spoken_symbols(rules, untouched) is untouched


def test_a_symbol_written_in_letters_is_refused_at_its_line(knowledge_copy: Path) -> None:
    problem = refused_edit(knowledge_copy, "crisis.yaml", '    "\U0001f52b": gun', '    "g": gun')
    assert "must be an emoji or symbol" in problem.message


def test_explain_shows_the_emoji_read_as_words(responder: Responder) -> None:
    report = explain(responder, IN_SYMBOLS[0])
    assert "symbols:     ' knife  blood  again. worse.'" in report
    assert "normalised:  'knife blood again worse'" in report  # the lexical view reads the words too
    assert "symbols:" not in explain(responder, "how much is a session")
