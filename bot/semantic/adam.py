"""Adam, the optimiser both numpy fitters use (``bot.semantic.softmax``, ``bot.semantic.network``).

Written here for the reason those are: scikit-learn or torch would add far more to a PaaS slug
than these few lines. It updates the parameters in place, so a fitter keeps plain arrays.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_BETA1, _BETA2, _EPSILON = 0.9, 0.999, 1e-8


class Adam:
    """Adam over a fixed list of parameter arrays; ``decay_steps``: the rate falls linearly to nothing over that
    many steps (mini-batches: the last steps then move the weights little, so where a fit ends depends less
    on the shuffle), else it stays."""

    def __init__(self, params: Sequence[np.ndarray], learning_rate: float, decay_steps: int | None = None) -> None:
        self.params = params
        self.learning_rate = learning_rate
        self.decay_steps = decay_steps
        self.first = [np.zeros_like(p) for p in params]
        self.second = [np.zeros_like(p) for p in params]
        self.steps = 0

    def step(self, grads: Sequence[np.ndarray]) -> None:
        """One update of every parameter from its gradient (in the order the parameters were given)."""
        rate = self.learning_rate if self.decay_steps is None else \
            self.learning_rate * max(0.0, 1 - self.steps / self.decay_steps)
        self.steps += 1
        for param, grad, first, second in zip(self.params, grads, self.first, self.second, strict=True):
            first *= _BETA1
            first += (1 - _BETA1) * grad
            second *= _BETA2
            second += (1 - _BETA2) * grad * grad
            corrected = first / (1 - _BETA1 ** self.steps)
            scale = np.sqrt(second / (1 - _BETA2 ** self.steps)) + _EPSILON
            param -= rate * corrected / scale
