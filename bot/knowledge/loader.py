"""Load and validate a knowledge folder into one immutable :class:`Knowledge` version.

The loader collects every problem in every file before refusing, so an operator fixes
a whole batch of mistakes in one pass instead of meeting them one at a time.

Layout of a knowledge folder::

    settings.yaml      categories, fixed texts, matching thresholds and synonyms
    faq/*.yaml         FAQ entries (any number of files, usually one per category)
    smalltalk.yaml     greetings, thanks, "are you a bot", ...
    boundaries.yaml    topics the bot recognises and declines honestly (dosing, ...)
    crisis.yaml        the crisis policy: response, hotlines by region, detection rules
    crisis_examples.yaml  what the semantic crisis layer learns from
    crisis_examples_other_languages.yaml  the same in other languages, learned through their gloss
    crisis_checks.yaml messages every version must escalate, or must not (``bot.runtime.checks``)
    out_of_scope.yaml  questions the FAQ must not answer
    glossary/*.yaml    per language: its words and the English they stand for (the semantic
                       crisis layer reads other languages through them)
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

from yaml.nodes import Node, ScalarNode, SequenceNode

from bot.crisis import gloss as gloss_module
from bot.crisis import lexicon as lexicon_module
from bot.crisis.gloss import Glossaries, Glossary, compile_glossary
from bot.crisis.thresholds import FAQ_KIND
from bot.knowledge.checks_source import read_checks
from bot.knowledge.crisis_policy import (
    KIND_LISTS,
    category_names,
    check_names,
    read_crisis,
    read_examples,
    read_glossary,
    read_other_language_examples,
)
from bot.knowledge.crisis_policy import OPTIONAL as CRISIS_OPTIONAL
from bot.knowledge.crisis_policy import REQUIRED as CRISIS_REQUIRED
from bot.knowledge.matching_source import parse_matching
from bot.knowledge.model import (
    Category,
    CrisisCheck,
    CrisisExamples,
    CrisisPolicy,
    FaqEntry,
    Intent,
    Knowledge,
    MatchSettings,
    Texts,
)
from bot.knowledge.yamlsource import FileReader, KnowledgeError, Problem, compose_file, line_of, yaml_files
from bot.language.normalize import normalize
from bot.semantic.store import ArrayStore, code_fingerprint

_ID_LINE = re.compile(r"^[ -]*id:[ ]*[\"']?([^\"'#\s]+)", re.MULTILINE)
TOP_LEVEL_FILES = ("settings.yaml", "smalltalk.yaml", "boundaries.yaml", "crisis.yaml", "crisis_examples.yaml",
                   "crisis_examples_other_languages.yaml", "out_of_scope.yaml", "crisis_checks.yaml")
FAQ_FOLDER = "faq"
GLOSSARY_FOLDER = "glossary"
MAX_READ_GLOSSARIES = 64  # glossaries kept for reloads: every language twice over
_READ_GLOSSARIES: dict[tuple[str, str, bool, bool], Glossary] = {}  # (sha256 of the file, name, flags) -> read
# Folded forms depend on the folding code as well as on the file: a change to either is a new cache name.
_FOLDING_CODE = code_fingerprint(lexicon_module.__name__, gloss_module.__name__)
ENTRY_FIELDS = ("id", "category", "question", "phrasings", "answer", "related")
ENTRY_OPTIONAL = ("keywords", "hotline_footer")
TEXT_FIELDS = tuple(Texts.__dataclass_fields__)
MAX_ANSWER_CHARS = 900  # about one phone screen; the FAQ file headers say so
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # lowercase words joined by hyphens: stable in links


class _Loader:
    """Walks the files of one folder, building values and collecting problems."""

    def __init__(self, directory: Path, cache: ArrayStore | None = None) -> None:
        self.directory = directory
        self.cache = cache or ArrayStore(None)  # glossaries read by an earlier process
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []  # loadable but suspicious, for validate's report
        self.digest = hashlib.sha256()
        # ids of entries refused already (their file does not parse, or the entry has a problem of its own): links to
        # them are not reported too ("related id ... does not exist" for an entry that exists, misspelt inside)
        self.refused_ids: set[str] = set()
        self._crisis_source: tuple[FileReader | None, Node | None] = (None, None)  # crisis.yaml's semantic block

    def root(self, path: Path, what: str, *, required: tuple[str, ...],
             optional: tuple[str, ...] = ()) -> tuple[FileReader, dict[str, Node]]:
        reader = FileReader(path, self.problems, self.warnings)
        if path.is_file():
            self.digest.update(path.read_bytes())
        elif not path.exists():
            reader.problem(None, f"missing {what} file")
            return reader, {}
        node, problems = compose_file(path)
        self.problems.extend(problems)
        if problems:
            return reader, {}
        if node is None:
            reader.problem(None, f"{what} file is empty")
            return reader, {}
        return reader, reader.mapping(node, f"the {what} file", required=required, optional=optional) or {}

    # --- settings -------------------------------------------------------------------------
    def settings(self) -> tuple[tuple[Category, ...], Texts | None, MatchSettings]:
        reader, fields = self.root(self.directory / "settings.yaml", "settings",
                                   required=("categories", "texts"), optional=("matching",))
        categories = self.categories(reader, fields.get("categories"))
        texts = self.texts(reader, fields["texts"]) if "texts" in fields else None
        matching = parse_matching(reader, fields["matching"]) if "matching" in fields else MatchSettings()
        return categories, texts, matching

    def categories(self, reader: FileReader, node: Node | None) -> tuple[Category, ...]:
        if node is None:
            return ()
        fields = reader.mapping(node, "categories") or {}
        return tuple(Category(key, title) for key, value in fields.items()
                     if (title := reader.text(value, f"the title of category '{key}'")))

    def texts(self, reader: FileReader, node: Node) -> Texts | None:
        fields = reader.mapping(node, "texts", required=TEXT_FIELDS) or {}
        values = {name: reader.text(fields[name], f"text '{name}'") for name in TEXT_FIELDS if name in fields}
        if len(values) != len(TEXT_FIELDS) or None in values.values():
            return None
        return Texts(**values)  # type: ignore[arg-type]

    # --- FAQ ------------------------------------------------------------------------------
    def faq_entries(self) -> list[tuple[FaqEntry, FileReader, dict[str, Node]]]:
        folder = self.directory / FAQ_FOLDER
        files = list(yaml_files(folder)) if folder.is_dir() else []
        if not files:
            FileReader(folder, self.problems).problem(None, "no FAQ files: add at least one faq/*.yaml")
        loaded = []
        for path in files:
            known = len(self.problems)
            reader, fields = self.root(path, "FAQ", required=("entries",))
            if not fields and len(self.problems) > known:
                self.refused_ids |= _written_ids(path)
            for node in reader.sequence(fields.get("entries"), "entries") if fields else ():
                entry = self.faq_entry(reader, node)
                if entry is not None:
                    loaded.append(entry)
        return loaded

    def faq_entry(self, reader: FileReader, node: Node) -> tuple[FaqEntry, FileReader, dict[str, Node]] | None:
        fields = reader.mapping(node, "an FAQ entry", required=ENTRY_FIELDS, optional=ENTRY_OPTIONAL)
        if fields is not None and isinstance(written := fields.get("id"), ScalarNode):
            self.refused_ids.add(str(written.value).strip())  # dropped when the entry turns out valid
        if fields is None or any(name not in fields for name in ENTRY_FIELDS):
            return None
        entry_id = reader.text(fields["id"], "id")
        values = {name: reader.text(fields[name], name) for name in ("category", "question", "answer")}
        phrasings = reader.texts(fields["phrasings"], "phrasings")
        related = reader.texts(fields["related"], "related")
        keywords = reader.texts(fields["keywords"], "keywords") if "keywords" in fields else []
        footer = reader.flag(fields["hotline_footer"], "hotline_footer") if "hotline_footer" in fields else False
        if entry_id is None or None in values.values():
            return None
        self.check_id(reader, fields["id"], entry_id)
        if values["category"] != reader.path.stem:
            reader.problem(fields["category"], f"category '{values['category']}' does not match the file name "
                                               f"{reader.path.name}: this file holds category '{reader.path.stem}'; "
                                               f"move the entry to faq/{values['category']}.yaml")
        if len(values["answer"]) > MAX_ANSWER_CHARS:  # type: ignore[arg-type]
            reader.problem(fields["answer"], f"answer is {len(values['answer'])} characters; "  # type: ignore[arg-type]
                                             f"the limit is {MAX_ANSWER_CHARS}: shorten it or split the entry")
        entry = FaqEntry(
            id=entry_id, category=values["category"], question=values["question"],  # type: ignore[arg-type]
            phrasings=tuple(text for text, _ in phrasings), answer=values["answer"],  # type: ignore[arg-type]
            related=tuple(text for text, _ in related), keywords=tuple(text for text, _ in keywords),
            hotline_footer=footer, source=reader.where(node),
        )
        self.refused_ids.discard(entry_id)
        return entry, reader, fields

    @staticmethod
    def check_id(reader: FileReader, node: Node, value: str) -> None:
        if not ID_PATTERN.fullmatch(value):
            suggestion = "-".join(re.findall(r"[a-z0-9]+", value.lower())) or "a-short-name"
            reader.problem(node, f"id '{value}' must be lowercase words joined by hyphens, like '{suggestion}'")

    # --- intents (small talk, boundaries) ---------------------------------------------------
    def intents(self, name: str, list_key: str) -> list[tuple[Intent, FileReader, dict[str, Node]]]:
        reader, fields = self.root(self.directory / name, name.removesuffix(".yaml"), required=(list_key,))
        intents: list[tuple[Intent, FileReader, dict[str, Node]]] = []
        seen: dict[str, str] = {}
        for node in reader.sequence(fields.get(list_key), list_key) if fields else ():
            item = reader.mapping(node, f"an item of {list_key}", required=("id", "phrasings", "reply"))
            if item is None or any(key not in item for key in ("id", "phrasings", "reply")):
                continue
            intent_id, reply = reader.text(item["id"], "id"), reader.text(item["reply"], "reply")
            if intent_id:
                self.check_id(reader, item["id"], intent_id)
                if intent_id in seen:
                    reader.problem(item["id"], f"duplicate id '{intent_id}' (first defined at {seen[intent_id]})")
                seen.setdefault(intent_id, reader.where(node))
            phrasings = tuple(text for text, _ in reader.texts(item["phrasings"], "phrasings"))
            if intent_id and reply:
                intents.append((Intent(intent_id, phrasings, reply, reader.where(node)), reader, item))
        return intents

    # --- out of scope ---------------------------------------------------------------------
    def out_of_scope(self) -> tuple[tuple[str, ...], frozenset[str], FileReader | None, list[tuple[str, Node]]]:
        """Optional: examples of what the FAQ must not answer, for the classifier's "other" class; and those of
        them near the FAQ's subject (``near_subject``)."""
        path = self.directory / "out_of_scope.yaml"
        if not path.exists():
            return (), frozenset(), None, []
        reader, fields = self.root(path, "out-of-scope examples", required=("examples",), optional=("near_subject",))
        items = reader.texts(fields["examples"], "examples") if "examples" in fields else []
        near = reader.texts(fields["near_subject"], "near_subject") if "near_subject" in fields else []
        seen: set[str] = set()
        for text, node in items + near:  # a copy in both lists would also drop the first from the crisis training
            if (key := " ".join(text.casefold().split())) in seen:
                reader.problem(node, f"out-of-scope example '{text}' is listed twice")
            seen.add(key)
        return tuple(text for text, _ in items + near), frozenset(text for text, _ in near), reader, items + near

    # --- crisis ---------------------------------------------------------------------------
    def crisis_checks(self) -> tuple[CrisisCheck, ...]:
        """Optional: messages whose crisis decision no edit may change (``bot.runtime.checks`` runs them)."""
        path = self.directory / "crisis_checks.yaml"
        if not path.exists():
            return ()
        reader, fields = self.root(path, "crisis checks", required=(), optional=("escalate", "calm"))
        return read_checks(reader, fields)

    def crisis(self) -> tuple[CrisisPolicy | None, set[str]]:
        """The policy, and the names of its detection categories (the examples file refers to them)."""
        reader, fields = self.root(self.directory / "crisis.yaml", "crisis policy", required=CRISIS_REQUIRED,
                                   optional=CRISIS_OPTIONAL)
        self._crisis_source = (reader, fields.get("semantic"))
        return read_crisis(reader, fields), category_names(fields.get("detection"))

    def check_calm_kinds(self, kinds: set[str]) -> None:
        """crisis.yaml's lists of calm kinds against the kinds crisis_examples.yaml has (read after it)."""
        reader, semantic = self._crisis_source
        if reader is not None:
            check_names(reader, semantic, KIND_LISTS, kinds, "a kind of not_crisis in crisis_examples.yaml")

    def crisis_examples(self, categories: set[str]) -> CrisisExamples:
        """Optional: without it the semantic crisis layer is off (validate warns)."""
        path = self.directory / "crisis_examples.yaml"
        if not path.exists():
            return CrisisExamples()
        reader, fields = self.root(path, "crisis examples", required=("crisis", "not_crisis"))
        return read_examples(reader, fields, categories)

    def other_language_examples(self, examples: CrisisExamples, categories: set[str],
                                crisis: CrisisPolicy | None) -> CrisisExamples:
        """Optional: crisis examples and hard negatives in other languages (``bot.knowledge.training``)."""
        path = self.directory / "crisis_examples_other_languages.yaml"
        if not path.exists() or crisis is None:
            return examples
        reader, fields = self.root(path, "crisis examples in other languages", required=())
        kinds = {kind for _, kind in examples.calm}
        found = read_other_language_examples(reader, fields, categories, kinds, crisis.languages)
        return dataclasses.replace(examples, other_languages=found)

    def glossaries(self, crisis: CrisisPolicy | None) -> Glossaries:
        """Optional: ``glossary/<code>.yaml``, one per language of crisis.yaml (whose flags say how it is written).

        Reading the glossaries is most of a load's time (seconds for 350,000 forms: parsing the YAML,
        folding and indexing each form), and most loads find them as an earlier load left them. A file
        whose bytes, name and language flags were already read without a problem is taken from
        ``_READ_GLOSSARIES`` (a reload in this process) or from the cache folder (a restart), where its
        compiled glossary is kept (``Glossary.to_arrays``); only a new or edited file is read and checked
        line by line.
        """
        folder = self.directory / GLOSSARY_FOLDER
        compiled = []
        for path in yaml_files(folder) if folder.is_dir() else ():
            try:
                raw = path.read_bytes()
            except OSError:
                raw = b""  # root() reports the file
            policy = crisis.languages.get(path.stem) if crisis is not None else None
            key = (hashlib.sha256(raw).hexdigest(), path.stem, policy.keep_marks, policy.words) if policy else None
            if key is not None and (glossary := _READ_GLOSSARIES.get(key) or self._cached_glossary(key)) is not None:
                self.digest.update(raw)
                compiled.append(_remember(key, glossary))
                continue
            problems = len(self.problems)
            reader, fields = self.root(path, "glossary", required=("language", "gloss"), optional=("checked",))
            if fields and crisis is not None and policy is not None \
                    and (gloss := read_glossary(reader, fields, crisis.languages, path.stem)) is not None:
                compiled.append(compile_glossary(path.stem, gloss, keep_marks=policy.keep_marks, words=policy.words))
                if key is not None and len(self.problems) == problems:
                    _remember(key, compiled[-1])
                    self.cache.save(_cache_name(key), compiled[-1].to_arrays())
        return Glossaries(tuple(compiled))

    def _cached_glossary(self, key: tuple[str, str, bool, bool]) -> Glossary | None:
        """The glossary an earlier process read from the same file, kept in the cache folder; None if absent."""
        arrays = self.cache.load(_cache_name(key))
        if arrays is None:
            return None
        _, code, keep_marks, words = key
        try:
            return Glossary.from_arrays(code, arrays, keep_marks=keep_marks, words=words)
        except (KeyError, ValueError, IndexError, TypeError, RuntimeError):
            return None  # not a cache file of this kind: the file is read again and the cache rewritten

    # --- cross-file checks ------------------------------------------------------------------
    def check_entries(self, entries: list[tuple[FaqEntry, FileReader, dict[str, Node]]],
                      categories: tuple[Category, ...]) -> None:
        ids: dict[str, str] = {}
        category_ids = {c.id for c in categories}
        for entry, reader, fields in entries:
            if entry.id in ids:
                reader.problem(fields["id"], f"duplicate id '{entry.id}' (first defined at {ids[entry.id]})")
            ids.setdefault(entry.id, entry.source)
            if categories and entry.category not in category_ids:
                reader.problem(fields["category"], f"unknown category '{entry.category}'; "
                                                   f"settings.yaml defines: {', '.join(sorted(category_ids))}")
        for entry, reader, fields in entries:
            for node in fields["related"].value if isinstance(fields["related"], SequenceNode) else ():
                related = str(node.value).strip()
                if not isinstance(node, ScalarNode) or not related:
                    continue  # already reported while reading the entry
                if related == entry.id:
                    reader.problem(node, f"entry '{entry.id}' lists itself in related")
                elif related not in ids and related not in self.refused_ids:  # a broken file is one problem
                    reader.problem(node, f"related id '{related}' does not exist")

    def check_phrasings(self, owners: list[tuple[str, list[tuple[str, Node]], FileReader]]) -> None:
        """The same phrasing under two ids makes the answer a coin toss: reject it, at the phrasing's line."""
        seen: dict[str, tuple[str, str]] = {}
        for owner_id, phrasings, reader in owners:
            for phrasing, node in phrasings:
                # Texts with no word ("💸💸", "?????") all normalise to "": they are compared as written.
                key = normalize(phrasing) or " ".join(phrasing.split())
                first = seen.setdefault(key, (owner_id, reader.where(node)))
                if first[0] != owner_id:
                    reader.problem(node, f"phrasing '{phrasing}' of '{owner_id}' is also a phrasing of "
                                         f"'{first[0]}' ({first[1]})")


