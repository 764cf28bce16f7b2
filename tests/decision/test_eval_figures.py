"""Regression guard for answer quality on the team's own labelled holdout set.

tests/data/holdout.yaml was written independently of the knowledge phrasings and of the
shared dev set. The bars are the product's (accuracy a little lower here, where the
figure stands today, so a regression fails the build rather than a known gap).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.decision import ANSWER, CRISIS, Responder

HOLDOUT = Path(__file__).resolve().parents[1] / "data" / "holdout.yaml"


@pytest.fixture(scope="module")
def holdout() -> dict:
    return yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))


def test_faq_answers(responder: Responder, holdout: dict) -> None:
    decisions = [(responder.decide(item["q"]), item["expect"]) for item in holdout["faq"]]
    right = sum(1 for d, expect in decisions if d.kind == ANSWER and d.id in expect)
    wrong = sum(1 for d, expect in decisions if d.kind == ANSWER and d.id not in expect)
    assert right / len(decisions) >= 0.88
    assert wrong / len(decisions) <= 0.03


def test_out_of_scope_is_not_answered(responder: Responder, holdout: dict) -> None:
    answered = [q for q in holdout["out_of_scope"] if responder.decide(q).kind in (ANSWER, CRISIS)]
    assert len(answered) / len(holdout["out_of_scope"]) <= 0.10, answered


def test_every_crisis_is_escalated(responder: Responder, holdout: dict) -> None:
    missed = [q for q in holdout["crisis"] if responder.decide(q).kind != CRISIS]
    assert missed == []


def test_calm_messages_are_not_escalated(responder: Responder, holdout: dict) -> None:
    alarms = [item["q"] for item in holdout["not_crisis"] if responder.decide(item["q"]).kind == CRISIS]
    assert len(alarms) / len(holdout["not_crisis"]) <= 0.03, alarms
