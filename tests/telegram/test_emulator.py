"""The Bot API emulator, proven against the real PTB stack (Bot, Application, Updater) over HTTP.

If these pass, bot tests built on the emulator exercise the same request encoding, response parsing
and error mapping that PTB uses against api.telegram.org.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, EndPointNotFound, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from tornado.httpclient import AsyncHTTPClient

from tests.emulator import BotApiEmulator, find_free_port

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Dosing", callback_data="faq:dosing")]])


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        yield emulator


@asynccontextmanager
async def make_bot(emu: BotApiEmulator, token: str | None = None) -> AsyncIterator[Bot]:
    """A plain PTB ``Bot`` pointed at the emulator (``async with`` runs initialize/shutdown)."""
    bot = Bot(token or emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url)
    async with bot:
        yield bot


@asynccontextmanager
async def running_app(emu: BotApiEmulator, *handlers: BaseHandler) -> AsyncIterator[Application]:
    """An initialised and started Application; the caller picks polling or webhook."""
    app = (
        ApplicationBuilder().token(emu.token).base_url(emu.base_url).base_file_url(emu.base_file_url).build()
    )
    for handler in handlers:
        app.add_handler(handler)
    await app.initialize()
    try:
        await app.start()
        yield app
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()


@asynccontextmanager
async def polling_app(emu: BotApiEmulator, *handlers: BaseHandler) -> AsyncIterator[Application]:
    async with running_app(emu, *handlers) as app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        yield app


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(update.effective_message.text, do_quote=False)


# -- 1. a plain Bot: identity, sending, validation ---------------------------------------------------


async def test_bot_get_me_and_send_message_are_recorded(emu: BotApiEmulator) -> None:
    async with make_bot(emu) as bot:
        me = await bot.get_me()
        sent = await bot.send_message(
            42, "<b>Hi</b> &amp; welcome", parse_mode=ParseMode.HTML, reply_markup=KEYBOARD
        )
        second = await bot.send_message(42, "plain")

    assert (me.username, me.id, me.is_bot, me.can_join_groups) == (
        "ketamine_faq_test_bot",
        123456789,
        True,
        True,
    )
    assert (sent.text, sent.text_html, sent.chat_id) == ("Hi & welcome", "<b>Hi</b> &amp; welcome", 42)
    assert sent.reply_markup == KEYBOARD
    assert (sent.message_id, second.message_id) == (1, 2)
    assert emu.calls_of("sendMessage")[0].params["reply_markup"] == KEYBOARD.to_dict()
    assert emu.sent_messages[0] | {"message": None} == {
        "chat_id": 42,
        "message_id": 1,
        "text": "<b>Hi</b> &amp; welcome",
        "plain_text": "Hi & welcome",
        "parse_mode": "HTML",
        "reply_markup": KEYBOARD.to_dict(),
        "message": None,
    }
    assert [record["text"] for record in emu.messages_to(42)] == ["<b>Hi</b> &amp; welcome", "plain"]


@pytest.mark.parametrize(
    ("kwargs", "description"),
    [
        ({"text": "<b><i>bad</b></i>", "parse_mode": "HTML"}, "can't parse entities: Unmatched end tag"),
        ({"text": "line<br>break", "parse_mode": "HTML"}, 'Unsupported start tag "br"'),
        ({"text": "1 < 2", "parse_mode": "HTML"}, "can't parse entities"),
        ({"text": "<b>open", "parse_mode": "HTML"}, "Can't find end tag corresponding to start tag"),
        ({"text": "x" * 4097}, "message is too long"),
        ({"text": "<b></b>", "parse_mode": "HTML"}, "message text is empty"),
        (
            {
                "text": "t",
                "reply_markup": InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="x" * 65)]]),
            },
            "BUTTON_DATA_INVALID",
        ),
    ],
)
async def test_invalid_messages_are_rejected_like_telegram(
    emu: BotApiEmulator, kwargs: dict[str, object], description: str
) -> None:
    async with make_bot(emu) as bot:
        with pytest.raises(BadRequest, match=f"(?i){re.escape(description)}"):  # PTB re-capitalises
            await bot.send_message(7, **kwargs)  # type: ignore[arg-type]
        assert (await bot.send_message(7, "x" * 4096)).message_id == 1  # the failure consumed no id

    assert [record["text"] for record in emu.sent_messages] == ["x" * 4096]
    [error] = emu.api_errors
    assert (error.method, error.status) == ("sendMessage", 400)
    assert error.description.startswith("Bad Request: ") and description in error.description


async def test_wrong_token_and_unknown_method_answer_like_telegram(emu: BotApiEmulator) -> None:
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with make_bot(emu, token="999:wrong-token"):
            pass
    async with make_bot(emu) as bot:
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("sendTeleportation")

    assert [(error.method, error.status) for error in emu.api_errors] == [
        ("getMe", 401),
        ("sendTeleportation", 404),
    ]


async def test_get_updates_offsets_long_polling_and_files(emu: BotApiEmulator) -> None:
    async with make_bot(emu) as bot:
        emu.user_message("one")
        emu.user_message(photo=True, caption="a photo")
        first = await bot.get_updates(timeout=0)
        again = await bot.get_updates(timeout=0)  # no offset: nothing confirmed yet
        assert [u.update_id for u in first] == [u.update_id for u in again] == [1, 2]
        assert await bot.get_updates(offset=3, timeout=0) == ()
        assert emu.pending_updates == []

        photo = await first[1].message.photo[-1].get_file()  # type: ignore[union-attr]
        assert (await photo.download_as_bytearray()).startswith(b"\xff\xd8")

        poll = asyncio.create_task(bot.get_updates(offset=3, timeout=5))
        await emu.wait_for_calls("getUpdates", 4)
        emu.user_message("wake up")
        woken = await asyncio.wait_for(poll, 2)  # well before the 5 s long-poll timeout
        assert [u.message.text for u in woken] == ["wake up"]  # type: ignore[union-attr]


async def test_json_bodies_query_strings_and_unknown_paths(emu: BotApiEmulator) -> None:
    """Telegram accepts JSON bodies and GET query strings too; other paths are JSON 404s."""
    client = AsyncHTTPClient(force_instance=True)
    try:
        api = f"{emu.base_url}{emu.token}"
        body = json.dumps({"chat_id": 5, "text": "json", "reply_markup": KEYBOARD.to_dict()})
        headers = {"Content-Type": "application/json"}
        sent = await client.fetch(f"{api}/sendMessage", method="POST", body=body, headers=headers)
        me = await client.fetch(f"{api}/getme?unused=1")  # method names are case-insensitive
        missing = await client.fetch(f"http://127.0.0.1:{emu.port}/nothing", raise_error=False)
    finally:
        client.close()

    assert json.loads(sent.body)["result"]["reply_markup"] == KEYBOARD.to_dict()
    assert json.loads(me.body)["result"]["username"] == emu.username
    assert emu.calls_of("getMe")[0].params == {"unused": "1"}
    assert (missing.code, json.loads(missing.body)) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )


# -- 2. an Application polling: echo and ordering --------------------------------------------------


async def test_application_echoes_over_polling_in_order(emu: BotApiEmulator) -> None:
    async with polling_app(emu, MessageHandler(filters.TEXT & ~filters.COMMAND, echo)):
        emu.user_message("hello")
        [reply] = await emu.wait_for_sent(1)
        assert (reply["chat_id"], reply["text"]) == (1001, "hello")

        texts = [f"message {i}" for i in range(20)]
        for text in texts:
            emu.user_message(text, chat_id=555, user_id=555)
        await emu.wait_for_sent(20, chat_id=555)
        await emu.wait_for_updates_consumed()

    assert [record["text"] for record in emu.messages_to(555)] == texts
    # user and bot messages share one id sequence per chat: 20 user messages, then 20 replies
    assert [record["message_id"] for record in emu.messages_to(555)] == list(range(21, 41))


async def test_commands_and_mentions_get_telegram_entities(emu: BotApiEmulator) -> None:
    async def topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await context.bot.send_message(update.effective_chat.id, "topics")  # type: ignore[union-attr]

    async def mentioned(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await context.bot.send_message(update.effective_chat.id, "you called?")  # type: ignore[union-attr]

    handlers = (
        CommandHandler("topics", topics),
        MessageHandler(filters.Entity("mention") & filters.Regex(f"@{emu.username}"), mentioned),
    )
    async with polling_app(emu, *handlers):
        update = emu.user_message(f"/topics@{emu.username}", chat_type="supergroup")
        emu.user_message(f"hey @{emu.username} 😀", chat_type="supergroup", user_id=77)
        sent = await emu.wait_for_sent(2)

    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 29}]
    assert [(record["chat_id"], record["text"]) for record in sent] == [
        (-1001000000001, "topics"),
        (-1001000000001, "you called?"),
    ]


# -- 3. callback buttons ------------------------------------------------------------------------


async def test_button_press_reaches_callback_query_handler(emu: BotApiEmulator) -> None:
    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer("Loading…")
        await query.edit_message_text(f"You chose {query.data} (was: {query.message.text})")  # type: ignore[union-attr]

    async with polling_app(emu, CallbackQueryHandler(on_button, pattern=r"^faq:")) as app:
        await app.bot.send_message(1001, "Pick a topic", reply_markup=KEYBOARD)
        update = emu.press_button(emu.sent_messages[0], "faq:dosing", user_id=1001)
        [answer] = await emu.wait_for_calls("answerCallbackQuery")
        await emu.wait_for_calls("editMessageText")
        with pytest.raises(ValueError, match="no button"):
            emu.press_button(emu.sent_messages[0], "faq:dosing")  # the edit removed the keyboard

    query_id = update["callback_query"]["id"]
    assert answer.params == {"callback_query_id": query_id, "text": "Loading…"}
    assert emu.callback_answers[query_id] == {
        "text": "Loading…",
        "show_alert": False,
        "url": None,
        "cache_time": 0,
    }
    edited = emu.get_message(1001, 1)
    assert edited is not None and "reply_markup" not in edited
    assert edited["text"] == "You chose faq:dosing (was: Pick a topic)"


# -- 4. webhook -----------------------------------------------------------------------------------


async def test_webhook_delivery_checks_the_secret_token(emu: BotApiEmulator) -> None:
    port = find_free_port()
    url = f"http://127.0.0.1:{port}/hook"
    async with running_app(emu, MessageHandler(filters.TEXT, echo)) as app:
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1", port=port, url_path="hook", webhook_url=url, secret_token="s3cret"
        )
        assert emu.webhook_url == url
        with pytest.raises(Conflict, match="webhook is active"):
            await app.bot.get_updates()

        assert await emu.deliver_webhook(emu.user_message("no secret")) == 403
        assert await emu.deliver_webhook(emu.user_message("wrong secret"), secret_token="nope") == 403
        assert await emu.deliver_webhook(emu.user_message("right secret"), secret_token="s3cret") == 200
        sent = await emu.wait_for_sent(1)

    # updates are handled in order, so a rejected one would have been echoed before this one
    assert [record["text"] for record in sent] == ["right secret"]
    assert [u["message"]["text"] for u in emu.pending_updates] == ["no secret", "wrong secret"]


# -- 5. fault injection ---------------------------------------------------------------------------


async def test_injected_500s_raise_network_error_and_have_no_effect(emu: BotApiEmulator) -> None:
    emu.inject_faults("sendMessage", count=2, status=500)
    async with make_bot(emu) as bot:
        for _ in range(2):
            with pytest.raises(NetworkError, match="Internal Server Error") as caught:
                await bot.send_message(9, "attempt")
            assert type(caught.value) is NetworkError  # not BadRequest/TimedOut, its subclasses
        third = await bot.send_message(9, "attempt")

    assert third.message_id == 1
    assert [record["text"] for record in emu.sent_messages] == ["attempt"]
    assert [(call.method, call.status) for call in emu.failed_calls] == [("sendMessage", 500)] * 2


async def test_injected_429_raises_retry_after(emu: BotApiEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # opt in to PTB's timedelta retry_after (no deprecation)
    emu.inject_faults("sendMessage", count=1, status=429, retry_after=1)
    async with make_bot(emu) as bot:
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(9, "flood")
        await bot.send_message(9, "later")

    assert caught.value.retry_after == dtm.timedelta(seconds=1)
    assert emu.failed_calls[0].description == "Too Many Requests: retry after 1"


async def test_fault_rate_is_reproducible_and_api_can_go_down(emu: BotApiEmulator) -> None:
    async def failure_pattern(bot: Bot) -> list[bool]:
        emu.inject_faults("getMe", rate=0.5, seed=7)
        pattern = []
        for _ in range(12):
            try:
                await bot.get_me()
            except NetworkError:
                pattern.append(True)
            else:
                pattern.append(False)
        return pattern

    async with make_bot(emu) as bot:
        first, second = await failure_pattern(bot), await failure_pattern(bot)
        assert first == second and 0 < sum(first) < 12
        emu.clear_faults()

        emu.set_down(True)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(1, "anyone?")
        emu.set_down(False)
        await bot.send_message(1, "back")

    assert [record["text"] for record in emu.sent_messages] == ["back"]


async def test_stopping_frees_the_port() -> None:
    async with BotApiEmulator() as emu:
        port = emu.port
        async with make_bot(emu) as bot:
            await bot.get_me()
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", port)
