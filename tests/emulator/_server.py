"""The tornado HTTP front end: Bot API routes, file downloads, and Telegram-style 404s."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from ._dispatch import Dispatcher
from ._errors import ApiError, status_error
from ._methods import RequestContext
from ._params import request_params
from ._state import EmulatorState

_LOGGER = logging.getLogger("tests.emulator.http")
LOOPBACK = "127.0.0.1"


class _JsonHandler(RequestHandler):
    """Base handler writing Telegram-shaped JSON answers."""

    def reply(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    def reply_error(self, error: ApiError) -> None:
        self.reply(error.status, error.to_json())


class _ApiHandler(_JsonHandler):
    """``/bot<token>/<method>``; GET and POST both work on Telegram, so both work here."""

    SUPPORTED_METHODS = ("GET", "POST")

    def initialize(self, dispatcher: Dispatcher) -> None:
        self._dispatcher = dispatcher
        self._ctx = RequestContext()

    async def post(self, token: str, method: str) -> None:
        try:
            params = request_params(self.request)
        except ApiError as err:
            self.reply_error(err)
            return
        status, body = await self._dispatcher.handle(token, method, params, self._ctx)
        if not self._ctx.disconnected:
            self.reply(status, body)

    async def get(self, token: str, method: str) -> None:
        await self.post(token, method)

    def on_connection_close(self) -> None:
        """A client that gave up (PTB cancelling a long poll on stop) must not keep a poll alive."""
        self._ctx.disconnected = True
        self._dispatcher.wake()


class _FileHandler(_JsonHandler):
    """``/file/bot<token>/<file_path>``: downloads of files attached to fake user messages."""

    def initialize(self, state: EmulatorState) -> None:
        self._state = state

    def get(self, token: str, path: str) -> None:
        if self._state.down:
            self.reply_error(status_error(HTTPStatus.BAD_GATEWAY))
            return
        content = self._state.files.content(path) if token == self._state.token else None
        if content is None:
            self.reply_error(status_error(HTTPStatus.NOT_FOUND))
            return
        self.set_header("Content-Type", "application/octet-stream")
        self.finish(content)


class _NotFoundHandler(_JsonHandler):
    """Any other path answers 404 JSON, as api.telegram.org does."""

    def prepare(self) -> None:
        self.reply_error(status_error(HTTPStatus.NOT_FOUND))


def _log_request(handler: RequestHandler) -> None:
    """Access log at DEBUG only: tests should not drown in one line per long poll."""
    _LOGGER.debug("%d %s", handler.get_status(), handler.request.path)


class ApiServer:
    """Owns the tornado server bound to a random loopback port in the running asyncio loop."""

    def __init__(self, state: EmulatorState, dispatcher: Dispatcher) -> None:
        self._app = Application(
            [
                (r"/bot([^/]*)/([^/]+)/?", _ApiHandler, {"dispatcher": dispatcher}),
                (r"/file/bot([^/]*)/(.+)", _FileHandler, {"state": state}),
            ],
            default_handler_class=_NotFoundHandler,
            log_function=_log_request,
        )
        self._server: HTTPServer | None = None

    def start(self) -> int:
        """Listen on 127.0.0.1 only, port chosen by the OS; return the port."""
        sockets = bind_sockets(0, LOOPBACK)
        self._server = HTTPServer(self._app)
        self._server.add_sockets(sockets)
        return int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop listening and close keep-alive connections so no socket outlives the test."""
        if self._server is None:
            return
        server, self._server = self._server, None
        server.stop()
        await server.close_all_connections()
