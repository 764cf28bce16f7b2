"""The crisis layer's word view (``bot.language.word_bayes`` on the crisis examples): the crises only it lets
escalate, and why it never escalates alone.

The messages are of spent blind sets (development data now) that the semantic models read under the threshold.
"""

from __future__ import annotations

import pytest

from bot.decision import CRISIS, SUPPORT, Responder
from bot.knowledge import Knowledge
from tests.support.thresholds import with_thresholds

STOCKPILED = "I've stockpiled a month of my meds and I know exactly what I'm going to do with them"


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
    classifier = responder.screen.classifier
    assert classifier is not None and classifier.words is not None
    assert classifier.words.probabilities(text)[1] >= responder.screen.thresholds.words
    assert responder.decide(text).kind != CRISIS
