"""Crisis detection rules: the ``detection:`` section of knowledge/crisis.yaml, checked and compiled.

Why a module of its own: the rules are data that clinic operators edit, so every mistake in
them must come back as ``path:line: message`` before the bot starts, and every regular
expression must be compiled exactly once at load time, never per message. ``bot.crisis.detector``
only runs what this module built.

The section has these keys (the file's comments explain them to operators):

* ``words``: named word lists. ``{NAME}`` in a pattern means "any of these"; a list may
  use the lists defined above it.
* ``spellings``: one word -> its replacement (slang, misspellings: ``kms: kill myself``).
* ``fuzzy``: long, distinctive words that are also recognised with one typo.
* ``never_mask``: text that an exception may never hide (first-person intent).
* ``exceptions``: spans that are not a crisis (figurative speech, questions, old history);
  they are masked before the categories run, so they can only neutralise their own span.
* ``categories``: in priority order, each with a ``language`` and its ``patterns``.
* ``risk`` (optional): the signal groups of the risk scorer, the second line of defence
  (parsed and run by ``bot.crisis.risk``); exceptions apply to it as to the categories.

Speed: a message is typically checked against a few hundred patterns. Rather than running
them all, each compiled regex gets a *trigram gate*: a small set of three-letter pieces
(derived from the regex's own parse tree) of which every possible match contains at least
one. A message only runs the regexes whose trigrams it contains, which for a calm question
is usually none or a handful.

Loading parses each pattern once: its gate comes from the parse tree, and the same tree is
compiled (``_compile_tree``); a word list is checked as one regex, entry by entry only when broken.
"""

from __future__ import annotations

import _sre  # compiles the parse tree (see _compile_tree)
import re
import re._compiler as sre_compiler  # to compile a parse tree once made, rather than parse it again
import re._constants as sre_constants  # the parse tree of a regex, to derive its trigram gate
import re._parser as sre_parser
import string
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.crisis.risk import RISK_CATEGORY, RiskRules, parse_risk
from bot.language.normalize import normalize

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bot.knowledge.yamlsource import FileReader

_NAME = re.compile(r"[A-Z][A-Z0-9_]*\Z")
_REFERENCE = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")
_LANGUAGE = re.compile(r"[a-z]{2,3}\Z")
_RULE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
# Regex syntax to drop before collecting the literal words a pattern mentions.
_SYNTAX = re.compile(r"\\[A-Za-z]|\(\?P?<[^>]*>|\(\?[=!<]*|\{[^}]*\}")
_LITERAL_WORD = re.compile(r"[^\W\d_]{2,}")
_FUZZY_MIN_LENGTH = 6
_WHOLE_WORDS = r"\b(?:{})\b"  # every pattern matches whole words only
_NONSENSE = "qzx"  # a pattern that matches this matches every message
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


class _Builder:
    """Collects problems and compiled pieces while walking the section once."""

    def __init__(self, reader: FileReader) -> None:
        self.reader = reader
        self.words: dict[str, str] = {}
        self.vocabulary: set[str] = {"i", "a"}
        self.sources: dict[str, str] = {}
        self.regexes: dict[str, re.Pattern[str]] = {}  # source -> its whole-word regex, compiled once
        self.gates: dict[str, list[frozenset[str]]] = {}  # regex pattern -> its trigram options, when gated

    def expand(self, pattern: str, node: Node, what: str) -> str | None:
        """Replace ``{NAME}`` by its word list; report names that are not defined (yet)."""
        missing = [m for m in _REFERENCE.findall(pattern) if m not in self.words]
        for name in missing:
            self.reader.problem(node, f"{what} uses {{{name}}}, which is not a list defined under 'words' "
                                      "above this point")
        if missing:
            return None
        return _REFERENCE.sub(lambda m: self.words[m.group(1)], pattern)

    def compile(self, pattern: str, node: Node, what: str, *, gated: bool = False) -> str | None:
        """Expand and check one pattern; return its regex source, or None after reporting why not.

        Each pattern is parsed once: a ``gated`` one (a category or exception pattern) gets its
        trigram options from that parse tree, and the same tree is compiled.
        """
        source = self.expand(pattern, node, what)
        if source is None:
            return None
        compiled = self.check(_WHOLE_WORDS.format(source), node, what, gated=gated)
        if compiled is None:
            return None
        self.regexes[source] = compiled
        self.vocabulary.update(_words_of(source))
        return source

    def check(self, wrapped: str, node: Node, what: str, *, gated: bool = False,
              quiet: bool = False) -> re.Pattern[str] | None:
        """Compile a whole-word regex, reporting (unless ``quiet``) a syntax error or a pattern that matches
        anything."""
        try:
            tree = sre_parser.parse(wrapped)
            if gated:  # before compiling: the compiler need not leave the tree as it was
                self.gates[wrapped] = sorted(set(_options(_items(tree))), key=_cost)
            compiled = _compile_tree(wrapped, tree)
        except re.error as exc:
            position = max(0, (exc.pos or 0) - _WHOLE_WORDS.index("{"))
            if not quiet:
                self.reader.problem(node, f"bad regular expression in {what}: {exc.msg} (at character {position})")
            return None
        if compiled.search(_NONSENSE):
            if not quiet:
                self.reader.problem(node, f"{what} matches empty text or any word, so it would match every message")
            return None
        return compiled


