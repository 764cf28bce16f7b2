"""What the bot understands of a message: the three views, fused, for the decision to act on.

Built once per knowledge version (at load and on hot reload, off the event loop): the lexical
index, the classifier, the word view and the fusion. Fitting takes a few seconds, so the fitted arrays are
kept in the on-disk store beside the knowledge embeddings, keyed by the model and everything
the fit reads; a restart with the same knowledge loads them instead.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.knowledge.model import Knowledge
from bot.language.markup import strip_markup
from bot.language.word_bayes import WordModel
from bot.matching.fusion import FEATURES, Evidence, Fusion, ViewBuilder, Views, candidates, fit_fusion
from bot.matching.lexical import Candidate, MatchIndex, Query
from bot.matching.semantic import (
    OTHER_LABEL,
    GroupedRows,
    Label,
    SemanticClassifier,
    TrainingSet,
    all_labels,
    label_order,
    training_set,
)
from bot.semantic.embedder import Embedder
from bot.semantic.encoder import DIM
from bot.semantic.softmax import SoftmaxModel
from bot.semantic.store import code_fingerprint

WORDS = "words_"  # the word view's arrays in the stored fit


@dataclass(frozen=True)
class Scored:
    """A candidate FAQ entry or boundary topic with the views and the fused confidence (0-1)."""

    evidence: Evidence
    confidence: float

    @property
    def label(self) -> Label:
        return self.evidence.label


@dataclass(frozen=True)
class Reading:
    """Everything understood of one message; ``ask --explain`` prints it."""

    text: str  # the message without markup
    query: Query
    lexical: tuple[Candidate, ...]
    labels: tuple[Label, ...]
    probabilities: np.ndarray  # per label, the windows combined
    nearest: np.ndarray  # per label, the cosine of the closest example
    windows: tuple[str, ...]
    vectors: np.ndarray
    candidates: tuple[Scored, ...]  # FAQ and boundary candidates, most confident first
    words: np.ndarray  # per label, the word view's probability

    def best_words(self, count: int = 3) -> list[tuple[Label, float]]:
        order = np.argsort(-self.words)[:count]
        return [(self.labels[int(n)], float(self.words[n])) for n in order]

    @property
    def top_semantic(self) -> Label:
        return self.labels[int(np.argmax(self.probabilities))]

    def probability(self, label: Label) -> float:
        return float(self.probabilities[self.labels.index(label)]) if label in self.labels else 0.0

    def best_probabilities(self, count: int = 5) -> list[tuple[Label, float]]:
        order = np.argsort(-self.probabilities)[:count]
        return [(self.labels[int(n)], float(self.probabilities[n])) for n in order]


class Understanding:
    """The lexical index, the classifier, the word view and the fusion of one knowledge version."""

    def __init__(self, knowledge: Knowledge, embedder: Embedder) -> None:
        self.embedder = embedder
        self.lexical = MatchIndex(knowledge)
        examples = training_set(knowledge)
        labels = all_labels(examples)
        key = _fit_key(knowledge, examples, embedder.model_id)
        stored = embedder.store.load(f"fit-{key}")
        words = WordModel.stored(stored, WORDS) if stored is not None else None
        if stored is not None and words is not None and {"weights", "bias", "fusion"} <= stored.keys() \
                and stored["weights"].shape == (DIM, len(labels)):
            self.words = words
            model = SoftmaxModel(stored["weights"], stored["bias"])
            self.fusion = Fusion(stored["fusion"])
        else:
            vectors = embedder.knowledge_vectors(examples.texts)
            self.words = _word_view(examples, labels, range(len(examples.texts)))
            model = SemanticClassifier.fit_model(examples, vectors, labels)
            self.fusion = fit_fusion(examples.labels, examples.groups, labels,
                                     _fold_views(knowledge, examples, vectors, labels))
            embedder.store.save(f"fit-{key}", {"weights": model.weights, "bias": model.bias,
                                               "fusion": self.fusion.weights, **self.words.arrays(WORDS)})
        # Asked for as kept whether the fit was cached or not: the file is then laid out for the next start.
        rows = embedder.knowledge_vectors([examples.texts[i] for i in label_order(examples)], kept=True)
        self.classifier = SemanticClassifier(labels, model, examples, GroupedRows(rows))

    @property
    def labels(self) -> tuple[Label, ...]:
        return self.classifier.labels

    def read(self, text: str, windows: list[str] | None = None, vectors: np.ndarray | None = None,
             similarities: np.ndarray | None = None) -> Reading:
        """Both views of a message; ``windows``/``vectors`` when the caller embedded it already (the crisis
        screen reads the same vectors, so a message is embedded once), and ``similarities`` of those
        vectors when it compared them with the examples already (the crisis screen does)."""
        clean = strip_markup(text)
        query = self.lexical.analyze(clean)
        ranked = tuple(self.lexical.rank(query, limit=5))
        if windows is None or vectors is None:
            windows, vectors = self.embedder.message_vectors(clean)
        if not windows:
            probabilities = np.zeros(len(self.labels))
            probabilities[self.labels.index(OTHER_LABEL)] = 1.0
            nearest = np.zeros(len(self.labels))
        else:
            if similarities is None or len(similarities) != len(vectors):
                similarities = self.classifier.similarities(vectors)
            probabilities, nearest = combine_windows(self.classifier.probabilities(vectors), similarities)
        lexical = {Label(c.target.kind, c.target.id): c.score for c in ranked}
        words = self.words.probabilities(clean)
        scored = sorted((Scored(evidence, self.fusion.confidence(features))
                         for evidence, features in candidates(self.labels, probabilities, nearest, lexical,
                                                              unknown_share(query), words)),
                        key=lambda s: (-s.confidence, s.label))
        return Reading(clean, query, ranked, self.labels, probabilities, nearest, tuple(windows), vectors,
                       tuple(scored), words)


def combine_windows(probabilities: np.ndarray, nearest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One reading of a message embedded as several windows (see ``bot.semantic.embedder``).

    The first row is the whole message. A question inside a long backstory is best read from
    the window that speaks most clearly (highest top probability), averaged with the whole
    message so one stray sentence cannot take the reading over.
    """
    if len(probabilities) == 1:
        return probabilities[0], nearest[0]
    clearest = int(np.argmax(probabilities.max(axis=1)))
    return (probabilities[0] + probabilities[clearest]) / 2, np.maximum(nearest[0], nearest[clearest])


