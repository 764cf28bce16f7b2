"""End-to-end benchmark: the real Application on the loopback emulator, next to a bare echo bot.

Run directly (not collected by pytest):  python tests/perf/bench_e2e.py [--chats 200 --per-chat 5]

Both bots use the same PTB settings (rate limiter with pacing off, the chat-ordered update
processor, HTML defaults) and the same emulator in the same run; the echo bot has no logic,
so the difference between the two is the bot's own work. Each configuration gets a burst of
``chats x per-chat`` messages and is timed until every reply has arrived.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import logging
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.constants import ParseMode  # noqa: E402
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults, MessageHandler, filters  # noqa: E402

from bot.runtime.store import ResponderStore  # noqa: E402
from bot.telegram.app import CONNECTION_POOL_SIZE, build_application  # noqa: E402
from bot.telegram.delivery import DEFAULT_POLICY, PriorityRateLimiter  # noqa: E402
from bot.telegram.lifecycle import start_receiving, stop_receiving  # noqa: E402
from bot.telegram.processing import ChatOrderedProcessor  # noqa: E402
from bot.telegram.settings import Settings  # noqa: E402
from tests.emulator import BotApiEmulator  # noqa: E402

TOKEN = "123456789:AAF-bench_e2e-0123456789abcdefghijklm"
NO_PACING = {"overall_max_rate": 0, "group_max_rate": 0}
MESSAGES = ["how much does it cost", "is ketamine addictive", "what is spravato", "can i drive home after",
            "how many sessions will i need"]


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(html.escape(update.effective_message.text or "-"))


def echo_bot(emu: BotApiEmulator, concurrency: int) -> Application:
    app = (ApplicationBuilder().token(TOKEN).base_url(emu.base_url).connection_pool_size(CONNECTION_POOL_SIZE)
           .rate_limiter(PriorityRateLimiter(policy=DEFAULT_POLICY, **NO_PACING))
           .concurrent_updates(ChatOrderedProcessor(concurrency))
           .defaults(Defaults(parse_mode=ParseMode.HTML)).build())
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


def faq_bot(emu: BotApiEmulator, concurrency: int) -> Application:
    settings = Settings(token=TOKEN, base_url=emu.base_url)
    return build_application(settings, ResponderStore(ROOT / "knowledge"), limits=NO_PACING, concurrency=concurrency)


async def burst(make: Callable[[BotApiEmulator, int], Application], concurrency: int, chats: int,
                per_chat: int) -> tuple[float, float, float]:
    """Updates per second, and p50/p99 reply latency in ms, for one burst."""
    async with BotApiEmulator(token=TOKEN) as emu:
        app = make(emu, concurrency)
        settings = Settings(token=TOKEN, base_url=emu.base_url)
        await app.initialize()
        server = await start_receiving(app, settings, listen="127.0.0.1", poll_timeout=1)
        await app.start()
        try:
            pushed: list[float] = []
            started = time.perf_counter()
            for round_ in range(per_chat):
                for chat in range(chats):
                    emu.user_message(MESSAGES[(chat + round_) % len(MESSAGES)], chat_id=10_000 + chat)
                    pushed.append(time.perf_counter())
            arrived = await _arrivals(emu, chats * per_chat)
            elapsed = time.perf_counter() - started
        finally:
            await stop_receiving(app, server)
            await app.stop()
            await app.shutdown()
    latencies = sorted((a - p) * 1000 for a, p in zip(arrived, pushed, strict=False))
    return len(arrived) / elapsed, statistics.median(latencies), latencies[int(0.99 * (len(latencies) - 1))]


async def _arrivals(emu: BotApiEmulator, expected: int) -> list[float]:
    """Arrival time of each reply, in order of arrival (matched to pushes in order, a fair proxy)."""
    times: list[float] = []
    deadline = time.perf_counter() + 120
    while len(times) < expected and time.perf_counter() < deadline:
        count = len(emu.sent_messages)
        now = time.perf_counter()
        times.extend([now] * (count - len(times)))
        await asyncio.sleep(0.001)
    return times


async def main(args: argparse.Namespace) -> int:
    logging.disable(logging.CRITICAL)
    print(f"burst: {args.chats} chats x {args.per_chat} messages = {args.chats * args.per_chat} updates\n")
    print(f"{'bot':<10} {'concurrent':>10} {'updates/s':>10} {'p50 ms':>9} {'p99 ms':>9}")
    results = {}
    for name, make in (("echo", echo_bot), ("faq bot", faq_bot)):
        for label, concurrency in (("off", 1), ("on", 4096)):
            rate, p50, p99 = await burst(make, concurrency, args.chats, args.per_chat)
            results[(name, label)] = rate
            print(f"{name:<10} {label:>10} {rate:>10.0f} {p50:>9.1f} {p99:>9.1f}")
    share = results[("faq bot", "on")] / results[("echo", "on")]
    verdict = "ok" if share >= 0.8 else "MISSED"
    print(f"\n{verdict}: the FAQ bot reaches {share:.0%} of the echo bot's updates/s with concurrent updates on "
          f"(target >= 80%); off: {results[('faq bot', 'off')] / results[('echo', 'off')]:.0%}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--per-chat", type=int, default=5)
    sys.exit(asyncio.run(main(parser.parse_args())))
