"""Pure Telegram formatting: escaping, splitting, callback data and keyboards (no network)."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.decision import ANSWER, CLARIFY, CRISIS, FALLBACK, SUPPORT, ChatContext, Decision, Responder
from bot.knowledge.model import Knowledge
from bot.telegram import format as fmt
from tests.emulator import parse_html


def plain(outgoing: fmt.Outgoing) -> str:
    """What Telegram shows for a message: parse its HTML exactly like the emulator (and Telegram) does."""
    return parse_html(outgoing.text)[0]


def datas(outgoing: fmt.Outgoing) -> list[str]:
    markup = outgoing.reply_markup
    return [b.callback_data for row in markup.inline_keyboard for b in row] if markup else []  # type: ignore[misc]


def test_everything_from_knowledge_is_escaped() -> None:
    text = 'Dose <b>not</b> & "x" < 5 <script>alert(1)</script>'
    [out] = fmt.fixed_text(text, footer="988 & <i>you</i>")
    assert "<b>" not in out.text.replace("<b>not", "")  # only escaped brackets from the text
    assert plain(out) == f"{text}\n\n988 & <i>you</i>"
    _, entities = parse_html(out.text)
    assert [e["type"] for e in entities] == ["italic"]  # the footer, and nothing the text tried to inject


def test_split_keeps_paragraphs_whole_and_under_the_limit() -> None:
    paragraphs = [f"Paragraph {n}. " + "word " * 180 for n in range(12)]  # ~12 x 915 characters
    text = "\n\n".join(p.strip() for p in paragraphs)
    parts = fmt.split_text(text)
    assert len(parts) > 1
    assert all(len(part) <= fmt.MAX_MESSAGE_CHARS for part in parts)
    assert "\n\n".join(parts) == text  # nothing lost, nothing reordered, cut only between paragraphs
    assert all(part.startswith("Paragraph ") for part in parts)


def test_split_breaks_an_oversized_paragraph_at_lines_then_words_then_hard() -> None:
    lines = "\n".join(f"line {n} " + "x" * 90 for n in range(100))  # one 10,000-character paragraph
    parts = fmt.split_text(lines, limit=1000)
    assert all(len(p) <= 1000 for p in parts) and all(p.startswith("line ") for p in parts)
    assert "\n".join(parts) == lines
    word = "y" * 2500
    assert fmt.split_text(word, limit=1000) == ["y" * 1000, "y" * 1000, "y" * 500]


def test_split_counts_utf16_units_like_telegram() -> None:
    emoji = "😀" * 3000  # 2 UTF-16 units each
    parts = fmt.split_text(emoji)
    assert all(fmt.telegram_length(p) <= fmt.MAX_MESSAGE_CHARS for p in parts)
    assert "".join(parts) == emoji


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab <>&\"'\n😀")), max_size=9000))
def test_any_text_renders_as_valid_html_within_limits(text: str) -> None:
    outgoing = fmt.fixed_text(text, footer="footer") if text.strip() else []
    for out in outgoing:
        shown, _ = parse_html(out.text)
        assert len(shown) <= fmt.MAX_MESSAGE_CHARS


def test_callback_data_shapes_and_limits() -> None:
    assert fmt.callback("a", "cost") == "a:cost"
    assert fmt.callback("a", "x" * 62) == "a:" + "x" * 62
    assert fmt.callback("a", "x" * 63) is None  # 65 bytes: Telegram would refuse the button
    assert fmt.callback("a", "bad id") is None
    assert fmt.parse_callback("a:cost") == ("a", "cost")
    assert fmt.parse_callback("r:UK") == ("r", "UK")
    assert fmt.parse_callback("menu") == ("menu", "")
    assert fmt.parse_callback("topics") == ("topics", "")
    for forged in (None, "", "a:", "z:cost", "a:../../etc", "a:" + "x" * 70, "cost", "a:co st", "a:<b>"):
        assert fmt.parse_callback(forged) is None


def test_every_entry_category_and_region_gets_a_button(knowledge: Knowledge) -> None:
    assert all(fmt.callback(fmt.ANSWER_PREFIX, e.id) for e in knowledge.entries)
    start = fmt.Outgoing("x", fmt.categories_keyboard(knowledge))
    assert datas(start) == [f"c:{c.id}" for c in knowledge.categories if knowledge.in_category(c.id)]
    for category in knowledge.categories:
        view = fmt.category_view(knowledge, category.id)
        assert view is not None
        assert datas(view) == [f"a:{e.id}" for e in knowledge.in_category(category.id)] + ["menu"]
    assert fmt.category_view(knowledge, "no-such-category") is None
    region = fmt.region_view(knowledge.crisis, "UK")
    assert datas(region) == [f"r:{code}" for code in knowledge.crisis.regions]
    assert knowledge.crisis.regions["UK"].name in plain(region)
    all_buttons = [d for c in knowledge.categories for d in datas(fmt.category_view(knowledge, c.id))]  # type: ignore[arg-type]
    assert all(len(d.encode()) <= fmt.MAX_CALLBACK_BYTES for d in all_buttons)


def test_answer_has_footer_heading_and_related_buttons(responder: Responder) -> None:
    decision = responder.decide("how much does it cost", ChatContext(flagged=True))
    assert decision.kind == ANSWER and decision.footer
    [out] = fmt.format_decision(decision, responder.knowledge)
    heading = responder.knowledge.texts.related_heading
    assert plain(out) == f"{decision.body.strip()}\n\n{decision.footer}\n\n{heading}"
    assert datas(out) == [f"a:{i}" for i in decision.related] + fmt.vote_datas(responder.knowledge, "cost")
    _, entities = parse_html(out.text)
    assert [e["type"] for e in entities] == ["italic", "bold"]


def test_clarify_fallback_and_crisis_buttons(responder: Responder) -> None:
    knowledge = responder.knowledge
    clarify = Decision(CLARIFY, "pick", options=("cost", "insurance"), body="pick")
    assert datas(fmt.format_decision(clarify, knowledge)[0]) == ["a:cost", "a:insurance"]
    fallback = responder.decide("what is the capital of peru")
    assert fallback.kind == FALLBACK
    assert datas(fmt.format_decision(fallback, knowledge)[0]) == ["topics"]
    crisis = responder.decide("i want to kill myself")
    assert crisis.kind == CRISIS
    [out] = fmt.format_decision(crisis, knowledge)
    assert out.reply_markup is None and plain(out) == crisis.reply.strip()


def test_support_keeps_the_questions_a_fallback_would_offer(responder: Responder) -> None:
    """A question asked in distress that no entry answers gets the support reply, and its nearest entries as
    buttons: the warmth does not take away the way on."""
    decision = responder.decide("had an awful week and feel really low. anything i should do before my session?")
    assert decision.kind == SUPPORT and decision.options
    assert all(responder.knowledge.by_id[i].question in decision.reply for i in decision.options)
    [out] = fmt.format_decision(decision, responder.knowledge)
    assert datas(out) == [f"a:{i}" for i in decision.options]
    quiet = Decision(SUPPORT, "lines", body="lines")
    assert fmt.format_decision(quiet, responder.knowledge)[0].reply_markup is None


def test_long_answer_splits_with_buttons_on_the_last_part(responder: Responder) -> None:
    entry = responder.knowledge.by_id["cost"]
    body = "\n\n".join(f"Part {n}: " + "lorem ipsum " * 40 + "end." for n in range(10))  # ~5,000 characters
    decision = Decision(ANSWER, body, id=entry.id, related=entry.related, body=body)
    parts = fmt.format_decision(decision, responder.knowledge)
    assert len(parts) == 2
    assert [p.reply_markup is None for p in parts] == [True, False]
    assert all(len(plain(p)) <= fmt.MAX_MESSAGE_CHARS for p in parts)
    assert "\n\n".join(plain(p) for p in parts) == body + "\n\n" + responder.knowledge.texts.related_heading


def test_related_ids_missing_from_knowledge_are_skipped(responder: Responder) -> None:
    knowledge = responder.knowledge
    entry = dataclasses.replace(knowledge.by_id["cost"], related=("gone", "insurance"))
    decision = Decision(ANSWER, entry.answer, id=entry.id, related=entry.related, body=entry.answer)
    assert datas(fmt.format_decision(decision, knowledge)[0]) == ["a:insurance", *fmt.vote_datas(knowledge, "cost")]


def test_votes_under_every_answer_and_nothing_else(responder: Responder) -> None:
    knowledge = responder.knowledge
    for entry in knowledge.entries:
        decision = responder.decide_entry(entry.id)
        votes = fmt.vote_datas(knowledge, entry.id)
        assert votes and datas(fmt.format_decision(decision, knowledge)[-1])[-2:] == votes
        assert [fmt.parse_vote(d) for d in votes] == [(True, entry.id, knowledge.version),
                                                      (False, entry.id, knowledge.version)]
    for text in ("i want to kill myself", "hello", "what is the capital of peru"):
        assert not any(fmt.parse_vote(d) for d in datas(fmt.format_decision(responder.decide(text), knowledge)[-1]))
    rated = fmt.without_votes(fmt.format_decision(responder.decide_entry("cost"), knowledge)[-1].reply_markup)
    assert rated is not None and [b.callback_data for row in rated.inline_keyboard for b in row] == [
        f"a:{i}" for i in knowledge.by_id["cost"].related]
    assert fmt.parse_vote("+:cost:zz") is None and fmt.parse_vote("+:cost:" + "a" * 17) is None
