"""Fusing the views into one confidence per candidate, learned on held-out folds of the knowledge.

The lexical matcher is precise on wording the knowledge has; the classifier generalises to
wording it lacks; the word view (``bot.language.word_bayes``: naive Bayes over the words and word pairs of
every entry's phrasings) weighs the words that tell entries apart, which the embedding blurs ("Should the
clinic offer counselling and follow-up care?" read as therapy alongside ketamine; its words are choosing a
clinic's). Alone, its best entry was right as often as the whole decision on the development sets, and on 31
of the 54 questions the decision answered wrong. None is right about when to trust the others, so that is
learned: the knowledge examples are split into three folds, the views are rebuilt without one fold, the
held-out fold is scored, and a logistic regression learns from those held-out candidates which
combinations of evidence mean "this candidate is the right entry".

Why held-out folds and never an evaluation set: on examples a view was trained on, it is
nearly always right, and a fusion fitted there (or on a saturated development set) learns to
trust the lexical view far too much.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.matching.semantic import BOUNDARY, FAQ, OTHER_LABEL, Label

FOLDS = 3  # enough held-out rows for fourteen weights; each fold is a full refit, so starts pay per fold
SEMANTIC_CANDIDATES = 3  # the classifier's best classes considered, besides the lexical ones
FEATURES = ("semantic", "lexical", "semantic top", "lexical top", "semantic lead", "lexical lead", "other",
            "nearest", "nearest lead", "unknown", "words", "words top", "words lead", "bias")


@dataclass(frozen=True)
class Evidence:
    """One candidate with the views' numbers: probabilities 0-1, lexical score 0-100."""

    label: Label
    semantic: float
    lexical: float
    words: float


def candidates(labels: Sequence[Label], probabilities: np.ndarray, nearest: np.ndarray,
               lexical: Mapping[Label, float], unknown: float, words: np.ndarray) -> list[tuple[Evidence, np.ndarray]]:
    """Each FAQ or boundary candidate of any view, with its feature vector (see :data:`FEATURES`).

    ``probabilities``, ``nearest`` (the cosine of the closest example) and ``words`` (the word view's
    probabilities) are per label;
    ``unknown`` is the share of the message's content words the knowledge has never used
    ("is ADDERALL addictive"): a question about something else wears the FAQ's question frame.
    """
    order = np.argsort(-probabilities)
    top_semantic = labels[int(order[0])]
    top_lexical = max(lexical, key=lexical.__getitem__) if lexical else None
    index = {label: n for n, label in enumerate(labels)}
    other = float(probabilities[index[OTHER_LABEL]]) if OTHER_LABEL in index else 0.0
    first, second = (float(probabilities[order[0]]), float(probabilities[order[1]])) if len(order) > 1 else (1.0, 0.0)
    near_order = np.argsort(-nearest)[:2]
    near_first, near_second = (float(nearest[near_order[0]]), float(nearest[near_order[-1]]))
    scores = [*sorted(lexical.values(), reverse=True)[:2], 0.0, 0.0]
    word_order = np.argsort(-words)[:2]
    chosen = [labels[int(n)] for n in order[:SEMANTIC_CANDIDATES]] + list(lexical) + [labels[int(word_order[0])]]
    found = []
    for label in dict.fromkeys(chosen):
        if label.kind not in (FAQ, BOUNDARY) or label not in index:
            continue
        n = index[label]
        semantic = float(probabilities[n])
        score = lexical.get(label, 0.0) / 100
        rival = second if label == top_semantic else first  # the best probability of any other label
        lexical_rival = (scores[1] if label == top_lexical else scores[0]) / 100
        close = float(nearest[n])
        close_rival = near_second if n == int(near_order[0]) else near_first
        worded = float(words[n])
        word_rival = float(words[word_order[1] if n == int(word_order[0]) else word_order[0]])
        features = np.array([semantic, score, float(label == top_semantic), float(label == top_lexical),
                             semantic - rival, score - lexical_rival, other, close, close - close_rival, unknown,
                             worded, float(n == int(word_order[0])), worded - word_rival, 1.0], dtype=np.float64)
        found.append((Evidence(label, semantic, score * 100, worded), features))
    return found


@dataclass(frozen=True)
class Fusion:
    """Logistic weights over :data:`FEATURES`: the probability that a candidate is the right answer."""

    weights: np.ndarray

    def confidence(self, features: np.ndarray) -> float:
        return float(1 / (1 + np.exp(-float(features @ self.weights))))


# What the views make of some texts: class probabilities, nearest-example cosines (both per
# label), lexical scores, the share of unknown words and the word view's probabilities (per label), per text.
Views = tuple[np.ndarray, np.ndarray, list[dict[Label, float]], list[float], np.ndarray]
# Given the indexes of the examples to hold out: a function scoring texts with the views
# trained without them.
ViewBuilder = Callable[[Sequence[int]], Callable[[Sequence[int]], Views]]


def fit_fusion(labels: Sequence[Label], groups: Sequence[int], classes: Sequence[Label],
               build_views: ViewBuilder, *, seed: int = 0) -> Fusion:
    """Learn the fusion weights from held-out folds.

    Folds are drawn by ``groups``: a phrasing and its topic-less variant are held out together.
    """
    fold_of_group = np.random.default_rng(seed).integers(0, FOLDS, max(groups) + 1)
    folds = fold_of_group[np.asarray(groups)]

    def fold_rows(fold: int) -> tuple[list[np.ndarray], list[float]]:
        held = [int(i) for i in np.flatnonzero(folds == fold)]
        probabilities, nearest, lexical, unknown, words = build_views(held)(held)
        rows, truth = [], []
        for i, p, near, lex, strange, worded in zip(held, probabilities, nearest, lexical, unknown, words, strict=True):
            for evidence, features in candidates(classes, p, near, lex, strange, worded):
                rows.append(features)
                truth.append(float(evidence.label == labels[i]))
        return rows, truth

    # One after another: run side by side (each refit holds a lexical index of its own), the three saved about
    # a second of a cold start and raised its peak memory by 50 MB.
    results = [fold_rows(fold) for fold in range(FOLDS)]
    features = np.array([row for rows, _ in results for row in rows])
    truth = np.array([t for _, truths in results for t in truths])
    return Fusion(_fit_logistic(features, truth))


def _fit_logistic(features: np.ndarray, truth: np.ndarray, steps: int = 2000, rate: float = 0.5,
                  l2: float = 1e-4) -> np.ndarray:
    """Plain gradient descent: fourteen weights, a few thousand rows; converges in well under a second."""
    weights = np.zeros(features.shape[1])
    for _ in range(steps):
        predicted = 1 / (1 + np.exp(-(features @ weights)))
        weights -= rate * (features.T @ (predicted - truth) / len(truth) + l2 * weights)
    return weights
