"""A question about another treatment gets no answer of ours (settings.yaml matching.other_treatments)."""

from __future__ import annotations

import pytest

from bot.console.explain import explain
from bot.decision import ANSWER, FALLBACK, Responder
from bot.knowledge.model import MatchSettings
from bot.matching.subject import SubjectCheck

CHECK = SubjectCheck(MatchSettings(other_treatments=("ect", "wellbutrin", "st john's wort", "wort"),
                                   subject_words=("ketamine", "spravato", "it")))


@pytest.mark.parametrize(("text", "other"), [
    ("does insurance cover ECT", "ect"),
    ("What are the side effects of Wellbutrin?", "wellbutrin"),
    ("Is St John\u2019s wort good for depression?", "st john's wort"),  # the longest name, typed apostrophe and all
    ("how is ketamine different from ECT", None),  # names the subject too
    ("is it faster than wellbutrin", None),  # "it": ketamine, in a chat about it
    ("how do i get to the clinic on the tram", None),  # no name ("ect" is not in "select" either)
    ("select a clinic", None),
])
def test_a_message_naming_another_treatment_and_not_the_subject_is_about_it(text: str, other: str | None) -> None:
    assert CHECK.elsewhere(text) == other


def test_empty_lists_find_nothing() -> None:
    assert SubjectCheck(MatchSettings()).elsewhere("does insurance cover ECT") is None


@pytest.mark.parametrize(("text", "nearest"), [  # out-of-scope messages of development sets, answered before
    ("does insurance cover ECT", "insurance"),
    ("What are the side effects of Wellbutrin?", "side-effects"),
    ("How many ECT sessions are usually needed?", "number-of-sessions"),
    ("Is St John's wort good for depression?", "depression"),  # "wort" is no typo of "work" to the speller
])
def test_a_question_about_another_treatment_falls_back_offering_the_entry_its_frame_matches(
        responder: Responder, text: str, nearest: str) -> None:
    decision = responder.decide(text)
    assert decision.kind == FALLBACK and decision.id is None and nearest in decision.options
    assert "subject:     names another treatment" in explain(responder, text)


def test_the_same_frame_about_ketamine_is_answered(responder: Responder) -> None:
    decision = responder.decide("how is ketamine different from wellbutrin")
    assert (decision.kind, decision.id) == (ANSWER, "vs-antidepressants")
    assert "subject:" not in explain(responder, "does insurance cover spravato")