def _written_ids(path: Path) -> set[str]:
    """The ids a FAQ file that does not parse appears to define, read line by line.

    Links from other files to those entries are not reported: the parse error is the one root
    problem, and a dozen "related id ... does not exist" lines would only bury it.
    """
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return set()
    return set(_ID_LINE.findall(text))


def _cache_name(key: tuple[str, str, bool, bool]) -> str:
    digest, code, keep_marks, words = key
    return f"glossary-{code}-{digest[:24]}-{int(keep_marks)}{int(words)}-{_FOLDING_CODE}"


def _remember(key: tuple[str, str, bool, bool], glossary: Glossary) -> Glossary:
    """Keep a glossary read without a problem for the next load in this process."""
    _READ_GLOSSARIES[key] = glossary
    while len(_READ_GLOSSARIES) > MAX_READ_GLOSSARIES:  # old versions of edited files
        del _READ_GLOSSARIES[next(iter(_READ_GLOSSARIES))]
    return glossary


def _owned(fields: dict[str, Node], names: tuple[str, ...]) -> list[tuple[str, Node]]:
    """The texts of some fields (a scalar or a list of scalars), each with its node for its line."""
    nodes = [fields.get(name) for name in names]
    items = [item for node in nodes for item in (node.value if isinstance(node, SequenceNode) else [node])]
    return [(item.value.strip(), item) for item in items
            if isinstance(item, ScalarNode) and item.value.strip() and not item.tag.endswith(":null")]


