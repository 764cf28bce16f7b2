"""The semantic layer's views of a window weighed together, as learned on examples the views never learned.

The English crisis classifier has four views of a window: the alarm network and the kinds model over its
embedding (``bot.crisis.semantic``), the word view over its words (``bot.language.word_bayes``), and its nearest
crisis example and nearest calm text. The alarm is the mean of the first two, with rules set by hand at its
edges for the others (``CrisisScreen.meaning``). The fusion learns how far to trust each instead: the views are
rebuilt without every ``HELD_OUT_EVERY``-th example, read the held-out ones, and a logistic regression learns
from those readings which combinations mean a crisis. A window it is very sure of escalates beside the alarm
(crisis.yaml ``semantic.fused``).

Why held-out examples: on the examples it learned, every view is nearly always right, and a fusion fitted there
would trust whichever view memorised best. Why the word view counts: the encoder blurs a crisis sentence into
what surrounds it, where its words stay crisis words ("Everyone thinks I'm fine since I started ketamine but I've
secretly been stockpiling my doses for the last few weeks." alarmed 0.11, its word view 0.96, fused 0.91).

Measured in an experiment (five folds of the examples, each read by views rebuilt without it; one fusion fitted
on each fold's readings and read on all five): at 0.7 the fusion caught 0.926-0.938 of the crisis examples with
2.4-2.9% of the calm ones over it, where the alarm at its bar of 0.6 caught 0.827 with 3.0%; at 0.9, 0.85 with
1.2%. Why beside the alarm and not in its place: on the development pools the fusion as the alarm (at 0.7) caught
6 crises the alarm missed and missed 2 it caught, both emergencies told by a clinician, whose words are the calm
clinicians' questions' ("patient had laryngospasm ... struggling to ventilate": network 0.87, kinds model 0.91,
word view 0.09), and traded 8 false alarms for 8 others; beside it, over 0.9, it caught 2 more and raised 1 more
(crisis.yaml ``semantic.fused`` has the figures).

Why numpy, not scikit-learn: the slug (``bot.semantic.softmax`` says more); this is a softmax regression over
two classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.semantic.softmax import fit_softmax

HELD_OUT_EVERY = 5  # every fifth example is held out of the views the fusion learns from: one refit more per fit
FEATURES = ("network", "kinds", "words", "nearest crisis", "nearest calm", "nearest margin")
_EDGE = 1e-4  # probabilities are clipped this far from 0 and 1 before their log-odds: the views reach both
_COSINE_SCALE = 5.0  # cosines span about a fifth of the log-odds' range; scaled, one penalty suits every weight


@dataclass(frozen=True)
class AlarmFusion:
    """probability of a crisis = softmax(((features - mean) / scale) W + b)[1], over ``FEATURES``; the nearest calm
    text is a hard negative's (crisis_examples.yaml), never the FAQ's, in learning and in reading alike."""

    weights: np.ndarray  # [features, 2]
    bias: np.ndarray  # [2]
    mean: np.ndarray  # [features]
    scale: np.ndarray  # [features]

    def probabilities(self, views: np.ndarray) -> np.ndarray:
        """Per row of ``views`` (``[n, 5]``: network, kinds, words, nearest crisis cosine, nearest calm cosine), the
        fused probability of a crisis."""
        logits = ((_features(views) - self.mean) / self.scale) @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        odds = np.exp(logits)
        return odds[:, 1] / odds.sum(axis=1)

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The arrays it is stored as, each name beginning with ``prefix``."""
        return {f"{prefix}weights": self.weights, f"{prefix}bias": self.bias, f"{prefix}mean": self.mean,
                f"{prefix}scale": self.scale}

    @classmethod
    def stored(cls, arrays: dict[str, np.ndarray], prefix: str) -> AlarmFusion | None:
        """The fusion stored under ``prefix`` in ``arrays``, or None where it is not (a store from before it)."""
        names = [f"{prefix}{name}" for name in ("weights", "bias", "mean", "scale")]
        if not all(name in arrays for name in names) or arrays[names[2]].shape != (len(FEATURES),):
            return None  # none, or one of other features: fitted again
        return cls(*(arrays[name] for name in names))


def held_out(count: int) -> np.ndarray:
    """Which of ``count`` examples the fusion's views are rebuilt without: every ``HELD_OUT_EVERY``-th in the order
    given, so each category and kind (listed together in the knowledge) gives its share."""
    return np.arange(count) % HELD_OUT_EVERY == HELD_OUT_EVERY // 2


def fit_alarm_fusion(views: np.ndarray, is_crisis: np.ndarray) -> AlarmFusion:
    """Learn the fusion from held-out examples' ``views`` (as ``AlarmFusion.probabilities`` reads them) and whether
    each is a crisis. The two labels weigh the same in all: the calm examples (the FAQ's texts among them)
    outnumber the crisis ones, and the screen's bars, not the fusion, decide how much alarm is enough."""
    features = _features(views)
    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-6
    crisis = is_crisis.astype(bool)
    weight = np.where(crisis, (~crisis).sum() / max(crisis.sum(), 1), 1.0)
    model = fit_softmax((features - mean) / scale, crisis.astype(np.int64), 2, l2=1e-4, steps=500,
                        learning_rate=0.1, sample_weight=weight)
    return AlarmFusion(model.weights, model.bias, mean.astype(np.float32), scale.astype(np.float32))


def _features(views: np.ndarray) -> np.ndarray:
    """``FEATURES``: the probabilities as log-odds (a view's certainty grows there without bound, not toward 1) and
    the cosines scaled, then their difference. The difference adds no direction a linear model lacks; it lets the
    penalty favour weighing the two cosines against each other over weighing each alone."""
    probabilities = np.clip(views[:, :3], _EDGE, 1 - _EDGE)
    nearest_crisis, nearest_calm = views[:, 3], views[:, 4]
    return np.column_stack([np.log(probabilities / (1 - probabilities)), _COSINE_SCALE * nearest_crisis,
                            _COSINE_SCALE * nearest_calm, _COSINE_SCALE * (nearest_crisis - nearest_calm)]
                           ).astype(np.float32)
