"""Bot API parameters: reading them off an HTTP request and getting typed values back.

PTB's ``HTTPXRequest`` posts ``application/x-www-form-urlencoded`` fields (``multipart/form-data``
when uploading files); every non-string value, e.g. ``reply_markup`` or ``allowed_updates``, is a
JSON-encoded string. Telegram also accepts query strings and ``application/json`` bodies, so the
emulator merges all three and then decodes the parameters it knows to be JSON, ints or booleans.
Normalisation never fails: a value that cannot be decoded stays a string and the method that needs
it answers the 400 Telegram would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from tornado.httputil import HTTPServerRequest

from ._errors import bad_request

JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "reply_parameters",
        "link_preview_options",
        "media",
        "results",
        "permissions",
        "message_ids",
    }
)
INT_PARAMS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "offset",
        "limit",
        "user_id",
        "message_thread_id",
        "cache_time",
        "max_connections",
        "reply_to_message_id",
    }
)
FLOAT_PARAMS = frozenset({"timeout"})
BOOL_PARAMS = frozenset(
    {
        "show_alert",
        "drop_pending_updates",
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "allow_paid_broadcast",
    }
)
_INT_RE = re.compile(r"-?\d+")
_FLOAT_RE = re.compile(r"-?\d+(?:\.\d*)?")


def request_params(request: HTTPServerRequest) -> dict[str, Any]:
    """All parameters of a request (query, form, multipart files, JSON body), normalised."""
    raw: dict[str, Any] = {}
    for source in (request.query_arguments, request.body_arguments):
        raw.update({name: values[-1].decode("utf-8") for name, values in source.items()})
    for name, uploads in request.files.items():
        upload = uploads[-1]
        raw[name] = {
            "filename": upload.filename,
            "content_type": upload.content_type,
            "size": len(upload.body),
        }
    if request.headers.get("Content-Type", "").startswith("application/json") and request.body:
        raw.update(_json_body(request.body))
    return normalize_params(raw)


def _json_body(body: bytes) -> dict[str, Any]:
    try:
        decoded = json.loads(body)
    except ValueError as exc:
        raise bad_request("can't parse JSON body") from exc
    if not isinstance(decoded, dict):
        raise bad_request("JSON body must be an object")
    return decoded


def normalize_params(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Decode known JSON/int/float/bool parameters so records and methods see real values."""
    return {name: _normalize_value(name, value) for name, value in raw.items()}


def _normalize_value(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if name in INT_PARAMS and _INT_RE.fullmatch(value):
        return int(value)
    if name in FLOAT_PARAMS and _FLOAT_RE.fullmatch(value):
        return float(value)
    if name in BOOL_PARAMS and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def get_str(params: Mapping[str, Any], name: str) -> str | None:
    """A string parameter; numbers sent in a JSON body are accepted like Telegram does."""
    value = params.get(name)
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value) if isinstance(value, dict | list) else str(value)


def get_int(params: Mapping[str, Any], name: str, default: int | None = None) -> int | None:
    """An integer parameter or ``default`` when absent; anything non-numeric is a 400."""
    value = params.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad_request(f"invalid {name} specified")
    return int(value)


def get_float(params: Mapping[str, Any], name: str, default: float) -> float:
    """A numeric parameter such as ``timeout`` (PTB may send fractional seconds)."""
    value = params.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad_request(f"invalid {name} specified")
    return float(value)


def get_bool(params: Mapping[str, Any], name: str) -> bool:
    """A boolean flag; absent means false."""
    return params.get(name) in (True, 1, "true", "True", "1")


def get_json(params: Mapping[str, Any], name: str, error: str | None = None) -> Any:
    """A JSON-typed parameter; a value still a string after normalisation did not parse."""
    value = params.get(name)
    if isinstance(value, str):
        raise bad_request(error or f"can't parse {name} JSON object")
    return value
