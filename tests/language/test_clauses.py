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
    # a question word with its negation opens no question (a knowledge phrasing of how-fast)
    "i'm 72 and can't wait months for a tablet to work, does this act any faster",
    "we tried and couldn't find a clinic nearby",
])
def test_one_question_stays_whole(text: str) -> None:
    assert questions(text) == [text]


def test_first_asks_needs_the_first_to_open_as_a_question() -> None:
    """A knowledge phrasing of safety: a remark, then the one question it asks."""
    text = "an anesthetic for mood? sounds dangerous, how safe is it really"
    assert questions(text) == ["an anesthetic for mood", "sounds dangerous, how safe is it really"]
    assert questions(text, first_asks=True) == [text]
    assert questions("is nausea common, and is it expensive?", first_asks=True) == ["is nausea common",
                                                                                    "is it expensive"]


def test_nothing_asks_nothing() -> None:
    assert questions("   ") == []
