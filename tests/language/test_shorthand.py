"""Texting shorthand and words typed without their vowels, read as meant (bot.language.shorthand)."""

from __future__ import annotations

import pytest

from bot.decision import ANSWER, CRISIS, Responder
from bot.language.shorthand import VowelDrop, skeleton
from bot.language.spelling import SpellingRepair

RANKED = {"how": 1, "many": 5, "money": 9, "what": 2, "white": 700, "cover": 300, "caver": 9000,
          "treatment": 200, "safe": 90, "sofa": 80, "effects": 400, "facts": 100, "times": 50}


@pytest.fixture
def repair() -> SpellingRepair:
    return SpellingRepair(preferred={"ketamine": 900, "many": 30, "money": 2}, ranked=RANKED,
                          protected={"kms", "unalive"})


def test_the_skeleton_keeps_the_first_letter_and_the_consonants_once() -> None:
    assert skeleton("effects") == "efcts"
    assert skeleton("insurance") == "insrnc"
    assert skeleton("how") == "hw"


def test_a_word_without_its_vowels_is_the_knowledge_s_commoner_word(repair: SpellingRepair) -> None:
    assert repair.word("mny") == "many"  # the knowledge says "many" more often than "money"
    assert repair.word("trtmnt") == "treatment"
    assert repair.word("cvr") == "cover"  # commoner than "caver"
    assert repair.word("efcts") == "effects"


def test_only_vowels_may_be_missing() -> None:
    drop = VowelDrop({"safe": 1, "sofa": 0})
    assert drop.word("sfe") == "safe"  # "sofa" has the consonants but not the letters in order
    assert drop.word("sfx") is None
    assert drop.word("s") is None  # one consonant stands for too many words


def test_shorthand_and_digits_in_words(repair: SpellingRepair) -> None:
    assert repair.text("hw mny sesh r needed b4 it works") == "how many session are needed before it works"
    assert repair.text("idk if u can help") == "i do not know if you can help"


def test_acronyms_and_protected_words_stay(repair: SpellingRepair) -> None:
    assert repair.text("is it better than TMS") is None  # not "times"
    assert repair.text("kms") is None
    assert repair.text("it costs $400 for 2 sessions") is None


@pytest.mark.parametrize(("text", "entry"), [
    ("hw lng does a sesh take", "session-experience"),
    ("does insrnce cvr it", "insurance"),
    ("wat hppns in a trtmnt", "session-experience"),
    ("whr do i find a clinic", "finding-a-provider"),
])
def test_the_faq_step_reads_texting_as_meant(responder: Responder, text: str, entry: str) -> None:
    decision = responder.decide(text)
    assert (decision.kind, decision.id) == (ANSWER, entry)


def test_a_crisis_in_texting_still_escalates(responder: Responder) -> None:
    for text in ("idk hw mch longer i can do this, got the pills rdy 2nite", "gonna kms b4 the appt tbh"):
        assert responder.decide(text).kind == CRISIS, text


def test_the_risk_scorer_s_own_slang_is_never_mended(responder: Responder) -> None:
    """"ctb" (catch the bus) is one swap from "cbt": mended, the second reading would lose the crisis word."""
    assert responder.spelling is not None
    assert responder.spelling.text("ctb soon, got everything ready") is None
