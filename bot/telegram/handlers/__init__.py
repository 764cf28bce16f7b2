"""Handlers split by concern: messages, commands, buttons, admin, escalation, errors.

Each is a plain ``async def handler(update, context)``; what they share is
:class:`bot.telegram.services.Services`, found through ``services_of(context)``.
"""
