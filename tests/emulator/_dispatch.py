"""Routing of one API request through the gates Telegram applies before a method runs."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from ._errors import ApiError, status_error
from ._methods import BotMethods, Handler, MessageMethods, RequestContext
from ._records import ApiCall, FailedCall
from ._state import EmulatorState

_LOGGER = logging.getLogger("tests.emulator")


class Dispatcher:
    """Gate order: API down (502) → token (401) → method exists (404) → injected fault → method.

    Method names are case-insensitive like on Telegram; records use the canonical spelling.
    """

    def __init__(self, state: EmulatorState) -> None:
        self._s = state
        table: dict[str, Handler] = {**BotMethods(state).table(), **MessageMethods(state).table()}
        self._methods = {name.lower(): (name, handler) for name, handler in table.items()}

    def wake(self) -> None:
        """Make waiting long polls and test helpers re-check state (e.g. after a disconnect)."""
        self._s.signal.notify()

    async def handle(
        self, token: str, method: str, params: dict[str, Any], ctx: RequestContext
    ) -> tuple[int, dict[str, Any]]:
        """Answer one request with ``(http_status, json_body)``; never raises for API errors."""
        try:
            result = await self._call(token, method, params, ctx)
        except ApiError as err:
            _LOGGER.debug("%s -> %s %s", method, err.status, err.description)
            return err.status, err.to_json()
        finally:
            self._s.signal.notify()
        _LOGGER.debug("%s -> ok", method)
        return HTTPStatus.OK, {"ok": True, "result": result}

    async def _call(self, token: str, method: str, params: dict[str, Any], ctx: RequestContext) -> Any:
        state = self._s
        if state.down:
            raise _recorded(state.failed_calls, method, params, status_error(HTTPStatus.BAD_GATEWAY))
        if token != state.token:
            raise _recorded(state.api_errors, method, params, status_error(HTTPStatus.UNAUTHORIZED))
        entry = self._methods.get(method.lower())
        if entry is None:
            raise _recorded(state.api_errors, method, params, status_error(HTTPStatus.NOT_FOUND))
        name, handler = entry
        fault = state.faults.check(name)
        if fault is not None:
            raise _recorded(state.failed_calls, name, params, fault)
        state.calls.append(ApiCall(name, params))
        try:
            return await handler(params, ctx)
        except ApiError as err:
            _recorded(state.api_errors, name, params, err)
            raise


def _recorded(records: list[FailedCall], method: str, params: dict[str, Any], error: ApiError) -> ApiError:
    """Append the failure to ``records`` and hand the error back for raising."""
    records.append(FailedCall(method, params, error.status, error.description))
    return error
