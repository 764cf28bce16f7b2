"""Load test: simulated users chatting with the real bot through the loopback Bot API emulator.

Run directly (not collected by pytest):

    python tests/perf/load_test.py                     # 500 users x 5 messages, production flood limits
    python tests/perf/load_test.py --no-flood-limit    # the same without the 30 messages/s pacing
    python tests/perf/load_test.py --users 50 --messages 3

Every user writes a message, waits for the bot's reply, writes the next (a closed loop; all users
start at once unless ``--ramp`` spreads them). The bot is the production one: ``build_application``
and ``serve`` (long polling, the retry policy, ``AIORateLimiter`` pacing at Telegram's 30
messages a second unless ``--no-flood-limit``), in this process next to the emulator, so the
figures include the emulator's own work and its share of the CPU.

Prints: how many messages were answered (each exactly once), reply latency p50/p99 (from the
user's message to the last part of its reply), updates processed per second, and the peak RSS of
the process (bot and emulator together); ends with one summary line.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.decision import ChatContext, Responder  # noqa: E402
from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.runtime.store import ResponderStore  # noqa: E402
from bot.telegram import format as fmt  # noqa: E402
from bot.telegram.app import build_application  # noqa: E402
from bot.telegram.lifecycle import serve  # noqa: E402
from bot.telegram.settings import Settings  # noqa: E402
from tests.emulator import BotApiEmulator  # noqa: E402

TOKEN = "123456789:AAF-load_test-0123456789abcdefghijk"
FIRST_CHAT = 2_000_000
MESSAGES = ["how much does it cost", "is ketamine therapy safe?", "what is spravato", "does insurance cover it",
            "how many sessions will i need", "hello", "thanks", "can i drive home after an infusion",
            "what is the capital of peru", "is it addictive", "i want to kill myself"]
CRISIS_SHARE = 0.02


class Replies:
    """One task follows the emulator's sent messages and wakes the user waiting in that chat."""

    def __init__(self, emu: BotApiEmulator) -> None:
        self.emu = emu
        self.counts: dict[int, int] = {}
        self.waiting: dict[int, tuple[int, asyncio.Future[float]]] = {}
        self.seen = 0

    def expect(self, chat_id: int, total: int) -> asyncio.Future[float]:
        """A future resolved with the time when ``chat_id`` has received ``total`` messages."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[chat_id] = (total, future)
        self._settle(chat_id)
        return future

    def _settle(self, chat_id: int) -> None:
        wanted = self.waiting.get(chat_id)
        if wanted is not None and self.counts.get(chat_id, 0) >= wanted[0]:
            del self.waiting[chat_id]
            wanted[1].set_result(time.perf_counter())

    async def follow(self) -> None:
        while True:
            await self.emu.wait_for_sent(self.seen + 1, timeout=3600)
            records = self.emu.sent_messages[self.seen:]
            self.seen += len(records)
            for record in records:
                chat_id = record["chat_id"]
                self.counts[chat_id] = self.counts.get(chat_id, 0) + 1
                self._settle(chat_id)


def parts(responder: Responder, text: str, flagged: bool) -> int:
    """How many Telegram messages the reply to ``text`` has."""
    decision = responder.decide(text, ChatContext(flagged=flagged, language="en"))
    return len(fmt.format_decision(decision, responder.knowledge))


async def user(n: int, args: argparse.Namespace, emu: BotApiEmulator, replies: Replies, responder: Responder,
               latencies: list[float]) -> tuple[int, int]:
    """Chat with the bot; return the chat id and how many messages the bot should have sent it."""
    rng = random.Random(n)
    chat_id = FIRST_CHAT + n
    await asyncio.sleep(args.ramp * n / max(args.users, 1))
    expected, flagged = 0, False
    for _ in range(args.messages):
        text = MESSAGES[-1] if rng.random() < CRISIS_SHARE else rng.choice(MESSAGES[:-1])
        expected += parts(responder, text, flagged)
        flagged = flagged or text == MESSAGES[-1]
        started = time.perf_counter()
        emu.user_message(text, chat_id=chat_id, user_id=chat_id)
        answered = await asyncio.wait_for(replies.expect(chat_id, expected), args.timeout)
        latencies.append(answered - started)
        if args.think:
            await asyncio.sleep(rng.uniform(0, 2 * args.think))
    return chat_id, expected


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    knowledge = ROOT / "knowledge"
    responder = Responder(load_knowledge(knowledge))
    async with BotApiEmulator(token=TOKEN) as emu:
        settings = Settings(token=TOKEN, base_url=emu.base_url)
        limits = {"overall_max_rate": 0, "group_max_rate": 0} if args.no_flood_limit else None
        app = build_application(settings, ResponderStore(knowledge, responder), limits=limits)
        stop = asyncio.Event()
        bot = asyncio.create_task(serve(app, settings, stop, listen="127.0.0.1"))
        await emu.wait_for_calls("getUpdates", timeout=30)
        replies = Replies(emu)
        follower = asyncio.create_task(replies.follow())
        latencies: list[float] = []
        started = time.perf_counter()
        results = await asyncio.gather(*(user(n, args, emu, replies, responder, latencies)
                                         for n in range(args.users)), return_exceptions=True)
        elapsed = time.perf_counter() - started
        await asyncio.sleep(0.5)  # a reply sent twice would arrive now
        stop.set()
        await bot
        follower.cancel()
        failed = [r for r in results if isinstance(r, BaseException)]
        expected = dict(r for r in results if not isinstance(r, BaseException))
        duplicates = sum(1 for chat, count in replies.counts.items() if count > expected.get(chat, count))
        sent = len(emu.sent_messages)

    total = args.users * args.messages
    answered = len(latencies)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    p50, p99 = (percentile(latencies, 0.5), percentile(latencies, 0.99)) if latencies else (float("nan"),) * 2
    mode = "no flood limit" if args.no_flood_limit else "flood limit 30 msg/s"
    print(f"users x messages:  {args.users} x {args.messages} = {total} ({mode})")
    print(f"answered:          {answered} of {total}; {sent} Telegram messages sent; "
          f"{len(failed)} user(s) timed out; {duplicates} chat(s) with extra messages")
    print(f"reply latency:     p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
          if latencies else "reply latency:     n/a")
    print(f"throughput:        {answered / elapsed:.1f} updates/s over {elapsed:.1f} s "
          f"(mean latency {statistics.mean(latencies) * 1000:.0f} ms)" if latencies else "throughput: n/a")
    print(f"peak RSS:          {rss_mb:.0f} MB (bot and emulator in one process)")
    ok = answered == total and not failed and not duplicates
    print(f"load: {'OK' if ok else 'FAILED'} {answered}/{total} answered, p50 {p50 * 1000:.0f} ms, "
          f"p99 {p99 * 1000:.0f} ms, {answered / elapsed:.1f} updates/s, peak RSS {rss_mb:.0f} MB ({mode})")
    return 0 if ok else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--messages", type=int, default=5, help="messages per user")
    parser.add_argument("--ramp", type=float, default=0.0, help="seconds over which users start (default: at once)")
    parser.add_argument("--think", type=float, default=0.0, help="mean pause between a reply and the next message")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds a user waits for one reply")
    parser.add_argument("--no-flood-limit", action="store_true", help="turn off the 30 messages/s pacing")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
