"""PTB's HTTP client with chosen chats made slow or failing, for tests about one user's trouble.

The emulator's faults are per method; these are per chat and happen on the bot's side of the
wire, answering exactly what Telegram's front proxy answers when it fails (502 Bad Gateway).
Pass an instance as ``running_bot(..., build={"request": ChatFaults()})``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from telegram.request import BaseRequest, HTTPXRequest, RequestData

BAD_GATEWAY = (502, b'{"ok":false,"error_code":502,"description":"Bad Gateway"}')


class ChatFaults(BaseRequest):
    def __init__(self) -> None:
        self.inner = HTTPXRequest(connection_pool_size=256)
        self.slow: dict[int, float] = {}  # chat id -> seconds every send to it takes
        self.delay: Callable[[int, str], float] | None = None  # (chat id, text) -> seconds, for finer choices
        self.failing: set[int] = set()
        self.failures: list[int] = []

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        chat = request_data.parameters.get("chat_id") if request_data is not None else None
        if chat in self.slow:
            await asyncio.sleep(self.slow[chat])  # type: ignore[index]
        if self.delay is not None and request_data is not None:
            await asyncio.sleep(self.delay(chat, str(request_data.parameters.get("text", ""))))  # type: ignore[arg-type]
        if chat in self.failing:
            self.failures.append(chat)  # type: ignore[arg-type]
            return BAD_GATEWAY
        return await self.inner.do_request(url, method, request_data, *args, **kwargs)
