"""The semantic view: a classifier over sentence embeddings, trained from the knowledge itself.

Classes are every FAQ entry, every boundary topic, every small-talk intent and one ``other``
class (``knowledge/out_of_scope.yaml``: what the bot must not answer from the FAQ), so the
classifier learns what "none of these" looks like instead of forcing every message onto the
nearest entry. Training examples are each entry's question and phrasings, as operators
write them; nothing from an evaluation set.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import InitVar, dataclass, field

import numpy as np

from bot.knowledge.model import Knowledge
from bot.semantic.softmax import SoftmaxModel, fit_softmax

FAQ, BOUNDARY, SMALLTALK, OTHER = "faq", "boundary", "smalltalk", "other"


@dataclass(frozen=True, order=True)
class Label:
    """A class of the classifier: an FAQ entry, a boundary topic, a small-talk intent, or other."""

    kind: str
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


OTHER_LABEL = Label(OTHER, OTHER)


# People asking a ketamine bot often leave the topic out ("how much does it cost", "is it
# addictive"). Phrasings name it, so a classifier learns "mentions ketamine" as what separates
# every entry from "other" and reads topic-less questions as out of scope. Each phrasing that
# names it is therefore also learned without it: "ketamine" before a noun is dropped ("a ketamine
# session" -> "a session"), elsewhere it becomes "it" ("is ketamine addictive" -> "is it addictive").
_TOPIC_BEFORE_NOUN = re.compile(
    r"\b(?:ketamine|ketamin)\s+(?=(?:therapy|treatments?|infusions?|sessions?|clinics?|providers?|doctors?|"
    r"appointments?|course|protocols?|patients?|nasal|injections?|lozenges?|programs?)\b)", re.IGNORECASE)
_TOPIC = re.compile(r"\b(?:ketamine|ketamin)\b", re.IGNORECASE)


def without_topic(text: str) -> str | None:
    """The phrasing as someone would ask it without naming ketamine, or None if it does not name it."""
    stripped = _TOPIC.sub("it", _TOPIC_BEFORE_NOUN.sub("", text))
    return stripped if stripped != text else None


@dataclass(frozen=True)
class TrainingSet:
    """Labelled examples; ``groups`` ties a topic-less variant to the phrasing it came from (for folds)."""

    texts: tuple[str, ...]
    labels: tuple[Label, ...]
    groups: tuple[int, ...]

    def without(self, drop: Sequence[int]) -> TrainingSet:
        dropped = set(drop)
        kept = [i for i in range(len(self.texts)) if i not in dropped]
        return TrainingSet(tuple(self.texts[i] for i in kept), tuple(self.labels[i] for i in kept),
                           tuple(self.groups[i] for i in kept))


def training_set(knowledge: Knowledge) -> TrainingSet:
    """Every example the knowledge gives, labelled, in a stable order; topic-less variants after them."""
    pairs: list[tuple[str, Label]] = []
    for entry in knowledge.entries:
        pairs += [(text, Label(FAQ, entry.id)) for text in (entry.question, *entry.phrasings)]
    for topic in knowledge.boundaries:
        pairs += [(text, Label(BOUNDARY, topic.id)) for text in topic.phrasings]
    for intent in knowledge.smalltalk:
        pairs += [(text, Label(SMALLTALK, intent.id)) for text in intent.phrasings]
    pairs += [(text, OTHER_LABEL) for text in knowledge.out_of_scope]
    groups = list(range(len(pairs)))
    seen = {text for text, _ in pairs}
    for group, (text, label) in enumerate(list(pairs)):
        variant = without_topic(text) if label.kind in (FAQ, BOUNDARY) else None
        if variant and variant not in seen:
            seen.add(variant)
            pairs.append((variant, label))
            groups.append(group)
    return TrainingSet(tuple(t for t, _ in pairs), tuple(label for _, label in pairs), tuple(groups))


def label_order(examples: TrainingSet) -> list[int]:
    """The examples grouped by label: the column order of ``SemanticClassifier``'s example vectors."""
    return sorted(range(len(examples.labels)), key=lambda i: examples.labels[i])


@dataclass(frozen=True)
class GroupedRows:
    """Example vectors already in ``label_order``, one per row: the layout the classifier keeps, as the bot asks the
    embedder for them (``Understanding``), so that they are a view of the loaded cache, not a second copy."""

    rows: np.ndarray


@dataclass(frozen=True)
class SemanticClassifier:
    """Class probabilities for message vectors, and the nearest knowledge examples (for explain)."""

    labels: tuple[Label, ...]
    model: SoftmaxModel
    examples: TrainingSet
    vectors: InitVar[np.ndarray | GroupedRows]  # of the examples; kept only as ``_by_label`` (9 MB)
    _by_label: np.ndarray = field(init=False, repr=False)  # example vectors grouped by label, one per row
    _order: np.ndarray = field(init=False, repr=False)  # the example in each row of ``_by_label``
    _starts: np.ndarray = field(init=False, repr=False)  # where each label's group starts
    _present: np.ndarray = field(init=False, repr=False)  # the labels that have examples

    def __post_init__(self, vectors: np.ndarray | GroupedRows) -> None:
        order = label_order(self.examples)
        grouped = [self.examples.labels[i] for i in order]
        present = [n for n, label in enumerate(self.labels) if label in grouped]
        object.__setattr__(self, "_by_label", vectors.rows if isinstance(vectors, GroupedRows) else vectors[order])
        object.__setattr__(self, "_order", np.array(order, dtype=np.int64))
        object.__setattr__(self, "_starts", np.array([grouped.index(self.labels[n]) for n in present]))
        object.__setattr__(self, "_present", np.array(present, dtype=np.int64))

    @classmethod
    def fit(cls, examples: TrainingSet, vectors: np.ndarray, labels: tuple[Label, ...]) -> SemanticClassifier:
        return cls(labels, cls.fit_model(examples, vectors, labels), examples, vectors)

    @staticmethod
    def fit_model(examples: TrainingSet, vectors: np.ndarray, labels: tuple[Label, ...]) -> SoftmaxModel:
        """Every example weighs the same; reweighting classes by size was measured and did not help."""
        index = {label: n for n, label in enumerate(labels)}
        targets = np.array([index[label] for label in examples.labels], dtype=np.int64)
        return fit_softmax(vectors, targets, len(labels))

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        return self.model.probabilities(vectors)

    def similarities(self, vectors: np.ndarray) -> np.ndarray:
        """Per vector and label, the cosine of the nearest example of that label: ``[n, labels]``.

        Nearest examples see what a linear classifier can miss (a close paraphrase of one
        phrasing); the fusion weighs both. The examples are rows, each window a column of the product: the
        examples' matrix is read once in its own order whatever the number of windows, and a view of the cache
        (``GroupedRows``) and a fitted copy give the same cosines to the last bit.
        """
        result = np.full((len(vectors), len(self.labels)), -1.0, dtype=np.float32)
        if len(self._present):
            result[:, self._present] = np.maximum.reduceat(self._by_label @ vectors.T, self._starts, axis=0).T
        return result

    def nearest(self, vector: np.ndarray, count: int = 3) -> list[tuple[float, str, Label]]:
        similarity = self._by_label @ vector
        best = [(row, int(self._order[row])) for row in np.argsort(-similarity)[:count]]
        return [(float(similarity[row]), self.examples.texts[i], self.examples.labels[i]) for row, i in best]


def all_labels(examples: TrainingSet) -> tuple[Label, ...]:
    return tuple(sorted(set(examples.labels)))
