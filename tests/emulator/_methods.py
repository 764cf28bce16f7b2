"""The emulated Bot API methods. Each takes the normalised params and returns the ``result`` value."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from . import _validation as check
from ._errors import ApiError, bad_request
from ._params import get_bool, get_float, get_int, get_json, get_str
from ._state import EmulatorState, WebhookState


@dataclass
class RequestContext:
    """Per-request facts a method may need; ``disconnected`` ends a long poll whose client left."""

    disconnected: bool = False


Handler = Callable[[dict[str, Any], RequestContext], Awaitable[Any]]

_MARKUP_ERROR = "can't parse reply keyboard markup JSON object"
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
_MAX_LONG_POLL = 50.0


def now() -> int:
    """Telegram dates are Unix timestamps in whole seconds."""
    return int(time.time())


class _MethodGroup:
    """Shared helpers for method implementations working on one :class:`EmulatorState`."""

    def __init__(self, state: EmulatorState) -> None:
        self._s = state

    def table(self) -> dict[str, Handler]:
        raise NotImplementedError

    def _chat(self, params: dict[str, Any]) -> dict[str, Any]:
        """The chat addressed by ``chat_id``; blocked users answer 403 like on Telegram."""
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            raise bad_request("chat not found")
        chat = self._s.messages.chat(chat_id)
        if chat_id in self._s.blocked:
            reason = (
                "bot was blocked by the user" if chat["type"] == "private" else "bot was kicked from the chat"
            )
            raise ApiError(HTTPStatus.FORBIDDEN, f"Forbidden: {reason}")
        return chat


class MessageMethods(_MethodGroup):
    """Sending, editing and deleting messages, plus chat actions and callback answers."""

    def table(self) -> dict[str, Handler]:
        return {
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "sendChatAction": self.send_chat_action,
        }

    async def send_message(self, params: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
        chat = self._chat(params)
        text = get_str(params, "text")
        plain, entities = check.formatted_text(
            text, get_str(params, "parse_mode"), get_json(params, "entities")
        )
        markup = check.reply_markup(get_json(params, "reply_markup", _MARKUP_ERROR))
        reply_to = self._reply_target(chat, params)
        message = self._bot_message(chat, plain, entities, check.inline_keyboard(markup), reply_to)
        self._s.messages.add(message)
        self._s.sent_messages.append(
            {
                "chat_id": chat["id"],
                "message_id": message["message_id"],
                "text": text,
                "plain_text": plain,
                "parse_mode": get_str(params, "parse_mode"),
                "reply_markup": markup,
                "message": copy.deepcopy(message),
            }
        )
        return copy.deepcopy(message)

    def _bot_message(
        self,
        chat: dict[str, Any],
        text: str,
        entities: list[dict[str, Any]],
        keyboard: dict[str, Any] | None,
        reply_to: dict[str, Any] | None,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self._s.messages.next_message_id(chat["id"]),
            "from": dict(self._s.bot_user),
            "chat": chat,
            "date": now(),
            "text": text,
        }
        if entities:
            message["entities"] = entities
        if keyboard:
            message["reply_markup"] = keyboard
        if reply_to is not None:
            message["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "reply_to_message"}
        return message

    def _reply_target(self, chat: dict[str, Any], params: dict[str, Any]) -> dict[str, Any] | None:
        """The message a send replies to (``reply_parameters`` or legacy ``reply_to_message_id``)."""
        reply = get_json(params, "reply_parameters", "can't parse reply parameters JSON object") or {}
        if not isinstance(reply, dict):
            raise bad_request("can't parse reply parameters JSON object")
        message_id = reply.get("message_id", params.get("reply_to_message_id"))
        if message_id is None:
            return None
        target = self._s.messages.get(chat["id"], message_id)
        may_skip = reply.get("allow_sending_without_reply") or get_bool(params, "allow_sending_without_reply")
        if target is None and not may_skip:
            raise bad_request("message to be replied not found")
        return copy.deepcopy(target)

    async def edit_message_text(self, params: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
        message = self._editable(params)
        plain, entities = check.formatted_text(
            get_str(params, "text"), get_str(params, "parse_mode"), get_json(params, "entities")
        )
        markup = check.reply_markup(get_json(params, "reply_markup", _MARKUP_ERROR))
        _apply_edit(
            message,
            {"text": plain, "entities": entities or None, "reply_markup": check.inline_keyboard(markup)},
        )
        return copy.deepcopy(message)

    async def edit_message_reply_markup(self, params: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
        message = self._editable(params)
        markup = check.reply_markup(get_json(params, "reply_markup", _MARKUP_ERROR))
        _apply_edit(message, {"reply_markup": check.inline_keyboard(markup)})
        return copy.deepcopy(message)

    def _editable(self, params: dict[str, Any]) -> dict[str, Any]:
        """The stored bot message an edit targets; inline-mode messages are not emulated."""
        if params.get("inline_message_id") is not None:
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat(params)
        message_id = get_int(params, "message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = self._s.messages.get(chat["id"], message_id)
        if message is None:
            raise bad_request("message to edit not found")
        if message.get("from", {}).get("id") != self._s.bot_user["id"]:
            raise bad_request("message can't be edited")
        return message

    async def delete_message(self, params: dict[str, Any], ctx: RequestContext) -> bool:
        chat = self._chat(params)
        message_id = get_int(params, "message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        if not self._s.messages.remove(chat["id"], message_id):
            raise bad_request("message to delete not found")
        return True

    async def answer_callback_query(self, params: dict[str, Any], ctx: RequestContext) -> bool:
        """Each query can be answered once; unknown or re-answered ids fail like expired ones."""
        query_id = get_str(params, "callback_query_id") or ""
        answers = self._s.callback_answers
        if query_id not in answers or answers[query_id] is not None:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        self._s.callback_answers[query_id] = {
            "text": check.callback_answer_text(get_str(params, "text")),
            "show_alert": get_bool(params, "show_alert"),
            "url": get_str(params, "url"),
            "cache_time": get_int(params, "cache_time", 0),
        }
        return True

    async def send_chat_action(self, params: dict[str, Any], ctx: RequestContext) -> bool:
        self._chat(params)
        check.chat_action(get_str(params, "action"))
        return True


def _apply_edit(message: dict[str, Any], changes: dict[str, Any]) -> None:
    """Apply an edit in place; ``None`` removes a field. Identical content is Telegram's 400."""
    if all(message.get(key) == value for key, value in changes.items()):
        raise bad_request(_NOT_MODIFIED)
    for key, value in changes.items():
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value
    message["edit_date"] = now()


