"""The ``risk:`` part of crisis.yaml's ``detection:`` section, read with line numbers into
:class:`bot.crisis.risk.RiskRules`.

Phrases are checked as the scorer will see text (``normalize()``d, not rewritten by a spelling,
listed once), so a phrase that could never be found is reported instead of silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.crisis.risk import RiskRules, key_pair
from bot.knowledge.yamlsource import FileReader
from bot.language.normalize import normalize

_GROUP_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")
_LANGUAGE = re.compile(r"[a-z]{2,3}\Z")
_MAX_WEIGHT = 10.0
_MAX_WINDOW = 60
_Entry = tuple[tuple[str, ...], int, float, int]  # see RiskRules.table


def parse_risk(reader: FileReader, node: Node | None, spellings: Mapping[str, str],
               categories: Collection[str]) -> RiskRules | None:
    """Check and build the ``risk`` section, reporting every problem through ``reader`` as path:line.

    ``spellings`` are the rewrites applied before scoring: a phrase using a rewritten word
    ("kms") could never be found, so it is reported with the form to write instead. ``categories``: the
    crisis categories a group may name as the one its hits are reported as.
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
    groups = _parse_groups(reader, fields.get("groups"), spellings, owner, categories) if "groups" in fields else None
    names = [group.name for group in groups or ()]
    min_groups = _whole_number(reader, fields.get("min_groups"), "'risk' min_groups", 1,
                               len(names) if groups else _MAX_WINDOW)
    core = _parse_core(reader, fields.get("core"), names) if "core" in fields and groups else None
    partners = _parse_partners(reader, groups, names) if groups else None
    outside = [group for number, group in enumerate(groups or ()) if group.alone_at is not None
               and core is not None and number not in core]  # it could never escalate: the scorer reads cores
    for group in outside:
        reader.problem(group.alone_at_node, f"risk group '{group.name}' has 'alone_at', so 'risk' core must name it")
    core = None if outside else core
    neutral = []
    if "neutral" in fields:
        items = reader.texts(fields["neutral"], "'risk' neutral")
        neutral = [_phrase(reader, item, text, "'risk' neutral", spellings, owner, "neutral") for text, item in items]
        if not items:
            reader.problem(fields["neutral"], "'risk' neutral is empty")
    if None in (language, threshold, window, near, min_groups, groups, core, partners) or None in neutral:
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
                key_pairs.add(key_pair(phrase.split()))
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
        categories=tuple(group.category for group in groups or ()),
        partners=partners,  # type: ignore[arg-type]
        alone_at=tuple(group.alone_at for group in groups or ()),
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
    category: str | None
    only_with: list[tuple[str, Node]]  # the groups named, with where
    alone_at: float | None
    alone_at_node: Node | None  # where 'alone_at' is written


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


def _parse_partners(reader: FileReader, groups: list[_Group], names: list[str]) -> tuple[frozenset[int], ...] | None:
    """Per group, the numbers of the groups its ``only_with`` names; None when one names no group or itself (each
    such name reported)."""
    partners = []
    broken = False
    for group in groups:
        others = [name for name in names if name != group.name]
        for text, item in group.only_with:
            if text not in others:
                reader.problem(item, f"'only_with' of risk group '{group.name}' must name another group; "
                               f"known: {', '.join(others)}")
                broken = True
        partners.append(frozenset(names.index(text) for text, _ in group.only_with if text in others))
    return None if broken else tuple(partners)


def _parse_groups(reader: FileReader, node: Node | None, spellings: Mapping[str, str],
                  owner: dict[str, str], categories: Collection[str]) -> list[_Group] | None:
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
                              optional=("description", "anywhere", "unless_near", "category", "only_with",
                                        "alone_at"))
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
        category = reader.text(spec["category"], f"the category of {what}") if "category" in spec else None
        if category is not None and category not in categories:
            reader.problem(spec["category"], f"the category of {what} must be one of detection's categories: "
                           f"{', '.join(sorted(categories))}")
            broken = True
        only_with = reader.texts(spec["only_with"], f"'only_with' of {what}") if "only_with" in spec else []
        alone_at = reader.number(spec["alone_at"], f"'alone_at' of {what}", 0.1, _MAX_WEIGHT * 10) \
            if "alone_at" in spec else None
        if "alone_at" in spec and alone_at is None:
            broken = True
        groups.append(_Group(name, cap, anywhere, frozenset(cancel), phrases, category, only_with, alone_at,
                             spec.get("alone_at")))
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
