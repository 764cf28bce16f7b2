"""The crisis detector's second line of defence: a risk score over word signals.

The patterns of ``detection.categories`` are precise but literal: a fresh wording of a
goodbye ("got everything i need now, just waiting for everyone to go to sleep") or a new
slang word slips past them. This scorer reads the same masked canonical words and looks
for *combinations* of signals instead of sentences:

* each signal group (``ending``, ``self``, ``now``, ``finality``, ``preparation``, ...) is a
  list of plain words and phrases with a weight, written in ``detection.risk`` of
  knowledge/crisis.yaml;
* within any run of ``window`` consecutive words, a group scores the sum of the weights of
  the distinct phrases of it found there, at most its ``cap``;
* the message escalates when, in one window, the groups add up to ``threshold`` or more,
  at least ``min_groups`` groups take part (or one phrase weighs the threshold by itself:
  "ctb"), and one of them is a ``core`` group (an ending, preparation or finality word:
  "tonight" and "i" alone are never a crisis).

Context only ever removes a signal within its own sentence (``unless_near``, neutral
phrases), and a phrase never spans two sentences, so a sentence added before or after a
message can only add signals: benign text around a crisis never takes the escalation away.
Exceptions (figurative speech, informational questions, past history, denials) are masked
before the scorer runs, exactly as for the patterns, so it never sees words that an
exception has explained away.

Speed: nothing is compiled per message. A message holding none of the core phrases' keys
(set operations) is dismissed at once; otherwise ``might_score``, an upper bound built from
set lookups, dismisses nearly every calm message before any masking or scoring. The scorer
itself looks phrases up by their first and second word and scores the windows with two
pointers, so its cost grows with the words, not their square.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from bot.language.normalize import normalize

if TYPE_CHECKING:
    from collections.abc import Mapping

    from yaml.nodes import Node

    from bot.knowledge.yamlsource import FileReader

RISK_CATEGORY = "risk-signals"  # the category of a scorer hit; exceptions may name it to hide words from it
SENTENCE_BREAK = "."  # a word of its own between sentences: no phrase, neutral phrase or context crosses it
_GROUP_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")
_LANGUAGE = re.compile(r"[a-z]{2,3}\Z")
_MAX_WEIGHT = 10.0
_MAX_WINDOW = 60


# (the phrase's words after the second, group (-1: neutral), weight, phrase number)
_Entry = tuple[tuple[str, ...], int, float, int]
_Word = tuple[int, float, int]  # (group, weight, phrase number) of a one-word phrase or marker
# Everyday words: a phrase's key (see ``RiskRules.key_pairs``) avoids them when it can.
_COMMON = frozenset("""
    i me my mine myself you your we our he she they him her them his their it its this that these those the a an
    to of and or in on at for with by from up out about off over into as is am are was were be been being do does
    did have has had will would can could should may might must not no so just all any some more much many very too
    what when where why how who if then than there here now get got going go want need take make made keep feel
    think know see way day one time thing things everything nothing everyone someone long next last good better
    """.split())


@dataclass(frozen=True)
class RiskRules:
    """The compiled ``risk`` section: phrase lookup, group limits and the escalation rule."""

    language: str
    threshold: float
    window: int  # words
    near: int  # words either side that ``unless_near`` looks at
    min_groups: int
    groups: tuple[str, ...]  # group names, in file order
    caps: tuple[float, ...]  # per group
    core: frozenset[int]  # groups of which one must take part
    # word -> (as a marker of an ``anywhere`` group: (group, weight, phrase number) or None,
    #          phrases it starts, by their second word, longest first: {second: (entries)} or None,
    #          as a one-word phrase: (group (-1: neutral), weight, phrase number) or None)
    table: Mapping[str, tuple[_Word | None, Mapping[str, tuple[_Entry, ...]] | None, _Word | None]]
    ones: Mapping[str, _Word]  # for ``might_score``: one-word phrases and markers, neutral ones left out
    firsts: frozenset[str]  # for ``might_score``: first words of the longer phrases that are not neutral
    unless_near: tuple[frozenset[str], ...]  # per group: words that cancel its phrases nearby
    # A core phrase's key: the phrase itself when it is one word, else its least everyday pair of
    # neighbouring words. A message holding no key cannot escalate.
    key_words: frozenset[str]
    key_pairs: frozenset[tuple[str, str]]


def might_score(risk: RiskRules, text: str) -> bool:
    """False when ``text`` cannot escalate however it is masked, so the scorer need not run at all.

    An upper bound of the score: every phrase anywhere in the text counts, ignoring windows,
    neutral phrases and ``unless_near``. Masking only hides words (and a phrase never spans the
    mask), so the masked text never scores more than this.
    """
    words = text.split()
    if not _has_key(risk, words):
        return False
    present = set(words)
    totals = [0.0] * len(risk.caps)
    heaviest = 0.0  # the weight of the heaviest phrase found
    for word in risk.ones.keys() & present:  # one-word phrases and markers: a set operation
        group, weight, _ = risk.ones[word]
        totals[group] += weight
        heaviest = max(heaviest, weight)
    firsts = risk.firsts & present  # longer phrases: only where one may start
    if firsts:
        found: set[int] = set()
        last = len(words) - 1
        table = risk.table
        for position, word in enumerate(words):
            seconds = table[word][1] if word in firsts and position < last else None
            if seconds is None:
                continue
            for rest, group, weight, number in seconds.get(words[position + 1], ()):
                if group >= 0 and number not in found and (
                        not rest or tuple(words[position + 2:position + 2 + len(rest)]) == rest):
                    found.add(number)
                    totals[group] += weight
                    heaviest = max(heaviest, weight)
    fired = [group for group, total in enumerate(totals) if total]
    return ((len(fired) >= risk.min_groups or heaviest >= risk.threshold) and not risk.core.isdisjoint(fired)
            and sum(min(totals[group], risk.caps[group]) for group in fired) >= risk.threshold)


def risk_signals(risk: RiskRules, text: str | list[str]) -> str | None:
    """The fired groups ("ending+now+self") when ``text`` (masked canonical text, or its words with
    ``SENTENCE_BREAK`` between sentences) scores as a crisis.

    Every run of ``window`` words ending at a signal is scored (two pointers over the signals,
    so the cost grows with their number, not its square); the first run that escalates names
    the groups in it. A run may span sentences ("how fast does it work? because ..."); a phrase
    and the context that cancels it may not.
    """
    words = text.split() if isinstance(text, str) else text
    if not _has_key(risk, words):
        return None
    hits = _hits(risk, words)
    core, caps = risk.core, risk.caps
    if not any(hit[1] in core for hit in hits):
        return None
    threshold = risk.threshold
    present: dict[int, int] = {}  # phrase number -> its hits in the run
    phrases = [0] * len(caps)  # per group: distinct phrases in the run
    totals = [0.0] * len(caps)  # per group: their weights
    alone = 0  # phrases in the run that reach the threshold by themselves
    left = 0
    for position, group, weight, number in hits:
        while hits[left][0] <= position - risk.window:
            _, old_group, old_weight, old_number = hits[left]
            left += 1
            present[old_number] -= 1
            if not present[old_number]:
                del present[old_number]
                phrases[old_group] -= 1
                totals[old_group] -= old_weight
                alone -= old_weight >= threshold
        if number in present:
            present[number] += 1
            continue
        present[number] = 1
        phrases[group] += 1
        totals[group] += weight
        alone += weight >= threshold
        if any(phrases[g] for g in core):
            fired = [g for g, count in enumerate(phrases) if count]
            if (len(fired) >= risk.min_groups or alone) and sum(min(totals[g], caps[g]) for g in fired) >= threshold:
                return "+".join(risk.groups[g] for g in fired)
    return None


def _has_key(risk: RiskRules, words: list[str]) -> bool:
    """Whether ``words`` hold the key of some core phrase (set operations only)."""
    return not (risk.key_words.isdisjoint(words) and risk.key_pairs.isdisjoint(pairwise(words)))


def _key_pair(words: list[str]) -> tuple[str, str]:
    """The pair of neighbouring words of a phrase least likely in any message: fewest everyday words, longest."""
    def commonness(pair: tuple[str, str]) -> tuple[int, int]:
        return (pair[0] in _COMMON) + (pair[1] in _COMMON), -len(pair[0]) - len(pair[1])

    return min(pairwise(words), key=commonness)


def _hits(risk: RiskRules, words: list[str]) -> list[tuple[int, int, float, int]]:
    """(position, group, weight, phrase number) of each signal found, in word order.

    The longest phrase starting at a word wins, and a phrase lying wholly inside one found before
    does not count ("said goodbye" is one signal, not also "goodbye"); a neutral phrase claims its
    words for nothing, so no phrase starting inside it counts ("cover letter" hides "letter for").
    Marker words (``anywhere`` groups: "i", "my") count wherever they stand. A phrase with an
    ``unless_near`` word of its group close by does not count ("tonight" next to "session").
    """
    hits: list[tuple[int, int, float, int]] = []
    lookup = risk.table.get
    covered = 0  # where the phrases found so far end
    neutral = 0  # where the last neutral phrase ends
    last = len(words) - 1
    for position, word in enumerate(words):
        entry = lookup(word)
        if entry is None:
            continue
        marker, seconds, single = entry
        if marker is not None:
            hits.append((position, *marker))
        if position < neutral:
            continue
        found = None
        if seconds is not None and position < last:
            for rest, group, weight, number in seconds.get(words[position + 1], ()):
                end = position + 2 + len(rest)
                if not rest or tuple(words[position + 2:end]) == rest:
                    found = end, group, weight, number
                    break
        if found is None and single is not None:
            found = (position + 1, *single)
        if found is None:
            continue
        end, group, weight, number = found
        if end <= covered:
            continue
        covered = end
        if group < 0:
            neutral = end
            continue
        cancel = risk.unless_near[group]
        if cancel and not cancel.isdisjoint(_context(words, position, end, risk.near)):
            continue
        hits.append((position, group, weight, number))
    return hits


def _context(words: list[str], start: int, end: int, near: int) -> list[str]:
    """The ``near`` words either side of ``words[start:end]``, within its sentence."""
    before = words[max(0, start - near):start]
    after = words[end:end + near]
    if SENTENCE_BREAK in before:
        before = before[len(before) - before[::-1].index(SENTENCE_BREAK):]
    if SENTENCE_BREAK in after:
        after = after[:after.index(SENTENCE_BREAK)]
    return before + after


# --- the ``risk`` section of knowledge/crisis.yaml ----------------------------------------

def parse_risk(reader: FileReader, node: Node | None, spellings: Mapping[str, str]) -> RiskRules | None:
    """Check and build the ``risk`` section, reporting every problem through ``reader`` as path:line.

    ``spellings`` are the rewrites applied before scoring: a phrase using a rewritten word
    ("kms") could never be found, so it is reported with the form to write instead.
    """
    fields = reader.mapping(node, "detection 'risk'",
                            required=("language", "threshold", "window", "near", "min_groups", "core", "groups"),
                            optional=("neutral",))
    if fields is None:
        return None
    language = reader.text(fields["language"], "the language of 'risk'") if "language" in fields else None
    if language is not None and not _LANGUAGE.match(language):
        reader.problem(fields["language"], "the language of 'risk' must be a code like en, es, fr")
        language = None
    threshold = reader.number(fields["threshold"], "'risk' threshold", 0.1, 100) if "threshold" in fields else None
    window = _whole_number(reader, fields.get("window"), "'risk' window", 2, _MAX_WINDOW)
    near = _whole_number(reader, fields.get("near"), "'risk' near", 1, _MAX_WINDOW)
    owner: dict[str, str] = {}  # phrase -> where it is listed, to report a phrase listed twice
    groups = _parse_groups(reader, fields.get("groups"), spellings, owner) if "groups" in fields else None
    names = [group.name for group in groups or ()]
    min_groups = _whole_number(reader, fields.get("min_groups"), "'risk' min_groups", 1,
                               len(names) if groups else _MAX_WINDOW)
    core = _parse_core(reader, fields.get("core"), names) if "core" in fields and groups else None
    neutral = []
    if "neutral" in fields:
        items = reader.texts(fields["neutral"], "'risk' neutral")
        neutral = [_phrase(reader, item, text, "'risk' neutral", spellings, owner, "neutral") for text, item in items]
        if not items:
            reader.problem(fields["neutral"], "'risk' neutral is empty")
    if None in (language, threshold, window, near, min_groups, groups, core) or None in neutral:
        return None
    single: dict[str, tuple[int, float, int]] = {}
    multi: dict[str, dict[str, list[_Entry]]] = {}
    markers: dict[str, tuple[int, float, int]] = {}
    key_words: set[str] = set()
    key_pairs: set[tuple[str, str]] = set()
    entries = [(phrase, index, weight) for index, group in enumerate(groups or ()) for phrase, weight in group.phrases]
    entries += [(phrase, -1, 0.0) for phrase in neutral]  # type: ignore[misc]
    for number, (phrase, index, weight) in enumerate(entries):
        first, *rest = phrase.split()
        if index >= 0 and groups and groups[index].anywhere:
            markers[first] = (index, weight, number)
        elif rest:
            multi.setdefault(first, {}).setdefault(rest[0], []).append((tuple(rest[1:]), index, weight, number))
        else:
            single[first] = (index, weight, number)
        if index in (core or ()):
            if rest:
                key_pairs.add(_key_pair(phrase.split()))
            else:
                key_words.add(first)
    return RiskRules(
        language=language,  # type: ignore[arg-type]
        threshold=threshold,  # type: ignore[arg-type]
        window=window,  # type: ignore[arg-type]
        near=near,  # type: ignore[arg-type]
        min_groups=min_groups,  # type: ignore[arg-type]
        groups=tuple(names),
        caps=tuple(group.cap for group in groups or ()),
        core=frozenset(core or ()),
        table={word: (markers.get(word),
                      {second: tuple(sorted(found, key=lambda e: -len(e[0]))) for second, found in multi[word].items()}
                      if word in multi else None,
                      single.get(word))
               for word in {*single, *multi, *markers}},
        unless_near=tuple(group.unless_near for group in groups or ()),
        key_words=frozenset(key_words),
        key_pairs=frozenset(key_pairs),
        ones={word: entry for word, entry in single.items() if entry[0] >= 0} | markers,
        firsts=frozenset(word for word, seconds in multi.items()
                         if any(entry[1] >= 0 for found in seconds.values() for entry in found)),
    )


@dataclass(frozen=True)
class _Group:
    name: str
    cap: float
    anywhere: bool
    unless_near: frozenset[str]
    phrases: list[tuple[str, float]]


def _whole_number(reader: FileReader, node: Node | None, what: str, low: int, high: int) -> int | None:
    value = reader.number(node, what, low, high)
    if value is not None and value != int(value):
        reader.problem(node, f"{what} must be a whole number")
        return None
    return None if value is None else int(value)


def _parse_core(reader: FileReader, node: Node | None, names: list[str]) -> set[int] | None:
    core = set()
    for text, item in reader.texts(node, "'risk' core"):
        if text in names:
            core.add(names.index(text))
        else:
            reader.problem(item, f"'risk' core names an unknown group '{text}'; known: {', '.join(names)}")
            return None
    if not core:
        reader.problem(node, "'risk' core must name at least one group")
        return None
    return core


def _parse_groups(reader: FileReader, node: Node | None, spellings: Mapping[str, str],
                  owner: dict[str, str]) -> list[_Group] | None:
    """Each group's name, cap, options and (phrase, weight) list; None when the section is unusable."""
    fields = reader.mapping(node, "'risk' groups")
    if fields is None:
        return None
    if not fields:
        reader.problem(node, "'risk' groups is empty")
        return None
    groups = []
    broken = False
    for name, value in fields.items():
        what = f"risk group '{name}'"
        if not _GROUP_NAME.match(name):
            reader.problem(value, f"{what}: names are lowercase words joined by '-'")
            broken = True
        spec = reader.mapping(value, what, required=("cap", "terms"),
                              optional=("description", "anywhere", "unless_near"))
        if spec is None or "cap" not in spec or "terms" not in spec:
            broken = True
            continue
        if "description" in spec:
            reader.text(spec["description"], f"the description of {what}")
        cap = reader.number(spec["cap"], f"the cap of {what}", 0.1, _MAX_WEIGHT * 10)
        anywhere = reader.flag(spec["anywhere"], f"'anywhere' of {what}") if "anywhere" in spec else False
        cancel = set()
        for text, item in reader.texts(spec["unless_near"], f"'unless_near' of {what}") \
                if "unless_near" in spec else ():
            word = _phrase(reader, item, text, f"'unless_near' of {what}", spellings, None, name)
            if word is not None and " " in word:
                reader.problem(item, f"'unless_near' of {what} lists single words; '{word}' is more")
                broken = True
            elif word is not None:
                cancel.add(word)
        phrases = _parse_terms(reader, spec["terms"], what, spellings, owner, name)
        if phrases is not None and anywhere and any(" " in phrase for phrase, _ in phrases):
            reader.problem(spec["anywhere"], f"{what} counts 'anywhere', so its terms must be single words")
            phrases = None
        if cap is None or phrases is None:
            broken = True
            continue
        groups.append(_Group(name, cap, anywhere, frozenset(cancel), phrases))
    return None if broken else groups