def _compile_tree(pattern: str, tree: sre_parser.SubPattern) -> re.Pattern[str]:
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


def _words_of(source: str) -> set[str]:
    """Literal words a pattern mentions, with common endings, for re-splitting joined letters."""
    words = set(_LITERAL_WORD.findall(_SYNTAX.sub(" ", source)))
    return words | {w + ending for w in words for ending in ("s", "ed", "ing")}


def _combine(sources: Iterable[str]) -> re.Pattern[str]:
    """One regex matching any of ``sources`` as whole words."""
    return re.compile(_WHOLE_WORDS.format("|".join(f"(?:{s})" for s in sources)))


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


def gate_options(regex: re.Pattern[str]) -> list[frozenset[str]]:
    """The trigram sets of ``regex``, cheapest first: every match contains one trigram of each."""
    return sorted(set(_options(_items(sre_parser.parse(regex.pattern, regex.flags)))), key=_cost)


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


def _parse_words(build: _Builder, node: Node | None) -> None:
    fields = build.reader.mapping(node, "detection 'words'")
    for name, value in (fields or {}).items():
        what = f"word list '{name}'"
        if not _NAME.match(name):
            build.reader.problem(value, f"{what}: names are CAPITALS, digits and '_' (e.g. SELF)")
            continue
        items = _nonempty_texts(build.reader, value, what)
        sources = [s for text, item in items if (s := build.expand(text, item, what)) is not None]
        if not items or len(sources) != len(items):
            continue
        joined = "(?:" + "|".join(sources) + ")"
        # The whole list is checked as one regex; only when it is broken is each entry compiled on its
        # own, to report the entry at fault (its line) rather than the list.
        if build.check(_WHOLE_WORDS.format(joined), value, what, quiet=True) is None:
            for (_, item), source in zip(items, sources, strict=True):
                build.check(_WHOLE_WORDS.format(source), item, what)
            continue
        for source in sources:
            build.vocabulary.update(_words_of(source))
        build.words[name] = joined


def _plain_word(reader: FileReader, node: Node, text: str, what: str, *, single: bool) -> str | None:
    """A word as normalize() writes it; operators see the normalised form they should use."""
    folded = normalize(text)
    if folded != text or (single and " " in folded) or not folded:
        reader.problem(node, f"{what} '{text}' must be written as normalize() writes it"
                             f"{' and be one word' if single else ''} (e.g. '{folded}')")
        return None
    return folded


def _parse_spellings(build: _Builder, node: Node | None) -> dict[str, str]:
    spellings: dict[str, str] = {}
    fields = build.reader.mapping(node, "detection 'spellings'")
    for key, value in (fields or {}).items():
        word = _plain_word(build.reader, value, key, "spelling", single=True)
        replacement = build.reader.text(value, f"the replacement for '{key}'")
        if replacement is not None:
            replacement = _plain_word(build.reader, value, replacement, "replacement", single=False)
        if word and replacement:
            spellings[word] = replacement
            build.vocabulary.add(word)
    if fields is not None and not fields:
        build.reader.problem(node, "detection 'spellings' is empty")
    return spellings


def _one_typo_variants(word: str) -> set[str]:
    """Every string one deletion, insertion, substitution or swap of neighbours away from ``word``."""
    letters = string.ascii_lowercase
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletes | swaps | replaces | inserts) - {word}


