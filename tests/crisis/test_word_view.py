"""The crisis layer's word view (``bot.language.word_bayes`` on the crisis examples): the crises only it lets
escalate, and why it never escalates alone.

The messages are of spent blind sets (development data now) that the semantic models read under the threshold.
"""

from __future__ import annotations

import pytest

from bot.decision import ANSWER, CRISIS, SUPPORT, Responder
from bot.knowledge import Knowledge
from tests.support.thresholds import with_thresholds

# A means gathered, told in plain words (a development set's). The alarm reads it over its bar, but its nearest
# examples are not clearly crisis ones; the word view is sure. (Before it, spent sets' "I've stockpiled a month of my
# meds and I know exactly what I'm going to do with them", and then "wanna dip from life fr, got my grandpa's pills",
# until an edit of the examples moved it over the bar on the models alone.)
PLAIN_PLAN = "I got the pills from three different pharmacies so nobody would notice"


def test_a_plan_told_in_plain_words_escalates_through_the_word_view(responder: Responder,
                                                                     knowledge: Knowledge) -> None:
    decision = responder.decide(PLAIN_PLAN)
    assert decision.kind == CRISIS and decision.crisis is not None
    assert decision.crisis.layer == "semantic" and "the word view sure" in decision.crisis.rule
    # the view off, in its fusion with the other views too: distress only
    assert with_thresholds(knowledge, words=1.01, fused=1.01).decide(PLAIN_PLAN).kind == SUPPORT


# (And "do i have to do it a bunch of times or just once", until the examples grew: the view now reads it 0.949.)
@pytest.mark.parametrize("text", ["best way to fall asleep faster"])
def test_the_word_view_alone_never_escalates(responder: Responder, text: str) -> None:
    """The view is sure of these (their words are the crisis examples' too), but the semantic alarm is calm, or the
    message asks: both views must agree, and a question meets its margin."""
    classifier = responder.screen.classifier
    assert classifier is not None and classifier.words is not None
    assert classifier.words.probabilities(text)[1] >= responder.screen.thresholds.words
    assert responder.decide(text).kind != CRISIS


# r125 (read after it was scored blind) and d1: a crisis sentence late in a long question, unlike any example as a
# whole sentence (the nearest under ``nearest_floor``), in words the view knows
UNDER_THE_FLOOR = [
    "I've been reading about ketamine for depression and the research looks promising. My GP said I might qualify. "
    "Cost is a worry, about $500 per session here. I'm 52, divorced, lost my job. Honestly the money question is moot "
    "if I go through with what I've planned for the 20th. Are there any sliding-scale clinics in Arizona?",
    "question about spravato: do I need someone to drive me home after every session or just the first few? my "
    "partner works days. also if this round doesn't work I've told myself I'm not sticking around for another round, "
    "so I'm hoping it works lol. anyway the driving thing",
]


@pytest.mark.parametrize("text", UNDER_THE_FLOOR)
def test_the_word_view_escalates_a_window_the_encoder_finds_unlike_every_example(
        responder: Responder, knowledge: Knowledge, text: str) -> None:
    """Under the floor the encoder extrapolates, so its alarm alone never escalates there; the word view reads the
    words, and with an alarm of its own (``words_alarm``) it may."""
    screen, embedder = responder.screen, responder.understanding.embedder
    _, vectors = embedder.message_vectors(text)
    reading = screen.classifier.read(vectors, screen.thresholds.distress_kinds, margin_from=0.0)
    decision = responder.decide(text)
    assert decision.kind == CRISIS and "the word view sure" in decision.crisis.rule
    window = int(decision.crisis.rule.split("window")[1].split("of")[0]) - 1
    assert reading.nearest[window] < screen.thresholds.nearest_floor
    assert with_thresholds(knowledge, words=1.01).decide(text).kind != CRISIS


def test_under_the_floor_the_word_view_alone_never_sets_a_sentence_aside_into_support(responder: Responder) -> None:
    """The view is sure of some calm sentences unlike every example: one that fails the context test is dropped, not
    given the support reply in place of the answer the message asks for."""
    text = ("So I have been reading forums all week and honestly I am more confused than before, my sister keeps "
            "sending me articles and my partner thinks I should just wait. Anyway, the thing I really need to know "
            "before I call anyone: how much does ketamine therapy cost per session?")
    screen, embedder = responder.screen, responder.understanding.embedder
    windows, vectors = embedder.message_vectors(text)
    reading = screen.classifier.read(vectors, screen.thresholds.distress_kinds, margin_from=0.0)
    worried = windows.index(next(window for window in windows[1:] if window.startswith("So I have")))
    assert reading.nearest[worried] < screen.thresholds.nearest_floor
    assert screen.classifier.words.probabilities(windows[worried])[1] >= screen.thresholds.words
    decision = responder.decide(text)
    assert (decision.kind, decision.id) == (ANSWER, "cost")
