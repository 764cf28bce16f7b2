"""``crisis.yaml`` and ``crisis_examples.yaml``: the crisis policy read with line numbers.

The fixed response and footer (placeholders checked now, not at 3 a.m.), regions with their
numbers and where each was checked, region aliases, the semantic detector's thresholds, the
support tier's reply, the languages (phrases for the multilingual layer, translated replies),
and the detection rules (``bot.knowledge.crisis_source``). Every problem is reported as
``path:line``; a language or region that refers to something missing is an error, never a
silent fallback to US numbers.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from types import MappingProxyType

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.crisis.gloss import fold_form
from bot.crisis.lexicon import Lexicon, compile_language
from bot.crisis.risk import RISK_CATEGORY
from bot.crisis.thresholds import Thresholds
from bot.knowledge.crisis_source import parse_detection
from bot.knowledge.model import CrisisExamples, CrisisPolicy, LanguagePolicy, Region, Source
from bot.knowledge.yamlsource import FileReader

REQUIRED = ("sticky_hours", "default_region", "response", "footer", "regions", "detection", "semantic")
OPTIONAL = ("support", "region_aliases", "languages")
_CODE = re.compile(r"[a-z]{2,3}\Z")
_REGION = re.compile(r"[A-Z]{2,5}\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_KIND = re.compile(r"[a-z][a-z0-9-]*\Z")
MIN_EXAMPLES = 600  # per side; fewer is a validate warning: the detector generalises from breadth


def template(reader: FileReader, node: Node, what: str, allowed: set[str]) -> str | None:
    """A text with ``{placeholders}``; an unknown or malformed placeholder is reported now."""
    value = reader.text(node, what)
    if value is None:
        return None
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError as exc:
        reader.problem(node, f"{what} has a broken {{placeholder}}: {exc}")
        return None
    if names - allowed:
        reader.problem(node, f"{what} uses unknown placeholder(s) {sorted(names - allowed)}; "
                             f"allowed: {sorted(allowed)}")
        return None
    return value


# semantic lists that name detection categories
CATEGORY_LISTS = ("veto_categories", "quiet_categories", "gloss_patterns", "treatment_categories")
# semantic lists that name calm example kinds
KIND_LISTS = ("veto_kinds", "risk_veto_kinds", "gloss_veto_kinds", "distress_kinds")


def read_crisis(reader: FileReader, fields: dict[str, Node]) -> CrisisPolicy | None:
    """The policy from the fields of crisis.yaml (already checked for unknown keys)."""
    if any(key not in fields for key in REQUIRED):
        return None
    response = template(reader, fields["response"], "response", {"emergency", "lines"})
    footer = template(reader, fields["footer"], "footer", {"short"})
    support = template(reader, fields["support"], "support", {"lines"}) if "support" in fields else ""
    hours = reader.number(fields["sticky_hours"], "sticky_hours", 0, 24 * 30)
    regions = _regions(reader, fields["regions"])
    aliases = _aliases(reader, fields.get("region_aliases"), regions)
    default = reader.text(fields["default_region"], "default_region")
    if default:  # written as --region and DEFAULT_REGION may be: "gb" is the UK's
        default = aliases.get(default.upper(), default.upper())
    if default and default not in regions:
        reader.problem(fields["default_region"], f"default_region '{default}' is not one of the regions: "
                                                 f"{', '.join(sorted(regions))}")
    if "INTL" not in regions:
        reader.problem(fields["regions"], "regions must include INTL, the international fallback")
    thresholds = _thresholds(reader, fields["semantic"])
    check_names(reader, fields.get("semantic"), CATEGORY_LISTS, category_names(fields["detection"]) | {RISK_CATEGORY},
                "a category of crisis.yaml")
    check_names(reader, fields.get("semantic"), ("gloss_frames", "story_frames", "writer_frames", "treatment_frames",
                                                  "gloss_treatment_frames"),
                exception_names(fields["detection"]),
                "an exception of crisis.yaml")
    languages = _languages(reader, fields["languages"], regions) if "languages" in fields else {}
    check_names(reader, fields.get("semantic"), ("postposition_languages",), set(languages),
                "a language of crisis.yaml")
    detection = parse_detection(reader, fields["detection"])
    if None in (response, footer, hours, default, support, thresholds):
        return None
    lexicon = Lexicon(tuple(compile_language(code, policy.phrases, keep_marks=policy.keep_marks, words=policy.words,
                                             mentions=policy.mentions, context=policy.context,
                                             danger_now=policy.danger_now)
                            for code, policy in languages.items() if policy.phrases))
    return CrisisPolicy(response=response, footer=footer, sticky_hours=hours,  # type: ignore[arg-type]
                        default_region=default, regions=MappingProxyType(regions),  # type: ignore[arg-type]
                        detection=detection, support=support or "", thresholds=thresholds,  # type: ignore[arg-type]
                        languages=MappingProxyType(languages), lexicon=lexicon, aliases=MappingProxyType(aliases))


def _source(reader: FileReader, node: Node, what: str) -> Source | None:
    fields = reader.mapping(node, what, required=("what", "source", "checked"), optional=("number", "also")) or {}
    values = {key: reader.text(fields[key], f"{key} of {what}") for key in ("what", "source", "checked")
              if key in fields}
    if values.get("checked") and not _DATE.match(values["checked"]):
        reader.problem(fields["checked"], f"checked of {what} must be a date like 2026-12-01")
        return None
    if len(values) < 3 or None in values.values():
        return None
    number = reader.text(fields["number"], f"number of {what}") if "number" in fields else None
    return Source(f"{number}: {values['what']}" if number else values["what"], values["source"], values["checked"])


def _regions(reader: FileReader, node: Node) -> dict[str, Region]:
    regions = {}
    for code, value in (reader.mapping(node, "regions") or {}).items():
        if not _REGION.match(code):
            reader.problem(value, f"region code '{code}' must be capital letters, like US or INTL")
            continue
        fields = reader.mapping(value, f"region {code}", required=("name", "emergency", "lines", "short"),
                                optional=("language_codes", "sources", "note")) or {}
        if len(fields) < 4:
            continue
        texts = {key: reader.text(fields[key], f"{key} of region {code}") for key in ("name", "emergency", "short")}
        lines = tuple(text for text, _ in reader.texts(fields["lines"], f"lines of region {code}"))
        if not lines:
            reader.problem(fields["lines"], f"region {code} needs at least one crisis line")
        languages = tuple(text.lower() for text, _ in reader.texts(fields["language_codes"], "language_codes")
                          ) if "language_codes" in fields else ()
        sources = tuple(found for item in reader.sequence(fields["sources"], f"sources of region {code}")
                        if (found := _source(reader, item, f"a source of region {code}")) is not None
                        ) if "sources" in fields else ()
        if "note" in fields:
            reader.text(fields["note"], f"note of region {code}")
        if None not in texts.values() and lines:
            regions[code] = Region(code, texts["name"], texts["emergency"], lines,  # type: ignore[arg-type]
                                   texts["short"], languages, sources)  # type: ignore[arg-type]
    return regions


def _aliases(reader: FileReader, node: Node | None, regions: dict[str, Region]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for alias, value in (reader.mapping(node, "region_aliases") or {}).items() if node is not None else ():
        target = reader.text(value, f"the region of alias {alias}")
        if target is None:
            continue
        if target not in regions:
            reader.problem(value, f"alias {alias} points to '{target}', which is not one of the regions: "
                                  f"{', '.join(sorted(regions))}")
        elif alias in regions or not _REGION.match(alias):
            reader.problem(value, f"alias '{alias}' must be capital letters and not itself a region")
        else:
            aliases[alias] = target
    return aliases


# The semantic detector's settings by range; every one must be written down (see ``_thresholds``).
_SHARES = ("threshold", "support", "calm", "veto", "veto_alarm", "veto_quiet", "rescue", "fused", "words",
           "words_alarm", "gloss", "gloss_rescue", "gloss_coverage", "gloss_veto", "gloss_veto_alarm",
           "context")  # 0 to 1.01
_MARGINS = ("support_margin", "nearest_margin", "question_margin", "rescue_margin", "gloss_margin",
            "gloss_rescue_margin")  # differences of cosines, -2 to 2
_FLOORS = ("nearest_floor", "question_floor")  # cosines, -1 to 1
_NAME_LISTS = ("veto_kinds", "risk_veto_kinds", "veto_categories", "quiet_categories", "distress_kinds",
               "gloss_veto_kinds", "gloss_patterns", "gloss_frames", "story_frames", "writer_frames",
               "treatment_frames", "gloss_treatment_frames", "postposition_languages", "treatment_categories")


def _thresholds(reader: FileReader, node: Node) -> Thresholds | None:
    """Every setting is required: a missing one would take a value that switches its check off (a rescue that
    never rescues, a gloss never read), and the crisis checks might not notice; deleting a line by mistake must be
    refused like a typo, never quietly lower what the bot escalates."""
    required = (*_SHARES, *_MARGINS, *_FLOORS, "gloss_words", *_NAME_LISTS)
    fields = reader.mapping(node, "semantic", required=required)
    if fields is None or any(key not in fields for key in required):  # each missing one is reported at the section
        return None
    numbers = {key: reader.number(fields[key], f"semantic {key}", 0, 1.01) for key in _SHARES}
    numbers |= {key: reader.number(fields[key], f"semantic {key}", -2, 2) for key in _MARGINS}
    numbers |= {key: reader.number(fields[key], f"semantic {key}", -1, 1) for key in _FLOORS}
    gloss_words = reader.number(fields["gloss_words"], "semantic gloss_words", 1, 50)
    if None in numbers.values() or gloss_words is None:
        return None
    if not numbers["calm"] <= numbers["threshold"]:  # type: ignore[operator]
        reader.problem(node, "semantic thresholds must satisfy calm <= threshold")
        return None
    lists = {key: frozenset(t for t, _ in reader.texts(fields[key], f"semantic {key}")) for key in _NAME_LISTS}
    crisis = numbers.pop("threshold")
    return Thresholds(crisis=crisis, gloss_words=int(gloss_words), **numbers, **lists)  # type: ignore[arg-type]


def _languages(reader: FileReader, node: Node, regions: dict[str, Region]) -> dict[str, LanguagePolicy]:
    languages = {}
    for code, value in (reader.mapping(node, "languages") or {}).items():
        what = f"language {code}"
        if not _CODE.match(code) or code == "en":
            reader.problem(value, f"{what}: codes are ISO 639-1 like es, pt, zh (English is the default)")
            continue
        fields = reader.mapping(value, what, required=("name", "phrases"),
                                optional=("response", "footer", "english_only", "region", "marks", "words", "source",
                                          "mentions", "context", "danger_now", "not_crisis")) or {}
        name = reader.text(fields["name"], f"name of {what}") if "name" in fields else None
        phrases = tuple(text for text, _ in reader.texts(fields["phrases"], f"phrases of {what}")) \
            if "phrases" in fields else ()
        mentions = tuple(text for text, _ in reader.texts(fields["mentions"], f"mentions of {what}")) \
            if "mentions" in fields else ()
        context = tuple(text for text, _ in reader.texts(fields["context"], f"context of {what}")) \
            if "context" in fields else ()
        danger_now = tuple(text for text, _ in reader.texts(fields["danger_now"], f"danger_now of {what}")) \
            if "danger_now" in fields else ()
        if mentions and not context:
            reader.problem(fields["mentions"], f"{what} has mentions but no context cues: a mention without "
                                               f"context is a strong phrase, so list it under phrases")
        response = template(reader, fields["response"], f"response of {what}", {"emergency", "lines"}) \
            if "response" in fields else None
        footer = template(reader, fields["footer"], f"footer of {what}", {"short"}) if "footer" in fields else None
        english_only = reader.text(fields["english_only"], f"english_only of {what}") \
            if "english_only" in fields else None
        region = reader.text(fields["region"], f"region of {what}") if "region" in fields else None
        if region is not None and region not in regions:
            reader.problem(fields["region"], f"{what} implies region '{region}', which is not one of the regions: "
                                             f"{', '.join(sorted(regions))}")
            region = None
        marks = reader.text(fields["marks"], f"marks of {what}") if "marks" in fields else "fold"
        if marks not in ("fold", "keep"):
            reader.problem(fields["marks"], f"marks of {what} must be fold or keep")
        words = reader.flag(fields["words"], f"words of {what}") if "words" in fields else True
        source = _source(reader, fields["source"], f"the source of {what}") if "source" in fields else None
        if "not_crisis" in fields:
            reader.texts(fields["not_crisis"], f"not_crisis of {what}")
        if (response is None) != (footer is None):
            reader.problem(value, f"{what} needs both a response and a footer, or neither")
        if (response or english_only) and source is None:
            reader.problem(value, f"{what} has translated text but no 'source' (who translated it, checked when)")
        if name and phrases:
            languages[code] = LanguagePolicy(code, name, phrases, response, footer, english_only, region,
                                             marks == "keep", words, source, mentions, context, danger_now)
    return languages


def check_names(reader: FileReader, semantic: Node | None, lists: tuple[str, ...], known: set[str],
                what: str) -> None:
    """Each name in the ``semantic`` lists ``lists`` is one of ``known`` (``what`` they are): a misspelt
    category or kind would silently switch its rule off (a veto that never applies). Only well-formed lists
    are looked at; ``_thresholds`` reports the others."""
    if not isinstance(semantic, MappingNode):
        return
    for key, value in semantic.value:
        if isinstance(key, ScalarNode) and key.value in lists and isinstance(value, SequenceNode):
            for item in value.value:
                if isinstance(item, ScalarNode) and item.value not in known:
                    reader.problem(item, f"semantic {key.value}: '{item.value}' is not {what}: "
                                         f"{', '.join(sorted(known))}")


def read_examples(reader: FileReader, fields: dict[str, Node], categories: set[str]) -> CrisisExamples:
    """crisis_examples.yaml: crisis examples by a category of crisis.yaml, hard negatives by kind."""
    crisis = _grouped(reader, fields.get("crisis"), "crisis", categories)
    calm = _grouped(reader, fields.get("not_crisis"), "not_crisis", None)
    seen: dict[str, str] = {}
    for section, items in (("crisis", crisis), ("not_crisis", calm)):
        for text, _, node in items:
            key = " ".join(text.lower().split())
            if key in seen:
                reader.problem(node, f"'{text}' is listed twice (first under {seen[key]})")
            seen.setdefault(key, section)
    return CrisisExamples(tuple((t, c) for t, c, _ in crisis), tuple((t, c) for t, c, _ in calm))


def read_other_language_examples(reader: FileReader, fields: dict[str, Node], categories: set[str], kinds: set[str],
                                 languages: Mapping[str, LanguagePolicy]) -> tuple[tuple[str, str, str, bool], ...]:
    """crisis_examples_other_languages.yaml: per language of crisis.yaml, crisis examples by category and hard
    negatives by kind (crisis_examples.yaml's kinds: each kind is a class the classifier learns), laid out as in
    crisis_examples.yaml. Returns (text, language, label, is crisis)."""
    found: list[tuple[str, str, str, bool]] = []
    seen: set[tuple[str, str]] = set()
    for code, node in fields.items():
        if code not in languages:
            reader.problem(node, f"language '{code}' is not one of crisis.yaml's languages: "
                                 f"{', '.join(sorted(languages))}")
            continue
        sections = reader.mapping(node, f"language '{code}'", optional=("crisis", "not_crisis")) or {}
        for section, known, known_as in (("crisis", categories, "a category of crisis.yaml"),
                                         ("not_crisis", kinds, "a kind of not_crisis in crisis_examples.yaml")):
            for text, label, item in _grouped(reader, sections.get(section), f"{code} {section}", known, known_as):
                key = (code, " ".join(text.lower().split()))
                if key in seen:
                    reader.problem(item, f"'{text}' is listed twice under {code}")
                    continue
                seen.add(key)
                found.append((text, code, label, section == "crisis"))
    return tuple(found)


def _grouped(reader: FileReader, node: Node | None, what: str, known: set[str] | None,
             known_as: str = "a category of crisis.yaml") -> list[tuple[str, str, Node]]:
    if node is None:
        return []
    found = []
    for name, value in (reader.mapping(node, what) or {}).items():
        if known is not None and name not in known:
            reader.problem(value, f"{what} '{name}' is not {known_as}: {', '.join(sorted(known))}")
            continue
        if not _KIND.match(name):
            reader.problem(value, f"{what} kind '{name}' must be lowercase words joined by '-'")
            continue
        found += [(text, name, item) for text, item in reader.texts(value, f"{what} '{name}'")]
    return found


def exception_names(node: Node | None) -> set[str]:
    """The names of the exceptions under ``detection.exceptions`` (for checking ``semantic.gloss_frames``,
    ``semantic.story_frames``, ``semantic.writer_frames``, ``semantic.treatment_frames`` and
    ``semantic.gloss_treatment_frames``)."""
    if not isinstance(node, MappingNode):
        return set()
    for key, value in node.value:
        if isinstance(key, ScalarNode) and key.value == "exceptions" and isinstance(value, SequenceNode):
            return {field.value for item in value.value if isinstance(item, MappingNode)
                    for name, field in item.value
                    if isinstance(name, ScalarNode) and name.value == "name" and isinstance(field, ScalarNode)}
    return set()


def category_names(node: Node | None) -> set[str]:
    """The category names under ``detection.categories`` (for checking the examples' categories)."""
    if not isinstance(node, MappingNode):
        return set()
    for key, value in node.value:
        if isinstance(key, ScalarNode) and key.value == "categories" and isinstance(value, MappingNode):
            return {k.value for k, _ in value.value if isinstance(k, ScalarNode)}
    return set()


_ROUND_TRIPPED_KEYS = frozenset({"True", "False", "None"})


def read_glossary(reader: FileReader, fields: dict[str, Node], languages: Mapping[str, LanguagePolicy],
                  stem: str) -> dict[str, list[str]] | None:
    """``glossary/<code>.yaml``: English keys, each with the language's forms that stand for it.

    The language must be one of crisis.yaml's (its ``marks`` and ``words`` say how it is folded and
    matched) and the file named after it. A form under two keys would gloss as whichever came first:
    refused at its line, as is a form that folds to nothing. Returns each English key's forms through
    ``fold_form``, ready for ``compile_glossary`` (and for the loader's disk cache).
    """
    code = reader.text(fields["language"], "language")
    if code is None:
        return None
    if code not in languages:
        reader.problem(fields["language"], f"language '{code}' is not one of crisis.yaml's languages: "
                                           f"{', '.join(sorted(languages))}")
        return None
    if stem != code:
        reader.problem(fields["language"], f"a glossary for '{code}' must be named {code}.yaml")
    if "checked" in fields:
        reader.text(fields["checked"], "checked")
    gloss: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for english, value in (reader.mapping(fields["gloss"], "gloss") or {}).items():
        if not english.strip():
            reader.problem(value, "a gloss key (the English) is empty")
            continue
        if english in _ROUND_TRIPPED_KEYS:
            # Not English: a YAML 1.1 tool reads an unquoted on/yes/no/off as a boolean and writes it back as
            # 'True' or 'False'; two keys then become one, and every gloss says "True" for "on" and for "yes".
            reader.problem(value, f"gloss key '{english}' is what a YAML tool writes back for an unquoted "
                                  "on, yes, off or no: write the English word, quoted ('on', 'yes', 'no')")
            continue
        forms = []
        for form, node in reader.texts(value, f"the forms of '{english}'"):
            # as written (accents kept): "oldu" (happened) and "öldü" (died) are two forms (see compile_glossary)
            folded = fold_form(form)
            if not folded.rstrip("*"):
                reader.problem(node, f"form '{form}' of '{english}' has no letters")
            elif folded in seen and seen[folded] != english:
                reader.problem(node, f"form '{form}' stands for '{english}' here and for '{seen[folded]}' above")
            else:
                seen.setdefault(folded, english)
                forms.append(folded)
        gloss[english] = forms
    return gloss
