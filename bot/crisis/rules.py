"""Compiled crisis detection rules, and the regex machinery that builds and gates them.

Why a module of its own: every regular expression is compiled exactly once at load time,
never per message; ``bot.crisis.detector`` only runs what is built here. Reading the rules
from knowledge/crisis.yaml, with every mistake reported as ``path:line``, is
``bot.knowledge.crisis_source``'s job.

Speed: a message is typically checked against a few hundred patterns. Rather than running
them all, each compiled regex gets a *trigram gate*: a small set of three-letter pieces
(derived from the regex's own parse tree) of which every possible match contains at least
one. A message only runs the regexes whose trigrams it contains, which for a calm question
is usually none or a handful.

Loading parses each pattern once: its gate comes from the parse tree, and the same tree is
compiled (``compile_tree``); a word list is checked as one regex, entry by entry only when broken.
"""

from __future__ import annotations

import _sre  # compiles the parse tree (see compile_tree)
import re
import re._compiler as sre_compiler  # to compile a parse tree once made, rather than parse it again
import re._constants as sre_constants  # the parse tree of a regex, to derive its trigram gate
import re._parser as sre_parser
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING

from bot.crisis.risk import RiskRules

if TYPE_CHECKING:
    from collections.abc import Mapping


# Regex syntax to drop before collecting the literal words a pattern mentions.
_SYNTAX = re.compile(r"\\[A-Za-z]|\(\?P?<[^>]*>|\(\?[=!<]*|\{[^}]*\}")
_LITERAL_WORD = re.compile(r"[^\W\d_]{2,}")
WHOLE_WORDS = r"\b(?:{})\b"  # every pattern matches whole words only
NONSENSE = "qzx"  # a pattern that matches this matches every message
_WORDS = re.compile(r"[^\W_]{3,}")


@dataclass(frozen=True)
class Rule:
    """One category pattern. ``label`` names it in logs ("self-harm#4"), never message text."""

    label: str
    category: str
    language: str
    regex: re.Pattern[str]
    scope: int  # index into DetectionRules.scopes: which exceptions may mask text for it


@dataclass(frozen=True)
class MaskRule:
    """One exception pattern: the spans it matches are masked unless ``unless`` matches inside them."""

    name: str
    regex: re.Pattern[str]
    unless: re.Pattern[str] | None
    look_back: int = 0  # words before the span that ``unless`` also checks


@dataclass(frozen=True)
class TrigramGate:
    """Which regexes of a list can possibly match a text.

    Each regex has up to two trigram sets that every match touches (one trigram of each):
    it is indexed under the first, and the second is checked before it is run.
    """

    index: Mapping[str, tuple[int, ...]]  # trigram -> regexes whose first set holds it
    also: tuple[frozenset[str], ...]  # per regex, its second set (empty: none)
    always: tuple[int, ...]  # regexes without a usable trigram: always run
    keys: frozenset[str]  # the trigrams of ``index``, to intersect with a text's in one step

    def candidates(self, trigrams: set[str]) -> list[int]:
        """Indexes that may match a text containing ``trigrams``, in list (priority) order."""
        found = set(self.always)
        for gram in trigrams & self.keys:
            found.update(self.index[gram])
        return sorted(n for n in found if not self.also[n] or not self.also[n].isdisjoint(trigrams))


