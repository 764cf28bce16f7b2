"""Storage benchmark: what the database costs per update, next to the bot without one, in one run.

Run directly (not collected by pytest):  python tests/perf/bench_storage.py [--chats 100 --per-chat 5]

Part 1, end to end: the real Application on the loopback emulator gets a burst of ``chats x
per-chat`` messages (FAQ questions, a question it cannot answer, with the unanswered inbox on),
first with no database, then on SQLite, then on a real PostgreSQL (started like the tests'). Each
is timed until every reply arrived; the writes happen behind the replies, so "then written" is
how long after the last reply the database held everything.

Part 2, the pieces: one chat-state read (what every update waits for, at most 100 ms), and one
update's worth of writes (a chat change, the counters, an inbox row) in the batches the writer
commits, averaged over many.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.decision import ChatContext  # noqa: E402
from bot.runtime.chat_state import ChatStates  # noqa: E402
from bot.runtime.keeper import StateKeeper  # noqa: E402
from bot.runtime.store import ResponderStore  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from bot.storage.url import parse_database_url  # noqa: E402
from bot.telegram.app import build_application, post_init, post_stop  # noqa: E402
from bot.telegram.lifecycle import start_receiving, stop_receiving  # noqa: E402
from bot.telegram.services import SERVICES_KEY  # noqa: E402
from bot.telegram.settings import Settings  # noqa: E402
from tests.emulator import BotApiEmulator  # noqa: E402
from tests.support.postgres import PostgresServer, PostgresUnavailable  # noqa: E402

TOKEN = "123456789:AAF-bench_storage-0123456789abcdefghi"
NO_PACING = {"overall_max_rate": 0, "group_max_rate": 0}
MESSAGES = ["how much does it cost", "is ketamine addictive", "is there wifi in the infusion room",
            "can i drive home after", "how many sessions will i need"]
SECRET = "bench-state-secret-0123456789abcdef"


async def burst(store: ResponderStore, url: str | None, chats: int, per_chat: int) -> tuple[float, float, float, float]:
    """Updates/s, p50 and p99 reply latency (ms), and seconds from the last reply until all was written."""
    async with BotApiEmulator(token=TOKEN) as emu:
        settings = Settings(token=TOKEN, base_url=emu.base_url, database_url=url, state_secret=SECRET,
                            unanswered_retention_days=30)
        app = build_application(settings, store, limits=NO_PACING)
        await app.initialize()
        await post_init(app)
        server = await start_receiving(app, settings, listen="127.0.0.1", poll_timeout=1)
        await app.start()
        keeper = app.bot_data[SERVICES_KEY].keeper
        try:
            pushed: list[float] = []
            started = time.perf_counter()
            for round_ in range(per_chat):
                for chat in range(chats):
                    emu.user_message(MESSAGES[(chat + round_) % len(MESSAGES)], chat_id=10_000 + chat,
                                     user_id=10_000 + chat)
                    pushed.append(time.perf_counter())
            arrived = await _arrivals(emu, chats * per_chat)
            elapsed = time.perf_counter() - started
            replied = time.perf_counter()
            if url is not None:
                while not await keeper.writes.flush(30):
                    await asyncio.sleep(0.01)
            written = time.perf_counter() - replied
        finally:
            await stop_receiving(app, server)
            await app.stop()
            await post_stop(app)
            await app.shutdown()
    latencies = sorted((a - p) * 1000 for a, p in zip(arrived, pushed, strict=False))
    return (len(arrived) / elapsed, statistics.median(latencies), latencies[int(0.99 * (len(latencies) - 1))],
            written)


async def _arrivals(emu: BotApiEmulator, expected: int) -> list[float]:
    times: list[float] = []
    deadline = time.perf_counter() + 180
    while len(times) < expected and time.perf_counter() < deadline:
        count = len(emu.sent_messages)
        times.extend([time.perf_counter()] * (count - len(times)))
        await asyncio.sleep(0.001)
    return times


async def pieces(store: ResponderStore, url: str, updates: int) -> tuple[float, float]:
    """Mean ms of one chat-state read, and of one update's writes (committed in batches of 50)."""
    counts: Counter[str] = Counter()
    keeper = StateKeeper(ChatStates(24), Database(parse_database_url(url)), secret=SECRET.encode(),
                         retention_days=30, counters=lambda: counts)
    await keeper.start()
    responder = store.current
    unanswered = responder.decide("is there wifi in the infusion room")
    try:
        started = time.perf_counter()
        for n in range(updates):
            await keeper.context(50_000 + n, "en", "US")
        read = (time.perf_counter() - started) / updates
        writing = 0.0
        for n in range(updates):
            keeper.choose_region(50_000 + n, "UK")
            counts["messages"] += 1
            counts["fallback"] += 1
            keeper.unanswered("is there wifi in the infusion room", unanswered, ChatContext(), responder.knowledge)
            if n % 50 == 49:
                started = time.perf_counter()
                assert await keeper.writes.flush(30)
                writing += time.perf_counter() - started
    finally:
        await keeper.stop()
    return read * 1000, writing / updates * 1000


async def main(args: argparse.Namespace) -> int:
    logging.disable(logging.CRITICAL)
    store = ResponderStore(ROOT / "knowledge")
    scratch = Path(__import__("tempfile").mkdtemp(prefix="bench-storage-"))
    targets: list[tuple[str, str | None]] = [("no database", None), ("SQLite", f"sqlite:///{scratch / 'e2e.db'}")]
    server = None
    try:
        server = PostgresServer()
        server.start()
        targets.append(("PostgreSQL", await asyncio.to_thread(server.new_database)))
    except (PostgresUnavailable, OSError) as exc:
        print(f"(PostgreSQL skipped: {exc})")
    try:
        updates = args.chats * args.per_chat
        print(f"burst: {args.chats} chats x {args.per_chat} messages = {updates} updates, inbox on\n")
        print(f"{'database':<12} {'updates/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'then written':>13} "
              f"{'per update':>11}")
        base = None
        for name, url in targets:
            rate, p50, p99, written = await burst(store, url, args.chats, args.per_chat)
            base = base or rate
            extra = (1 / rate - 1 / base) * 1000
            print(f"{name:<12} {rate:>10.0f} {p50:>8.1f} {p99:>8.1f} {written * 1000:>10.0f} ms "
                  f"{extra:>+8.2f} ms")
        print(f"\n{'database':<12} {'read ms':>8} {'writes ms/update':>17}")
        summary = []
        for name, url in targets[1:]:
            url = f"sqlite:///{scratch / 'pieces.db'}" if name == "SQLite" else await asyncio.to_thread(
                server.new_database)  # type: ignore[union-attr]
            read, write = await pieces(store, url, args.pieces)
            summary.append(f"{name} read {read:.2f} ms, writes {write:.2f} ms/update")
            print(f"{name:<12} {read:>8.2f} {write:>17.2f}")
        print(f"\nok: replies never wait for writes; {'; '.join(summary)} (reads wait at most 100 ms)")
    finally:
        if server is not None:
            server.remove()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--per-chat", type=int, default=5)
    parser.add_argument("--pieces", type=int, default=500, help="updates for part 2")
    sys.exit(asyncio.run(main(parser.parse_args())))
