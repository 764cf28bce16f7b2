"""The Telegram bot end to end: the real PTB Application, over HTTP, against the Bot API emulator.

Each test plays users (private chats, a group, admins) and checks what the bot sent, exactly as
Telegram would have shown it (the emulator parses and validates the HTML like Telegram does).
Updates of one chat are handled one at a time in order, so "nothing was sent" is proven by a later
reply in the same chat.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.decision import ChatContext, Responder
from bot.knowledge.loader import load_knowledge
from bot.runtime.store import ResponderStore
from bot.telegram import format as fmt
from bot.telegram.app import PUBLIC_COMMANDS, post_init
from bot.telegram.delivery import URGENT, PriorityRateLimiter
from bot.telegram.settings import RedactSecrets, apply_log_policy
from tests.emulator import DEFAULT_GROUP_CHAT_ID
from tests.support.telegram_harness import ADMIN_ID, FAST_POLICY, USER_ID, Harness, running_bot

CRISIS_MESSAGE = "i want to kill myself"
GROUP = DEFAULT_GROUP_CHAT_ID


@pytest.fixture
async def bot(knowledge_copy: Path, responder: Responder) -> AsyncIterator[Harness]:
    """The bot serving the session's repository knowledge; /reload reads the test's private copy."""
    async with running_bot(ResponderStore(knowledge_copy, responder)) as harness:
        yield harness


def buttons(record: dict[str, Any]) -> list[str]:
    rows = (record.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row]


def current(harness: Harness) -> Responder:
    return harness.store.current


def shown(text: str) -> str:
    """A text as the bot shows it: paragraphs separated by exactly one blank line, no outer blanks."""
    return "\n\n".join(block.text for block in fmt.paragraphs(text))


def related_text(harness: Harness, body: str, footer: str | None = None) -> str:
    parts = [body.strip()] + ([footer] if footer else []) + [current(harness).knowledge.texts.related_heading]
    return "\n\n".join(parts)


# --- commands and browsing -----------------------------------------------------------------------


async def test_start_greets_with_category_buttons_and_commands_are_registered(bot: Harness) -> None:
    knowledge = current(bot).knowledge
    assert bot.emu.commands() == [{"command": c, "description": d} for c, d in PUBLIC_COMMANDS]
    [reply] = await bot.say("/start")
    assert reply["parse_mode"] == "HTML"
    assert reply["plain_text"].startswith(knowledge.texts.start.strip())
    assert buttons(reply) == [f"c:{c.id}" for c in knowledge.categories]

    [help_reply] = await bot.say("/help")
    footer = current(bot).footer_text(ChatContext())
    assert help_reply["plain_text"] == f"{knowledge.texts.help.strip()}\n\n{footer}"


async def test_command_registration_failure_is_logged_not_fatal(bot: Harness,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    bot.emu.inject_faults("setMyCommands", count=FAST_POLICY.attempts, status=500)  # every retry fails too
    await post_init(bot.app)  # what serve() calls at start-up
    assert "could not register the command list (NetworkError)" in caplog.text
    [reply] = await bot.say("/start")
    assert reply["plain_text"].startswith(current(bot).knowledge.texts.start.strip())


async def test_topics_category_question_answer(bot: Harness) -> None:
    knowledge = current(bot).knowledge
    [menu] = await bot.say("/topics")
    assert menu["plain_text"] == fmt.TOPICS_PROMPT
    assert buttons(menu) == [f"m:{c.id}" for c in knowledge.categories]

    bot.emu.press_button(menu, "m:cost-access")
    await bot.emu.wait_for_calls("editMessageText")
    edited = bot.emu.get_message(menu["chat_id"], menu["message_id"])
    assert edited is not None
    entries = knowledge.in_category("cost-access")
    assert buttons({"reply_markup": edited["reply_markup"]}) == [f"a:{e.id}" for e in entries] + ["menu"]
    assert edited["text"].startswith(dict((c.id, c.title) for c in knowledge.categories)["cost-access"])

    [answer] = await bot.press(edited, "a:cost")
    entry = knowledge.by_id["cost"]
    assert answer["plain_text"] == related_text(bot, entry.answer)
    assert buttons(answer) == [f"a:{i}" for i in entry.related] + fmt.vote_datas(knowledge, "cost")
    assert all(a is not None for a in bot.emu.callback_answers.values())  # every spinner stopped

    bot.emu.press_button(edited, "menu")  # back to all topics, in place
    await bot.emu.wait_for_calls("editMessageText", 2)
    back = bot.emu.get_message(menu["chat_id"], menu["message_id"])
    assert back is not None and back["text"] == fmt.TOPICS_PROMPT


async def test_start_category_button_opens_questions_in_a_new_message(bot: Harness) -> None:
    [start] = await bot.say("/start")
    [questions] = await bot.press(start, "c:safety")
    assert buttons(questions)[-1] == "menu"
    assert bot.emu.get_message(start["chat_id"], start["message_id"])["text"] == start["plain_text"]  # type: ignore[index]


# --- questions -------------------------------------------------------------------------------------


async def test_faq_question_and_typo_get_the_answer_with_related_buttons(bot: Harness) -> None:
    entry = current(bot).knowledge.by_id["cost"]
    for text in ("how much does it cost", "how muhc does ketamin cost"):
        [reply] = await bot.say(text)
        assert reply["plain_text"] == related_text(bot, entry.answer)
        assert buttons(reply) == [f"a:{i}" for i in entry.related] + fmt.vote_datas(current(bot).knowledge, "cost")
    [related] = await bot.press(reply, f"a:{entry.related[0]}")
    assert related["plain_text"].startswith(current(bot).knowledge.by_id[entry.related[0]].answer.strip())


async def test_smalltalk_and_fallback(bot: Harness) -> None:
    [hello] = await bot.say("hello")
    assert hello["plain_text"] == current(bot).decide("hello").reply.strip()
    [fallback] = await bot.say("what is the capital of peru")
    assert fallback["plain_text"] == current(bot).knowledge.texts.fallback.strip()
    assert buttons(fallback) == ["topics"]
    [menu] = await bot.press(fallback, "topics")
    assert menu["plain_text"] == fmt.TOPICS_PROMPT


async def test_clarify_offers_buttons_that_answer(knowledge_copy: Path) -> None:
    settings_file = knowledge_copy / "settings.yaml"
    settings_file.write_text(re.sub(r"clarify_margin: [\d.]+", "clarify_margin: 1.0", settings_file.read_text()))
    async with running_bot(ResponderStore(knowledge_copy)) as harness:
        decision = current(harness).decide("how much does it cost")
        assert decision.kind == "clarify" and len(decision.options) >= 2
        [reply] = await harness.say("how much does it cost")
        assert reply["plain_text"] == decision.reply
        assert buttons(reply) == [f"a:{i}" for i in decision.options]
        [answer] = await harness.press(reply, f"a:{decision.options[1]}")
        chosen = current(harness).knowledge.by_id[decision.options[1]]
        assert answer["plain_text"].startswith(chosen.answer.strip())


async def test_html_in_user_text_cannot_inject_and_knowledge_markup_is_escaped(knowledge_copy: Path) -> None:
    faq = knowledge_copy / "faq" / "cost-access.yaml"
    source = faq.read_text()
    marker = "In the United States a session typically costs"
    assert marker in source
    faq.write_text(source.replace(marker, "<b>Prices</b> & fees: 1 < 2 <br> " + marker, 1))
    async with running_bot(ResponderStore(knowledge_copy)) as harness:
        [reply] = await harness.say("<b>how much</b> does it <script>cost</script> & more? </i>")
        assert reply["plain_text"].startswith("<b>Prices</b> & fees: 1 < 2 <br> " + marker)
        assert harness.emu.api_errors == []  # the HTML parsed: nothing the user or the file wrote is markup


# --- crisis -----------------------------------------------------------------------------------------


async def test_crisis_escalation_comes_first_alone_then_footer_on_later_replies(bot: Harness) -> None:
    context = ChatContext()
    crisis_text = current(bot).crisis_text(context)
    [escalation] = await bot.say(CRISIS_MESSAGE)
    assert escalation["plain_text"] == crisis_text
    assert "988" in escalation["plain_text"] and escalation["reply_markup"] is None

    [mixed] = await bot.say("how much does it cost? doesn't matter, i'll be dead by friday")
    assert mixed["plain_text"] == crisis_text  # a crisis with an FAQ question is a crisis, nothing else

    entry = current(bot).knowledge.by_id["cost"]
    [later] = await bot.say("how much does it cost")
    footer = current(bot).footer_text(context)
    assert later["plain_text"] == related_text(bot, entry.answer, footer)
    assert bot.services.counts["crisis"] == 2

    other_user = await bot.say("how much does it cost", chat_id=2002, user_id=2002)
    assert footer not in other_user[0]["plain_text"]  # the footer belongs to the chat that escalated


async def test_escalation_survives_a_failed_send(bot: Harness) -> None:
    bot.emu.inject_faults("sendMessage", count=1, status=502)
    [escalation] = await bot.say(CRISIS_MESSAGE)
    assert escalation["plain_text"] == current(bot).crisis_text(ChatContext())
    assert [(call.method, call.status) for call in bot.emu.failed_calls] == [("sendMessage", 502)]
    assert bot.services.counts["errors"] == 0  # retried in the urgent lane, not apologised for


async def test_crisis_command_and_region_choice(bot: Harness) -> None:
    crisis = current(bot).knowledge.crisis
    [us] = await bot.say("/crisis")
    assert us["plain_text"] == current(bot).crisis_text(ChatContext())

    [picker] = await bot.say("/region")
    assert buttons(picker) == [f"r:{code}" for code in crisis.regions]
    bot.emu.press_button(picker, "r:UK")
    await bot.emu.wait_for_calls("editMessageText")
    confirmed = bot.emu.get_message(picker["chat_id"], picker["message_id"])
    assert confirmed is not None and crisis.regions["UK"].name in confirmed["text"]

    [uk] = await bot.say(CRISIS_MESSAGE)
    assert uk["plain_text"] == current(bot).crisis_text(ChatContext(region="UK"))
    assert crisis.regions["UK"].emergency in uk["plain_text"]


async def test_region_follows_an_unambiguous_language_code(bot: Harness) -> None:
    [reply] = await bot.say(CRISIS_MESSAGE, language_code="en-gb", chat_id=3003, user_id=3003)
    assert reply["plain_text"] == current(bot).crisis_text(ChatContext(region="UK"))


async def test_edited_message_is_rechecked_for_crisis_only(bot: Harness) -> None:
    [_] = await bot.say("how much does it cost")
    bot.emu.user_message("how much does it really cost", edited=True)  # calm edit: no reply
    [escalation] = await bot.say(CRISIS_MESSAGE, edited=True)
    assert escalation["plain_text"] == current(bot).crisis_text(ChatContext())
    assert len(bot.emu.sent_messages) == 2


async def test_crisis_alert_goes_to_the_operators_chat_without_text_or_user(knowledge_copy: Path,
                                                                           responder: Responder) -> None:
    async with running_bot(ResponderStore(knowledge_copy, responder), crisis_alert_chat_id=-100777) as harness:
        await harness.say(CRISIS_MESSAGE, username="secretname", first_name="Alice")
        [alert] = await harness.emu.wait_for_sent(1, chat_id=-100777)
        first = harness.emu.sent_messages[0]
        assert first["chat_id"] == USER_ID  # the person first, the operators after
        assert "region US" in alert["plain_text"] and "category" in alert["plain_text"]
        for private in ("kill", "Alice", "secretname", str(USER_ID)):
            assert private not in alert["plain_text"]


# --- chats and message kinds ------------------------------------------------------------------------


async def test_non_text_messages_get_a_short_reply_in_private_only(bot: Harness) -> None:
    non_text = current(bot).knowledge.texts.non_text.strip()
    for kind in ("sticker", "voice", "photo", "document"):
        [reply] = await bot.say(**{kind: True})
        assert reply["plain_text"] == non_text, kind
    [captioned] = await bot.say("how much does it cost", photo=True)  # a caption counts as text
    assert captioned["plain_text"].startswith(current(bot).knowledge.by_id["cost"].answer.strip())

    bot.emu.user_message(sticker=True, chat_type="supergroup")
    [help_reply] = await bot.say("/help", chat_type="supergroup")
    assert help_reply["chat_id"] == GROUP and len(bot.emu.messages_to(GROUP)) == 1


async def test_group_answers_only_commands_mentions_and_replies(bot: Harness) -> None:
    entry = current(bot).knowledge.by_id["cost"]
    me = f"@{bot.emu.username}"
    bot.emu.user_message("how much does it cost", chat_type="supergroup")  # not addressed: ignored
    bot.emu.user_message("/help@other_bot", chat_type="supergroup")  # another bot's command: ignored
    [mentioned] = await bot.say(f"{me} how much does it cost", chat_type="supergroup", user_id=77)
    assert mentioned["chat_id"] == GROUP
    assert mentioned["plain_text"] == related_text(bot, entry.answer)
    assert mentioned["message"]["reply_to_message"]["from"]["id"] == 77  # quotes whom it answers

    [command] = await bot.say(f"/topics{me}", chat_type="supergroup")
    assert command["plain_text"] == fmt.TOPICS_PROMPT
    [reply] = await bot.say("is it safe?", chat_type="supergroup", reply_to_bot=True)
    assert reply["plain_text"].startswith(current(bot).knowledge.by_id["safety"].answer.strip())

    bot.emu.user_message(CRISIS_MESSAGE, chat_type="supergroup")  # not addressed: the bot never sees it
    [escalation] = await bot.say(f"honestly {CRISIS_MESSAGE}", chat_type="supergroup", reply_to_bot=True)
    assert escalation["plain_text"] == current(bot).crisis_text(ChatContext())
    assert len(bot.emu.messages_to(GROUP)) == 4


async def test_long_texts_are_split_on_paragraph_boundaries(knowledge_copy: Path) -> None:
    paragraphs = [f"Paragraph {n}. " + "Ketamine therapy information. " * 17 for n in range(10)]
    long_help = "\n\n".join(p.strip() for p in paragraphs)
    assert len(long_help) > 5000
    settings_file = knowledge_copy / "settings.yaml"
    indented = "".join(f"    {p}\n\n" for p in paragraphs)
    settings_file.write_text(settings_file.read_text().replace("  help: |\n", "  help: |\n" + indented, 1))
    # The loader caps FAQ answers at 3,500 characters; a hand-built version tests a 5,000-character answer too.
    knowledge = load_knowledge(knowledge_copy)
    cost = knowledge.by_id["cost"]
    long_answer = "\n\n".join(f"Section {n}. " + "The cost depends on the clinic. " * 16 for n in range(10))
    entries = tuple(dataclasses.replace(e, answer=long_answer) if e.id == "cost" else e for e in knowledge.entries)
    store = ResponderStore(knowledge_copy, Responder(dataclasses.replace(knowledge, entries=entries)))
    async with running_bot(store) as harness:
        first, second = await harness.say("/help", n=2)
        for part in (first, second):
            assert len(part["plain_text"]) <= 4096
            assert part["plain_text"].startswith("Paragraph ")
        assert first["plain_text"] + "\n\n" + second["plain_text"] == (
            f"{knowledge.texts.help.strip()}\n\n{current(harness).footer_text(ChatContext())}")

        one, two = await harness.say("how much does it cost", n=2)
        assert one["plain_text"].startswith("Section 0.") and two["plain_text"].startswith("Section ")
        assert (one["reply_markup"], buttons(two)) == (None, [f"a:{i}" for i in cost.related]
                                                       + fmt.vote_datas(current(harness).knowledge, "cost"))
        assert one["plain_text"] + "\n\n" + two["plain_text"] == related_text(harness, long_answer)


# --- buttons from elsewhere -------------------------------------------------------------------------


@pytest.mark.parametrize("data", ["a:no-such-entry", "c:nowhere", "m:nowhere", "r:ZZ", "x" * 64, "a:<b>", "weird"])
async def test_forged_or_stale_callback_data_gets_unknown_topic(bot: Harness, data: str) -> None:
    [start] = await bot.say("/start")
    [reply] = await bot.press(start, data, strict=False)
    assert reply["plain_text"] == current(bot).knowledge.texts.unknown_topic.strip()
    assert buttons(reply) == ["topics"]
    assert all(answer is not None for answer in bot.emu.callback_answers.values())


# --- admins -----------------------------------------------------------------------------------------


async def test_stats_for_admins_and_the_unknown_command_reply_for_everyone_else(bot: Harness) -> None:
    await bot.say("how much does it cost")
    await bot.say("hello")
    await bot.say(CRISIS_MESSAGE)
    [normal] = await bot.say("/stats")
    footer = current(bot).footer_text(ChatContext(flagged=True))  # the chat escalated: the footer stays on
    assert normal["plain_text"] == f"{shown(current(bot).knowledge.texts.unknown_command)}\n\n{footer}"

    [stats] = await bot.say("/stats", chat_id=ADMIN_ID, user_id=ADMIN_ID)
    text = stats["plain_text"]
    for line in ("answers: 1", "smalltalk: 1", "crisis: 1", "cost: 1", "messages: 3", "commands: 2"):
        assert line in text.splitlines(), line
    assert str(USER_ID) not in text and "kill" not in text and "how much" not in text


@pytest.mark.parametrize("command", ["/reload", "/stats", "/nonsense", "/cost", "/START_over", "/reload now"])
async def test_unknown_commands_say_which_commands_there_are(bot: Harness, command: str) -> None:
    before = current(bot)
    [reply] = await bot.say(command)
    assert reply["plain_text"] == shown(before.knowledge.texts.unknown_command)
    assert current(bot) is before  # a non-admin's /reload reloads nothing


async def test_crisis_words_after_an_unknown_command_still_escalate(bot: Harness) -> None:
    for command in ("/stats", "/whatever"):
        [reply] = await bot.say(f"{command} {CRISIS_MESSAGE}")
        assert reply["plain_text"] == current(bot).crisis_text(ChatContext())


async def test_unknown_commands_in_groups(bot: Harness) -> None:
    texts = current(bot).knowledge.texts
    [ours] = await bot.say(f"/nonsense@{bot.emu.username}", chat_type="supergroup")
    assert ours["plain_text"] == shown(texts.unknown_command)
    await bot.say("/nonsense@some_other_bot", n=0, chat_type="supergroup")  # not ours: no reply
    await bot.say("/stats@some_other_bot", n=0, chat_type="supergroup")
    [later] = await bot.say("/help", chat_type="supergroup")  # one chat, in order: nothing came before this
    assert later["plain_text"].startswith(texts.help.strip())


async def test_reload_for_admins_keeps_old_knowledge_on_errors(bot: Harness, knowledge_copy: Path) -> None:
    before = current(bot)
    faq = knowledge_copy / "faq" / "cost-access.yaml"
    good = faq.read_text()
    faq.write_text(good.replace("related: [", "related: [gone, ", 1))

    [not_admin] = await bot.say("/reload")
    assert not_admin["plain_text"] == shown(before.knowledge.texts.unknown_command)
    assert current(bot) is before

    [refused] = await bot.say("/reload", chat_id=ADMIN_ID, user_id=ADMIN_ID, timeout=60)  # a reload re-fits
    assert refused["plain_text"].startswith("Knowledge edit refused: 1 problem(s)")
    assert f"{faq}:" in refused["plain_text"] and "related id 'gone' does not exist" in refused["plain_text"]
    assert current(bot) is before

    other_admin = 5151
    bot.services.settings = dataclasses.replace(bot.services.settings, admin_user_ids={ADMIN_ID, other_admin})
    faq.write_text(good.replace("In the United States a session typically costs", "Sessions usually cost", 1))
    [reloaded, told] = await bot.say("/reload", n=2, chat_id=ADMIN_ID, user_id=ADMIN_ID, timeout=60)  # a reload re-fits
    assert current(bot) is not before
    assert f"recovered, version {current(bot).knowledge.version} serving" in reloaded["plain_text"]
    assert (reloaded["chat_id"], told["chat_id"]) == (ADMIN_ID, other_admin)  # the other admin heard it too
    assert told["plain_text"] == reloaded["plain_text"]
    [answer] = await bot.say("how much does it cost")
    assert answer["plain_text"].startswith("Sessions usually cost")
    # nothing to recover from now; a reload still rebuilds everything (from the caches), which took over 5 s
    # on a loaded machine
    [again] = await bot.say("/reload", chat_id=ADMIN_ID, user_id=ADMIN_ID, timeout=60)
    assert again["plain_text"].startswith(f"Reloaded knowledge version {current(bot).knowledge.version}: ")


# --- failures and privacy ---------------------------------------------------------------------------


async def test_errors_get_an_apology_and_the_bot_keeps_running(bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    bot.emu.inject_faults("sendMessage", count=1, status=400)
    caplog.set_level(logging.INFO)
    [apology] = await bot.say("how much does it cost")
    assert apology["plain_text"] == current(bot).knowledge.texts.error.strip()
    [answer] = await bot.say("how much does it cost")
    assert answer["plain_text"].startswith(current(bot).knowledge.by_id["cost"].answer.strip())
    assert "BadRequest while handling a message update" in caplog.text
    assert "how much" not in caplog.text


@pytest.fixture
def log_policy(bot: Harness) -> Iterator[None]:
    """The production log policy (``configure_logging`` minus the root handler), undone afterwards."""
    names = ("telegram", "httpx", "httpcore")
    levels = {name: logging.getLogger(name).level for name in names}
    apply_log_policy(dataclasses.replace(bot.settings, log_level="DEBUG"))
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.usefixtures("log_policy")
async def test_logs_hold_decisions_not_texts_users_or_the_token(bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.handler.addFilter(RedactSecrets(bot.settings.secrets()))
    await bot.say("how much does it cost", username="private_person", first_name="Zelda")
    await bot.say(CRISIS_MESSAGE)
    await bot.say(sticker=True)
    [start] = await bot.say("/start")
    [questions] = await bot.press(start, "c:cost-access")
    await bot.press(questions, "a:insurance")
    assert "kind=answer id=cost" in caplog.text and "kind=crisis" in caplog.text
    for secret in ("how much", "kill myself", "private_person", "Zelda", str(USER_ID), bot.settings.token):
        assert secret not in caplog.text, secret


async def test_urgent_sends_skip_the_rate_limiter_queue() -> None:
    limiter = PriorityRateLimiter(group_max_rate=1, group_time_period=60)
    await limiter.initialize()
    calls = []

    async def send(*args: Any, **kwargs: Any) -> dict[str, Any]:
        calls.append(kwargs)
        return {}

    group = {"chat_id": -100123}
    await limiter.process_request(send, (), {"n": 1}, "sendMessage", group, None)
    blocked = asyncio.ensure_future(limiter.process_request(send, (), {"n": 2}, "sendMessage", group, None))
    await asyncio.wait_for(limiter.process_request(send, (), {"n": 3}, "sendMessage", group, URGENT), 1)
    await asyncio.sleep(0.1)
    assert [c["n"] for c in calls] == [1, 3]  # the crisis went out while the normal send waits its minute
    blocked.cancel()
    await limiter.shutdown()


async def test_message_texts_are_logged_only_when_explicitly_enabled(knowledge_copy: Path, responder: Responder,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with running_bot(ResponderStore(knowledge_copy, responder), log_message_text=True) as harness:
        await harness.say("how much does it cost")
    assert "message text (LOG_MESSAGE_TEXT=1): 'how much does it cost'" in caplog.text
