"""Telegram-shaped error answers.

Methods raise :class:`ApiError` deep inside their logic; the dispatcher turns it into the exact JSON
Telegram sends, so PTB maps it onto the same exception class it would raise in production.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status, description and optional ``parameters``."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        """The body Telegram returns for this error (``ok`` false, ``error_code``, ``description``)."""
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    """A 400 answer; Telegram prefixes every such description with ``Bad Request:``."""
    return ApiError(HTTPStatus.BAD_REQUEST, f"Bad Request: {reason}")


def status_error(status: int, retry_after: int | None = None) -> ApiError:
    """The generic answer for a bare status, as Telegram or its front proxy sends it.

    429 carries ``parameters.retry_after`` because that is what makes PTB raise ``RetryAfter``
    instead of a plain ``NetworkError``.
    """
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        seconds = retry_after if retry_after is not None else 1
        return ApiError(status, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = f"Error {status}"
    return ApiError(status, phrase)
