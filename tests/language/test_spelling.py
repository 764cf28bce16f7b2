"""Misspelt words mended against a vocabulary (bot.language.spelling), and what the decision does with it."""

from __future__ import annotations

import pytest

from bot.decision import ANSWER, CRISIS, Responder
from bot.knowledge.model import Knowledge
from bot.language.spelling import SpellingRepair
from tests.support.thresholds import with_thresholds

RANKED = {"how": 1, "much": 2, "does": 3, "cost": 40, "cats": 30, "swallowed": 900, "medicine": 700,
          "everything": 80, "cabinet": 950, "hugh": 5000, "fine": 60, "weather": 400, "tomorrow": 300}


@pytest.fixture
def repair() -> SpellingRepair:
    return SpellingRepair(preferred={"ketamine": 900, "cost": 40, "cats": 1}, ranked=RANKED,
                          protected={"kms", "unalive", "sucide"})


def test_a_swap_of_two_letters_is_one_edit(repair: SpellingRepair) -> None:
    assert repair.word("wheather") == "weather"
    assert repair.text("hwo mcuh does it cots") == "how much does it cost"  # the knowledge's commoner word


def test_three_letter_words_are_mended_only_when_two_letters_swapped(repair: SpellingRepair) -> None:
    assert repair.word("hwo") == "how"
    assert repair.word("ugh") == "ugh"
    assert repair.word("hoq") == "hoq"  # one letter off, but three letters are too few to guess from
    assert repair.word("ur") == "your"  # texting shorthand, not a typo (bot.language.shorthand)


def test_a_word_is_mended_only_one_edit_away(repair: SpellingRepair) -> None:
    assert repair.word("swalluwed") == "swallowed"
    assert repair.word("medicnie") == "medicine"
    assert repair.word("fnie") == "fine"
    assert repair.word("fxnx") == "fxnx"
    assert repair.word("medcnie") == "medcnie"  # two edits: a real word the vocabulary lacks looks like this


def test_protected_and_known_words_are_never_changed(repair: SpellingRepair) -> None:
    assert repair.text("kms unalive sucide") is None
    assert repair.text("shouldnt doesnt gonna sooo") is None  # the normaliser's shorthand, not typos
    assert repair.text("Ketamine COST") is None  # known in any case
    assert repair.text("") is None


def test_text_keeps_everything_but_the_mended_words(repair: SpellingRepair) -> None:
    assert repair.text("I ujst swalluwed EVERYTHNG in my medicnie cabinet 😭. now?") == \
        "I ujst swallowed everything in my medicine cabinet 😭. now?"


def test_links_and_handles_are_not_mended(repair: SpellingRepair) -> None:
    assert repair.text("see www.nimh.nih.gov/news or @medicnie_bot") is None


def test_a_crisis_hidden_by_typos_escalates(responder: Responder, knowledge: Knowledge) -> None:
    # the semantic layer's views fused read the second as a crisis too: the patterns' own reading of the mended
    # words is shown with that fusion off
    unfused = with_thresholds(knowledge, fused=1.01)
    for text in ("I ujst swalluwed everything in my medicnie cabinet. what hapepns now",
                 "i keep picturing my own fnneral and it feels like relief"):
        assert responder.decide(text).kind == CRISIS, text
        decision = unfused.decide(text)
        assert decision.kind == CRISIS, text
        assert decision.crisis is not None and decision.crisis.layer == "patterns"


def test_a_pattern_the_meaning_set_aside_gets_no_second_reading(responder: Responder) -> None:
    """The patterns saw "suicidal thoughts" as written and the meaning read a question: mending the typos
    ("deos ketamien") must not reopen that."""
    text = ("saw this https://www.nimh.nih.gov/news/science-news and wondered, "
            "deos ketamien really cut suicidal thoughts?")
    assert responder.decide(text).kind != CRISIS


@pytest.mark.parametrize(("text", "entry"), [
    ("hwo much does a sesion cots", "cost"),  # was the support reply: the typos read as distress
    ("waht are the side efects", "side-effects"),  # was a fallback
    ("how manny sesions will i nede", "number-of-sessions"),  # was a fallback
])
def test_the_faq_step_reads_the_mended_words(responder: Responder, text: str, entry: str) -> None:
    decision = responder.decide(text)
    assert (decision.kind, decision.id) == (ANSWER, entry)
