"""The semantic layer: a classifier over sentence embeddings that reads crisis in wordings no pattern foresaw.

Patterns catch the sentences someone wrote down; people in crisis write others ("i've made my
peace with everything", "it'll all be over soon"). This classifier is trained when the
knowledge loads, from ``knowledge/crisis_examples.yaml`` (crisis examples by category, hard
negatives) plus the FAQ's phrasings and out-of-scope examples as calm text, and reads a
message window by window (the embedder's sentences: one crisis sentence inside a long
question is not diluted). The crisis probability of a message is the highest of its windows.

Beside the two models it keeps the examples' vectors: for each window, how much nearer its
nearest crisis example is than its nearest calm one (the FAQ's texts included). The models draw
one boundary over 384 dimensions for every kind of crisis and calm; the nearest examples
say where a window sits locally, so the screen (``bot.crisis.screen``) lets them overrule the
alarm at the edges: a window just over the threshold that sits among calm examples, and one just
under it that sits among crisis examples (measured on tuning sets: fewer false alarms on
ordinary questions and more indirect crises caught than moving the threshold either way).

It reads English only; other languages rest on the lexicon.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from bot.crisis.alarm_fusion import AlarmFusion, fit_alarm_fusion, held_out
from bot.crisis.thresholds import FAQ_KIND
from bot.language.word_bayes import WordModel
from bot.semantic.embedder import Embedder
from bot.semantic.network import NetworkModel, fit_network
from bot.semantic.softmax import SoftmaxModel, fit_softmax
from bot.semantic.store import code_fingerprint

LONG_EXAMPLE_WORDS = 25
FAQ_WEIGHT = 2.0
# The arrays a fit is cached as: the alarm network's four, then the kinds model's two.
_STORED = ("alarm_h", "alarm_hb", "alarm_w", "alarm_b", "kinds_w", "kinds_b")
_WORDS = "words_"  # the word view's arrays, where it is fitted
_FUSION = "fusion_"  # the alarm fusion's arrays, fitted with the word view
_NEAREST_ROWS = 256  # held-out examples whose nearest learned examples are looked up at once


@dataclass(frozen=True)
class Reading:
    """What the classifier makes of a message.

    ``probability``: of a crisis, in the most alarming window: the mean of the two models' (the binary
    alarm and the kinds model's crisis classes), which together misfire less than either (measured on a
    tuning set: fewer false alarms on FAQ questions at the same recall);
    ``category``: the likeliest crisis category there; ``calm_kinds``: every calm kind's probability in
    the whole message (informational, clinician, past-history, grief, ...), of which ``calm`` is the likeliest;
    ``distress``: how much of the whole message the kinds model gives to crisis categories and
    to the distress kinds (hopelessness, exhaustion: ``worry`` in the examples);
    ``distress_margin``: how much nearer the whole message's nearest distress example (a crisis one, or one of
    a distress kind) is than its nearest other calm text (``CrisisClassifier.distress_margin``); NaN unless
    ``distress`` reached the caller's ``distress_from``.
    """

    probability: float
    category: str
    window: int
    calm_kinds: tuple[tuple[str, float], ...]
    distress: float = 0.0
    alarms: tuple[float, ...] = ()  # per window, as ``probability``
    # per window: nearest crisis example's cosine minus nearest calm one's; NaN where the alarm was below the
    # caller's ``margin_from``, which no rule reads (measuring it scans some 7 MB of example vectors), unless the
    # views were fused (``fused``), which measures every window
    margins: tuple[float, ...] = ()
    nearest: tuple[float, ...] = ()  # per window, the cosine of its nearest crisis example; NaN where ``margins`` is
    categories: tuple[str, ...] = ()  # per window: the likeliest crisis category
    distress_margin: float = float("nan")
    # per window, where the views are fused (``CrisisClassifier.fusion``): the network's, the kinds model's and the
    # word view's probability of a crisis, which it weighed with the nearest examples; empty otherwise
    views: tuple[tuple[float, float, float], ...] = ()
    fused: tuple[float, ...] = ()  # per window, the views fused (``CrisisClassifier.fusion``); empty where not fused

    @property
    def calm(self) -> str:
        return max(self.calm_kinds, key=lambda kind: kind[1])[0]

    @property
    def calm_probability(self) -> float:
        return max(probability for _, probability in self.calm_kinds)

    def calm_share(self, kinds: Collection[str]) -> float:
        """How much of the whole message the kinds model gives to ``kinds`` together: "Can ketamine make suicidal
        thoughts worse once it wears off? I want to know what to watch for before I start." reads as
        informational 0.37, past history 0.09, clinician 0.03 and so on: no one kind is likely, and together
        they are the calm a veto looks for."""
        return sum(probability for kind, probability in self.calm_kinds if kind in kinds)


@dataclass(frozen=True)
class CrisisClassifier:
    """Two models over the same examples.

    ``alarm`` is binary (crisis or not), a network with one hidden layer (``bot.semantic.network`` says
    why); ``kinds`` is a softmax regression over every crisis category and calm kind. Alone, the kinds
    model's crisis classes summed made uncertain text look alarming (nine crisis classes against ten
    calm ones), and the alarm alone misfired on some plain questions ("what's the weather like
    tomorrow"); the escalating probability is their mean. ``words`` reads the same examples' words, not their
    vectors: a third view, which only lets a window escalate beside the alarm (``CrisisScreen.meaning``). Where the
    word view is fitted (the English classifier), ``fusion`` weighs the two models, the word view and the nearest
    examples together, as learned on held-out examples (``bot.crisis.alarm_fusion``): a fourth reading, which lets a
    window escalate too.
    """

    labels: tuple[str, ...]  # of ``kinds``: the crisis categories first, then the calm kinds
    crisis_classes: int
    alarm: NetworkModel
    kinds: SoftmaxModel
    crisis_vectors: np.ndarray  # the crisis examples' vectors ``[n, dim]``, for the nearest-example margin
    calm_vectors: np.ndarray  # the hard negatives' (the FAQ's texts are the matcher's; the caller passes those)
    calm_labels: np.ndarray  # the kind of each hard negative, row by row of ``calm_vectors``
    words: WordModel | None = None  # the word view of the same examples (``bot.language.word_bayes``), if fitted
    fusion: AlarmFusion | None = None  # the views fused (``bot.crisis.alarm_fusion``), fitted with the word view

    def read(self, vectors: np.ndarray, distress_kinds: frozenset[str] = frozenset(),
             easy_similarity: np.ndarray | None = None, margin_from: float = 0.0, distress_from: float = 2.0,
             texts: Sequence[str] | None = None) -> Reading:
        """The message's windows read; ``easy_similarity``: per window, the cosine of the nearest FAQ text;
        ``margin_from``: the alarm from which a window's nearest-example margin is measured; ``distress_from``:
        the distress from which the whole message's ``distress_margin`` is measured (above 1: never); ``texts``:
        the windows' words, without which the views are not fused (``Reading.fused``)."""
        if not len(vectors):
            return Reading(0.0, "", -1, ((FAQ_KIND, 1.0),))
        kinds = self.kinds.probabilities(vectors)
        crisis = kinds[:, : self.crisis_classes]
        network = self.alarm.probabilities(vectors)[:, 1]
        alarm = (network + crisis.sum(axis=1)) / 2
        distress = float(crisis[0].sum()
                         + sum(kinds[0, n] for n, label in enumerate(self.labels) if label in distress_kinds))
        if texts is not None and len(texts) != len(vectors):
            raise ValueError(f"{len(texts)} texts for {len(vectors)} vectors")
        fusing = self.fusion is not None and self.words is not None and texts is not None
        margins, nearest = np.full(len(vectors), np.nan), np.full(len(vectors), np.nan)
        views: tuple[tuple[float, float, float], ...] = ()
        fused: tuple[float, ...] = ()
        # the fusion reads every window's nearest examples; otherwise most messages have no window alarming enough
        # to need them
        if (measured := np.full(len(vectors), True) if fusing else alarm >= margin_from).any():
            near = vectors[measured]
            nearest_hard = (near @ self.calm_vectors.T).max(axis=1)
            nearest_calm = nearest_hard if easy_similarity is None \
                else np.maximum(nearest_hard, easy_similarity[measured])
            nearest[measured] = (near @ self.crisis_vectors.T).max(axis=1)
            margins[measured] = nearest[measured] - nearest_calm
            if fusing:
                assert self.fusion is not None and self.words is not None and texts is not None
                words = np.array([self.words.probabilities(text)[1] for text in texts])
                # its nearest calm text is a hard negative's, as it learned (the FAQ's texts are the matcher's)
                fused = tuple(map(float, self.fusion.probabilities(
                    np.column_stack([network, crisis.sum(axis=1), words, nearest, nearest_hard]))))
                views = tuple(zip(map(float, network), map(float, crisis.sum(axis=1)), map(float, words),
                                  strict=True))
        window = int(np.argmax(alarm))
        categories = tuple(self.labels[int(n)] for n in np.argmax(crisis, axis=1))
        calm_kinds = tuple(zip(self.labels[self.crisis_classes:], map(float, kinds[0, self.crisis_classes:]),
                               strict=True))
        distress_margin = float("nan")
        if distress >= distress_from:  # rarely: it scans every example
            distress_margin = self.distress_margin(vectors[0], distress_kinds,
                                                   None if easy_similarity is None else float(easy_similarity[0]))
        return Reading(float(alarm[window]), categories[window], window, calm_kinds, distress,
                       tuple(float(a) for a in alarm), tuple(float(m) for m in margins), tuple(map(float, nearest)),
                       categories, distress_margin, views, fused)

    def distress_margin(self, vector: np.ndarray, distress_kinds: Collection[str], nearest_easy: float | None) -> float:
        """The cosine of the nearest crisis or distress-kind example less that of the nearest other calm text
        (a hard negative of another kind, or ``nearest_easy``: the nearest FAQ text, out-of-scope ones included).

        The kinds model is linear, and text unlike anything it learned gets crisis classes too: "what's the
        weather going to be like in Chicago tomorrow" reads 0.36 passive death wish, 0.65 crisis in all, beside
        an out-of-scope example about the weather in London (0.68) and no distress example nearer than 0.47.
        """
        calm = self.calm_vectors @ vector
        distressing = np.isin(self.calm_labels, list(distress_kinds))
        near_distress = max(float((self.crisis_vectors @ vector).max(initial=-1.0)),
                            float(calm.max(initial=-1.0, where=distressing)))
        near_calm = max(float(calm.max(initial=-1.0, where=~distressing)),
                        -1.0 if nearest_easy is None else nearest_easy)
        return near_distress - near_calm

    @classmethod
    def build(cls, crisis: Sequence[tuple[str, str]], calm: Sequence[tuple[str, str]], easy_calm: Sequence[str],
              embedder: Embedder, examples_of: CrisisClassifier | None = None, words: bool = False
              ) -> CrisisClassifier:
        """Train (or load the fits cached under everything they read) from labelled examples.

        Calm is split by kind in ``kinds``: "a question about suicidal ideation" and "my dad died a
        year ago" are different things, which the veto of a pattern hit relies on.

        ``examples_of``: a classifier whose crisis and calm examples begin with these (the one that also learned
        other languages' glosses): the examples' vectors kept for the margins are views of its own, not a second
        copy (9 MB, at the peak of a start too). ``words``: fit the word view too, for the English classifier only
        (``CrisisScreen.meaning`` says why), and keep it with the other fits.
        """
        categories = sorted({category for _, category in crisis})
        labels = (*categories, *sorted({kind for _, kind in calm} | {FAQ_KIND}))
        pairs = [*crisis, *calm, *((text, FAQ_KIND) for text in easy_calm)]
        texts = [text for text, _ in pairs]
        targets = np.array([labels.index(label) for _, label in pairs])
        key = hashlib.sha256(json.dumps([_fit_code(), embedder.model_id, labels, texts, targets.tolist()],
                                        ensure_ascii=False).encode("utf-8")).hexdigest()[:24]
        stored = embedder.store.load(f"crisis-{key}")
        hard = len(crisis) + len(calm)  # the examples kept for the margin: crisis, then the hard negatives
        calm_labels = np.array([kind for _, kind in calm])
        shared = None if examples_of is None else \
            (examples_of.crisis_vectors[: len(crisis)], examples_of.calm_vectors[: len(calm)])
        word_model = WordModel.stored(stored, _WORDS) if stored is not None and words else None
        fusion = AlarmFusion.stored(stored, _FUSION) if stored is not None and words else None
        if stored is not None and set(_STORED) <= stored.keys() and stored["kinds_b"].shape == (len(labels),) \
                and ((fusion is not None and word_model is not None) or not words):
            if shared is None:
                shared = _kept_vectors(texts[:hard], len(crisis), embedder)
            return cls(labels, len(categories), NetworkModel(*(stored[name] for name in _STORED[:4])),
                       SoftmaxModel(stored["kinds_w"], stored["kinds_b"]), *shared, calm_labels, word_model, fusion)
        vectors = embedder.knowledge_vectors(texts)
        examples = _Examples(texts, vectors, targets, len(labels), len(categories), len(crisis), hard,
                             labels.index(FAQ_KIND))
        alarm, kinds, word_model = examples.fit(np.full(len(texts), True), words)
        fusion = examples.fusion() if words else None
        arrays = dict(zip(_STORED, (alarm.hidden_weights, alarm.hidden_bias, alarm.weights, alarm.bias, kinds.weights,
                                    kinds.bias), strict=True))
        if word_model is not None and fusion is not None:
            arrays |= word_model.arrays(_WORDS) | fusion.arrays(_FUSION)
        embedder.store.save(f"crisis-{key}", arrays)
        if shared is None:
            shared = _kept_vectors(texts[:hard], len(crisis), embedder)
        return cls(labels, len(categories), alarm, kinds, *shared, calm_labels, word_model, fusion)


@dataclass(frozen=True)
class _Examples:
    """The examples a classifier learns from (crisis ones first, then the hard negatives and the FAQ's texts), and
    how its views are fitted on all of them or on some: the fusion learns from examples the views never saw."""

    texts: list[str]
    vectors: np.ndarray
    targets: np.ndarray  # each text's label: a crisis category (below ``crisis_classes``) or a calm kind
    classes: int
    crisis_classes: int
    crisis_count: int
    hard_count: int  # the crisis examples and the hard negatives, which come first
    faq_label: int  # the label of the FAQ's texts

    def fit(self, rows: np.ndarray, words: bool) -> tuple[NetworkModel, SoftmaxModel, WordModel | None]:
        """The alarm network, the kinds model and (``words``) the word view, fitted on the examples in ``rows``."""
        vectors, targets = self.vectors[rows], self.targets[rows]
        is_crisis = (targets < self.crisis_classes).astype(np.int64)
        word_model = WordModel.fit([text for text, kept in zip(self.texts, rows, strict=True) if kept], is_crisis, 2) \
            if words else None
        # The alarm learns from short crisis examples only: a long one ("what does a session cost? ... i won't be
        # around after friday") taught it that the FAQ question around the crisis sentence was alarming, and
        # messages are read sentence by sentence anyway. FAQ texts weigh double: they are what people send most.
        alarming = np.array([n >= self.crisis_count or len(text.split()) <= LONG_EXAMPLE_WORDS
                             for n, text in enumerate(self.texts)])[rows]
        weight = np.where(targets == self.faq_label, FAQ_WEIGHT, 1.0)
        with ThreadPoolExecutor(1) as beside:  # two independent fits, a core each (numpy lets go of the GIL)
            kinds_fit = beside.submit(fit_softmax, vectors, targets, self.classes)
            alarm = fit_network(vectors[alarming], is_crisis[alarming], 2, sample_weight=weight[alarming])
            kinds = kinds_fit.result()
        return alarm, kinds, word_model

    def fusion(self) -> AlarmFusion:
        """The alarm fusion, learned from the held-out examples (``bot.crisis.alarm_fusion.held_out``) as the views
        rebuilt without them read them: one refit more of every view."""
        held = held_out(len(self.texts))
        alarm, kinds, words = self.fit(~held, True)
        assert words is not None
        is_crisis = self.targets < self.crisis_classes
        hard = np.arange(len(self.texts)) < self.hard_count  # the FAQ's texts are no nearest calm text to the fusion
        learned_crisis, learned_calm = self.vectors[~held & is_crisis], self.vectors[~held & ~is_crisis & hard]
        vectors = self.vectors[held]
        nearest = np.empty((len(vectors), 2), dtype=np.float32)
        for start in range(0, len(vectors), _NEAREST_ROWS):  # in slices: all at once held some 50 MB at the start
            rows = vectors[start: start + _NEAREST_ROWS]
            nearest[start: start + _NEAREST_ROWS] = np.column_stack([(rows @ learned_crisis.T).max(axis=1),
                                                                     (rows @ learned_calm.T).max(axis=1)])
        network = alarm.probabilities(vectors)[:, 1]
        crisis = kinds.probabilities(vectors)[:, : self.crisis_classes].sum(axis=1)
        word = np.array([words.probabilities(text)[1] for text, kept in zip(self.texts, held, strict=True) if kept])
        return fit_alarm_fusion(np.column_stack([network, crisis, word, nearest]), is_crisis[held])


def _kept_vectors(examples: list[str], crisis_count: int, embedder: Embedder) -> tuple[np.ndarray, np.ndarray]:
    """The vectors a classifier keeps for its margins, the crisis examples' and then the hard negatives': views of
    one array, asked for as kept (``Embedder.knowledge_vectors``) whether the fits were cached or not."""
    kept = embedder.knowledge_vectors(examples, kept=True)
    return kept[:crisis_count], kept[crisis_count:]


@functools.cache
def _fit_code() -> str:
    """The code that shapes the fits (this module's constants, the learners, the word view's features): part of
    their stored name, so that a change to it fits again."""
    return code_fingerprint(__name__, "bot.crisis.alarm_fusion", "bot.semantic.network", "bot.semantic.softmax",
                            "bot.semantic.adam", "bot.language.word_bayes", "bot.language.normalize")
