"""The numpy network with one hidden layer that the crisis alarm uses."""

from __future__ import annotations

import numpy as np

from bot.semantic.network import fit_network
from bot.semantic.softmax import fit_softmax


def crossed(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two classes no straight line separates: the sign of x times the sign of y (an XOR), in 8 dimensions.

    This is the shape of the alarm's problem: a crisis word is alarming or not depending on the words with it.
    """
    rng = np.random.default_rng(seed)
    points = rng.normal(0, 1, (400, 8)).astype(np.float32)
    labels = ((points[:, 0] > 0) ^ (points[:, 1] > 0)).astype(np.int64)
    return points, labels


def accuracy(probabilities: np.ndarray, labels: np.ndarray) -> float:
    return float((probabilities.argmax(axis=1) == labels).mean())


def test_it_learns_what_a_linear_model_cannot() -> None:
    x, y = crossed()
    held_x, held_y = crossed(seed=1)
    assert accuracy(fit_network(x, y, 2, hidden=32, steps=300).probabilities(held_x), held_y) > 0.85
    assert accuracy(fit_softmax(x, y, 2).probabilities(held_x), held_y) < 0.65


def test_probabilities_are_distributions() -> None:
    x, y = crossed()
    probabilities = fit_network(x, y, 2, hidden=16).probabilities(x)
    assert probabilities.shape == (400, 2)
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert (probabilities >= 0).all()


def test_the_same_data_gives_the_same_model() -> None:
    x, y = crossed()
    first, second = fit_network(x, y, 2, hidden=16), fit_network(x, y, 2, hidden=16)
    assert all(np.array_equal(a, b) for a, b in zip(
        (first.hidden_weights, first.hidden_bias, first.weights, first.bias),
        (second.hidden_weights, second.hidden_bias, second.weights, second.bias), strict=True))


def test_sample_weights_move_the_boundary() -> None:
    """Weighting one class up makes the model call more of the unclear points for it (the alarm weighs FAQ
    texts double)."""
    rng = np.random.default_rng(2)
    x = rng.normal(0, 1, (400, 4)).astype(np.float32)
    y = (x[:, 0] + rng.normal(0, 1, 400) > 0).astype(np.int64)  # overlapping classes
    even = fit_network(x, y, 2, hidden=16).probabilities(x)[:, 1].mean()
    weighted = fit_network(x, y, 2, hidden=16, sample_weight=np.where(y == 1, 4.0, 1.0)).probabilities(x)[:, 1].mean()
    assert weighted > even + 0.1
