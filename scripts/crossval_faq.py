"""Held-out figures on the knowledge itself: each phrasing decided by a bot that never saw it.

Usage (from the repository root):  python scripts/crossval_faq.py [--folds 5]

The knowledge's FAQ phrasings are split into folds; for each fold the whole decision (both views,
the fusion, the thresholds) is rebuilt without that fold's phrasings, and every held-out phrasing
is decided. Right: answered with its own entry; wrong: answered with another; the rest are
"did you mean" or fallbacks. Slow (a full rebuild per fold); not part of the tests.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.decision import ANSWER, CLARIFY, Responder  # noqa: E402
from bot.knowledge.loader import load_knowledge  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    knowledge = load_knowledge(ROOT / "knowledge")
    held = [(entry.id, phrasing) for entry in knowledge.entries for phrasing in entry.phrasings]
    random.Random(0).shuffle(held)
    right = wrong = offered = 0
    for fold in range(args.folds):
        out = {phrasing for n, (_, phrasing) in enumerate(held) if n % args.folds == fold}
        entries = tuple(dataclasses.replace(e, phrasings=tuple(p for p in e.phrasings if p not in out))
                        for e in knowledge.entries)
        responder = Responder(dataclasses.replace(knowledge, entries=entries))
        for entry_id, phrasing in (pair for n, pair in enumerate(held) if n % args.folds == fold):
            decision = responder.decide(phrasing)
            right += decision.kind == ANSWER and decision.id == entry_id
            wrong += decision.kind == ANSWER and decision.id != entry_id
            offered += decision.kind == CLARIFY and entry_id in decision.options
        print(f"fold {fold + 1}/{args.folds} done", file=sys.stderr)
    total = len(held)
    print(f"held-out phrasings: {total} in {args.folds} folds")
    print(f"summary: right {right / total:.3f}, wrong {wrong / total:.3f}, "
          f"right or offered {(right + offered) / total:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
