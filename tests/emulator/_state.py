"""Everything the emulated Bot API knows: chats, messages, pending updates, files, webhook, records."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ._faults import FaultInjector
from ._records import ApiCall, FailedCall
from ._signal import ChangeSignal

# Telegram's default when a bot never passed allowed_updates (or passed an empty list).
OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def update_type(update: dict[str, Any]) -> str:
    """The payload key of an Update (``message``, ``callback_query``, ...)."""
    return next(key for key in update if key != "update_id")


class UpdateQueue:
    """Pending updates with Telegram's ``getUpdates`` confirmation semantics.

    An update stays pending until a ``getUpdates`` call passes an ``offset`` above its id (or it is
    delivered by webhook), so a bot that crashes before confirming sees it again — as in production.
    """

    def __init__(self) -> None:
        self._pending: list[dict[str, Any]] = []
        self._next_id = 1
        self.ever_delivered: set[int] = set()

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self._pending.append(update)
        return copy.deepcopy(update)

    def confirm(self, offset: int) -> None:
        """Forget confirmed updates; a negative offset keeps only the last ``-offset`` ones."""
        if offset < 0:
            self._pending = self._pending[offset:]
        elif offset > 0:
            self._pending = [update for update in self._pending if update["update_id"] >= offset]

    def take(self, limit: int, excluded: Callable[[str], bool]) -> list[dict[str, Any]]:
        """Up to ``limit`` pending updates; updates of excluded types are dropped, never delivered."""
        self._pending = [update for update in self._pending if not excluded(update_type(update))]
        batch = self._pending[:limit]
        self.ever_delivered.update(update["update_id"] for update in batch)
        return copy.deepcopy(batch)

    def discard(self, update_id: int) -> None:
        self._pending = [update for update in self._pending if update["update_id"] != update_id]

    def clear(self) -> None:
        self._pending.clear()

    def snapshot(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self._pending)

    def __len__(self) -> int:
        return len(self._pending)


class MessageStore:
    """Chats and their messages, user's and bot's alike (they share one message-id sequence per chat)."""

    def __init__(self) -> None:
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._last_id: dict[int, int] = {}
        self._chats: dict[int, dict[str, Any]] = {}

    def remember_chat(self, chat: dict[str, Any]) -> dict[str, Any]:
        self._chats[chat["id"]] = dict(chat)
        return dict(chat)

    def chat(self, chat_id: int) -> dict[str, Any]:
        """A known chat, or a plausible one so a bot may message a chat no test update introduced."""
        if chat_id in self._chats:
            return dict(self._chats[chat_id])
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "User"}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": f"Chat {chat_id}"}

    def next_message_id(self, chat_id: int) -> int:
        self._last_id[chat_id] = self._last_id.get(chat_id, 0) + 1
        return self._last_id[chat_id]

    def add(self, message: dict[str, Any]) -> None:
        self._messages[(message["chat"]["id"], message["message_id"])] = message

    def get(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        return self._messages.get((chat_id, message_id))

    def remove(self, chat_id: int, message_id: int) -> bool:
        return self._messages.pop((chat_id, message_id), None) is not None

    def latest(self, chat_id: int, predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
        """The newest stored message of a chat matching ``predicate``."""
        for (message_chat, _), message in reversed(self._messages.items()):
            if message_chat == chat_id and predicate(message):
                return message
        return None


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes


class FileStore:
    """Files attached to fake user messages so ``getFile`` and downloads via base_file_url work."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}

    def add(self, folder: str, extension: str, content: bytes) -> dict[str, Any]:
        """Store ``content``; return the ``file_id``/``file_unique_id``/``file_size`` triple."""
        number = len(self._by_id) + 1
        stored = StoredFile(
            file_id=f"EMU{folder.upper()}{number:06d}",
            file_unique_id=f"U{number:06d}",
            file_path=f"{folder}/file_{number}.{extension}",
            content=content,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": len(content)}

    def describe(self, file_id: str) -> dict[str, Any] | None:
        stored = self._by_id.get(file_id)
        if stored is None:
            return None
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    def content(self, path: str) -> bytes | None:
        stored = self._by_path.get(path)
        return stored.content if stored else None


@dataclass
class WebhookState:
    """What ``setWebhook`` registered; an empty ``url`` means long polling is allowed."""

    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    ip_address: str | None = None

    def info(self, pending: int) -> dict[str, Any]:
        result: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
        }
        if self.url:
            result["max_connections"] = self.max_connections
            if self.allowed_updates is not None:
                result["allowed_updates"] = self.allowed_updates
            if self.ip_address:
                result["ip_address"] = self.ip_address
        return result


@dataclass
class EmulatorState:
    """The shared state of one emulated bot, read by the HTTP methods and the user simulator."""

    token: str
    bot_user: dict[str, Any]
    signal: ChangeSignal = field(default_factory=ChangeSignal)
    messages: MessageStore = field(default_factory=MessageStore)
    updates: UpdateQueue = field(default_factory=UpdateQueue)
    files: FileStore = field(default_factory=FileStore)
    faults: FaultInjector = field(default_factory=FaultInjector)
    webhook: WebhookState = field(default_factory=WebhookState)
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    callback_answers: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    calls: list[ApiCall] = field(default_factory=list)
    failed_calls: list[FailedCall] = field(default_factory=list)
    api_errors: list[FailedCall] = field(default_factory=list)
    sent_messages: list[dict[str, Any]] = field(default_factory=list)
    allowed_updates: frozenset[str] | None = None
    poll_generation: int = 0
    down: bool = False
    closing: bool = False

    def is_excluded(self, kind: str) -> bool:
        """Whether the bot's ``allowed_updates`` setting filters out updates of ``kind``."""
        if self.allowed_updates is None:
            return kind in OPT_IN_UPDATE_TYPES
        return kind not in self.allowed_updates

    def set_allowed_updates(self, kinds: Iterable[str] | None) -> None:
        """Telegram keeps the last setting; an empty list restores the default."""
        kinds = list(kinds or [])
        self.allowed_updates = frozenset(kinds) if kinds else None
