"""Crisis detection on a labelled set: each layer alone and all together, overall and per language.

Usage (from the repository root):
    python scripts/evaluate_crisis.py SET.yaml [--tagged TAGGED.yaml] [--show-misses]

SET.yaml has ``crisis:`` and ``not_crisis:``, lists of messages (plain or ``{q: ...}``), the
format of the evaluation sets. TAGGED.yaml holds the same messages with a ``lang`` key, for
per-language figures: in the same layout, or as one list of ``{text, label, lang}``. Messages are printed only with
``--show-misses`` (never for a blind set).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.crisis.detector import detect_crisis, spoken_symbols  # noqa: E402
from bot.decision import CRISIS, SUPPORT, Responder  # noqa: E402
from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.language.markup import strip_markup  # noqa: E402


def layers(responder: Responder, text: str) -> dict[str, bool]:
    """Which layers would escalate ``text`` on their own, and what the whole decision does."""
    screen = responder.screen
    text = spoken_symbols(screen.rules, text)  # as the decision reads it
    identified = responder.languages.identify(text)
    hit = detect_crisis(screen.rules, text)
    words = screen.words(text, identified)
    windows, vectors = responder.understanding.embedder.message_vectors(strip_markup(text)) \
        if responder.understanding else ([], None)
    meaning = screen.meaning(vectors, windows) if windows else None
    decision = responder.decide(text)
    gloss = None if identified.in_known_english else responder.read_gloss(text, identified.code)
    glossed = gloss is not None and gloss.hit is not None
    return {"patterns": hit is not None, "lexicon": words is not None and words.layer == "lexicon",
            "semantic": bool(meaning and meaning.hit), "gloss": glossed, "all layers": decision.kind == CRISIS,
            "support": decision.kind == SUPPORT}


def _text(item: str | dict[str, str]) -> str:
    """A message written as a plain string or as ``{q: ...}``: the sets use both."""
    return item if isinstance(item, str) else item["q"]


def _languages(tagged: dict | list) -> dict[str, str]:
    """Each tagged message's language, by its text. Tagged files come as the set's own layout (``crisis:``
    and ``not_crisis:`` lists of ``{q, lang}``) or as one list of ``{text, label, lang}``."""
    items = tagged if isinstance(tagged, list) else [*(tagged.get("crisis") or []), *(tagged.get("not_crisis") or [])]
    return {item.get("q") or item.get("text"): item.get("lang", "?") for item in items if isinstance(item, dict)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("set", type=Path)
    parser.add_argument("--tagged", type=Path)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    data = yaml.safe_load(args.set.read_text(encoding="utf-8"))
    crisis = [_text(item) for item in data.get("crisis") or []]
    calm = [_text(item) for item in data.get("not_crisis") or []]
    tags = _languages(yaml.safe_load(args.tagged.read_text(encoding="utf-8"))) if args.tagged else None
    crisis_langs = [tags.get(text, "?") if tags else "?" for text in crisis]
    calm_langs = [tags.get(text, "?") if tags else "?" for text in calm]
    responder = Responder(load_knowledge(ROOT / "knowledge"))
    found = [layers(responder, text) for text in crisis]
    alarms = [layers(responder, text) for text in calm]
    names = ["patterns", "lexicon", "semantic", "gloss", "all layers"]
    print(f"set: {args.set.name}  crisis {len(crisis)}  not_crisis {len(calm)}")
    print(f"{'layer':12}{'recall':>8}{'false alarms':>14}")
    for name in names:
        recall = sum(f[name] for f in found) / max(len(found), 1)
        false = sum(a[name] for a in alarms) / max(len(alarms), 1)
        print(f"{name:12}{recall:8.3f}{false:14.3f}")
    print(f"support tier on crisis messages (counted as misses): {sum(f['support'] for f in found)}; "
          f"on calm ones: {sum(a['support'] for a in alarms)}")
    if tags:
        by_lang: dict[str, list[bool]] = defaultdict(list)
        for lang, f in zip(crisis_langs, found, strict=True):
            by_lang[lang].append(f["all layers"])
        false_by_lang: dict[str, list[bool]] = defaultdict(list)
        for lang, a in zip(calm_langs, alarms, strict=True):
            false_by_lang[lang].append(a["all layers"])
        print("per language (recall n / false alarms n):")
        for lang in sorted(set(by_lang) | set(false_by_lang), key=lambda c: (c != "en", c)):
            r, fa = by_lang.get(lang, []), false_by_lang.get(lang, [])
            recall = f"{sum(r) / len(r):.2f} {len(r):3d}" if r else "   -    "
            false = f"{sum(fa) / len(fa):.2f} {len(fa):3d}" if fa else "   -"
            print(f"  {lang:8} {recall}   {false}")
    if args.show_misses:
        print("missed:", [t for t, f in zip(crisis, found, strict=True) if not f["all layers"]])
        print("false alarms:", [t for t, a in zip(calm, alarms, strict=True) if a["all layers"]])
    overall = sum(f["all layers"] for f in found) / max(len(found), 1)
    false_all = sum(a["all layers"] for a in alarms) / max(len(alarms), 1)
    print(f"summary: recall {overall:.3f}, false alarms {false_all:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
