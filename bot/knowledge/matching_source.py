"""The ``matching:`` section of settings.yaml, read with line numbers into :class:`MatchSettings`.

Its own module because the loader reads every file and this section is the one operators tune most: thresholds,
synonym groups and the lists that say what the FAQ is about.
"""

from __future__ import annotations

from yaml.nodes import Node

from bot.knowledge.model import MatchSettings
from bot.knowledge.yamlsource import FileReader
from bot.language.normalize import normalize
from bot.language.terms import SIGNAL_WORDS, STOP_WORDS

SUBJECT_LISTS = ("other_treatments", "subject_words")  # what the FAQ is not, and is, about: bot.matching.subject
CONFIDENCES = ("answer_confidence", "clarify_margin", "suggest_confidence", "boundary_margin",
               "smalltalk_probability", "short_message_confidence", "function_words_confidence",
               "gloss_answer_confidence")


def parse_matching(reader: FileReader, node: Node) -> MatchSettings:
    """Check and build the section, reporting every problem through ``reader`` as path:line."""
    fields = reader.mapping(node, "matching", optional=("min_score", "ambiguity_margin", "max_options",
                                                         "synonyms", "lexical_only", *SUBJECT_LISTS,
                                                         *CONFIDENCES)) or {}
    defaults = MatchSettings()
    min_score = reader.number(fields["min_score"], "min_score", 0, 100) if "min_score" in fields else None
    margin = (reader.number(fields["ambiguity_margin"], "ambiguity_margin", 0, 50)
              if "ambiguity_margin" in fields else None)
    options = reader.number(fields["max_options"], "max_options", 2, 5) if "max_options" in fields else None
    synonyms = tuple(_synonym_group(reader, group) for group in reader.sequence(fields["synonyms"], "synonyms")
                     ) if "synonyms" in fields else ()
    confidences = {name: value for name in CONFIDENCES if name in fields
                   and (value := reader.number(fields[name], name, 0, 1)) is not None}
    lexical_only = reader.flag(fields["lexical_only"], "lexical_only") if "lexical_only" in fields else False
    others, subject = (_word_list(reader, fields.get(name), name) for name in SUBJECT_LISTS)
    for word, item in others:
        if normalize(word) in {normalize(listed) for listed, _ in subject}:
            reader.problem(item, f"'{word}' is in both other_treatments and subject_words; it can only be one")
    return MatchSettings(
        **confidences,
        lexical_only=lexical_only,
        other_treatments=tuple(word for word, _ in others),
        subject_words=tuple(word for word, _ in subject),
        min_score=defaults.min_score if min_score is None else min_score,
        ambiguity_margin=defaults.ambiguity_margin if margin is None else margin,
        max_options=defaults.max_options if options is None else int(options),
        synonyms=synonyms,
    )


def _word_list(reader: FileReader, node: Node | None, what: str) -> list[tuple[str, Node]]:
    """Words or names, in lower case as ``explain`` shows them (``SubjectCheck`` compares them normalised)."""
    words = [] if node is None else reader.texts(node, what)
    return [(word.lower(), item) for word, item in words]


def _synonym_group(reader: FileReader, group: Node) -> tuple[str, ...]:
    """Every member is read as the group's first word. A member made only of function words in a
    group about a topic ("how much" in the cost group) would make every question using it about
    that topic ("how much will it help"): refused."""
    items = [(normalize(word), word, node) for word, node in reader.texts(group, "a synonym group")]

    def framing(folded: str) -> bool:
        return bool(folded) and all(w in STOP_WORDS or w in SIGNAL_WORDS for w in folded.split())

    if items and not framing(items[0][0]):
        for folded, word, node in items[1:]:
            if framing(folded):
                reader.problem(node, f"synonym '{word}' is only function words; it would make every question "
                                     f"using it about '{items[0][1]}'. List words of the topic only")
    return tuple(folded for folded, _, _ in items)
