"""Start-up benchmark: process start to "ready" for ``python -m bot run``, and core import time.

Run directly (not collected by pytest):  python tests/perf/bench_startup.py [--runs N]
"Ready" is the bot's own log line after knowledge is loaded, the index built, handlers
registered and polling started against the loopback Bot API emulator.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time

from botprocess import ROOT, run_bot_process

TARGET_SECONDS = 1.5


def import_seconds(statement: str, runs: int) -> float:
    """Median wall time of a fresh interpreter running ``statement``."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], cwd=ROOT, check=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bare = import_seconds("pass", args.runs)
    core = import_seconds("import bot.decision, bot.knowledge.loader", args.runs)
    loaded = import_seconds("from bot.knowledge.loader import load_knowledge; from bot.decision import Responder; "
                            "Responder(load_knowledge('knowledge'))", args.runs)
    readies = [asyncio.run(run_bot_process(ROOT / "knowledge", messages=2)).ready_seconds for _ in range(args.runs)]
    print(f"{'measure':<44} {'seconds':>8}")
    print(f"{'bare interpreter':<44} {bare:>8.3f}")
    print(f"{'import the core (bot.decision, bot.knowledge.loader)':<44} {core - bare:>8.3f}")
    print(f"{'import + load knowledge + build index':<44} {loaded - bare:>8.3f}")
    print(f"{'python -m bot run to ready (median)':<44} {statistics.median(readies):>8.3f}")
    print(f"{'python -m bot run to ready (worst)':<44} {max(readies):>8.3f}")
    verdict = "ok" if statistics.median(readies) <= TARGET_SECONDS else "MISSED"
    print(f"\n{verdict}: start-up to ready {statistics.median(readies):.2f} s median over {args.runs} runs "
          f"(target <= {TARGET_SECONDS} s), core import {core - bare:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
