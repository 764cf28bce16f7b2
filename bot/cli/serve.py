"""``run``: the Telegram bot, with its settings from the environment.

python-telegram-bot is imported only when ``run`` runs: the other commands start faster without it.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

from bot.cli import environment
from bot.cli.common import region_or_exit, responder_or_exit
from bot.knowledge.location import knowledge_dir


def command_run(args: argparse.Namespace) -> int:
    from bot.telegram.settings import ConfigError, configure_logging, load_settings  # Telegram only for `run`

    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings)
    directory = knowledge_dir(args.knowledge)
    responder = responder_or_exit(directory)
    settings = dataclasses.replace(settings, default_region=region_or_exit(responder, settings.default_region,
                                                                          "DEFAULT_REGION"))

    from bot.runtime.store import ResponderStore
    from bot.telegram.lifecycle import run

    return run(settings, ResponderStore(directory, responder))


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    run = commands.add_parser("run", parents=[common], help="run the Telegram bot (token from TELEGRAM_BOT_TOKEN)",
                              description="Run the Telegram bot: long polling, or a webhook server when WEBHOOK_URL\n"
                                          "is set. Settings come from the environment.",
                              epilog=environment.help_text(), formatter_class=argparse.RawDescriptionHelpFormatter)
    run.set_defaults(handler=command_run)
