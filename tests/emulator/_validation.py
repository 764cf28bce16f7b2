"""Input checks Telegram performs, so bot bugs surface as the same 400s in tests as in production."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ._errors import bad_request
from ._html import parse_html

MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
PARSE_MODES = frozenset({"html", "markdown", "markdownv2"})
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_MARKUP_JSON_ERROR = "can't parse reply keyboard markup JSON object"


def formatted_text(
    text: str | None, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> tuple[str, list[dict[str, Any]]]:
    """Parse and validate a message text: ``(plain_text, entities)`` or Telegram's 400.

    Only HTML is parsed; Markdown modes are accepted and stored verbatim (not validated). The length
    limit applies after entity parsing and counts code points, like ``len()`` in PTB's constants.
    """
    if not text:
        raise bad_request("message text is empty")
    mode = (parse_mode or "").lower()
    if mode and mode not in PARSE_MODES:
        raise bad_request("unsupported parse_mode")
    plain, parsed = parse_html(text) if mode == "html" else (text, list(entities or []))
    if not plain.strip():
        raise bad_request("message text is empty")
    if len(plain) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return plain, parsed


def reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate any reply markup; inline keyboards get the per-button checks Telegram does."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request(_MARKUP_JSON_ERROR)
    if "inline_keyboard" in markup:
        for button in _buttons(markup["inline_keyboard"]):
            _inline_button(button)
    elif "keyboard" in markup:
        for button in _buttons(markup["keyboard"]):
            _keyboard_button(button)
    return markup


def inline_keyboard(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """The part of a markup Telegram echoes in a ``Message``: only inline keyboards are returned."""
    if markup is not None and "inline_keyboard" in markup:
        return markup
    return None


def _buttons(rows: Any) -> Iterator[Any]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse reply keyboard markup JSON object: field keyboard must be an Array")
    for row in rows:
        yield from row


def _inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    if not any(action in button for action in _BUTTON_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not button["url"]:
        raise bad_request("BUTTON_URL_INVALID")


def _keyboard_button(button: Any) -> None:
    text = button.get("text") if isinstance(button, dict) else button
    if not isinstance(text, str) or not text:
        raise bad_request('can\'t parse keyboard button: Field "text" must be a non-empty String')


def commands(value: Any) -> list[dict[str, str]]:
    """Validate a ``setMyCommands`` list: lowercase 1-32 char names, 1-256 char descriptions."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise bad_request("can't parse commands JSON object")
    if len(value) > 100:
        raise bad_request("too many commands specified")
    for item in value:
        if not isinstance(item.get("command"), str) or not _COMMAND_RE.fullmatch(item["command"]):
            raise bad_request("BOT_COMMAND_INVALID")
        description = item.get("description")
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            raise bad_request(
                "command description is empty" if not description else "BOT_COMMAND_DESCRIPTION_INVALID"
            )
    return [{"command": item["command"], "description": item["description"]} for item in value]


def chat_action(action: str | None) -> str:
    """``sendChatAction`` accepts only the documented actions."""
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return action


def callback_answer_text(text: str | None) -> str | None:
    """Callback answers show as toasts/alerts limited to 200 characters."""
    if text is not None and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
        raise bad_request("MESSAGE_TOO_LONG")
    return text


def secret_token(token: str | None) -> str | None:
    """Webhook secret tokens: 1-256 characters of ``A-Z a-z 0-9 _ -``."""
    if token is not None and not _SECRET_TOKEN_RE.fullmatch(token):
        raise bad_request("secret token contains unallowed characters")
    return token


def webhook_url(url: str) -> str:
    """Telegram demands HTTPS; the emulator also allows plain HTTP because tests run on loopback."""
    if url and not url.startswith(("https://", "http://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    return url
