"""Running the Application: taking updates (polling or webhook), and a graceful stop.

On SIGTERM/SIGINT the bot stops taking updates, finishes the ones it has (answered, not
dropped), and exits 0. Polling confirms fetched updates to Telegram only once they are queued
here, and the queue is drained before exit; in webhook mode a delivery that was not answered
200 is sent again by Telegram, to the next instance.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram.error import Conflict, InvalidToken, TelegramError
from telegram.ext import Application

from bot.runtime.health import DatabaseProbe
from bot.runtime.store import ResponderStore
from bot.telegram.app import ALLOWED_UPDATES, build_application, post_init, post_stop
from bot.telegram.services import SERVICES_KEY, Services
from bot.telegram.settings import Settings
from bot.telegram.webhook import WebhookServer

log = logging.getLogger("bot.telegram")

POLL_TIMEOUT = 10  # seconds a long poll waits at Telegram for updates


def announce_log_policy(settings: Settings) -> None:
    """Warn loudly, at start, when people's messages will be logged."""
    if settings.log_message_text:
        log.warning("!" * 72)
        log.warning("LOG_MESSAGE_TEXT=1: people's messages WILL be written to the log. They are sensitive")
        log.warning("health data. Use this only for local debugging, never in production.")
        log.warning("!" * 72)


def _polling_error(exc: TelegramError) -> None:
    """One line per failed poll instead of PTB's traceback; PTB keeps retrying with backoff (1 s to 30 s)."""
    if isinstance(exc, Conflict):
        log.error("another instance is polling with this token (Conflict): run exactly one")
    else:
        log.warning("polling for updates failed (%s); retrying", type(exc).__name__)


async def start_receiving(app: Application, settings: Settings, *, listen: str = "0.0.0.0",
                          poll_timeout: float = POLL_TIMEOUT) -> WebhookServer | None:
    """Start taking updates: long polling, or the webhook server plus ``setWebhook``."""
    if not settings.webhook_mode:
        assert app.updater is not None
        # bootstrap_retries=0: deleteWebhook already goes through the retry policy
        await app.updater.start_polling(timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES, bootstrap_retries=0,
                                        error_callback=_polling_error)
        return None
    services: Services = app.bot_data[SERVICES_KEY]
    server = WebhookServer(bot=app.bot, update_queue=app.update_queue, path=settings.webhook_path,
                           secret=settings.webhook_secret, port=settings.port, listen=listen,
                           health=services.health.report)
    server.start()
    try:
        await app.bot.set_webhook(settings.webhook_url or "", allowed_updates=ALLOWED_UPDATES,
                                  secret_token=settings.webhook_secret)
    except BaseException:
        await server.stop()
        raise
    return server


async def stop_receiving(app: Application, server: WebhookServer | None) -> None:
    """Stop taking updates (and watching the knowledge folder); what was taken stays queued for ``stop``."""
    services = app.bot_data.get(SERVICES_KEY)
    if isinstance(services, Services):
        services.stop_watching()
    if server is not None:
        await server.stop()
    if app.updater is not None and app.updater.running:
        await app.updater.stop()  # polling: one last getUpdates confirms what was queued


async def serve(app: Application, settings: Settings, stop: asyncio.Event, *, listen: str = "0.0.0.0",
                poll_timeout: float = POLL_TIMEOUT) -> None:
    """Run the bot until ``stop`` is set, then shut down gracefully.

    Start: ``getMe`` (retried by the policy), the command list, taking updates, processing.
    Stop: no new updates are taken; updates already taken, queued or in progress, are answered
    (``Application.stop`` drains the queue and waits for handlers and their tasks); then exit.
    A stop during start-up aborts the start-up.
    """
    server: WebhookServer | None = None

    async def start() -> None:
        nonlocal server
        await app.initialize()
        await post_init(app)
        server = await start_receiving(app, settings, listen=listen, poll_timeout=poll_timeout)
        await app.start()

    starting = asyncio.ensure_future(start())
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            log.info("stop requested during start-up")
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
        else:
            starting.result()  # start-up errors propagate
            log.info("running; send SIGTERM or SIGINT to stop")
            await stopping
            log.info("stopping: no new updates; finishing %d update(s) in progress",
                     app.update_queue.qsize() + _in_progress(app))
    finally:
        stopping.cancel()
        await stop_receiving(app, server)
        if app.running:
            await app.stop()
        await post_stop(app)
        await app.shutdown()  # a no-op if initialize() never succeeded
    log.info("stopped cleanly")


def _in_progress(app: Application) -> int:
    processor = app.update_processor
    return processor.current_concurrent_updates


def run(settings: Settings, store: ResponderStore, database: DatabaseProbe | None = None) -> int:
    """Run until SIGINT/SIGTERM: webhook mode when ``WEBHOOK_URL`` is set, else long polling.

    ``database`` is the storage layer's reachability probe for the health check, when there is one.
    """
    announce_log_policy(settings)
    app = build_application(settings, store, database=database)
    log.info("starting in %s mode", f"webhook (port {settings.port})" if settings.webhook_mode else "polling")

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, _on_signal, stop, sig)
        await serve(app, settings, stop)

    try:
        asyncio.run(main())
    except InvalidToken:
        log.error("Telegram rejected TELEGRAM_BOT_TOKEN: check it with @BotFather (/mybots -> API Token)")
        return 2
    except TelegramError as exc:  # still unreachable after the retries: let the platform restart us
        log.error("could not reach the Telegram Bot API at start-up (%s); exiting", type(exc).__name__)
        return 1
    except OSError as exc:  # e.g. the webhook port is taken
        log.error("could not start: %s", exc)
        return 1
    return 0


def _on_signal(stop: asyncio.Event, sig: signal.Signals) -> None:
    if stop.is_set():
        log.warning("%s again: still finishing the updates in progress", sig.name)
        return
    log.info("%s received", sig.name)
    stop.set()
