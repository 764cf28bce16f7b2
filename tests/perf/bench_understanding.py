"""Understanding's cost: lexical-only against the full decision (both views and the fusion), in one run.

Run directly (not collected by pytest):  python tests/perf/bench_understanding.py [--quick]

Measured through the real interface, ``python -m bot ask --json`` as a subprocess fed one line at
a time (each message's round trip through the pipe is timed), for two copies of the repository's
knowledge that differ only in ``matching.lexical_only``:

* per-message latency, p50 / p99 / max, ordinary messages and long ones (over 1,000 characters)
  reported apart;
* first answer after start: a fresh process until its first JSON line, with the cache warm and
  with an empty cache (an ephemeral PaaS disk after a deploy);
* peak resident memory of the process (VmHWM);
* the installed size of the runtime dependencies (what a PaaS slug carries), from this venv.

Targets (the understanding issue): 3 ms a message, p99 10 ms, first answer 2 s warm / 10 s cold,
250 MB resident, 400 MB installed. Figures come from one run on one (shared, noisy) machine.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SETS = [ROOT / "tests" / "data" / "tuning_r10.yaml", ROOT / "tests" / "data" / "holdout.yaml"]
TARGETS = {"mean_ms": 3.0, "p99_ms": 10.0, "warm_s": 2.0, "cold_s": 10.0, "rss_mb": 250.0, "installed_mb": 400.0}


def messages(quick: bool) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    for path in SETS:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += [item["q"] for item in data.get("faq", [])] + list(data.get("out_of_scope", []))
    short = [t for t in texts if len(t) <= 1000]
    story = ("My brother has lived with depression for most of his adult life and we have tried medicines, "
             "talking therapy and time off work. Nothing lasted. ")
    long = [story * (n % 6 + 8) + question for n, question in enumerate(short[:40])]
    return (short[:150], long[:10]) if quick else (short, long)


def knowledge_copy(workdir: Path, lexical_only: bool) -> Path:
    target = workdir / ("lexical" if lexical_only else "full") / "knowledge"
    shutil.copytree(ROOT / "knowledge", target)
    settings = target / "settings.yaml"
    settings.write_text(re.sub(r"lexical_only: \w+", f"lexical_only: {str(lexical_only).lower()}",
                               settings.read_text(encoding="utf-8")), encoding="utf-8")
    return target


class AskProcess:
    """``python -m bot ask --json`` reading stdin line by line."""

    def __init__(self, knowledge: Path, cache: Path) -> None:
        env = {**os.environ, "KNOWLEDGE_DIR": str(knowledge), "CACHE_DIR": str(cache)}
        self.started = time.perf_counter()
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "ask", "--json"], cwd=ROOT, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        text=True, bufsize=1)

    def ask(self, text: str) -> dict:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(text.replace("\n", " ") + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def timed(process: AskProcess, texts: list[str]) -> list[float]:
    times = []
    for text in texts:
        started = time.perf_counter()
        process.ask(text)
        times.append((time.perf_counter() - started) * 1000)
    return times


def first_answer(knowledge: Path, cache: Path) -> float:
    process = AskProcess(knowledge, cache)
    process.ask("how much does ketamine therapy cost")
    elapsed = time.perf_counter() - process.started
    process.close()
    return elapsed


def installed_mb(lexical_only: bool) -> float:
    """Installed size of the project's runtime dependency closure in this venv (the test extra excluded)."""
    heavy = {"onnxruntime", "tokenizers", "numpy"}
    seen: set[str] = set()
    todo = [re.split(r"[\s\[<>=~;]", r, maxsplit=1)[0] for r in md.requires("ketamine-faq-bot") or []
            if "extra ==" not in r]
    total = 0
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen or (lexical_only and name in heavy):
            continue
        seen.add(name)
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        total += sum(f.size or 0 for f in dist.files or [])
        todo += [re.split(r"[\s\[<>=~;]", r, maxsplit=1)[0] for r in dist.requires or [] if "extra ==" not in r]
    return total / 2**20


def summary(times: list[float]) -> tuple[float, float, float, float]:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.mean(ordered), ordered[len(ordered) // 2], p99, ordered[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer messages")
    args = parser.parse_args()
    short, long = messages(args.quick)
    rows = {}
    with tempfile.TemporaryDirectory() as temporary:
        workdir = Path(temporary)
        for name, lexical_only in (("lexical only", True), ("full decision", False)):
            knowledge = knowledge_copy(workdir, lexical_only)
            cache = workdir / f"cache-{lexical_only}"
            cold = first_answer(knowledge, cache)  # empty cache: embeds and fits
            warm = min(first_answer(knowledge, cache) for _ in range(3))
            process = AskProcess(knowledge, cache)
            process.ask("warm up")
            ordinary, lengthy = timed(process, short), timed(process, long)
            rss = process.peak_rss_mb()
            process.close()
            rows[name] = (summary(ordinary), summary(lengthy), warm, cold, rss, installed_mb(lexical_only))
    print(f"messages: {len(short)} ordinary, {len(long)} long (over 1,000 characters); "
          "latency = one message's round trip through `ask --json`")
    print(f"{'':16}{'mean ms':>9}{'p50':>7}{'p99':>7}{'max':>7}{'long p50':>10}{'long max':>10}"
          f"{'warm s':>8}{'cold s':>8}{'RSS MB':>8}{'inst MB':>9}")
    for name, ((mean, p50, p99, top), (_, long50, _, longmax), warm, cold, rss, size) in rows.items():
        print(f"{name:16}{mean:9.2f}{p50:7.2f}{p99:7.2f}{top:7.1f}{long50:10.1f}{longmax:10.1f}"
              f"{warm:8.2f}{cold:8.2f}{rss:8.0f}{size:9.0f}")
    t = TARGETS
    print(f"{'target':16}{t['mean_ms']:9.2f}{'':7}{t['p99_ms']:7.2f}{'':7}{'':10}{'':10}"
          f"{t['warm_s']:8.2f}{t['cold_s']:8.2f}{t['rss_mb']:8.0f}{t['installed_mb']:9.0f}")
    (mean, _, p99, _), _, warm, cold, rss, size = rows["full decision"]
    met = {"mean_ms": mean <= t["mean_ms"], "p99_ms": p99 <= t["p99_ms"], "warm_s": warm <= t["warm_s"],
           "cold_s": cold <= t["cold_s"], "rss_mb": rss <= t["rss_mb"], "installed_mb": size <= t["installed_mb"]}
    missed = [name for name, ok in met.items() if not ok]
    print(f"summary: full decision {mean:.2f} ms/message (p99 {p99:.2f}), first answer {warm:.2f} s warm / "
          f"{cold:.2f} s cold, {rss:.0f} MB resident, {size:.0f} MB installed; "
          f"lexical only {rows['lexical only'][0][0]:.2f} ms; " + ("all targets met" if not missed else
                                                                    f"MISSED: {', '.join(missed)}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