@dataclass(frozen=True)
class DetectionRules:
    """Everything ``detect_crisis`` needs, compiled once per knowledge load."""

    rules: tuple[Rule, ...]  # all category patterns, in priority order
    rule_gate: TrigramGate
    exceptions: tuple[MaskRule, ...]  # one per exception pattern
    exception_gate: TrigramGate
    scopes: tuple[tuple[int, ...], ...]  # distinct sets of exceptions that apply to a category
    never_mask: re.Pattern[str] | None
    spellings: Mapping[str, str]
    vocabulary: frozenset[str]  # words used to re-split "k i l l m y s e l f"
    sources: Mapping[str, str]  # rule label -> "path:line" of its pattern
    risk: RiskRules | None = None  # the risk scorer, run when no pattern matched
    risk_scope: int = 0  # index into ``scopes``: the exceptions that mask text for the scorer
    joinable: frozenset[str] = frozenset()  # crisis words (and their typos) a message may split in two: "sui cidal"
    # emoji that stand for a crisis word ("\U0001f52a\U0001fa78 again. worse."): read as the word by every layer
    symbols: re.Pattern[str] | None = None
    symbol_words: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def compile_tree(pattern: str, tree: sre_parser.SubPattern) -> re.Pattern[str]:
    """``re.compile(pattern)`` from its parse tree, which the caller has already made.

    The same steps as ``re._compiler.compile`` (identical in Python 3.11 to 3.13); should another
    Python's internals differ, the public ``re.compile`` is used instead.
    """
    try:
        code = sre_compiler._code(tree, 0)
        state = tree.state
        groups = [None] * state.groups
        for name, index in state.groupdict.items():
            groups[index] = name
        return _sre.compile(pattern, state.flags, code, state.groups - 1, state.groupdict, tuple(groups))
    except re.error:
        raise
    except Exception:  # internals changed: fall back to the public way
        return re.compile(pattern)


def words_of(source: str) -> set[str]:
    """Literal words a pattern mentions, with common endings, for re-splitting joined letters."""
    words = set(_LITERAL_WORD.findall(_SYNTAX.sub(" ", source)))
    return words | {w + ending for w in words for ending in ("s", "ed", "ing")}


def combine(sources: Iterable[str]) -> re.Pattern[str]:
    """One regex matching any of ``sources`` as whole words."""
    return re.compile(WHOLE_WORDS.format("|".join(f"(?:{s})" for s in sources)))


# Trigram gate: each regex needs one of a few letter trigrams in the text to match at all.
# Rarer letters make a trigram that calm messages seldom contain, so a cheaper gate.
_LETTER_PERCENT = dict(zip("etaoinshrdlcumwfgypbvkjxqz",
                           (12.7, 9.1, 8.2, 7.5, 7.0, 6.7, 6.3, 6.1, 6.0, 4.3, 4.0, 2.8, 2.8, 2.4, 2.4, 2.2,
                            2.0, 2.0, 1.9, 1.5, 1.0, 0.8, 0.2, 0.2, 0.1, 0.1), strict=True))
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)


# Everyday words of calm messages: a trigram they contain makes a poor gate.
_EVERYDAY_WORDS = """
    the be to of and a in that have i it for not on with he as you do at this but his by from they we
    say her she or an will my one all would there their what so up out if about who get which go me
    when make can like time no just him know take people into year your good some could them see
    other than then now look only come its over think also back after use two how our work first well
    way even new want because any these give day most us is are was were been has had does did going
    doing being having getting feel feeling feels felt really very much many more should need help
    thanks thank please question questions session sessions therapy treatment ketamine infusion
    infusions spravato clinic doctor psychiatrist therapist depression anxiety insurance cost price
    pay long normal safe side effects dose doses week weeks month months hours minutes appointment
    something anything everything nothing someone anyone everyone always never still again before
    during while since until between through without under around another different same
    right left next last best better worse little big high low thing things life family friend
    friends mom dad husband wife partner home house work job school money tired sleep night today
    tomorrow morning evening tell told said says ask asked start started try tried trying
    find found keep kept let put read sure able maybe probably actually though although
    """.split()
_EVERYDAY_TRIGRAMS = Counter(w[i:i + 3] for w in _EVERYDAY_WORDS for i in range(len(w) - 2))


@lru_cache(maxsize=4096)
def _trigram_cost(gram: str) -> float:
    """How often a trigram is likely to show up in any message: in how many everyday words, then
    how common its letters are (digits count as rare)."""
    return 40 * _EVERYDAY_TRIGRAMS[gram] + sum(_LETTER_PERCENT.get(char, 1.0) for char in gram)


def _run_trigram(run: list[str]) -> frozenset[str] | None:
    """The trigram a literal run of letters must contain that calm messages are least likely to."""
    return _letters_trigram("".join(run)) if len(run) > 2 else None


