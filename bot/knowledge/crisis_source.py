"""The ``detection:`` section of knowledge/crisis.yaml, read with line numbers and compiled into
:class:`bot.crisis.rules.DetectionRules`.

Why here and not in ``bot.crisis``: reading operators' YAML (every mistake as ``path:line``) is
the knowledge package's job; the crisis package only holds the compiled rules and runs them, so
it never depends on how knowledge files are read.

The section's keys (the file's comments explain them to operators):

* ``words``: named word lists. ``{NAME}`` in a pattern means "any of these"; a list may
  use the lists defined above it.
* ``spellings``: one word -> its replacement (slang, misspellings: ``kms: kill myself``).
* ``fuzzy``: long, distinctive words that are also recognised with one typo.
* ``symbols``: an emoji -> the crisis word it stands for (``"\U0001f52a": knife``), read so by every layer.
* ``never_mask``: text that an exception may never hide (first-person intent).
* ``exceptions``: spans that are not a crisis (figurative speech, questions, old history).
* ``categories``: in priority order, each with a ``language`` and its ``patterns``.
* ``risk`` (optional): the risk scorer's signal groups (read by ``bot.knowledge.risk_source``).

Each pattern is parsed once: its trigram gate comes from the parse tree, and the same tree is
compiled; a word list is checked as one regex, entry by entry only when broken.
"""

from __future__ import annotations

import re
import re._parser as sre_parser
import string
from types import MappingProxyType

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.crisis.risk import RISK_CATEGORY
from bot.crisis.rules import (
    NONSENSE,
    WHOLE_WORDS,
    DetectionRules,
    MaskRule,
    Rule,
    build_gate,
    combine,
    compile_tree,
    gate_options,
    tree_options,
    words_of,
)
from bot.knowledge.risk_source import parse_risk
from bot.knowledge.yamlsource import FileReader
from bot.language.normalize import normalize

_NAME = re.compile(r"[A-Z][A-Z0-9_]*\Z")
_REFERENCE = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")
_LANGUAGE = re.compile(r"[a-z]{2,3}\Z")
_RULE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_FRAME_ONLY = ""  # the scope of an exception that hides its words from no category: no category has this name
_FUZZY_MIN_LENGTH = 6


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
        compiled = self.check(WHOLE_WORDS.format(source), node, what, gated=gated)
        if compiled is None:
            return None
        self.regexes[source] = compiled
        self.vocabulary.update(words_of(source))
        return source

    def check(self, wrapped: str, node: Node, what: str, *, gated: bool = False,
              quiet: bool = False) -> re.Pattern[str] | None:
        """Compile a whole-word regex, reporting (unless ``quiet``) a syntax error or a pattern that matches
        anything."""
        try:
            tree = sre_parser.parse(wrapped)
            if gated:  # before compiling: the compiler need not leave the tree as it was
                self.gates[wrapped] = tree_options(tree)
            compiled = compile_tree(wrapped, tree)
        except re.error as exc:
            position = max(0, (exc.pos or 0) - WHOLE_WORDS.index("{"))
            if not quiet:
                self.reader.problem(node, f"bad regular expression in {what}: {exc.msg} (at character {position})")
            return None
        if compiled.search(NONSENSE):
            if not quiet:
                self.reader.problem(node, f"{what} matches empty text or any word, so it would match every message")
            return None
        return compiled




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
        if build.check(WHOLE_WORDS.format(joined), value, what, quiet=True) is None:
            for (_, item), source in zip(items, sources, strict=True):
                build.check(WHOLE_WORDS.format(source), item, what)
            continue
        for source in sources:
            build.vocabulary.update(words_of(source))
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


def _parse_symbols(reader: FileReader, node: Node) -> dict[str, str]:
    """Each emoji (a symbol normalize() drops, so no word is ever replaced) -> the plain words it stands for."""
    symbols: dict[str, str] = {}
    for key, value in (reader.mapping(node, "detection 'symbols'") or {}).items():
        if normalize(key) or not key.strip():
            reader.problem(value, f"symbol '{key}' must be an emoji or symbol, not letters or digits")
            continue
        words = reader.text(value, f"the words for symbol '{key}'")
        if words is not None and (words := _plain_word(reader, value, words, "symbol words", single=False)):
            symbols[key.replace("\ufe0f", "")] = words
    return symbols


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
        guard = combine(s for s, _ in unless) if unless else None
        look_back = build.reader.number(fields["look_back"], f"'look_back' of {what}", 0, 10) \
            if "look_back" in fields else 0
        if name:  # one rule per pattern, so each is gated (and run) on its own
            rules.extend((MaskRule(name, build.regexes[source], guard, int(look_back or 0)), scope)
                         for source, _ in patterns)
    return rules


def _exception_scope(build: _Builder, node: Node | None, categories: set[str], what: str) -> frozenset[str]:
    """Categories an exception applies to; empty means all of them. Written as an empty list (``categories: []``),
    none: the exception is only a frame the semantic layer reads (``semantic.writer_frames``, ``treatment_frames``,
    ``gloss_treatment_frames``), which hides its words from no pattern (patterns read "after the infusion" to tell
    a past symptom from an emergency now)."""
    if node is None:
        return frozenset()
    if isinstance(node, SequenceNode) and not node.value:
        return frozenset({_FRAME_ONLY})
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
                            optional=("words", "spellings", "fuzzy", "never_mask", "risk", "symbols")) or {}
    if "words" in fields:
        _parse_words(build, fields["words"])
    spellings = _parse_spellings(build, fields["spellings"]) if "spellings" in fields else {}
    fuzzy = _parse_fuzzy(build, fields["fuzzy"], spellings) if "fuzzy" in fields else {}
    symbols = _parse_symbols(build.reader, fields["symbols"]) if "symbols" in fields else {}
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
    risk = parse_risk(reader, fields["risk"], {**fuzzy, **spellings}, known - {RISK_CATEGORY}) \
        if "risk" in fields else None
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
        never_mask=combine(s for s, _ in never_mask) if never_mask else None,
        spellings=MappingProxyType({**fuzzy, **spellings}),
        vocabulary=frozenset(build.vocabulary),
        sources=MappingProxyType(build.sources),
        risk=risk,
        risk_scope=risk_scope,
        joinable=frozenset(word for pair in {**fuzzy, **spellings}.items() if " " not in pair[1]
                           for word in pair if " " not in word),
        # longest first, each with the emoji variation selector it may carry
        symbols=re.compile(f"({'|'.join(map(re.escape, sorted(symbols, key=len, reverse=True)))})\ufe0f?")
        if symbols else None,
        symbol_words=MappingProxyType(symbols),
    )


def _category_names(node: Node | None) -> set[str]:
    """Names under 'categories', even of broken categories, so exceptions are not misreported."""
    if not isinstance(node, MappingNode):
        return set()
    return {key.value for key, _ in node.value if isinstance(key, ScalarNode)}
