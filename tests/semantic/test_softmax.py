"""The numpy softmax regression that stands in for scikit-learn."""

from __future__ import annotations

import numpy as np

from bot.semantic.softmax import fit_softmax, softmax


def blobs(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three well-separated clusters of unit vectors in 16 dimensions."""
    rng = np.random.default_rng(seed)
    centres = np.eye(16)[:3] * 3
    points = np.concatenate([c + rng.normal(0, 0.4, (40, 16)) for c in centres])
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    return points.astype(np.float32), np.repeat(np.arange(3), 40)


def test_it_learns_separable_classes() -> None:
    x, y = blobs()
    model = fit_softmax(x, y, 3)
    held_x, held_y = blobs(seed=1)
    assert (model.probabilities(held_x).argmax(axis=1) == held_y).mean() > 0.95


def test_probabilities_are_distributions() -> None:
    x, y = blobs()
    probabilities = fit_softmax(x, y, 3).probabilities(x)
    assert probabilities.shape == (120, 3)
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert (probabilities >= 0).all()


def test_the_same_data_gives_the_same_model() -> None:
    x, y = blobs()
    first, second = fit_softmax(x, y, 3), fit_softmax(x, y, 3)
    assert np.array_equal(first.weights, second.weights) and np.array_equal(first.bias, second.bias)


def test_softmax_is_stable_for_large_logits() -> None:
    assert np.allclose(softmax(np.array([[1000.0, 1000.0, -1000.0]])), [[0.5, 0.5, 0.0]])


def test_a_class_without_examples_gets_little_probability() -> None:
    x, y = blobs()
    model = fit_softmax(x, y, 4)  # class 3 never seen
    assert model.probabilities(x)[:, 3].max() < 0.05