def _parse_fuzzy(build: _Builder, node: Node | None, spellings: dict[str, str]) -> dict[str, str]:
    """Map each one-typo variant of the listed words to the word; explicit spellings win."""
    targets: list[str] = []
    for text, item in _nonempty_texts(build.reader, node, "detection 'fuzzy'"):
        word = _plain_word(build.reader, item, text, "fuzzy word", single=True)
        if word and len(word) < _FUZZY_MIN_LENGTH:
            build.reader.problem(item, f"fuzzy word '{word}' is shorter than {_FUZZY_MIN_LENGTH} letters: "
                                       "one-letter changes of short words hit everyday words")
        elif word:
            targets.append(word)
    variants: dict[str, str] = {}
    for word in targets:
        build.vocabulary.add(word)
        for variant in _one_typo_variants(word):
            known = variants.get(variant)
            # A variant near two words goes to the one of its own length: "suicidel" -> "suicidal".
            if known is None or abs(len(variant) - len(word)) < abs(len(variant) - len(known)):
                variants[variant] = word
    protected = set(targets) | set(spellings)
    return {v: w for v, w in variants.items() if v not in protected}


def _nonempty_texts(reader: FileReader, node: Node | None, what: str) -> list[tuple[str, Node]]:
    """The texts of a list, reporting an empty list: an empty rule list is always a mistake."""
    items = reader.texts(node, what)
    if isinstance(node, SequenceNode) and not node.value:
        reader.problem(node, f"{what} is empty")
    return items


def _parse_pattern_list(build: _Builder, node: Node | None, what: str, *,
                        gated: bool = False) -> list[tuple[str, Node]]:
    """Compiled sources of a non-empty list of patterns, each with its node."""
    items = _nonempty_texts(build.reader, node, what)
    return [(s, item) for text, item in items
            if (s := build.compile(text, item, f"a pattern of {what}", gated=gated))]


def _parse_exceptions(build: _Builder, node: Node | None,
                      categories: set[str]) -> list[tuple[MaskRule, frozenset[str]]]:
    rules: list[tuple[MaskRule, frozenset[str]]] = []
    seen: set[str] = set()
    items = build.reader.sequence(node, "detection 'exceptions'")
    if isinstance(node, SequenceNode) and not items:
        build.reader.problem(node, "detection 'exceptions' is empty")
    for item in items:
        fields = build.reader.mapping(item, "an exception", required=("name", "patterns"),
                                      optional=("description", "unless", "look_back", "categories"))
        if fields is None:
            continue
        name = build.reader.text(fields.get("name"), "an exception's name") if "name" in fields else None
        what = f"exception '{name}'"
        if name is not None and (name in seen or not _RULE_NAME.match(name)):
            build.reader.problem(fields["name"], f"{what}: names must be unique, lowercase words and '-'")
        seen.add(name or "")
        if "description" in fields:
            build.reader.text(fields["description"], f"the description of {what}")
        scope = _exception_scope(build, fields.get("categories"), categories, what)
        patterns = _parse_pattern_list(build, fields.get("patterns"), what, gated=True) \
            if "patterns" in fields else []
        unless = _parse_pattern_list(build, fields["unless"], f"'unless' of {what}") if "unless" in fields else []
        guard = _combine(s for s, _ in unless) if unless else None
        look_back = build.reader.number(fields["look_back"], f"'look_back' of {what}", 0, 10) \
            if "look_back" in fields else 0
        if name:  # one rule per pattern, so each is gated (and run) on its own
            rules.extend((MaskRule(name, build.regexes[source], guard, int(look_back or 0)), scope)
                         for source, _ in patterns)
    return rules


def _exception_scope(build: _Builder, node: Node | None, categories: set[str], what: str) -> frozenset[str]:
    """Categories an exception applies to; empty means all of them."""
    if node is None:
        return frozenset()
    names = set()
    for text, item in build.reader.texts(node, f"'categories' of {what}"):
        if text in categories:
            names.add(text)
        else:
            build.reader.problem(item, f"{what} names an unknown category '{text}'; "
                                       f"known: {', '.join(sorted(categories))}")
    return frozenset(names)


