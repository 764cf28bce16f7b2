"""``BotApiEmulator``: a local Telegram Bot API for end-to-end tests of a PTB bot over real HTTP."""

from __future__ import annotations

import copy
import json
import socket
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPRequest

from ._dispatch import Dispatcher
from ._records import ApiCall, FailedCall
from ._server import LOOPBACK, ApiServer
from ._state import EmulatorState
from ._users import DEFAULT_USER_ID, MEDIA_KINDS, Person, UserSimulator, default_chat_id, make_chat

DEFAULT_TOKEN = "123456789:TEST-emulator-token"
DEFAULT_BOT_USERNAME = "ketamine_faq_test_bot"
SECRET_TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def find_free_port() -> int:
    """A currently free loopback TCP port, e.g. for ``Updater.start_webhook(port=...)``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def _bot_id(token: str) -> int:
    """Telegram bot ids are the numeric prefix of the token."""
    prefix = token.split(":", 1)[0]
    return int(prefix) if prefix.isdigit() else 123456789


class BotApiEmulator:
    """A Telegram Bot API server on 127.0.0.1 that a real PTB ``Bot``/``Application`` talks to.

    Use ``async with BotApiEmulator() as emu:`` and pass ``emu.base_url`` / ``emu.base_file_url`` to
    ``ApplicationBuilder().base_url(...).base_file_url(...)``. Tests then act as users
    (:meth:`user_message`, :meth:`press_button`), wait for the bot (:meth:`wait_for_sent`) and inspect
    what it did (:attr:`calls`, :attr:`sent_messages`). Faults (:meth:`inject_faults`,
    :meth:`set_down`) exercise the bot's error handling.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = DEFAULT_BOT_USERNAME,
        first_name: str = "Ketamine FAQ Test Bot",
    ) -> None:
        bot_user = {"id": _bot_id(token), "is_bot": True, "first_name": first_name, "username": username}
        self._state = EmulatorState(token=token, bot_user=bot_user)
        self._dispatcher = Dispatcher(self._state)
        self._server = ApiServer(self._state, self._dispatcher)
        self._users = UserSimulator(self._state)
        self._http_client: AsyncHTTPClient | None = None
        self._port: int | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> BotApiEmulator:
        """Bind to a random loopback port in the running loop."""
        if self._port is None:
            self._state.closing = False
            self._port = self._server.start()
        return self

    async def stop(self) -> None:
        """End pending long polls, close all connections and the webhook client."""
        self._state.closing = True
        self._state.signal.notify()
        await self._server.stop()
        if self._http_client is not None:
            self._http_client.close()
            self._http_client = None
        self._port = None

    async def __aenter__(self) -> BotApiEmulator:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # -- addresses and identity -----------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("BotApiEmulator is not running; use `async with BotApiEmulator() as emu`")
        return self._port

    @property
    def base_url(self) -> str:
        """For ``base_url``: PTB requests ``f"{base_url}{token}/{method}"``."""
        return f"http://{LOOPBACK}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``base_file_url``: PTB downloads ``f"{base_file_url}{token}/{file_path}"``."""
        return f"http://{LOOPBACK}:{self.port}/file/bot"

    @property
    def token(self) -> str:
        return self._state.token

    @property
    def bot_user(self) -> dict[str, Any]:
        return dict(self._state.bot_user)

    @property
    def username(self) -> str:
        return str(self._state.bot_user["username"])

    # -- records ---------------------------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        """Every call that reached a method, in order (including ones the method rejected)."""
        return self._state.calls

    @property
    def failed_calls(self) -> list[FailedCall]:
        """Calls answered by an injected fault or by :meth:`set_down`; they had no effect."""
        return self._state.failed_calls

    @property
    def api_errors(self) -> list[FailedCall]:
        """Errors the API itself answered (400 validation, 401 token, 403 blocked, 404 method)."""
        return self._state.api_errors

    @property
    def sent_messages(self) -> list[dict[str, Any]]:
        """Successful sendMessage calls: ``chat_id, message_id, text`` (as sent), ``plain_text``,
        ``parse_mode``, ``reply_markup`` (parsed) and ``message`` (the Message returned)."""
        return self._state.sent_messages

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by ``getUpdates`` offset or webhook delivery."""
        return self._state.updates.snapshot()

    @property
    def webhook_url(self) -> str:
        return self._state.webhook.url

    @property
    def callback_answers(self) -> dict[str, dict[str, Any] | None]:
        """``callback_query_id`` → answer (``text``, ``show_alert``, ...) or ``None`` if unanswered."""
        return self._state.callback_answers

    def calls_of(self, method: str) -> list[ApiCall]:
        """Recorded calls of one method (case-insensitive)."""
        return [call for call in self._state.calls if call.method.lower() == method.lower()]

    def messages_to(self, chat_id: int) -> list[dict[str, Any]]:
        """Sent-message records for one chat, in order."""
        return [record for record in self._state.sent_messages if record["chat_id"] == chat_id]

    def get_message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The current state of a stored message (after edits), or ``None`` if unknown/deleted."""
        message = self._state.messages.get(chat_id, message_id)
        return copy.deepcopy(message) if message is not None else None

    def commands(
        self, scope: Mapping[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """Commands stored by setMyCommands for a scope (default scope if omitted)."""
        key = (json.dumps(dict(scope or {"type": "default"}), sort_keys=True), language_code)
        return copy.deepcopy(self._state.commands.get(key, []))

    def clear_records(self) -> None:
        """Forget recorded calls/messages (not chats or queued updates), e.g. after a setup phase."""
        for records in (self._state.calls, self._state.failed_calls, self._state.api_errors):
            records.clear()
        self._state.sent_messages.clear()

    # -- playing users ---------------------------------------------------------------------------

    def user_message(
        self,
        text: str = "",
        *,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        username: str | None = None,
        first_name: str = "Test",
        reply_to_bot: bool = False,
        reply_to: Mapping[str, Any] | None = None,
        entities: list[dict[str, Any]] | None = None,
        caption: str | None = None,
        sticker: bool = False,
        voice: bool = False,
        photo: bool = False,
        document: bool = False,
        language_code: str | None = "en",
        edited: bool = False,
        message_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue an Update for a user's message and return it (a JSON-ready dict).

        Entities are detected as Telegram does (``bot_command``, ``mention``, ``hashtag``, ``url``;
        UTF-16 offsets) unless ``entities`` is given. Media flags (one at most) turn ``text`` into the
        caption unless ``caption`` is given. ``reply_to_bot`` replies to the bot's latest message in
        the chat (needed to reach a bot in privacy mode in groups); ``reply_to`` replies to a given
        message. ``edited`` sends an ``edited_message`` for ``message_id`` (default: the user's
        latest message in the chat).
        """
        person = Person(
            user_id=user_id, username=username, first_name=first_name, language_code=language_code
        )
        chat_id = chat_id if chat_id is not None else default_chat_id(chat_type, user_id)
        chat = make_chat(chat_id, chat_type, person)
        return self._users.message(
            text,
            person=person,
            chat=chat,
            media=_media_kind(photo=photo, document=document, voice=voice, sticker=sticker),
            caption=caption,
            entities=entities,
            reply_to=self._reply_target(chat_id, reply_to_bot, reply_to),
            edited=edited,
            message_id=message_id,
        )

    def _reply_target(
        self, chat_id: int, reply_to_bot: bool, reply_to: Mapping[str, Any] | None
    ) -> dict[str, Any] | None:
        if reply_to is not None:
            return self._current_message(reply_to, None)
        if not reply_to_bot:
            return None
        bot_id = self._state.bot_user["id"]
        latest = self._state.messages.latest(chat_id, lambda m: m.get("from", {}).get("id") == bot_id)
        if latest is None:
            raise ValueError(f"reply_to_bot=True but the bot sent nothing to chat {chat_id} yet")
        return copy.deepcopy(latest)

    def press_button(
        self,
        message: Mapping[str, Any],
        callback_data: str,
        *,
        user_id: int | None = None,
        chat_id: int | None = None,
        username: str | None = None,
        first_name: str = "Test",
        language_code: str | None = "en",
        strict: bool = True,
    ) -> dict[str, Any]:
        """Queue a ``callback_query`` Update as if a user pressed an inline button of ``message``.

        ``message`` is a :attr:`sent_messages` record or a Message dict; the query carries the
        message's *current* state. With ``strict`` the button must exist on it, which catches tests
        pressing stale keyboards. ``user_id`` defaults to the chat id of a private chat.
        """
        current = self._current_message(message, chat_id)
        if strict and callback_data not in _callback_datas(current):
            raise ValueError(
                f"message {current['message_id']} has no button with callback_data {callback_data!r}"
            )
        chat = current["chat"]
        default_user = chat["id"] if chat["type"] == "private" else DEFAULT_USER_ID
        person = Person(
            user_id=user_id if user_id is not None else default_user,
            username=username,
            first_name=first_name,
            language_code=language_code,
        )
        return self._users.press_button(current, callback_data, person)

    def _current_message(self, message: Mapping[str, Any], chat_id: int | None) -> dict[str, Any]:
        """Resolve a record or Message dict to the stored message as it is now."""
        if "chat" in message:
            chat_id = chat_id if chat_id is not None else message["chat"]["id"]
        elif chat_id is None:
            chat_id = message["chat_id"]
        current = self._state.messages.get(chat_id, message["message_id"])
        if current is None:
            raise ValueError(f"no message {message['message_id']} in chat {chat_id} (deleted or never sent)")
        return copy.deepcopy(current)

    # -- webhook ---------------------------------------------------------------------------------

    async def deliver_webhook(
        self,
        update: Mapping[str, Any],
        url: str | None = None,
        secret_token: str | None = None,
        *,
        timeout: float = 5.0,
    ) -> int:
        """POST ``update`` to the webhook like Telegram does and return the HTTP status.

        ``url`` defaults to the one registered by setWebhook. The secret header is sent only when
        ``secret_token`` is given, so tests can check that the bot rejects requests without it.
        A 2xx answer counts as delivered (the update leaves the pending queue). An unreachable
        webhook yields tornado's pseudo status 599.
        """
        target = url or self._state.webhook.url
        if not target:
            raise RuntimeError("no webhook URL: the bot did not call setWebhook and none was given")
        headers = {"Content-Type": "application/json"}
        if secret_token is not None:
            headers[SECRET_TOKEN_HEADER] = secret_token
        request = HTTPRequest(
            target, method="POST", body=json.dumps(update), headers=headers, request_timeout=timeout
        )
        response = await self._client().fetch(request, raise_error=False)
        if 200 <= response.code < 300 and "update_id" in update:
            self._state.updates.discard(update["update_id"])
            self._state.signal.notify()
        return response.code

    def _client(self) -> AsyncHTTPClient:
        """A private client instance so that closing it cannot affect tornado's shared one."""
        if self._http_client is None:
            self._http_client = AsyncHTTPClient(force_instance=True)
        return self._http_client

    # -- faults ----------------------------------------------------------------------------------

    def inject_faults(
        self,
        method: str,
        *,
        rate: float | None = None,
        count: int | None = None,
        status: int = 500,
        retry_after: int | None = None,
        seed: int = 0,
    ) -> None:
        """Make calls of ``method`` (``"*"`` = any method) fail with ``status``.

        ``count`` alone fails the next ``count`` calls; ``rate`` alone fails that share of calls,
        drawn from ``random.Random(seed)`` so runs repeat; both: at most ``count`` failures at that
        rate; neither: every call until :meth:`clear_faults`. 429 answers carry
        ``parameters.retry_after`` (default 1), which PTB raises as ``RetryAfter``; 5xx statuses
        become a plain ``telegram.error.NetworkError``. Failed calls land in :attr:`failed_calls`
        and change nothing. A new rule for the same method replaces the old one.
        """
        self._state.faults.add(
            method, rate=rate, count=count, status=status, retry_after=retry_after, seed=seed
        )

    def clear_faults(self, method: str | None = None) -> None:
        """Remove the fault rule of ``method``, or all rules."""
        self._state.faults.clear(method)

    def set_down(self, down: bool = True) -> None:
        """Simulate an unreachable API: every request answers 502 Bad Gateway while down.

        A 502 is what Telegram's front proxy returns when the API is unavailable, and PTB raises it
        as ``telegram.error.NetworkError`` — the same class it raises for refused or dropped
        connections — so bots take their network-failure path. Answering (instead of closing
        sockets) keeps tests fast and free of client-side timeouts.
        """
        self._state.down = down
        self._state.signal.notify()

    def set_blocked(self, chat_id: int, blocked: bool = True) -> None:
        """Make sends to ``chat_id`` fail with 403 Forbidden (user blocked the bot / bot kicked)."""
        if blocked:
            self._state.blocked.add(chat_id)
        else:
            self._state.blocked.discard(chat_id)

    # -- waiting ---------------------------------------------------------------------------------

    async def wait_for_sent(
        self, n: int = 1, timeout: float = 5.0, *, chat_id: int | None = None
    ) -> list[dict[str, Any]]:
        """Wait until at least ``n`` messages were sent (to ``chat_id`` if given); return them all."""

        def enough() -> list[dict[str, Any]] | None:
            sent = self.messages_to(chat_id) if chat_id is not None else list(self._state.sent_messages)
            return sent if len(sent) >= n else None

        result = await self._state.signal.wait_until(enough, timeout)
        if result is None:
            texts = [record["text"] for record in self._state.sent_messages]
            raise TimeoutError(f"expected {n} sent message(s) within {timeout}s, got {len(texts)}: {texts!r}")
        return result

    async def wait_for_calls(self, method: str, n: int = 1, timeout: float = 5.0) -> list[ApiCall]:
        """Wait until ``method`` was called at least ``n`` times; return those calls."""

        def enough() -> list[ApiCall] | None:
            calls = self.calls_of(method)
            return calls if len(calls) >= n else None

        result = await self._state.signal.wait_until(enough, timeout)
        if result is None:
            raise TimeoutError(
                f"expected {n} {method} call(s) within {timeout}s, got {len(self.calls_of(method))}"
            )
        return result

    async def wait_for_updates_consumed(self, timeout: float = 5.0) -> None:
        """Wait until every queued update was confirmed (polling offset) or delivered (webhook)."""
        drained = await self._state.signal.wait_until(lambda: None if self._state.updates else True, timeout)
        if drained is None:
            raise TimeoutError(f"{len(self._state.updates)} update(s) still pending after {timeout}s")


def _media_kind(**flags: bool) -> str | None:
    chosen = [kind for kind in MEDIA_KINDS if flags.get(kind)]
    if len(chosen) > 1:
        raise ValueError(f"at most one media flag may be set, got {chosen}")
    return chosen[0] if chosen else None


def _callback_datas(message: Mapping[str, Any]) -> set[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {button["callback_data"] for row in rows for button in row if "callback_data" in button}
