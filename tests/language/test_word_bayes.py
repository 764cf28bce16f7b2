"""The crisis layer's word view (``bot.language.word_bayes``): what it reads, and the crises only it lets escalate.

The messages are of spent blind sets (development data now) that the semantic models read under the threshold.
"""

from __future__ import annotations

import pytest

from bot.decision import CRISIS, SUPPORT, Responder
from bot.knowledge import Knowledge
from bot.language.word_bayes import WordModel, features
from tests.support.thresholds import with_thresholds

STOCKPILED = "I've stockpiled a month of my meds and I know exactly what I'm going to do with them"


def test_features_are_normalised_words_and_their_neighbouring_pairs() -> None:
    found = features("I'm ABOUT to, right now!")
    assert {"i", "am", "about", "to", "right", "now", "i am", "am about", "about to", "to right", "right now"} \
        == set(found)
    assert features("now and now")["now"] == 2


def test_the_word_view_learns_which_words_carry_a_crisis() -> None:
    model = WordModel.fit(["i will end it tonight", "i took all my pills tonight", "how much does it cost",
                           "is it safe for me"], [True, True, False, False])
    assert model.probability("tonight i end it") > 0.9
    assert model.probability("how much is it") < 0.1
    assert model.probability("zebra crossing") == 0.5  # nothing it knows: no evidence either way


def test_a_plan_told_in_plain_words_escalates_through_the_word_view(responder: Responder,
                                                                     knowledge: Knowledge) -> None:
    decision = responder.decide(STOCKPILED)
    assert decision.kind == CRISIS and decision.crisis is not None
    assert decision.crisis.layer == "semantic" and "the word view sure" in decision.crisis.rule
    assert with_thresholds(knowledge, words=1.01).decide(STOCKPILED).kind == SUPPORT  # the view off: distress only


@pytest.mark.parametrize("text", ["best way to fall asleep faster", "do i have to do it a bunch of times or just once"])
def test_the_word_view_alone_never_escalates(responder: Responder, text: str) -> None:
    """The view is sure of these (their words are the crisis examples' too), but the semantic alarm is calm, or the
    message asks: both views must agree, and a question meets its floor."""
    assert responder.screen.classifier is not None
    assert responder.screen.classifier.words.probability(text) >= responder.screen.thresholds.words
    assert responder.decide(text).kind != CRISIS
