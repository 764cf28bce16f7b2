"""Crisis detection: does this message need the crisis response instead of an FAQ answer?

A missed crisis is the worst failure this bot can have; a false alarm on a calm question
is bad but much less so. So the design errs towards escalation:

* the whole raw message is read, never a truncated or "main" part;
* the text is first brought to one canonical spelling (the shared ``normalize()``, plus
  leetspeak, spaced-out letters, slang and typos) so a pattern written once catches the
  many ways people type it;
* exceptions (figurative speech, informational questions, resolved history) only *mask
  their own span*, so "this wait is killing me and i want to kill myself" still escalates;
* categories run in the priority order of the knowledge file; the first hit wins;
* when no pattern matched, a risk scorer (``bot.crisis.risk``) reads the same masked text
  and escalates on a combination of signals: the second line of defence for wordings no
  pattern foresaw.

All regexes are compiled by ``bot.crisis.rules`` at load time; nothing is compiled here
per message.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.crisis.risk import RISK_CATEGORY, SENTENCE_BREAK, might_score, risk_category, risk_signals
from bot.crisis.rules import trigrams
from bot.language.normalize import normalize

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from bot.crisis.rules import DetectionRules

MASK = "#"  # replaces an exception's span; not a word character, so no pattern can match across it
# Where a sentence or line ends, for the risk scorer (its phrases and their contexts stay within one).
_SENTENCE_END = re.compile(r"[.!?;\n]+")
_PLACEHOLDER_WORD = "qqsentenceendqq"  # survives canonical_text unchanged; no pattern or phrase uses it
_PLACEHOLDER = f" {_PLACEHOLDER_WORD} "

# Symbols that normalize() would drop, folded to the letter they stand for ("k!ll", "my$elf").
_SYMBOL_LETTERS = {"@": "a", "$": "s", "€": "e", "!": "i", "|": "i", "*": "i"}
_LEET_SYMBOL = re.compile(r"[@$€!|*]")
_BETWEEN_LETTERS = re.compile(r"(?<=[^\W\d_])[!|*](?=[^\W\d_])")
_NEXT_TO_LETTER = re.compile(r"[@$€](?=[^\W\d_])|(?<=[^\W\d_])[@$€]")
# Numbers with a unit or ending are quantities, not leetspeak ("30mg", "2nd", "10x"); a lone zero is a letter
# ("0d" is "od": nobody counts zero days).
_QUANTITY = re.compile(r"(?!0\D)\d+(?:st|nd|rd|th|s|am|pm|mg|mcg|ug|g|kg|ml|l|lb|lbs|h|hr|hrs|k|x|min|mins"
                       r"|yo|yr|yrs|y|d|wk|wks|mo|ish)\Z")
_DIGIT = re.compile(r"\d")
_LEET_DIGITS = str.maketrans("01345789", "oieastbg")
# Three or more single letters in a row: "k i l l m y s e l f", "s.u.i.c.i.d.e", "k-m-s". Joined
# before normalize(), which would otherwise read a lone "u" as "you".
_SPACED_LETTERS = re.compile(r"(?<![^\W_])[^\W\d_](?:[ .\-_*~+]+[^\W\d_](?![^\W_])){2,}")
_SPACING = re.compile(r"[ .\-_*~+]+")
_OPENING_WORDS = 16  # a frame that opens a message (``after_opening``) ends within these words
_JOINING = re.compile(r"^[\W_]*(?:(?:and|but|so)\b[\W_]*)?", re.IGNORECASE)  # what joined a frame to the words after it
# What every run of spaced letters contains (a letter between separators, then another letter): a fast
# check, since it starts with the rarer separators, before the slower _SPACED_LETTERS.
_MAYBE_SPACED = re.compile(r"[ .\-_*~+][^\W\d_][ .\-_*~+]+[^\W\d_](?![^\W_])")
_MAX_SPACED_RUN = 120  # longer runs are noise, not a hidden word; leave them as they are
_MAX_WORD = 24
_NOUN_REACH = 2  # how many words after a match may hold the plural noun it qualifies ("suicidal [thoughts]")
_SHORTEST_PLURAL = 3  # "thoughts", "urges"; not "is", "was", "has"


@dataclass(frozen=True)
class CrisisHit:
    """Why a message escalated: the category, its language, the rule label and the layer (never message text).

    Layers: ``patterns`` (crisis.yaml categories), ``risk`` (the risk scorer), ``semantic`` (the
    classifier over sentence embeddings), ``lexicon`` (the multilingual phrases), ``gloss`` (the
    classifier on another language's English gloss).
    """

    category: str
    language: str
    rule: str
    layer: str = "patterns"


def _fold_symbols(text: str) -> str:
    """Turn symbol leetspeak into letters before normalize() strips the symbols."""
    if not _LEET_SYMBOL.search(text):
        return text
    text = _BETWEEN_LETTERS.sub("i", text)
    return _NEXT_TO_LETTER.sub(lambda m: _SYMBOL_LETTERS[m.group()], text)


def _mixed(word: str) -> bool:
    """A word of normalize()d text mixing letters and digits ("w4nt", "su1c1d3"); pure numbers are not.

    (String tests rather than a regex: normalize() words are letters and digits only, and this runs
    on every message that has a digit in it.)
    """
    return not word.isalpha() and not word.isdecimal() and any(char.isdecimal() for char in word)


def _fold_digits(word: str, spellings: Mapping[str, str]) -> str:
    """Leetspeak digits inside a word become letters ("k1ll" -> "kill"); quantities stay."""
    if word in spellings or _QUANTITY.match(word):
        return word
    return word.replace("11", "ll").translate(_LEET_DIGITS)


def _segment(letters: str, vocabulary: frozenset[str]) -> str:
    """Split joined letters into the fewest known words ("iwanttodie" -> "i want to die").

    Unknown single letters are allowed at a higher cost, so a split always exists; when
    nothing better is known the letters stay one word.
    """
    size = len(letters)
    best: list[tuple[float, int]] = [(0.0, 0)] + [(float("inf"), 0)] * size
    for end in range(1, size + 1):
        for start in range(max(0, end - _MAX_WORD), end):
            piece = letters[start:end]
            cost = 1.0 if piece in vocabulary else (3.0 if len(piece) == 1 else None)
            if cost is not None and best[start][0] + cost < best[end][0]:
                best[end] = (best[start][0] + cost, start)
    pieces, end = [], size
    while end > 0:
        start = best[end][1]
        pieces.append(letters[start:end])
        end = start
    words = pieces[::-1]
    return letters if all(len(w) == 1 for w in words) else " ".join(words)


def _join_spaced(text: str, vocabulary: frozenset[str]) -> str:
    """Re-split runs of single letters into words, on the raw text (before normalize())."""
    def join(match: re.Match[str]) -> str:
        letters = unicodedata.normalize("NFKC", _SPACING.sub("", match.group())).casefold()
        if len(letters) > _MAX_SPACED_RUN:
            return match.group()
        return " " + _segment(letters, vocabulary) + " "

    return _SPACED_LETTERS.sub(join, text) if _MAYBE_SPACED.search(text) else text


def spoken_symbols(rules: DetectionRules, text: str) -> str:
    """``text`` with the emoji that stand for a crisis word (``detection.symbols``) written as that word, for every
    layer: a symbol must not hide a crisis any more than a typo may ("\U0001f52a\U0001fa78 again. worse.", "want to
    become a \U0001faa6 tbh"). Everything else about the message is kept as written."""
    if rules.symbols is None or not rules.symbols.search(text):
        return text
    return rules.symbols.sub(lambda found: f" {rules.symbol_words[found.group(1)]} ", text)


def canonical_text(rules: DetectionRules, text: str) -> str:
    """The message in the one spelling the patterns are written for.

    Steps: spaced-out letters, symbol leetspeak, ``normalize()``, digit leetspeak (then
    normalize() again, so a decoded "1m" still becomes "i am"), then slang and typos.
    """
    text = _fold_symbols(_join_spaced(text, rules.vocabulary))
    if _SENTENCE_END.search(text):  # marked, so that a word split in two is never joined across a sentence end
        return _marked(rules, text)[0]
    return _canonical(rules, text)


def _canonical(rules: DetectionRules, text: str) -> str:
    """``canonical_text`` after its first two steps (spaced letters and symbols are done)."""
    text = normalize(text)
    words = text.split()
    if _DIGIT.search(text):
        folded = [_fold_digits(word, rules.spellings) if _mixed(word) else word for word in words]
        if folded != words:
            text = normalize(" ".join(folded))
            words = text.split()
    if rules.joinable and (joined := _join_split_words(words, rules)) != words:
        words = joined
        text = " ".join(words)
    spellings = rules.spellings
    if spellings.keys().isdisjoint(words):  # the usual case: nothing to rewrite
        return text
    return " ".join([spellings.get(word, word) for word in words])


def _join_split_words(words: list[str], rules: DetectionRules) -> list[str]:
    """A crisis word split in two ("sui cidal", "ki ll myself") joined again: two neighbours are joined
    when together they spell a word the typo repair knows (or a typo of one) and one of them is no
    word of the patterns' vocabulary, so "over dose" or "my self" (two words) stay as written."""
    out: list[str] = []
    position = 0
    while position < len(words):
        pair = words[position: position + 2]
        if len(pair) == 2 and "".join(pair) in rules.joinable \
                and not (pair[0] in rules.vocabulary and pair[1] in rules.vocabulary):
            out.append("".join(pair))
            position += 2
        else:
            out.append(words[position])
            position += 1
    return out


def _marked_canonical(rules: DetectionRules, text: str) -> tuple[str, frozenset[int]]:
    """``canonical_text(rules, text)``, and the indexes of its words that begin a new sentence or line.

    A placeholder word stands at each sentence end while the text is canonicalised (after the
    spaced letters are joined: "s.u.i.c.i.d.e" is a word, not seven sentences), then comes out
    again. Every later step works word by word, so the words are those of ``canonical_text``.
    """
    return _marked(rules, _fold_symbols(_join_spaced(text, rules.vocabulary)))


def _marked(rules: DetectionRules, text: str) -> tuple[str, frozenset[int]]:
    """``_marked_canonical`` after its first two steps (spaced letters and symbols are done)."""
    marked = _canonical(rules, _SENTENCE_END.sub(_PLACEHOLDER, text))
    words, starts = [], set()
    for word in marked.split():
        if word == _PLACEHOLDER_WORD:
            starts.add(len(words))
        else:
            words.append(word)
    return " ".join(words), frozenset(starts)


def _sentence_breaks(rules: DetectionRules, text: str, canonical: str) -> frozenset[int]:
    """Which words of ``canonical`` (``text`` canonicalised) begin a new sentence or line."""
    if not _SENTENCE_END.search(text):
        return frozenset()
    marked, breaks = _marked_canonical(rules, text)
    return breaks if marked == canonical else frozenset()  # (always equal; never score on misaligned words)


def _sentence_words(canonical: str, breaks: frozenset[int], spans: Sequence[tuple[int, int]]) -> list[str]:
    """The words of ``canonical`` for the risk scorer: each span masked to one ``MASK`` word, and a
    ``SENTENCE_BREAK`` word before each word that begins a sentence (``breaks``)."""
    masked = sorted(spans)
    out: list[str] = []
    offset = 0
    span = 0
    for index, word in enumerate(canonical.split()):
        start, offset = offset, offset + len(word) + 1
        if index in breaks and out and out[-1] != SENTENCE_BREAK:
            out.append(SENTENCE_BREAK)
        while span < len(masked) and masked[span][1] <= start:
            span += 1
        if span < len(masked) and masked[span][0] <= start:  # inside a masked span: one mask word for it
            if not out or out[-1] != MASK:
                out.append(MASK)
        else:
            out.append(word)
    return out


def _exception_spans(rules: DetectionRules, text: str, grams: set[str]) -> dict[int, list[tuple[int, int]]]:
    """For each exception that matches, the spans it may mask: never ones holding first-person intent."""
    spans = {}
    for number in rules.exception_gate.candidates(grams):
        rule = rules.exceptions[number]
        found = []
        for match in rule.regex.finditer(text):
            start, end = match.span()
            if rule.unless and rule.unless.search(text, _words_back(text, start, rule.look_back), end):
                continue
            if rules.never_mask and rules.never_mask.search(match.group()):
                continue
            found.append((start, end))
        if found:
            spans[number] = found
    return spans


def _words_back(text: str, start: int, words: int) -> int:
    """Where the ``words`` words before ``start`` begin (``start`` itself for none)."""
    for _ in range(words):
        if start <= 0:
            break
        start = text.rfind(" ", 0, start - 1) + 1
    return start


def _mask(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Replace each span (merged where they overlap) by the mask word; ``text`` itself if none."""
    if not spans:
        return text
    pieces, position = [], 0
    for start, end in sorted(spans):
        if start < position:  # overlaps the span just masked: extend that one
            position = max(position, end)
            continue
        pieces += [text[position:start], MASK]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def detect_crisis(rules: DetectionRules, text: str) -> CrisisHit | None:
    """Return why ``text`` (the whole raw message) needs the crisis response, or None.

    First line: only the patterns whose trigram gate the text passes are run (see
    ``bot.crisis.rules``), on the text with exception spans masked, in priority order: the
    first match wins. Second line, when no pattern matched: the risk scorer
    (``bot.crisis.risk``) on the same masked words, with the sentence ends marked, which
    escalates on a combination of signals (an ending word near "tonight", a goodbye near
    giving the cat away, ...).
    """
    canonical = canonical_text(rules, text)
    grams = trigrams(canonical)
    candidates = rules.rule_gate.candidates(grams)
    risk = rules.risk
    # Without pattern candidates, masking is done only for the scorer: skip it unless even the unmasked
    # text could score enough (an upper bound, see ``might_score``).
    if not candidates and (risk is None or not might_score(risk, canonical)):
        return None
    spans = _exception_spans(rules, canonical, grams)
    views: dict[int, tuple[str, set[int]]] = {}
    for number in candidates:
        rule = rules.rules[number]
        if rule.scope not in views:
            views[rule.scope] = _scope_view(rules, canonical, spans, rule.scope, candidates)
        masked, allowed = views[rule.scope]
        if number in allowed and rule.regex.search(masked):
            return CrisisHit(rule.category, rule.language, rule.label)
    if risk is None:
        return None
    scope = rules.risk_scope
    masked = views[scope][0] if scope in views else _scope_view(rules, canonical, spans, scope, candidates)[0]
    if not might_score(risk, masked):  # the same bound on the masked words: nearly every calm message stops here
        return None
    # Sentence ends are found only now, for the few messages that get this far (a second pass).
    breaks = _sentence_breaks(rules, text, canonical)
    hidden = [span for i, found in spans.items() if i in rules.scopes[scope] for span in found]
    if (fired := risk_signals(risk, _sentence_words(canonical, breaks, hidden), asks="?" in text)) is not None:
        return CrisisHit(risk_category(risk, fired), risk.language, f"{RISK_CATEGORY}:{fired}", "risk")
    return None


def matched_words(rules: DetectionRules, text: str, hit: CrisisHit) -> str | None:
    """The words of ``text``, in the patterns' spelling, that ``hit``'s pattern matched, through the plural noun
    just after them in the same sentence if there is one ("suicidal" in "help with suicidal thoughts?" is
    "suicidal thoughts": what a "them" later points back at); None for a hit of another layer."""
    rule = next((rule for rule in rules.rules if rule.label == hit.rule), None) if hit.layer == "patterns" else None
    if rule is None:
        return None
    # by sentence: the canonical spelling drops the punctuation, and a plural noun after a sentence end is not the
    # match's ("i feel suicidal. my kids ..."); a match across sentences is taken as it stands
    for canonical in [canonical_text(rules, sentence) for sentence in _SENTENCE_END.split(text)]:
        if (found := rule.regex.search(canonical)) is not None:
            after = canonical[found.end():].split()[:_NOUN_REACH]
            plural = next((n for n, word in enumerate(after) if len(word) > _SHORTEST_PLURAL and word.endswith("s")),
                          None)
            return " ".join([found.group(), *after[: plural + 1]]) if plural is not None else found.group()
    found = rule.regex.search(canonical_text(rules, text))
    return found.group() if found is not None else None


def framed(rules: DetectionRules, text: str, names: frozenset[str]) -> bool:
    """Whether one of the exceptions ``names`` finds a span it may mask in ``text`` (its ``unless`` respected)."""
    return bool(frames(rules, text, names)[0])


def frames(rules: DetectionRules, text: str, names: frozenset[str]) -> tuple[frozenset[int], str]:
    """The exception patterns (indexes into ``rules.exceptions``) of the exceptions ``names`` that find a span
    they may mask in ``text``, and the message's (canonical) words outside those spans."""
    canonical = canonical_text(rules, text)
    spans = _exception_spans(rules, canonical, trigrams(canonical))
    found = {number: found for number, found in spans.items() if rules.exceptions[number].name in names}
    rest = _mask(canonical, [span for listed in found.values() for span in listed]).replace(MASK, " ")
    return frozenset(found), " ".join(rest.split())


def after_opening(rules: DetectionRules, text: str, names: frozenset[str]) -> str | None:
    """The words of ``text`` after a frame of the exceptions ``names`` that opens it, as written (the encoder reads
    "haven't slept" and "have not slept" differently); None when no such frame opens it, or when its words cannot
    be told apart from the rest. Only the opening words are read: a frame is a few words long, and this runs for
    every message that asks nothing and alarmed no layer."""
    if not names:
        return None
    words = text.split()
    canonical = canonical_text(rules, " ".join(words[:_OPENING_WORDS]))
    spans = _exception_spans(rules, canonical, trigrams(canonical))
    ends = [end for number, found in spans.items() if rules.exceptions[number].name in names
            for start, end in found if start == 0]
    if not ends:
        return None
    frame = canonical[:max(ends)].strip()
    told = next((n for n in range(1, min(len(words), _OPENING_WORDS)) if canonical_text(rules, " ".join(words[:n]))
                 == frame), None)
    return None if told is None else _JOINING.sub("", " ".join(words[told:])) or None


def clearly_calm(rules: DetectionRules, text: str) -> bool:
    """A deliberately over-sensitive screen: no pattern matches even with no exception applied, and the
    risk scorer's upper bound stays below its threshold.

    Used where being wrong about calm costs privacy rather than a reply (what may be stored): a
    message that a pattern matches before its exception masks it (an informational question about
    suicide, a past attempt) fails it. Wordings no pattern names at all ("this wait is killing me")
    pass it; the inbox adds its own wider word screen (``bot.runtime.inbox``).
    """
    canonical = canonical_text(rules, text)
    if any(rules.rules[n].regex.search(canonical) for n in rules.rule_gate.candidates(trigrams(canonical))):
        return False
    return rules.risk is None or not might_score(rules.risk, canonical)


def _scope_view(rules: DetectionRules, text: str, spans: Mapping[int, list[tuple[int, int]]], scope: int,
                candidates: list[int]) -> tuple[str, set[int]]:
    """``_view`` with the spans of the exceptions that apply to ``scope`` masked."""
    hidden = [span for i, found in spans.items() if i in rules.scopes[scope] for span in found]
    return _view(rules, text, hidden, candidates)


def _view(rules: DetectionRules, text: str, spans: Sequence[tuple[int, int]],
          candidates: list[int]) -> tuple[str, set[int]]:
    """The text with ``spans`` masked, and the patterns its remaining words can still match."""
    if not spans:
        return text, set(candidates)
    masked = _mask(text, spans)
    return masked, set(rules.rule_gate.candidates(trigrams(masked)))