def _parse_categories(build: _Builder, node: Node | None) -> list[tuple[str, str, list[tuple[str, Node]]]]:
    parsed = []
    fields = build.reader.mapping(node, "detection 'categories'")
    if fields is not None and not fields:
        build.reader.problem(node, "detection 'categories' is empty")
    for name, value in (fields or {}).items():
        what = f"category '{name}'"
        if not _RULE_NAME.match(name):
            build.reader.problem(value, f"{what}: names are lowercase words joined by '-'")
        spec = build.reader.mapping(value, what, required=("language", "patterns"), optional=("description",))
        if spec is None:
            continue
        language = build.reader.text(spec.get("language"), f"the language of {what}") if "language" in spec else None
        if language is not None and not _LANGUAGE.match(language):
            build.reader.problem(spec["language"], f"the language of {what} must be a code like en, es, fr")
        if "description" in spec:
            build.reader.text(spec["description"], f"the description of {what}")
        patterns = _parse_pattern_list(build, spec.get("patterns"), what, gated=True) \
            if "patterns" in spec else []
        if language and patterns:
            parsed.append((name, language, patterns))
    return parsed


def _category_rules(build: _Builder, name: str, language: str, patterns: list[tuple[str, Node]],
                    scope: int) -> list[Rule]:
    rules = []
    for index, (source, node) in enumerate(patterns):
        label = f"{name}#{index + 1}"
        build.sources[label] = build.reader.where(node)
        rules.append(Rule(label, name, language, build.regexes[source], scope))
    return rules


def parse_detection(reader: FileReader, node: Node | None) -> DetectionRules:
    """Check and compile the ``detection:`` section, reporting every problem through ``reader``.

    Returns usable rules even when some parts are broken (broken parts are left out), so the
    loader can report all problems of all files in one run; it must not serve rules that came
    with problems.
    """
    build = _Builder(reader)
    fields = reader.mapping(node, "detection", required=("categories", "exceptions"),
                            optional=("words", "spellings", "fuzzy", "never_mask", "risk")) or {}
    if "words" in fields:
        _parse_words(build, fields["words"])
    spellings = _parse_spellings(build, fields["spellings"]) if "spellings" in fields else {}
    fuzzy = _parse_fuzzy(build, fields["fuzzy"], spellings) if "fuzzy" in fields else {}
    never_mask = _parse_pattern_list(build, fields["never_mask"], "detection 'never_mask'") \
        if "never_mask" in fields else []
    parsed = _parse_categories(build, fields.get("categories")) if "categories" in fields else []
    known = _category_names(fields.get("categories")) | ({RISK_CATEGORY} if "risk" in fields else set())
    scoped = _parse_exceptions(build, fields.get("exceptions"), known) if "exceptions" in fields else []
    rules: list[Rule] = []
    scopes: dict[tuple[int, ...], int] = {}
    for name, language, patterns in parsed:
        applicable = tuple(i for i, (_, scope) in enumerate(scoped) if not scope or name in scope)
        scope = scopes.setdefault(applicable, len(scopes))
        rules.extend(_category_rules(build, name, language, patterns, scope))
    exceptions = tuple(rule for rule, _ in scoped)
    # A typo variant that a pattern spells out is a word of its own ("suicidas", "suicidi").
    fuzzy = {variant: word for variant, word in fuzzy.items() if variant not in build.vocabulary}
    risk = parse_risk(reader, fields["risk"], {**fuzzy, **spellings}) if "risk" in fields else None
    risk_scope = scopes.setdefault(tuple(i for i, (_, scope) in enumerate(scoped)
                                         if not scope or RISK_CATEGORY in scope), len(scopes))
    if risk is not None:
        build.sources[RISK_CATEGORY] = reader.where(fields["risk"])
    return DetectionRules(
        rules=tuple(rules),
        rule_gate=build_gate(build.gates.get(rule.regex.pattern) or gate_options(rule.regex) for rule in rules),
        exceptions=exceptions,
        exception_gate=build_gate(build.gates.get(rule.regex.pattern) or gate_options(rule.regex)
                                  for rule in exceptions),
        scopes=tuple(scopes),
        never_mask=_combine(s for s, _ in never_mask) if never_mask else None,
        spellings=MappingProxyType({**fuzzy, **spellings}),
        vocabulary=frozenset(build.vocabulary),
        sources=MappingProxyType(build.sources),
        risk=risk,
        risk_scope=risk_scope,
    )


def _category_names(node: Node | None) -> set[str]:
    """Names under 'categories', even of broken categories, so exceptions are not misreported."""
    if not isinstance(node, MappingNode):
        return set()
    return {key.value for key, _ in node.value if isinstance(key, ScalarNode)}
