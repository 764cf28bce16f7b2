"""A word view of a text: naive Bayes over the TF-IDF weights of its words and word pairs.

Why a view beside the sentence embeddings: the encoder mean-pools a sentence into one vector, which blurs the
few words that decide it. "I've stockpiled a month of my meds and I know exactly what I'm going to do with them"
read 0.45 to the semantic crisis models, "I already decided I'm doing it this weekend" 0.43: their words
("stockpiled", "decided", "this weekend") are what the crisis examples share. Trained on the same examples,
this view alone ranked the English development pools (3,828 messages, 794 of them crises) as well as the
semantic alarm did (ROC AUC 0.996 each) while missing different messages (``bot.crisis.screen``). On the FAQ's
development sets its best class alone was right as often as the whole decision (0.935 of 2,080 questions) and
on 31 of the 54 the decision answered wrong (``bot.matching.fusion``).

Naive Bayes, written here with numpy, rather than a logistic regression: it is fitted in closed form in a
fraction of a second (nothing to iterate, so the FAQ's fusion can refit it per held-out fold), and on the crisis
pools it added more crises at fewer false alarms than a logistic regression over the same features (8 crises
for 1 false alarm, against 7 for 4). Its probabilities are overconfident, as naive Bayes' are.

Features are kept as 64-bit hashes in a sorted array, not a dictionary of strings: some 46,000 words and pairs
took 6.7 MB as a dictionary, 0.9 MB so, and the bot's resident memory has a budget. For the same reason the
callers keep a fitted model in the on-disk store with their other fits: a fit at start raised the bot's peak
by some 15 MB and left as much behind (the allocator keeps what so many small objects fragmented).
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from bot.language.normalize import normalize

SMOOTHING = 0.1  # added to every feature's weight in each class (Lidstone): a pair seen once says little either way


def features(text: str) -> Counter[str]:
    """A text's words and pairs of neighbouring words, normalised as the FAQ matcher reads them (contractions
    expanded, case and accents folded), with their counts."""
    words = normalize(text).split()
    return Counter([*words, *(f"{first} {second}" for first, second in pairwise(words))])


def _hash(feature: str) -> int:
    """A feature's stable 64-bit hash (Python's own ``hash`` changes between processes)."""
    return int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "little")


@dataclass(frozen=True)
class WordModel:
    """Per known feature (``keys``, sorted hashes), its inverse document frequency and its log probability in
    each class (``[classes, features]``)."""

    keys: np.ndarray
    idf: np.ndarray
    log_probabilities: np.ndarray

    @classmethod
    def fit(cls, texts: Sequence[str], targets: Sequence[int], classes: int) -> WordModel:
        """Multinomial naive Bayes with equal priors over TF-IDF rows (sublinear counts, smoothed inverse document
        frequency, each row of unit length): the rows of each class summed, smoothed, and normalised per class.
        ``targets``: each text's class, below ``classes``."""
        # Flat arrays of machine numbers, not an array per text: the fit runs while the bot starts, beside the
        # embeddings, and its peak is the bot's.
        hashes, counts, lengths = array("Q"), array("d"), array("q")
        for text in texts:
            row = features(text)
            hashes.extend(map(_hash, row))
            counts.extend(row.values())
            lengths.append(len(row))
        row_of = np.repeat(np.arange(len(lengths)), np.frombuffer(lengths, dtype=np.int64))
        keys, columns = np.unique(np.frombuffer(hashes, dtype=np.uint64), return_inverse=True)  # distinct per row
        idf = (np.log((1 + len(lengths)) / (1 + np.bincount(columns, minlength=len(keys)))) + 1).astype(np.float32)
        weights = (1 + np.log(np.frombuffer(counts, dtype=np.float64))) * idf[columns]
        weights /= np.sqrt(np.bincount(row_of, weights * weights, minlength=len(lengths)))[row_of]
        log_probabilities = np.full((classes, len(keys)), SMOOTHING, dtype=np.float32)
        np.add.at(log_probabilities, (np.asarray(targets, dtype=np.int64)[row_of], columns), weights)
        log_probabilities /= log_probabilities.sum(axis=1, keepdims=True)
        np.log(log_probabilities, out=log_probabilities)
        return cls(keys, idf, log_probabilities)

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The fitted arrays, named for an on-disk store beside other arrays (``prefix``)."""
        return {f"{prefix}keys": self.keys, f"{prefix}idf": self.idf, f"{prefix}log": self.log_probabilities}

    @classmethod
    def stored(cls, arrays: Mapping[str, np.ndarray], prefix: str) -> WordModel | None:
        """The model ``arrays`` saved under ``prefix``; None when they lack it (a store written before)."""
        names = (f"{prefix}keys", f"{prefix}idf", f"{prefix}log")
        return cls(*(arrays[name] for name in names)) if all(name in arrays for name in names) else None

    def probabilities(self, text: str) -> np.ndarray:
        """Each class's probability, with equal priors; equal for a text with no known feature."""
        row = features(text)
        hashes = np.array([_hash(feature) for feature in row], dtype=np.uint64)
        counts = np.array(list(row.values()), dtype=np.float64)
        at = np.searchsorted(self.keys, hashes).clip(max=len(self.keys) - 1)
        known = self.keys[at] == hashes
        classes = len(self.log_probabilities)
        if not known.any():
            return np.full(classes, 1 / classes)
        columns = at[known]
        weights = (1 + np.log(counts[known])) * self.idf[columns]
        scores = self.log_probabilities[:, columns] @ (weights / np.linalg.norm(weights))
        exponents = np.exp(scores - scores.max())
        return exponents / exponents.sum()
