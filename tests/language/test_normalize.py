"""The one normaliser both the matcher and the crisis detector read through."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.language.normalize import normalize, without_laughter


@pytest.mark.parametrize(("raw", "expected"), [
    ("What\u2019s KETAMINE therapy???", "what is ketamine therapy"),
    ("doesnt it hurt? can't say", "does not it hurt can not say"),
    ("sooo tiiiired", "soo tiired"),
    ("anxiété", "anxiete"),
    ("how much r the infusions 😬😬", "how much are the infusions"),
    ("\uff46\uff55\uff4c\uff4c \uff57\uff49\uff44\uff54\uff48", "full width"),
    ("zero\u200bwidth", "zerowidth"),
    ("nul\x00byte\x07bell", "nul byte bell"),
    ("\u202eright-to-left override", "right to left override"),
    ("k\u0456ll", "kill"),  # Cyrillic i that looks Latin
    ("Straße", "strasse"),
    ("  spaced\t\n out  ", "spaced out"),
    ("", ""),
    ("🙂🙂", ""),
    ("k\u0456ll m\u1f30", "kill mi"),  # look-alikes folded with or without a mark on them
    # "i'll" without its apostrophe, when a verb or an adverb follows; the adjective stays
    ("i dont think ill be around much longer", "i do not think i will be around much longer"),
    ("ill never see them. ill just go", "i will never see them i will just go"),
    ("feeling ill, ill effects? mentally ill people", "feeling ill ill effects mentally ill people"),
    ("i wont be here, itll be over, theyll see", "i will not be here it will be over they will see"),
])
def test_normalize_examples(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@given(st.text())
def test_normalize_is_idempotent_and_clean(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert once == once.casefold()


@pytest.mark.parametrize(("raw", "expected"), [
    ("honestly i wish i was dead haha", "honestly i wish i was dead"),
    ("LMAOOO i'm dead 😂", "i am dead"),
    ("i'm suicidal lol jk", "i am suicidal"),
    ("hahahaha ok", "ok"),
    ("aha, a lolly and a lollipop", "aha a lolly and a lollipop"),  # words that only contain a laugh stay
    ("what is ketamine", "what is ketamine"),
])
def test_without_laughter_leaves_what_the_message_says(raw: str, expected: str) -> None:
    assert without_laughter(normalize(raw)) == expected