class BotMethods(_MethodGroup):
    """Bot identity, update delivery (polling and webhook), commands, files and session control."""

    def table(self) -> dict[str, Handler]:
        return {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "setMyCommands": self.set_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "getMyCommands": self.get_my_commands,
            "getFile": self.get_file,
            "close": self.always_true,
            "logOut": self.always_true,
        }

    async def get_me(self, params: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
        return {
            **self._s.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def get_updates(self, params: dict[str, Any], ctx: RequestContext) -> list[dict[str, Any]]:
        """Confirm by ``offset``, then long-poll up to ``timeout`` seconds for new updates.

        A newer ``getUpdates`` call ends a waiting one with 409, as Telegram does when two bot
        instances poll at once.
        """
        state = self._s
        if state.webhook.url:
            raise ApiError(HTTPStatus.CONFLICT, _WEBHOOK_CONFLICT)
        limit = min(max(get_int(params, "limit", 100) or 100, 1), 100)
        timeout = min(max(get_float(params, "timeout", 0.0), 0.0), _MAX_LONG_POLL)
        if "allowed_updates" in params:
            state.set_allowed_updates(get_json(params, "allowed_updates"))
        state.updates.confirm(get_int(params, "offset", 0) or 0)
        state.poll_generation += 1
        generation = state.poll_generation
        state.signal.notify()
        batch = await state.signal.wait_until(lambda: self._poll(generation, limit, ctx), timeout)
        return batch or []

    def _poll(self, generation: int, limit: int, ctx: RequestContext) -> list[dict[str, Any]] | None:
        """One look at the queue for a waiting poll; ``None`` means keep waiting."""
        if generation != self._s.poll_generation:
            raise ApiError(HTTPStatus.CONFLICT, _POLL_CONFLICT)
        if ctx.disconnected or self._s.closing:
            return []
        return self._s.updates.take(limit, self._s.is_excluded) or None

    async def set_webhook(self, params: dict[str, Any], ctx: RequestContext) -> bool:
        url = check.webhook_url(get_str(params, "url") or "")
        if not url:
            return await self.delete_webhook(params, ctx)
        allowed = get_json(params, "allowed_updates")
        self._s.webhook = WebhookState(
            url=url,
            secret_token=check.secret_token(get_str(params, "secret_token")),
            max_connections=get_int(params, "max_connections", 40) or 40,
            allowed_updates=allowed,
            ip_address=get_str(params, "ip_address"),
        )
        if allowed is not None:
            self._s.set_allowed_updates(allowed)
        self._drop_pending_if_asked(params)
        return True

    async def delete_webhook(self, params: dict[str, Any], ctx: RequestContext) -> bool:
        self._s.webhook = WebhookState()
        self._drop_pending_if_asked(params)
        return True

    def _drop_pending_if_asked(self, params: dict[str, Any]) -> None:
        if get_bool(params, "drop_pending_updates"):
            self._s.updates.clear()

    async def get_webhook_info(self, params: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
        return self._s.webhook.info(len(self._s.updates))

    async def set_my_commands(self, params: dict[str, Any], ctx: RequestContext) -> bool:
        self._s.commands[_commands_key(params)] = check.commands(get_json(params, "commands"))
        return True

    async def delete_my_commands(self, params: dict[str, Any], ctx: RequestContext) -> bool:
        self._s.commands.pop(_commands_key(params), None)
        return True

    async def get_my_commands(self, params: dict[str, Any], ctx: RequestContext) -> list[dict[str, str]]:
        return copy.deepcopy(self._s.commands.get(_commands_key(params), []))

    async def get_file(self, params: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
        described = self._s.files.describe(get_str(params, "file_id") or "")
        if described is None:
            raise bad_request("invalid file_id")
        return described

    async def always_true(self, params: dict[str, Any], ctx: RequestContext) -> bool:
        """``close``/``logOut`` only matter to Telegram's servers; answering True is enough."""
        return True


def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
    """Commands are stored per (scope, language_code), as Telegram does."""
    scope = get_json(params, "scope", "can't parse BotCommandScope JSON object") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), get_str(params, "language_code") or ""
