"""Core benchmark: decision latency against knowledge size, next to naive baselines.

Run directly (not collected by pytest):  python tests/perf/bench_core.py [--quick]

Prints one table per part and ends with a single summary line. Figures come from one
run on one machine, so compare ratios, not absolute numbers, across machines.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import math
import random
import statistics
import sys
import time
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.crisis.detector import detect_crisis  # noqa: E402
from bot.decision import ANSWER, Responder  # noqa: E402
from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.knowledge.model import Knowledge  # noqa: E402
from bot.language.normalize import normalize  # noqa: E402

DEV_SET = ROOT.parent / "shared" / "eval" / "dev.yaml"
HOLDOUT = ROOT / "tests" / "data" / "holdout.yaml"
FALLBACK_MESSAGES = ["how much does it cost", "is ketamine addictive", "spravto", "what is the weather",
                     "can i drive home after my infusion", "i want to kill myself", "hi"]


def messages() -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Messages to time, and labelled FAQ questions for accuracy (dev set when present)."""
    labelled: list[tuple[str, list[str]]] = []
    texts: list[str] = []
    for path in (DEV_SET, HOLDOUT):
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            labelled += [(item["q"], item["expect"]) for item in data.get("faq", [])]
            texts += [item["q"] for item in data.get("faq", [])] + list(data.get("out_of_scope", []))
            texts += list(data.get("crisis", []))
    return texts or FALLBACK_MESSAGES, labelled


def synthetic(knowledge: Knowledge, size: int, seed: int = 7) -> Knowledge:
    """A knowledge base of ``size`` entries: the real ones plus variants with invented topic words.

    Each variant keeps real phrasings and adds two invented words, so the vocabulary grows
    with the number of entries as it would in a real, larger FAQ.
    """
    rng = random.Random(seed)
    entries = list(knowledge.entries)
    letters = "bcdfghjklmnprstvz"
    while len(entries) < size:
        base = rng.choice(knowledge.entries)
        words = ["".join(rng.choice(letters) + rng.choice("aeiou") for _ in range(3)) for _ in range(2)]
        phrasings = tuple(f"{p} {words[0]} {words[1]}" for p in base.phrasings[:8])
        entries.append(dataclasses.replace(base, id=f"gen-{len(entries)}", phrasings=phrasings,
                                           question=f"{base.question} ({words[0]} {words[1]})",
                                           related=(base.id,)))
    return dataclasses.replace(knowledge, entries=tuple(entries[:size]))


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]
    return statistics.median(ordered), p99, ordered[-1]


def time_calls(function, inputs: list[str], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for text in inputs:
            started = time.perf_counter()
            function(text)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def accuracy(predict, labelled: list[tuple[str, list[str]]]) -> float:
    return sum(1 for text, expect in labelled if predict(text) in expect) / len(labelled) if labelled else float("nan")


class NaiveExtractOne:
    """The obvious approach: rapidfuzz extractOne over every phrasing of every entry."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.choices = [normalize(p) for e in knowledge.entries for p in (e.question, *e.phrasings)]
        self.owners = [e.id for e in knowledge.entries for _ in (e.question, *e.phrasings)]

    def __call__(self, text: str) -> str | None:
        found = process.extractOne(normalize(text), self.choices, scorer=fuzz.WRatio, score_cutoff=60)
        return self.owners[found[2]] if found else None


class Difflib:
    """The standard library's difflib.get_close_matches over every phrasing."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.owner = {normalize(p): e.id for e in knowledge.entries for p in (e.question, *e.phrasings)}

    def __call__(self, text: str) -> str | None:
        found = difflib.get_close_matches(normalize(text), list(self.owner), n=1, cutoff=0.5)
        return self.owner[found[0]] if found else None


def ours(responder: Responder):
    def predict(text: str) -> str | None:
        decision = responder.decide(text)
        return decision.id if decision.kind == ANSWER else None
    return predict


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds and sizes (a smoke run)")
    args = parser.parse_args()
    rounds = 1 if args.quick else 5
    sizes = [100, 1000] if args.quick else [100, 1000, 10_000]
    repo = load_knowledge(ROOT / "knowledge")
    texts, labelled = messages()

    print(f"messages: {len(texts)} x {rounds} rounds; labelled FAQ questions: {len(labelled)}\n")
    print(f"{'knowledge':>12} {'entries':>8} {'build ms':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    rows = []
    for size in [len(repo.entries), *sizes]:
        knowledge = repo if size == len(repo.entries) else synthetic(repo, size)
        started = time.perf_counter()
        responder = Responder(knowledge)
        build = (time.perf_counter() - started) * 1000
        responder.decide("warm up")
        p50, p99, worst = percentiles(time_calls(responder.decide, texts, rounds))
        rows.append((size, p50, p99))
        label = "repo" if knowledge is repo else "generated"
        print(f"{label:>12} {size:>8} {build:>9.1f} {p50:>8.3f} {p99:>8.3f} {worst:>8.3f}")

    xs = [math.log(size) for size, _, _ in rows]
    ys = [math.log(p50) for _, p50, _ in rows]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)
    print(f"\ngrowth exponent of p50 against entries: {slope:.2f} (target <= 0.5)")

    rules = repo.crisis.detection
    c50, c99, _ = percentiles(time_calls(lambda t: detect_crisis(rules, t), texts, rounds))
    print(f"crisis detection alone: p50 {c50:.3f} ms, p99 {c99:.3f} ms (target p99 <= 0.2 ms)")

    print(f"\n{'method (repo knowledge)':<28} {'p50 ms':>8} {'p99 ms':>8} {'accuracy':>9}")
    responder = Responder(repo)
    methods = (("ours (full decision)", ours(responder)), ("rapidfuzz extractOne naive", NaiveExtractOne(repo)),
               ("difflib get_close_matches", Difflib(repo)))
    for name, predict in methods:
        p50, p99, _ = percentiles(time_calls(predict, texts, rounds))
        print(f"{name:<28} {p50:>8.3f} {p99:>8.3f} {accuracy(predict, labelled):>9.3f}")

    repo_p99 = rows[0][2]
    big_p99 = rows[-1][2]
    verdict = "ok" if repo_p99 <= 1 and big_p99 <= 10 and slope <= 0.5 and c99 <= 0.2 else "MISSED"
    print(f"\n{verdict}: core p99 {repo_p99:.3f} ms (repo), {big_p99:.3f} ms ({rows[-1][0]} entries), "
          f"growth exponent {slope:.2f}, crisis p99 {c99:.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
