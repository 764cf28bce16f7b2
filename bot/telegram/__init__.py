"""Telegram shell: python-telegram-bot v22 handlers, formatting, delivery, webhook and settings.

A shell around the core: it decides *whether* to answer and how to send; what to answer comes
from ``bot.decision``. Only this package imports python-telegram-bot.
"""
