"""The numpy network with one hidden layer that the crisis alarm uses."""

from __future__ import annotations

import numpy as np

from bot.semantic.adam import Adam
from bot.semantic.network import NetworkModel, fit_network
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
    assert accuracy(fit_network(x, y, 2, hidden=32, batch=32).probabilities(held_x), held_y) > 0.85
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


def test_the_members_are_stored_as_one_network_whose_logits_are_their_mean() -> None:
    """The ensemble is kept as one wider network: each member's hidden units side by side, the output weights
    divided among them, so reading it costs one pass and gives the members' mean logits."""
    x, y = crossed()
    held_x, _ = crossed(seed=1)
    members = [fit_network(x, y, 2, hidden=8, members=1, seed=seed) for seed in (3, 4)]
    joined = fit_network(x, y, 2, hidden=8, members=2, seed=3)
    assert joined.hidden_weights.shape == (8, 16)

    def logits(model: NetworkModel) -> np.ndarray:
        return np.maximum(held_x @ model.hidden_weights + model.hidden_bias, 0.0) @ model.weights + model.bias

    assert np.allclose(logits(joined), (logits(members[0]) + logits(members[1])) / 2, atol=1e-4)


def test_an_ensemble_depends_less_on_its_seeds_than_one_network() -> None:
    """What the ensemble is for: a retrain (an operator's edit, another seed) must not move borderline readings
    across a bar as much as one network's random start did."""
    x, y = crossed()
    held_x, _ = crossed(seed=1)

    def spread(members: int) -> float:
        first, second = (fit_network(x, y, 2, hidden=16, members=members, seed=seed).probabilities(held_x)[:, 1]
                         for seed in (0, 100))
        return float(np.abs(first - second).mean())

    assert spread(5) < spread(1) / 2


def test_a_decaying_rate_stops_moving_the_weights_at_its_end() -> None:
    """Adam's linear decay reaches nothing after ``decay_steps``: the last mini-batch no longer decides where a fit
    ends."""
    weights = np.ones(3, dtype=np.float32)
    optimiser = Adam([weights], 0.1, decay_steps=2)
    optimiser.step([np.ones(3, dtype=np.float32)])
    moved = weights.copy()
    assert (moved < 1).all()
    optimiser.step([np.ones(3, dtype=np.float32)])
    assert (weights < moved).all()  # the second step still moves, at half the rate
    settled = weights.copy()
    optimiser.step([np.ones(3, dtype=np.float32)])
    assert np.array_equal(weights, settled)
