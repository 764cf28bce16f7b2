"""What the semantic crisis layer learns from, gathered from one knowledge version.

Why other languages are learned through their gloss: the encoder reads English only, so a message in
another language reaches the semantic layer as its word-by-word English gloss ("die Pistole liegt geladen
neben mir" as "the gun lie battery me"). That broken English is nothing like the examples the classifier
was trained on, so its alarm on glosses was weak and its bars had to be stricter. Examples written in
those languages (crisis_examples_other_languages.yaml), glossed exactly as a message is, teach it the
dialect: a gloss is learned from only when it would be read at all (``gloss_coverage``, ``gloss_words``).
They train a second classifier, the one that reads glosses, beside the English examples: the classifier
that reads English messages learns from English only. Trained together, the glossed examples moved the
English reading (4 English examples of crisis_examples.yaml no longer escalated); apart, English
decisions are exactly as they were.

The calm texts include the FAQ's own (phrasings, small talk, boundary topics, out-of-scope examples), but not
the out-of-scope examples near the FAQ's subject (``Knowledge.near_subject``: "Does ashwagandha reduce anxiety?"):
learning even 20 of them as calm moved the classifier's boundary enough to miss 5 crises of four development
sets. They name the conditions and medicines that crisis messages name too.

Of each entry, only the question and its first ``FAQ_TEXTS_PER_ENTRY`` phrasings are learned as calm, and of each
boundary topic its first ``BOUNDARY_TEXTS_PER_TOPIC``, so that phrasings operators add for the matcher's sake leave
the crisis layer as it was (260 boundary phrasings, all learned, set aside seven borderline readings the crisis
tests pin: "ok that ketamine bill almost gave me a heart attack" without its laughing emoji no longer escalated).
600 more FAQ phrasings, all learned, moved it on distress: "i dont see the point in anything anymore" lost the
support reply, "i just feel numb and worn out" its escalation. A few dozen questions per entry already teach it
what a calm question is; more of them, about depression that nothing shifts, taught it that hopelessness was calm
too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.crisis.semantic import CrisisClassifier
from bot.knowledge.model import Knowledge
from bot.language.markup import strip_markup
from bot.semantic.embedder import Embedder

log = logging.getLogger("bot.decision")  # the classifiers are built for a Responder: its log, as before

FAQ_TEXTS_PER_ENTRY = 64  # an entry's phrasings the crisis layer learns as calm, its first: see the module docstring
BOUNDARY_TEXTS_PER_TOPIC = 32  # a boundary topic's, likewise


@dataclass(frozen=True)
class CrisisTraining:
    """Labelled texts for ``bot.crisis.semantic.CrisisClassifier.build``."""

    crisis: tuple[tuple[str, str], ...]  # (text, category)
    calm: tuple[tuple[str, str], ...]  # (text, kind of hard negative)
    easy: tuple[str, ...]  # the FAQ's own texts: calm, and what people send most
    glossed_crisis: tuple[tuple[str, str], ...] = ()  # other languages' examples, as their English glosses
    glossed_calm: tuple[tuple[str, str], ...] = ()


def crisis_training(knowledge: Knowledge) -> CrisisTraining:
    """crisis_examples.yaml, the glosses of crisis_examples_other_languages.yaml, and the FAQ's texts."""
    examples = knowledge.crisis_examples
    seen = {text for text, _ in (*examples.crisis, *examples.calm)}
    glossed_crisis: list[tuple[str, str]] = []
    glossed_calm: list[tuple[str, str]] = []
    bars = knowledge.crisis.thresholds
    # Each example through its own language's glossary (a message goes through the one that knows most of it,
    # nearly always its own): a thirty-fourth of the work, at every load.
    glossaries = {code: knowledge.glossaries.only(code) for code in {language for _, language, _, _ in
                                                                     examples.other_languages}}
    for text, language, label, is_crisis in examples.other_languages:
        glossed = glossaries[language].gloss(strip_markup(text), first=language)
        if glossed is None or glossed.words < bars.gloss_words or glossed.coverage < bars.gloss_coverage \
                or glossed.text in seen:
            continue
        seen.add(glossed.text)
        (glossed_crisis if is_crisis else glossed_calm).append((glossed.text, label))
    easy = [text for entry in knowledge.entries for text in (entry.question, *entry.phrasings[:FAQ_TEXTS_PER_ENTRY])]
    easy += [text for intent in knowledge.smalltalk for text in intent.phrasings]
    easy += [text for topic in knowledge.boundaries for text in topic.phrasings[:BOUNDARY_TEXTS_PER_TOPIC]]
    easy += knowledge.off_subject()
    return CrisisTraining(examples.crisis, examples.calm, tuple(easy), tuple(glossed_crisis), tuple(glossed_calm))


def crisis_classifiers(training: CrisisTraining, embedder: Embedder
                       ) -> tuple[CrisisClassifier | None, CrisisClassifier | None]:
    """The semantic crisis layer (the module docstring says what it learns from): the English classifier, and the
    one that reads other languages' glosses, which also learns from glossed examples (none without them: the English
    one reads glosses too). That one is built first: its examples begin with the English one's, which keeps views of
    its vectors."""
    if not training.crisis:
        log.warning("no crisis examples (knowledge/crisis_examples.yaml): the semantic crisis layer is off")
        return None, None
    glossed = None if not training.glossed_crisis else CrisisClassifier.build(
        (*training.crisis, *training.glossed_crisis), (*training.calm, *training.glossed_calm), training.easy, embedder)
    english = CrisisClassifier.build(training.crisis, training.calm, training.easy, embedder, glossed, words=True)
    return english, glossed
