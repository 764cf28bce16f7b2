"""Understanding unseen wording: both views, the fusion, and the decision policy on them.

The messages quoted in the understanding issue are development data: each gets the right
entry, or a "did you mean" (or the fallback's nearest entries) that offers it.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import numpy as np
import pytest

from bot.decision import ANSWER, CLARIFY, FALLBACK, Responder
from bot.knowledge import Knowledge, KnowledgeError, load_knowledge
from bot.matching import fusion as fusion_module
from bot.matching.semantic import FAQ, OTHER_LABEL, Label, SemanticClassifier, training_set, without_topic
from bot.matching.understanding import Understanding
from bot.semantic.embedder import default_embedder


def offered(decision_options: tuple[str, ...], decision_id: str | None) -> set[str]:
    return set(decision_options) | ({decision_id} if decision_id else set())


@pytest.mark.parametrize(("text", "right"), [
    ("how long does one infusion appointment take?", {"session-experience"}),
    ("how much time does a session take", {"session-experience"}),
    ("can i come with him to the appointments", {"after-session", "session-experience"}),
    ("<b>hi</b> <script>alert(1)</script> how much does it cost", {"cost"}),
    ("is there a risk of overdose", {"safety", "addiction-risk", "side-effects"}),
    ("what are the long term effects", {"side-effects", "addiction-risk", "safety", "maintenance"}),
])
def test_issue_examples_get_the_entry_or_offer_it(responder: Responder, text: str, right: set[str]) -> None:
    decision = responder.decide(text)
    assert decision.kind in (ANSWER, CLARIFY, FALLBACK)
    assert decision.topic is None  # never a boundary decline (booking, recreational use, dosing)
    assert offered(decision.options, decision.id) & right, (decision.kind, decision.id, decision.options)
    if decision.kind == ANSWER:
        assert decision.id in right


def test_how_much_is_not_cost(responder: Responder) -> None:
    decision = responder.decide("how much will it help me")
    assert not (decision.kind == ANSWER and decision.id == "cost")


def test_a_single_word_gets_did_you_mean(responder: Responder) -> None:
    decision = responder.decide("ketamine")
    assert decision.kind == CLARIFY and 2 <= len(decision.options) <= 3


@pytest.mark.parametrize("text", [
    "how much does it cost? https://example.com/ketamine?ref=abc 🙏🙏",
    "[how much](http://x.y) does ketamine therapy cost &amp; is it worth it 😬",
    "<p>How much does <i>ketamine therapy</i> cost?</p>",
])
def test_markup_links_and_emoji_do_not_sink_a_match(responder: Responder, text: str) -> None:
    decision = responder.decide(text)
    assert (decision.kind, decision.id) == (ANSWER, "cost")


def test_a_question_after_a_long_backstory_is_found(responder: Responder) -> None:
    sentence = "My sister has been unwell for a long time and we have tried everything the doctors offered."
    story = " ".join([sentence] * 12)
    decision = responder.decide(f"{story} So my actual question: how much does ketamine therapy cost per session?")
    assert decision.reading is not None and len(decision.reading.windows) > 1  # read whole and by sentence
    assert (decision.kind, decision.id) == (ANSWER, "cost")


def test_topic_words_are_learned_without_the_topic() -> None:
    assert without_topic("is ketamine addictive") == "is it addictive"
    assert without_topic("how long is a ketamine session") == "how long is a session"
    assert without_topic("what is spravato") is None


def test_training_covers_every_class_and_other(knowledge: Knowledge) -> None:
    examples = training_set(knowledge)
    labels = set(examples.labels)
    assert {Label(FAQ, e.id) for e in knowledge.entries} <= labels
    assert OTHER_LABEL in labels
    assert len(examples.texts) == len(examples.groups)


def test_the_fusion_trusts_agreement_more_than_either_view_alone(responder: Responder) -> None:
    understanding = responder.understanding
    assert understanding is not None
    labels = understanding.labels
    cost, insurance = Label(FAQ, "cost"), Label(FAQ, "insurance")
    probabilities = np.full(len(labels), 0.01)
    probabilities[labels.index(cost)] = 0.8
    nearest = np.full(len(labels), 0.3)
    nearest[labels.index(cost)] = 0.8
    flat = np.full(len(labels), 1 / len(labels))

    def confidence(lexical: dict[Label, float], p: np.ndarray, words: np.ndarray = flat) -> float:
        scored = fusion_module.candidates(labels, p, nearest, lexical, 0.0, words)
        return understanding.fusion.confidence(next(f for e, f in scored if e.label == cost))

    def words_for(label: Label) -> np.ndarray:
        words = np.full(len(labels), 0.01)
        words[labels.index(label)] = 0.9
        return words

    agree = confidence({cost: 90.0}, probabilities)
    only_meaning = confidence({insurance: 90.0}, probabilities)
    only_lexical = confidence({cost: 90.0}, flat)
    assert agree > max(only_meaning, only_lexical)
    # the word view counts too: the same two views, with the words for the candidate or for another entry
    assert confidence({cost: 90.0}, probabilities, words_for(cost)) \
        > confidence({cost: 90.0}, probabilities, words_for(insurance))


# Development data (spent blind sets): answered with a neighbouring entry before the word view joined the fusion.
@pytest.mark.parametrize(("text", "entry"), [
    ("Should the clinic offer counselling and follow-up care?", "choosing-a-clinic"),
    ("Are there any newer conditions ketamine might treat in the future?", "emerging-uses"),
    ("Is therapy part of the ketamine process?", "ketamine-assisted-psychotherapy"),
])
def test_the_word_view_tells_neighbouring_entries_apart(responder: Responder, text: str, entry: str) -> None:
    decision = responder.decide(text)
    assert (decision.kind, decision.id) == (ANSWER, entry)
    assert decision.reading is not None and decision.reading.best_words(1)[0][0] == Label(FAQ, entry)


def test_a_restart_reuses_the_fit(knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch) -> None:
    Understanding(knowledge, default_embedder())  # fitted (or already cached) under this knowledge's key

    def refit(*args: object, **kwargs: object) -> None:
        raise AssertionError("fitted again although nothing it reads changed")

    monkeypatch.setattr("bot.matching.understanding.fit_fusion", refit)
    again = Understanding(knowledge, default_embedder())
    assert again.read("how much does it cost").candidates[0].label == Label(FAQ, "cost")
    # the restart gets the examples' vectors in the layout the classifier keeps, the same as a fit arranges them
    fitted = SemanticClassifier.fit(again.classifier.examples,
                                    default_embedder().knowledge_vectors(again.classifier.examples.texts), again.labels)
    probe = default_embedder().knowledge_vectors(["what does a session cost", "is it safe"])
    assert np.array_equal(again.classifier.similarities(probe), fitted.similarities(probe))


def test_lexical_only_is_loud_and_needs_no_encoder(knowledge: Knowledge, caplog: pytest.LogCaptureFixture,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.decision.default_embedder", lambda: pytest.fail("the encoder was loaded"))
    lexical = dataclasses.replace(knowledge, matching=dataclasses.replace(knowledge.matching, lexical_only=True))
    with caplog.at_level(logging.WARNING):
        responder = Responder(lexical)
    assert "LEXICAL-ONLY" in caplog.text
    assert responder.understanding is None
    assert responder.decide("how much does ketamine therapy cost").id == "cost"


def test_a_synonym_of_function_words_is_refused(knowledge_copy: Path) -> None:
    settings = knowledge_copy / "settings.yaml"
    settings.write_text(settings.read_text().replace("    - [cost, price,", "    - [cost, how much, price,"))
    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(knowledge_copy)
    assert any("synonym 'how much' is only function words" in p.message and p.path == str(settings)
               for p in refused.value.problems)


def test_explain_shows_both_views_and_the_fused_confidence(responder: Responder) -> None:
    from bot.console.explain import explain

    report = explain(responder, "is it pricey")
    for part in ("lexical view", "nearest phrasings", "class probabilities", "fused confidence",
                 "decision:    answer cost"):
        assert part in report


@pytest.mark.parametrize(("text", "first", "then"), [
    ("Is it addictive and what are the side effects?", "addiction-risk", "side-effects"),
    ("How quickly does it work and how many sessions will I need?", "how-fast", "number-of-sessions"),
])
def test_two_questions_get_the_first_answer_and_the_second_as_a_button(responder: Responder, text: str, first: str,
                                                                       then: str) -> None:
    """Read whole, the meaning splits between the two entries and neither is clear; read alone, each is."""
    assert responder.understanding is not None
    settings, ranked = responder.knowledge.matching, responder.understanding.read(text).candidates
    assert ranked[0].confidence < settings.answer_confidence \
        or ranked[1].confidence > ranked[0].confidence - settings.clarify_margin  # the premise: not clear whole
    decision = responder.decide(text)
    assert (decision.kind, decision.id) == (ANSWER, first)
    assert decision.related[0] == then


@pytest.mark.parametrize(("text", "first", "then"), [  # development data (d2, a helper's set)
    ("is nausea common with ketamine treatment, and is it expensive?", "side-effects", "cost"),
    ("how much does it cost and do i need a referral", "cost", "finding-a-provider"),
    ("is ketamine safe and could i get hooked on it", "safety", "addiction-risk"),
])
def test_two_questions_read_whole_as_the_second_get_the_first_answer(responder: Responder, text: str, first: str,
                                                                     then: str) -> None:
    """Read whole, the meaning leans to the later, more specific question and answers it alone."""
    assert responder.understanding is not None
    assert responder.understanding.read(text).candidates[0].label.id == then  # the premise
    decision = responder.decide(text)
    assert (decision.kind, decision.id) == (ANSWER, first)
    assert decision.related[0] == then


def test_one_question_of_two_answered_whole_keeps_that_answer(responder: Responder) -> None:
    """When the whole's answer is the first question's, or a later question has no answer alone, nothing changes."""
    decision = responder.decide("hi there; how much does a session cost?")
    assert (decision.kind, decision.id) == (ANSWER, "cost")


def test_two_questions_are_answered_only_when_each_has_an_answer(responder: Responder) -> None:
    decision = responder.decide("what is TMS and does it actually work")  # TMS: no entry of ours answers it
    assert decision.kind != ANSWER
