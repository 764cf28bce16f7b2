"""The webhook endpoint: a small tornado server that lets through only Telegram's deliveries.

PTB's own webhook server reads a body of up to tornado's default 100 MB before it checks the
secret, answers a body that is not JSON with a 500, and logs the data of an update it cannot
read at CRITICAL (people's messages in the log). This one, in the order a request meets the
checks:

* only ``POST`` to the configured path on the configured port; anything else is 404/405;
* the ``X-Telegram-Bot-Api-Secret-Token`` header must equal the secret (constant-time
  comparison), else 403, before a byte of the body is read;
* ``Content-Type: application/json``, else 415; a declared body over 1 MB is 413 and the
  connection is closed without reading it; a chunked body is cut off at 1 MB (400);
* the body must be a JSON object that PTB can read as an ``Update``, else 400.

Only then does the update join the application's queue, and the answer is 200. Rejections are
logged by kind only (never the body or headers); repeats are counted, not logged each time.

``GET /healthz`` answers 200 with the health report (``bot.runtime.health``: status, knowledge
version, database state) for platforms' health checks and uptime monitors. It needs no secret,
since it reveals none, and it is not logged: monitors call it every few seconds.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from telegram import Update
from tornado.httpserver import HTTPServer
from tornado.web import Application, HTTPError, RequestHandler, stream_request_body

log = logging.getLogger("bot.telegram.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1024 * 1024
HEALTH_PATH = "/healthz"

HealthReport = Callable[[], Awaitable[dict[str, str]]]


class _Rejections:
    """Counts rejected requests; the first of each kind and then every 100th is logged."""

    def __init__(self) -> None:
        self.counts: Counter[int] = Counter()

    def note(self, status: int, reason: str) -> None:
        self.counts[status] += 1
        count = self.counts[status]
        if count == 1 or count % 100 == 0:
            log.warning("webhook request rejected with %d (%s); %d such so far", status, reason, count)


@stream_request_body
class _UpdateHandler(RequestHandler):
    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, server: WebhookServer) -> None:
        self.server = server
        self._chunks: list[bytes] = []
        self._size = 0

    def _reject(self, status: int, reason: str) -> None:
        self.server.rejections.note(status, reason)
        self.set_status(status)
        self.finish()

    def prepare(self) -> None:
        if not hmac.compare_digest(self.request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace"),
                                   self.server.secret.encode("utf-8")):
            self._reject(HTTPStatus.FORBIDDEN, "missing or wrong secret token")
            return
        content_type = self.request.headers.get("Content-Type", "").partition(";")[0].strip().lower()
        if content_type != "application/json":
            self._reject(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "not JSON")
            return
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            self._reject(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body over 1 MB")
            return
        self.request.connection.set_max_body_size(MAX_BODY_BYTES)  # type: ignore[union-attr]

    def data_received(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size <= MAX_BODY_BYTES:  # tornado itself stops a longer chunked body
            self._chunks.append(chunk)

    async def post(self) -> None:
        if self._finished:
            return
        try:
            data = json.loads(b"".join(self._chunks))
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, self.server.bot)
        except Exception as exc:
            self._reject(HTTPStatus.BAD_REQUEST, f"body is not a Telegram update: {type(exc).__name__}")
            return
        await self.server.update_queue.put(update)
        self.set_status(HTTPStatus.OK)
        self.finish()

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish()  # no body and no traceback, whatever went wrong

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, HTTPError):
            return
        log.error("webhook handler failed (%s)", typ.__name__ if typ else "unknown")


class _HealthHandler(RequestHandler):
    SUPPORTED_METHODS = ("GET", "HEAD")  # type: ignore[assignment]

    def initialize(self, report: HealthReport) -> None:
        self.report = report

    async def get(self) -> None:
        self.set_header("Cache-Control", "no-store")  # live state: no proxy may answer from a cache
        self.write(await self.report())  # a dict: tornado sends it as JSON

    async def head(self) -> None:  # some uptime monitors only ask for the status
        await self.get()

    def compute_etag(self) -> None:
        return None  # no 304 for a monitor that sends If-None-Match: the state may have changed

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish()


class _NotFound(RequestHandler):
    def prepare(self) -> None:
        self.set_status(HTTPStatus.NOT_FOUND)
        self.finish()


class WebhookServer:
    """Serves ``/<path>`` on ``listen:port``, putting accepted updates on ``update_queue``, and ``/healthz``."""

    def __init__(self, *, bot: Any, update_queue: Any, path: str, secret: str, port: int,
                 listen: str = "0.0.0.0", health: HealthReport | None = None) -> None:
        if not secret:
            raise ValueError("the webhook needs a secret token")
        self.bot, self.update_queue, self.secret = bot, update_queue, secret
        self.path = "/" + path.strip("/")
        self.port, self.listen = port, listen
        self.rejections = _Rejections()
        routes: list[Any] = [(_path_pattern(self.path), _UpdateHandler, {"server": self})]
        if health is not None:
            routes.append((_path_pattern(HEALTH_PATH), _HealthHandler, {"report": health}))
        app = Application(routes, default_handler_class=_NotFound, log_function=lambda handler: None)
        self._http = HTTPServer(app, idle_connection_timeout=75, body_timeout=30, xheaders=False)
        self.running = False

    def start(self) -> None:
        self._http.listen(self.port, address=self.listen)
        self.running = True
        log.info("webhook server listening on port %d", self.port)

    async def stop(self) -> None:
        """Stop accepting connections and close open ones; undelivered updates Telegram sends again."""
        if not self.running:
            return
        self.running = False
        self._http.stop()
        await self._http.close_all_connections()


def _path_pattern(path: str) -> str:
    """The one path served, matched exactly (tornado anchors patterns at both ends)."""
    return re.escape(path)
