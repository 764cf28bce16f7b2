"""Running ``python -m bot run`` as a real process against the loopback Bot API emulator.

Shared by the start-up and memory benchmarks: they measure the deployed process as a
PaaS would start it, not an in-process approximation.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from emulator import BotApiEmulator  # noqa: E402

TOKEN = "123456789:AAF-bench_token-0123456789abcdefghijk"  # the shape @BotFather hands out

READY_MARK = "running; send SIGTERM"
READY_WAIT_SECONDS = 900


@dataclasses.dataclass
class ProcessFigures:
    ready_seconds: float
    peak_rss_mb: float
    answered: int


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the process's peak resident set size, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run_bot_process(knowledge_dir: Path, messages: int = 20, cache_dir: Path | None = None) -> ProcessFigures:
    """Start the bot, time it to ready, send ``messages`` questions, read peak RSS, stop it with SIGTERM.

    ``cache_dir``: the bot's CACHE_DIR, else the environment's or the default (data/cache). Knowledge other than
    the repository's wants a folder of its own: the embedding cache holds one knowledge's vectors, and a
    generated knowledge's build would rewrite the repository's, making its next start pay for it.
    """
    async with BotApiEmulator(TOKEN) as emu:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": emu.base_url,
               "KNOWLEDGE_DIR": str(knowledge_dir), "LOG_LEVEL": "INFO"}
        if cache_dir is not None:
            env["CACHE_DIR"] = str(cache_dir)
        env.pop("WEBHOOK_URL", None)
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
                                                       stderr=asyncio.subprocess.PIPE,
                                                       stdout=asyncio.subprocess.DEVNULL)
        try:
            ready = await _wait_ready(process, started)
            for n in range(messages):
                emu.user_message("how much does it cost" if n % 2 else "is ketamine addictive", chat_id=1000 + n)
            sent = await emu.wait_for_sent(messages, timeout=60)
            rss = peak_rss_mb(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)
    return ProcessFigures(ready, rss, len(sent))


async def _wait_ready(process: asyncio.subprocess.Process, started: float) -> float:
    assert process.stderr is not None
    while True:
        # A cold build of a large knowledge logs nothing for minutes while it embeds and fits.
        line = await asyncio.wait_for(process.stderr.readline(), READY_WAIT_SECONDS)
        if not line:
            raise RuntimeError("the bot exited before it was ready")
        if READY_MARK in line.decode(errors="replace"):
            asyncio.get_running_loop().create_task(_drain(process))
            return time.perf_counter() - started


async def _drain(process: asyncio.subprocess.Process) -> None:
    """Keep reading stderr so the bot never blocks on a full pipe."""
    assert process.stderr is not None
    while await process.stderr.readline():
        pass


def write_generated_knowledge(target: Path, entries: int) -> Path:
    """The repository's knowledge grown to ``entries`` FAQ entries (in faq/generated-NNN/<category>.yaml)."""
    import shutil

    from bot.knowledge.loader import load_knowledge

    shutil.copytree(ROOT / "knowledge", target)
    knowledge = load_knowledge(target)
    letters, vowels = "bcdfghjklmnprstvz", "aeiou"
    rows = []
    for n in range(entries - len(knowledge.entries)):
        base = knowledge.entries[n % len(knowledge.entries)]
        a = "".join(letters[(n // 17 ** k) % 17] + vowels[(n // 5 ** k) % 5] for k in range(3))
        b = "".join(letters[(n * 7 // 17 ** k) % 17] + vowels[(n * 3 // 5 ** k) % 5] for k in range(3))
        rows.append({"id": f"gen-{n}", "category": base.category, "question": f"{base.question} ({a} {b} {n})",
                     "phrasings": [f"{p} {a} {b} {n}" for p in base.phrasings[:8]],
                     "answer": base.answer, "related": [base.id, base.related[0]]})
    for start in range(0, len(rows), 500):  # knowledge files are capped at 2 MB each
        for category in sorted({row["category"] for row in rows[start:start + 500]}):  # file name = category
            path = target / "faq" / f"generated-{start // 500:03d}" / f"{category}.yaml"
            path.parent.mkdir(exist_ok=True)
            chunk = [row for row in rows[start:start + 500] if row["category"] == category]
            path.write_text(yaml.safe_dump({"entries": chunk}, sort_keys=False), encoding="utf-8")
    return target
