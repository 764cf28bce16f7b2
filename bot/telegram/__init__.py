"""Telegram shell: python-telegram-bot v22 handlers, formatting, delivery, webhook and settings.

A shell around the core: it decides *whether* to answer and how to send; what to answer comes
from ``bot.decision``. Only this package imports python-telegram-bot.

    app.py        the Application: handlers registered, delivery and ordering wired in
    lifecycle.py  taking updates (polling or webhook) and a graceful stop
    services.py   what the handlers share (settings, live knowledge, chat memory, counters, send)
    handlers/     messages, commands, buttons, admin, escalation, errors
    format.py     decisions as Telegram HTML messages and inline keyboards
    delivery.py   the one retry policy and the rate limiter with its urgent lane
    processing.py chat-ordered concurrency, crisis first
    webhook.py    the webhook server (secret checked first, bounded bodies) and GET /healthz
    settings.py   settings from the environment, logging with secrets redacted
"""

from bot.telegram.app import build_application
from bot.telegram.lifecycle import run, serve

__all__ = ["build_application", "run", "serve"]
