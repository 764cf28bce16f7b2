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
  "tonight" and "i" alone are never a crisis);
* a group may name the only groups it adds up with (``only_with``) and the crisis category its hits are
  reported as (``category``): an emergency sign adds up with "is still" or "what do i do", never with "i"
  and "anyway", and is a medical emergency; and the sum of its own phrases at which it needs no other group
  (``alone_at``): two emergency signs together.

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

if TYPE_CHECKING:
    from collections.abc import Mapping


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
    # per group: the crisis category a hit it takes part in is reported as (None: ``RISK_CATEGORY``)
    categories: tuple[str | None, ...]
    # per group: the only groups it adds up with (empty: every group that names none); an emergency sign adds up with
    # "is still" or "what do i do", not with "me" and "anyway" ("the dad has a heart attack wrecked me lol. anyway")
    partners: tuple[frozenset[int], ...]
    # per group: the sum of its distinct phrases at which it needs no other group (None: never); two emergency signs
    # ("collapsed" and "breathing weird") are a medical emergency with no "still" or "help" beside them
    alone_at: tuple[float | None, ...]
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


def risk_category(risk: RiskRules, fired: str) -> str:
    """The crisis category of a hit whose groups are ``fired`` (as ``risk_signals`` names them): that of the first
    group in file order that names one, else ``RISK_CATEGORY``.

    An emergency sign beside "is still" is a medical emergency, and reported as one: the meaning layer may set
    aside a hit that merely names a crisis word (``RISK_CATEGORY`` is among ``semantic.veto_categories``), never
    an emergency, and a gloss's hit counts only in ``semantic.gloss_patterns``'s categories.
    """
    names = fired.split("+")
    return next((category for name, category in zip(risk.groups, risk.categories, strict=True)
                 if category is not None and name in names), RISK_CATEGORY)


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
    if any(at is not None and totals[group] >= at for group, at in enumerate(risk.alone_at)):
        return True
    return ((len(fired) >= risk.min_groups or heaviest >= risk.threshold) and not risk.core.isdisjoint(fired)
            and sum(min(totals[group], risk.caps[group]) for group in fired) >= risk.threshold)


def risk_signals(risk: RiskRules, text: str | list[str], asks: bool = False) -> str | None:
    """The fired groups ("ending+now+self") when ``text`` (masked canonical text, or its words with
    ``SENTENCE_BREAK`` between sentences) scores as a crisis.

    Every run of ``window`` words ending at a signal is scored (two pointers over the signals,
    so the cost grows with their number, not its square); the first run that escalates names
    the groups in it. A run may span sentences ("how fast does it work? because ..."); a phrase
    and the context that cancels it may not. A group that names partners (``only_with``: an emergency sign, and
    "still" or "what do i do") adds up only with them, and the groups that name none only with each other.
    ``asks``: the message asks something, and no group escalates by itself (``alone_at``): a question names
    signs to ask about them ("what are the signs of a stroke, drooping on one side or slurring?", "my mom fainted
    and collapsed last year, can she get ketamine?").
    """
    words = text.split() if isinstance(text, str) else text
    if not _has_key(risk, words):
        return None
    hits = _hits(risk, words)
    core, caps, partners = risk.core, risk.caps, risk.partners
    alone_at = (None,) * len(caps) if asks else risk.alone_at
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
            # the groups that name no partners together, and each one that does with those of its partners here
            for together in (free := [g for g in fired if not partners[g]],
                             *([g, *(p for p in fired if p in partners[g])] for g in fired if g not in free)):
                if any(alone_at[g] is not None and totals[g] >= alone_at[g] for g in together) or (
                        not core.isdisjoint(together) and (len(together) >= risk.min_groups or alone)
                        and sum(min(totals[g], caps[g]) for g in together) >= threshold):
                    return "+".join(risk.groups[g] for g in sorted(together))
    return None


def _has_key(risk: RiskRules, words: list[str]) -> bool:
    """Whether ``words`` hold the key of some core phrase (set operations only)."""
    return not (risk.key_words.isdisjoint(words) and risk.key_pairs.isdisjoint(pairwise(words)))


def key_pair(words: list[str]) -> tuple[str, str]:
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