@lru_cache(maxsize=8192)  # the same words recur in many patterns (word lists are expanded into each)
def _letters_trigram(letters: str) -> frozenset[str]:
    return frozenset({min((letters[i:i + 3] for i in range(len(letters) - 2)), key=_trigram_cost)})


@lru_cache(maxsize=8192)
def _cost(grams: frozenset[str]) -> float:
    return sum(_trigram_cost(gram) for gram in grams)


def _required(items: list, prefix: tuple = ()) -> frozenset[str] | None:
    """The cheapest trigram set of which every match of ``items`` contains one, or None."""
    options = _options(items, prefix)
    return min(options, key=_cost) if options else None


def _items(node: sre_parser.SubPattern | list) -> list:
    """The items of a parse-tree node, without going through ``SubPattern.__getitem__`` one by one."""
    return node.data if isinstance(node, sre_parser.SubPattern) else list(node)


def _options(items: list, prefix: tuple = ()) -> list[frozenset[str]]:
    """Trigram sets of the parsed regex ``items``; every match contains one trigram of each set.

    Sound by construction: only literal letters that every match must contain are used;
    optional parts, negative lookarounds and classes contribute nothing.
    """
    options: list[frozenset[str]] = []
    run: list[str] = []

    def close_run() -> None:
        if (grams := _run_trigram(run)) is not None:
            options.append(grams)
        run.clear()

    for op, av in [*prefix, *items]:
        if op is sre_constants.LITERAL and chr(av).isalnum():
            run.append(chr(av).lower())
            continue
        if op is sre_constants.BRANCH:
            # "k(?:ill|ms)": the parser factors out common prefixes; give them back to each branch.
            lead = tuple((sre_constants.LITERAL, ord(c)) for c in run)
            close_run()
            branches = [_required(_items(branch), lead) for branch in av[1]]
            if all(b is not None for b in branches):
                options.append(frozenset().union(*branches))
            continue
        close_run()
        if op is sre_constants.SUBPATTERN:
            options.extend(_options(_items(av[3])))
        elif op in _REPEATS and av[0] >= 1:
            options.extend(_options(_items(av[2])))
        elif op is sre_constants.ATOMIC_GROUP:
            options.extend(_options(_items(av)))
        elif op is sre_constants.ASSERT:  # a positive lookaround must match too
            options.extend(_options(_items(av[1])))
    close_run()
    return options


def tree_options(tree: sre_parser.SubPattern) -> list[frozenset[str]]:
    """The trigram sets of a parsed regex, cheapest first: every match contains one trigram of each."""
    return sorted(set(_options(_items(tree))), key=_cost)


def gate_options(regex: re.Pattern[str]) -> list[frozenset[str]]:
    """The trigram sets of ``regex``, cheapest first: every match contains one trigram of each."""
    return tree_options(sre_parser.parse(regex.pattern, regex.flags))


def build_gate(options: Iterable[list[frozenset[str]]]) -> TrigramGate:
    """Index each regex (given by its ``gate_options``) under the trigrams one of which its every match contains."""
    index: dict[str, list[int]] = {}
    also: list[frozenset[str]] = []
    always = []
    for number, sets in enumerate(options):
        if not sets:
            always.append(number)
        for gram in sets[0] if sets else ():
            index.setdefault(gram, []).append(number)
        also.append(sets[1] if len(sets) > 1 else frozenset())
    return TrigramGate(MappingProxyType({g: tuple(n) for g, n in index.items()}), tuple(also), tuple(always),
                       frozenset(index))


@lru_cache(maxsize=16384)
def _word_trigrams(word: str) -> frozenset[str]:
    return frozenset(word[i:i + 3] for i in range(len(word) - 2))


def trigrams(text: str) -> set[str]:
    """Every three-character piece of the words of ``text``, to ask a gate for candidates.

    Per-word results are cached: messages reuse the same few thousand words.
    """
    found: set[str] = set()
    for word in _WORDS.findall(text):
        found |= _word_trigrams(word)
    return found