def _parse_terms(reader: FileReader, node: Node, what: str, spellings: Mapping[str, str],
                 owner: dict[str, str], group: str) -> list[tuple[str, float]] | None:
    """``terms`` is a mapping of weight -> list of phrases, each written as normalize() writes it."""
    if not isinstance(node, MappingNode) or not node.value:
        reader.problem(node, f"the terms of {what} must be a mapping of 'weight: [phrases]' lines")
        return None
    phrases: list[tuple[str, float]] = []
    ok = True
    for key, value in node.value:
        weight = reader.number(key, f"a weight of {what}", 0.1, _MAX_WEIGHT) if isinstance(key, ScalarNode) else None
        label = f"the weight {getattr(key, 'value', '?')} terms of {what}"
        items = reader.texts(value, label)
        if isinstance(value, SequenceNode) and not items:
            reader.problem(value, f"{label} are empty")
        ok = ok and weight is not None and bool(items)
        for text, item in items:
            phrase = _phrase(reader, item, text, what, spellings, owner, group)
            ok = ok and phrase is not None
            if phrase is not None and weight is not None:
                phrases.append((phrase, weight))
    return phrases if ok else None


def _phrase(reader: FileReader, node: Node, text: str, what: str, spellings: Mapping[str, str],
            owner: dict[str, str] | None, group: str) -> str | None:
    """A phrase as the scorer sees text: normalize()d, with no word that a spelling rewrites, listed once."""
    folded = normalize(text)
    if folded != text or not folded:
        reader.problem(node, f"'{text}' of {what} must be written as normalize() writes it (e.g. '{folded}')")
        return None
    rewritten = " ".join(spellings.get(word, word) for word in folded.split())
    if rewritten != folded:
        reader.problem(node, f"'{text}' of {what} is rewritten to '{rewritten}' before scoring, so it would "
                             f"never be found; write '{rewritten}'")
        return None
    if owner is not None:
        if folded in owner:
            reader.problem(node, f"'{folded}' of {what} is already listed in {owner[folded]}")
            return None
        owner[folded] = f"risk group '{group}'" if group != "neutral" else "'risk' neutral"
    return folded