def load_knowledge(directory: Path, cache: ArrayStore | None = None) -> Knowledge:
    """Load and validate ``directory``; raise :class:`KnowledgeError` listing every problem.

    ``cache``: where glossaries read by an earlier process are kept (see ``_Loader.glossaries``).
    """
    loader = _Loader(Path(directory), cache)
    if not loader.directory.is_dir():
        raise KnowledgeError([Problem(str(directory), 1, "knowledge folder does not exist")])
    _check_unexpected_files(loader)
    categories, texts, matching = loader.settings()
    entries = loader.faq_entries()
    smalltalk = loader.intents("smalltalk.yaml", "intents")
    boundaries = loader.intents("boundaries.yaml", "topics")
    crisis, crisis_categories = loader.crisis()
    examples = loader.crisis_examples(crisis_categories)
    if examples.calm:  # without examples the semantic layer is off, and its kinds name nothing yet
        loader.check_calm_kinds({kind for _, kind in examples.calm} | {FAQ_KIND})
    examples = loader.other_language_examples(examples, crisis_categories, crisis)
    out_of_scope, near_subject, other_reader, other_items = loader.out_of_scope()
    glossaries = loader.glossaries(crisis)
    checks = loader.crisis_checks()
    loader.check_entries(entries, categories)
    loader.check_phrasings(
        [(e.id, _owned(f, ("question", "phrasings")), r) for e, r, f in entries]
        + [(i.id, _owned(f, ("phrasings",)), r) for i, r, f in smalltalk + boundaries]
        + ([("out of scope", other_items, other_reader)] if other_reader else [])
    )
    if loader.problems or texts is None or crisis is None:
        raise KnowledgeError(loader.problems or [Problem(str(directory), 1, "knowledge is incomplete")])
    return Knowledge(
        entries=tuple(e for e, _, _ in entries), smalltalk=tuple(i for i, _, _ in smalltalk),
        boundaries=tuple(i for i, _, _ in boundaries), categories=categories, texts=texts,
        matching=matching, crisis=crisis, version=loader.digest.hexdigest()[:12], out_of_scope=out_of_scope,
        near_subject=near_subject, crisis_examples=examples, glossaries=glossaries,
        warnings=tuple(sorted(loader.warnings)), crisis_checks=checks,
    )


def _check_unexpected_files(loader: _Loader) -> None:
    """A stray ``faq-old.yaml`` at the top would be silently ignored; say so instead."""
    for path in yaml_files(loader.directory):
        relative = path.relative_to(loader.directory)
        if relative.parts[0] not in (FAQ_FOLDER, GLOSSARY_FOLDER) and str(relative) not in TOP_LEVEL_FILES:
            FileReader(path, loader.problems).problem(
                None, f"unexpected knowledge file; expected {', '.join(TOP_LEVEL_FILES)}, faq/*.yaml "
                      f"or glossary/*.yaml")


__all__ = ["KnowledgeError", "Problem", "line_of", "load_knowledge"]
