"""Splitting a message into the questions it asks (``bot.language.clauses``)."""

from __future__ import annotations

import pytest

from bot.language.clauses import questions


@pytest.mark.parametrize(("text", "asked"), [
    ("Is it addictive and what are the side effects?", ["Is it addictive", "what are the side effects"]),
    ("Is it safe? And do I need a referral?", ["Is it safe", "do I need a referral"]),
    ("How quickly does it work, and how many sessions will I need?",
     ["How quickly does it work", "how many sessions will I need"]),
    ("is it safe; is it legal; how much is it", ["is it safe", "is it legal", "how much is it"]),
])
def test_each_question_is_split_off(text: str, asked: list[str]) -> None:
    assert questions(text) == asked


@pytest.mark.parametrize("text", [
    "what are the pros and cons",  # "and" without a question word after it joins words, not questions
    "ketamine and esketamine, what is the difference?",
    "why? how?",  # pieces of one word are no questions of their own
    "how much does it cost",
])
def test_one_question_stays_whole(text: str) -> None:
    assert questions(text) == [text]


def test_nothing_asks_nothing() -> None:
    assert questions("   ") == []