def _fold_views(knowledge: Knowledge, examples: TrainingSet, vectors: np.ndarray,
                labels: tuple[Label, ...]) -> ViewBuilder:
    """For the fusion: the views rebuilt without the held-out examples, scoring held-out examples."""

    def build(held: Sequence[int]) -> Callable[[Sequence[int]], Views]:
        dropped = {examples.texts[i] for i in held}
        keep = [i for i in range(len(examples.texts)) if i not in set(held)]
        classifier = SemanticClassifier.fit(examples.without(held), vectors[keep], labels)
        lexical = MatchIndex(_without_phrasings(knowledge, dropped))
        words = _word_view(examples, labels, keep)

        def score(indexes: Sequence[int]) -> Views:
            chosen = vectors[list(indexes)]
            queries = [lexical.analyze(examples.texts[i]) for i in indexes]
            scores = [{Label(c.target.kind, c.target.id): c.score for c in lexical.rank(query, limit=5)}
                      for query in queries]
            return (classifier.probabilities(chosen), classifier.similarities(chosen), scores,
                    [unknown_share(query) for query in queries],
                    np.array([words.probabilities(examples.texts[i]) for i in indexes]))

        return score

    return build


def _word_view(examples: TrainingSet, labels: tuple[Label, ...], chosen: Sequence[int]) -> WordModel:
    """The word view of the ``chosen`` examples, its classes in the order of ``labels``."""
    column = {label: n for n, label in enumerate(labels)}
    return WordModel.fit([examples.texts[i] for i in chosen], [column[examples.labels[i]] for i in chosen],
                         len(labels))


def unknown_share(query: Query) -> float:
    """The share of a message's content words that no knowledge text uses (0 for an empty message)."""
    words = len(query.terms) + len(query.unknown)
    return len(query.unknown) / words if words else 0.0


def _without_phrasings(knowledge: Knowledge, dropped: set[str]) -> Knowledge:
    """The knowledge as the lexical index would see it had ``dropped`` never been written."""
    entries = tuple(dataclasses.replace(e, question="" if e.question in dropped else e.question,
                                        phrasings=tuple(p for p in e.phrasings if p not in dropped))
                    for e in knowledge.entries)
    boundaries = tuple(dataclasses.replace(t, phrasings=tuple(p for p in t.phrasings if p not in dropped))
                       for t in knowledge.boundaries)
    return dataclasses.replace(knowledge, entries=entries, boundaries=boundaries)


def _fit_key(knowledge: Knowledge, examples: TrainingSet, model_id: str) -> str:
    """Everything a fit reads: the model, the examples, and what the lexical index is built from."""
    lexical = [[e.id, e.question, e.keywords, e.answer] for e in knowledge.entries]
    lexical += [[t.id, t.reply] for t in knowledge.boundaries]
    payload = json.dumps([_fit_code(), model_id, FEATURES, examples.texts,
                          [str(x) for x in examples.labels], lexical, knowledge.matching.synonyms], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


@functools.cache
def _fit_code() -> str:
    """The code that shapes the fits (the views, their features and the fusion, the learners, the words): part of
    the stored fit's name, so that a change to it fits again."""
    return code_fingerprint(__name__, "bot.matching.fusion", "bot.matching.semantic", "bot.matching.lexical",
                            "bot.semantic.softmax", "bot.semantic.adam", "bot.language.word_bayes",
                            "bot.language.normalize")
