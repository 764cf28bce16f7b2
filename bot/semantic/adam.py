"""Adam, the optimiser both numpy fitters use (``bot.semantic.softmax``, ``bot.semantic.network``).

Written here for the reason those are: scikit-learn or torch would add far more to a PaaS slug
than these few lines. It updates the parameters in place, so a fitter keeps plain arrays.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_BETA1, _BETA2, _EPSILON = 0.9, 0.999, 1e-8


class Adam:
    """Full-batch Adam over a fixed list of parameter arrays."""

    def __init__(self, params: Sequence[np.ndarray], learning_rate: float) -> None:
        self.params = params
        self.learning_rate = learning_rate
        self.first = [np.zeros_like(p) for p in params]
        self.second = [np.zeros_like(p) for p in params]
        self.steps = 0

    def step(self, grads: Sequence[np.ndarray]) -> None:
        """One update of every parameter from its gradient (in the order the parameters were given)."""
        self.steps += 1
        for param, grad, first, second in zip(self.params, grads, self.first, self.second, strict=True):
            first *= _BETA1
            first += (1 - _BETA1) * grad
            second *= _BETA2
            second += (1 - _BETA2) * grad * grad
            corrected = first / (1 - _BETA1 ** self.steps)
            scale = np.sqrt(second / (1 - _BETA2 ** self.steps)) + _EPSILON
            param -= self.learning_rate * corrected / scale
