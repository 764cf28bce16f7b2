"""Playing the humans: realistic Updates for user messages and inline-button presses."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ._methods import now
from ._state import EmulatorState
from ._text import detect_entities

DEFAULT_USER_ID = 1001
DEFAULT_GROUP_CHAT_ID = -1001000000001
MEDIA_KINDS = ("photo", "document", "voice", "sticker")
_CHAT_TITLES = {"group": "Test group", "supergroup": "Test supergroup", "channel": "Test channel"}


@dataclass(frozen=True)
class Person:
    """Who acts: the Telegram ``User`` that sends a message or presses a button."""

    user_id: int = DEFAULT_USER_ID
    username: str | None = None
    first_name: str = "Test"
    language_code: str | None = "en"

    def as_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user


def make_chat(chat_id: int, chat_type: str, person: Person) -> dict[str, Any]:
    """A ``Chat`` as Telegram describes it to bots: private chats mirror the user, others have titles."""
    if chat_type == "private":
        chat: dict[str, Any] = {"id": chat_id, "type": "private", "first_name": person.first_name}
        if person.username:
            chat["username"] = person.username
        return chat
    if chat_type not in _CHAT_TITLES:
        raise ValueError(f"unknown chat_type {chat_type!r}")
    return {"id": chat_id, "type": chat_type, "title": _CHAT_TITLES[chat_type]}


def default_chat_id(chat_type: str, user_id: int) -> int:
    """In private chats the chat id equals the user id; groups get one shared test group."""
    return user_id if chat_type == "private" else DEFAULT_GROUP_CHAT_ID


class UserSimulator:
    """Builds Updates and queues them where ``getUpdates`` (or a webhook delivery) finds them."""

    def __init__(self, state: EmulatorState) -> None:
        self._s = state
        self._next_query_id = 1

    def message(
        self,
        text: str,
        *,
        person: Person,
        chat: dict[str, Any],
        media: str | None = None,
        caption: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        reply_to: dict[str, Any] | None = None,
        edited: bool = False,
        message_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue a message (or its edit) from ``person`` in ``chat``; return the Update."""
        self._s.messages.remember_chat(chat)
        message = self._envelope(person, chat, edited, message_id)
        message.update(self._content(text, media, caption, entities))
        if reply_to is not None:
            message["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "reply_to_message"}
        self._s.messages.add(copy.deepcopy(message))
        return self._push(_update_kind(chat["type"], edited), message)

    def _envelope(
        self, person: Person, chat: dict[str, Any], edited: bool, message_id: int | None
    ) -> dict[str, Any]:
        """Ids, date, chat and sender; an edit reuses the id of the user's last message."""
        if edited and message_id is None:
            previous = self._s.messages.latest(
                chat["id"], lambda m: m.get("from", {}).get("id") == person.user_id
            )
            message_id = previous["message_id"] if previous else None
        message: dict[str, Any] = {
            "message_id": message_id or self._s.messages.next_message_id(chat["id"]),
            "date": now(),
            "chat": chat,
        }
        if chat["type"] == "channel":
            message["sender_chat"] = chat
        else:
            message["from"] = person.as_user()
        if edited:
            message["edit_date"] = now()
        return message

    def _content(
        self, text: str, media: str | None, caption: str | None, entities: list[dict[str, Any]] | None
    ) -> dict[str, Any]:
        """Text with entities, or a media payload whose caption defaults to ``text``."""
        if media is None:
            if not text:
                raise ValueError("a text message needs non-empty text (or pass a media flag)")
            return _with_entities({"text": text}, "entities", text, entities)
        content = _media_payload(media, self._s)
        caption = caption if caption is not None else (text or None)
        if caption and media != "sticker":
            content = _with_entities({**content, "caption": caption}, "caption_entities", caption, entities)
        return content

    def press_button(self, message: dict[str, Any], callback_data: str, person: Person) -> dict[str, Any]:
        """Queue a ``callback_query`` for ``message`` (a stored bot message, current after edits)."""
        query_id = str(4_000_000_000_000_000 + self._next_query_id)
        self._next_query_id += 1
        self._s.callback_answers[query_id] = None
        payload = {
            "id": query_id,
            "from": person.as_user(),
            "message": copy.deepcopy(message),
            "chat_instance": str(abs(message["chat"]["id"]) * 7919 + 17),
            "data": callback_data,
        }
        return self._push("callback_query", payload)

    def _push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = self._s.updates.push(kind, payload)
        self._s.signal.notify()
        return update


def _update_kind(chat_type: str, edited: bool) -> str:
    base = "channel_post" if chat_type == "channel" else "message"
    return f"edited_{base}" if edited else base


def _with_entities(
    content: dict[str, Any], key: str, text: str, entities: list[dict[str, Any]] | None
) -> dict[str, Any]:
    """Attach explicit entities, or the ones Telegram would detect in ``text``."""
    found = list(entities) if entities is not None else detect_entities(text)
    return {**content, key: found} if found else content


def _media_payload(media: str, state: EmulatorState) -> dict[str, Any]:
    """Media fields with file ids registered in the file store, so ``getFile`` works on them."""
    files = state.files
    if media == "photo":
        sizes = ((90, 68), (800, 600))
        return {
            "photo": [
                {**files.add("photos", "jpg", b"\xff\xd8\xff" + bytes(w)), "width": w, "height": h}
                for w, h in sizes
            ]
        }
    if media == "document":
        return {
            "document": {
                **files.add("documents", "pdf", b"%PDF-1.4 test"),
                "file_name": "document.pdf",
                "mime_type": "application/pdf",
            }
        }
    if media == "voice":
        return {"voice": {**files.add("voice", "oga", b"OggS test"), "duration": 3, "mime_type": "audio/ogg"}}
    if media == "sticker":
        sticker = {
            "width": 512,
            "height": 512,
            "emoji": "🙂",
            "set_name": "TestStickers",
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        return {"sticker": {**files.add("stickers", "webp", b"RIFF test"), **sticker}}
    raise ValueError(f"unknown media kind {media!r}; expected one of {MEDIA_KINDS}")
