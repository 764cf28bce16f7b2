"""A softmax (multinomial logistic) regression in numpy: the classifiers over sentence embeddings.

Why written here: scikit-learn with scipy would add about 180 MB to a PaaS slug for one model
that is ten lines of numpy. Full-batch Adam on the cross-entropy with an L2 penalty, from zero
weights, so the same data always gives the same model (training runs at every knowledge load
and must not make one restart answer differently from the last).

A few thousand 384-dimensional examples and a few dozen classes train in well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.semantic.adam import Adam


@dataclass(frozen=True)
class SoftmaxModel:
    """Weights ``[dim, classes]`` and bias ``[classes]``; probabilities are softmax(x W + b)."""

    weights: np.ndarray
    bias: np.ndarray

    def logits(self, vectors: np.ndarray) -> np.ndarray:
        return vectors @ self.weights + self.bias

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        return softmax(self.logits(vectors))


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def training_arrays(vectors: np.ndarray, labels: np.ndarray, classes: int,
                    sample_weight: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What both numpy fitters train on: the vectors as float32, the labels one-hot, and each example's weight
    as a column that sums to one (so the loss is a weighted mean, whatever the number of examples)."""
    x = np.asarray(vectors, dtype=np.float32)
    count = len(x)
    targets = np.zeros((count, classes), dtype=np.float32)
    targets[np.arange(count), labels] = 1.0
    weight = np.ones(count, dtype=np.float32) if sample_weight is None else sample_weight.astype(np.float32)
    return x, targets, (weight / weight.sum())[:, None]


def fit_softmax(vectors: np.ndarray, labels: np.ndarray, classes: int, *, l2: float = 1e-5, steps: int = 200,
                learning_rate: float = 0.2, sample_weight: np.ndarray | None = None) -> SoftmaxModel:
    """Fit by full-batch Adam. ``labels`` are class indexes; ``sample_weight`` rebalances classes.

    The L2 penalty is small on purpose: embeddings are unit vectors and classes are narrow, so
    a strong penalty flattens every probability (measured on folds of the knowledge phrasings:
    1e-5 keeps held-out accuracy, 1e-3 loses a fifth of it).
    """
    x, targets, weight = training_arrays(vectors, labels, classes, sample_weight)
    dim = x.shape[1]
    w = np.zeros((dim, classes), dtype=np.float32)
    b = np.zeros(classes, dtype=np.float32)
    optimiser = Adam([w, b], learning_rate)
    for _ in range(steps):
        error = (softmax(x @ w + b) - targets) * weight
        optimiser.step([x.T @ error + l2 * w, error.sum(axis=0)])
    return SoftmaxModel(w, b)
