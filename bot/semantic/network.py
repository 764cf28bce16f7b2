"""A network with one hidden layer, in numpy: the crisis alarm over sentence embeddings.

Why not the softmax regression (``bot.semantic.softmax``) here: a linear model gives each direction of
the embedding one sign, so a crisis word counts the same wherever it stands ("went cliff jumping
into the lake with my cousins" alarmed). A layer of ReLU units can read a word together with what
surrounds it. It reads better, not perfectly: "the train tracks behind my house are so loud at night"
went from 0.95 to 0.79, still over the threshold. Measured out of fold on the crisis examples (five
folds): at the same 8% of hard negatives alarmed, the alarm caught 0.87 of the crisis examples
instead of 0.83.

Why numpy: the slug, as for the softmax regression (torch or scikit-learn would add hundreds of MB).
The starting weights come from a fixed seed, so the same data always gives the same model: a restart
must not answer differently from the last.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.semantic.adam import Adam
from bot.semantic.softmax import softmax, training_arrays


@dataclass(frozen=True)
class NetworkModel:
    """probabilities = softmax(relu(x H + c) W + b)."""

    hidden_weights: np.ndarray  # [dim, hidden]
    hidden_bias: np.ndarray  # [hidden]
    weights: np.ndarray  # [hidden, classes]
    bias: np.ndarray  # [classes]

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        hidden = np.maximum(vectors @ self.hidden_weights + self.hidden_bias, 0.0)
        return softmax(hidden @ self.weights + self.bias)


def fit_network(vectors: np.ndarray, labels: np.ndarray, classes: int, *, hidden: int = 128, steps: int = 200,
                l2: float = 1e-4, learning_rate: float = 0.01, sample_weight: np.ndarray | None = None,
                seed: int = 0) -> NetworkModel:
    """Fit by full-batch Adam on the weighted cross-entropy with an L2 penalty (He-initialised weights).

    The sizes were chosen out of fold on the crisis examples: 64 to 512 hidden units, 150 to 600 steps
    and penalties of 1e-4 and 1e-3 all caught 0.86-0.88 of the crisis examples at 8% of hard negatives
    alarmed. 128 units and 200 steps are the cheapest of the best (a few seconds on a small CPU).
    """
    x, targets, weight = training_arrays(vectors, labels, classes, sample_weight)
    dim = x.shape[1]
    rng = np.random.default_rng(seed)
    first = (rng.standard_normal((dim, hidden)) * np.sqrt(2.0 / dim)).astype(np.float32)
    first_bias = np.zeros(hidden, dtype=np.float32)
    second = (rng.standard_normal((hidden, classes)) * np.sqrt(1.0 / hidden)).astype(np.float32)
    second_bias = np.zeros(classes, dtype=np.float32)
    optimiser = Adam([first, first_bias, second, second_bias], learning_rate)
    for _ in range(steps):
        before = x @ first + first_bias
        active = np.maximum(before, 0.0)
        error = (softmax(active @ second + second_bias) - targets) * weight
        back = (error @ second.T) * (before > 0)
        optimiser.step([x.T @ back + l2 * first, back.sum(axis=0), active.T @ error + l2 * second, error.sum(axis=0)])
    return NetworkModel(first, first_bias, second, second_bias)
