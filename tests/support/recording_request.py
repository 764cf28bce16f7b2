"""A ``BaseRequest`` that answers the Bot API from memory and checks what the bot sends, instead of HTTP.

Fast enough to push a hundred thousand updates through the real handlers. Every ``sendMessage``
and ``editMessageText`` is checked the way Telegram checks it (the emulator's HTML parser and
validators); problems are collected in :attr:`RecordingRequest.problems` rather than raised,
so a test can report all of them at once.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.request import BaseRequest, RequestData

from tests.emulator import ApiError, utf16_len
from tests.emulator._validation import formatted_text, reply_markup

MAX_MESSAGE = 4096
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Fuzz", "username": "fuzz_test_bot"}


class RecordingRequest(BaseRequest):
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.sent: list[tuple[int, str]] = []  # (chat_id, text) of every accepted sendMessage
        self.problems: list[str] = []
        self._checked: dict[tuple[str, str], str | None] = {}  # replies repeat: check each distinct one once
        self._next_id = 1

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data is not None else {}
        self.counts[endpoint] = self.counts.get(endpoint, 0) + 1
        if endpoint == "getMe":
            return self._ok(BOT_USER)
        if endpoint in ("sendMessage", "editMessageText"):
            problem = self.check(str(params.get("text", "")), params.get("parse_mode"), params.get("reply_markup"))
            if problem:
                self.problems.append(f"{endpoint}: {problem}")
                return 400, json.dumps({"ok": False, "error_code": 400, "description": problem}).encode()
            chat_id = params.get("chat_id", 0)
            if endpoint == "sendMessage":
                self.sent.append((chat_id, params["text"]))  # type: ignore[arg-type]
            self._next_id += 1
            return self._ok({"message_id": self._next_id, "date": 0, "text": "ok",
                             "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}})
        return self._ok(True)

    def check(self, text: str, parse_mode: Any, markup: Any) -> str | None:
        """Telegram's verdict on a message, or ``None`` if it would be accepted."""
        key = (text, json.dumps(markup, sort_keys=True))
        if key not in self._checked:
            self._checked[key] = self._verdict(text, parse_mode, markup)
        return self._checked[key]

    @staticmethod
    def _verdict(text: str, parse_mode: Any, markup: Any) -> str | None:
        if parse_mode != "HTML":
            return f"parse_mode {parse_mode!r}, not HTML"
        try:
            plain, _ = formatted_text(text, parse_mode, None)
            reply_markup(markup)
        except ApiError as exc:
            return exc.description
        if utf16_len(plain) > MAX_MESSAGE:
            return f"{utf16_len(plain)} UTF-16 units, more than {MAX_MESSAGE}"
        return None

    @staticmethod
    def _ok(result: Any) -> tuple[int, bytes]:
        return 200, json.dumps({"ok": True, "result": result}).encode()
