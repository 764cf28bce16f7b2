"""The terminal chat: the same decisions as on Telegram, with buttons shown as numbers.

Typing a number picks the matching suggestion from the previous reply, the way a
button press would on Telegram. ``/region`` lists the regions and ``/region UK`` picks one,
where Telegram shows buttons. Works interactively and piped (no prompts then).
"""

from __future__ import annotations

import dataclasses
import sys
from typing import TextIO

from bot.decision import CRISIS, ChatContext, Decision, Responder
from bot.runtime.chat_state import ChatStates

TERMINAL_CHAT_ID = 0
COMMANDS_HELP = "Commands: /topics, /crisis, /region [CODE], /help, /quit. Or type your question."


class TerminalChat:
    """One terminal conversation: its chat memory and the suggestions last offered."""

    def __init__(self, responder: Responder, out: TextIO, region: str | None = None,
                 default_region: str | None = None) -> None:
        self.responder = responder
        self.out = out
        self.default_region = default_region  # DEFAULT_REGION, as the Telegram bot has it
        self.states = ChatStates(responder.knowledge.crisis.sticky_hours)
        if region:
            self.states.choose_region(TERMINAL_CHAT_ID, region.upper())
        self.suggestions: list[str] = []

    def handle(self, line: str) -> None:
        text = line.strip()
        context = self.context()
        knowledge = self.responder.knowledge
        command, _, argument = text.partition(" ")
        if text.isdecimal() and self.suggestions:  # isdigit() would admit "²", which int() refuses
            number = int(text)
            if 0 < number <= len(self.suggestions):
                self.show(self.responder.decide_entry(self.suggestions[number - 1], context))
            else:
                self.say(f"Pick 1-{len(self.suggestions)}, or type a question.")
        elif text in ("/start", "/help"):
            self.say(getattr(knowledge.texts, text[1:]) + "\n\n" + self.responder.footer_text(context))
        elif text == "/topics":
            self.show_topics()
        elif text == "/crisis":
            self.say(self.responder.crisis_text(context))
        elif command == "/region":
            self.region(argument.strip())
        else:
            decision = self.responder.decide(text, context)
            if decision.kind == CRISIS:
                self.states.mark_escalated(TERMINAL_CHAT_ID)
                self.show(decision)
            elif text.startswith("/"):  # a command we do not have: not a question to answer
                self.say(f"Unknown command {command}. {COMMANDS_HELP}")
            else:
                self.show(decision)

    def region(self, code: str) -> None:
        """``/region``: the regions and the current one; ``/region UK``: choose one (as Telegram's buttons do)."""
        policy = self.responder.knowledge.crisis
        codes = ", ".join(policy.regions)
        if not code:
            current = policy.region(self.context().region or self.default_region)
            lines = [f"  {region.code:<5} {region.name}" for region in policy.regions.values()]
            self.say(f"Crisis lines now: {current.name} ({current.code}). Choose with /region CODE:\n"
                     + "\n".join(lines))
        elif code.upper() not in policy.regions:
            self.say(f"Unknown region {code!r}. Choose one of {codes}, e.g. /region {next(iter(policy.regions))}.")
        else:
            self.states.choose_region(TERMINAL_CHAT_ID, code.upper())
            self.say(f"Crisis lines set to {policy.region(code).name}.\n{self.responder.footer_text(self.context())}")

    def context(self) -> ChatContext:
        return dataclasses.replace(self.states.context(TERMINAL_CHAT_ID), default_region=self.default_region)

    def show(self, decision: Decision) -> None:
        by_id = self.responder.knowledge.by_id
        self.suggestions = list(decision.options or decision.related)
        text = decision.reply
        if decision.related and not decision.options:
            heading = self.responder.knowledge.texts.related_heading
            text += f"\n\n{heading}\n" + "\n".join(
                f"  {n}. {by_id[i].question}" for n, i in enumerate(decision.related, 1) if i in by_id)
        self.say(text)

    def show_topics(self) -> None:
        knowledge = self.responder.knowledge
        self.suggestions = []
        lines = []
        for category in knowledge.categories:
            lines.append(f"{category.title}:")
            for entry in knowledge.in_category(category.id):
                self.suggestions.append(entry.id)
                lines.append(f"  {len(self.suggestions)}. {entry.question}")
        self.say("\n".join(lines) + "\n\nType a number to read an answer.")

    def say(self, text: str) -> None:
        print(text, file=self.out, end="\n\n", flush=True)


def run_chat(responder: Responder, region: str | None = None, stdin: TextIO = sys.stdin,
             out: TextIO = sys.stdout, default_region: str | None = None) -> int:
    """Read messages until end of input or /quit; prompts only when a person is typing."""
    chat = TerminalChat(responder, out, region, default_region)
    interactive = stdin.isatty()
    if interactive:
        chat.say(responder.knowledge.texts.start + "\n(/topics, /crisis, /region, /help, /quit to leave)")
    while True:
        if interactive:
            print("you> ", end="", file=out, flush=True)
        line = stdin.readline()
        if not line or line.strip() in ("/quit", "/exit"):
            return 0
        if line.strip():
            chat.handle(line)
