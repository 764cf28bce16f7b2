"""``chat`` and ``ask``: the bot's decisions in a terminal conversation, or one per input line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence

from bot.cli.common import default_region_or_exit, region_or_exit, responder_or_exit
from bot.console.explain import explain
from bot.console.terminal import run_chat
from bot.decision import ChatContext
from bot.knowledge.location import knowledge_dir


def _messages(texts: Sequence[str]) -> Iterable[str]:
    """Arguments when given, else one message per stdin line (blank lines are messages too)."""
    if texts:
        yield from texts
        return
    for line in sys.stdin:
        yield line.rstrip("\r\n")


def command_ask(args: argparse.Namespace) -> int:
    responder = responder_or_exit(knowledge_dir(args.knowledge))
    context = ChatContext(region=region_or_exit(responder, args.region, "--region"),
                          default_region=default_region_or_exit(responder))
    for text in _messages(args.text):
        if args.explain:
            print(explain(responder, text, context), flush=True)
            continue
        decision = responder.decide(text, context)
        if args.json:
            print(json.dumps(decision.as_json(), ensure_ascii=False), flush=True)
        else:
            label = decision.id or ",".join(decision.options) or "-"
            print(f"{decision.kind}\t{label}\t{decision.score:.1f}", flush=True)
    return 0


def command_chat(args: argparse.Namespace) -> int:
    responder = responder_or_exit(knowledge_dir(args.knowledge))
    return run_chat(responder, region=region_or_exit(responder, args.region, "--region"),
                    default_region=default_region_or_exit(responder))


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    chat = commands.add_parser("chat", parents=[common], help="talk to the bot in this terminal; no token needed")
    chat.add_argument("--region", help="hotline region code from crisis.yaml (e.g. US, UK or GB, NZ, IN, INTL)")
    chat.set_defaults(handler=command_chat)

    ask = commands.add_parser("ask", parents=[common],
                              help="print the decision for each message (arguments, else stdin lines)")
    ask.add_argument("text", nargs="*", help="messages; when none, one per stdin line")
    output = ask.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="one JSON object per message: kind, id, options, "
                                                             "score, reply, topic, category, layer, language")
    output.add_argument("--explain", action="store_true", help="show normalised text, top entries and what "
                                                                "matched")
    ask.add_argument("--region", help="hotline region code for crisis replies")
    ask.set_defaults(handler=command_ask)
