"""The semantic layer's views fused, as learned on held-out examples (``bot.crisis.alarm_fusion``), and the
windows that escalate on it (``CrisisScreen.meaning``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.console.explain import explain
from bot.crisis.alarm_fusion import HELD_OUT_EVERY, fit_alarm_fusion, held_out
from bot.crisis.semantic import CrisisClassifier
from bot.decision import CRISIS, Responder
from bot.knowledge.model import Knowledge
from bot.semantic.embedder import Embedder
from bot.semantic.encoder import DEFAULT_MODEL_DIR, Encoder
from bot.semantic.store import ArrayStore
from tests.support.thresholds import with_thresholds


def _views(rng: np.random.Generator, crisis: np.ndarray) -> np.ndarray:
    """Views of windows where only the word view tells a crisis from calm; the rest are noise."""
    count = len(crisis)
    words = np.where(crisis, rng.uniform(0.8, 1.0, count), rng.uniform(0.0, 0.2, count))
    return np.column_stack([rng.uniform(0, 1, count), rng.uniform(0, 1, count), words,
                            rng.uniform(0.3, 0.7, count), rng.uniform(0.3, 0.7, count)])


def test_the_fusion_learns_to_trust_the_view_that_tells_crisis_from_calm() -> None:
    rng = np.random.default_rng(3)
    crisis = rng.uniform(size=600) < 0.3
    fusion = fit_alarm_fusion(_views(rng, crisis), crisis)
    fresh = rng.uniform(size=400) < 0.3  # windows it never learned
    probabilities = fusion.probabilities(_views(rng, fresh))
    assert probabilities[fresh].min() > 0.9 and probabilities[~fresh].max() < 0.1
    favoured = np.abs(fusion.weights[:, 1] - fusion.weights[:, 0])
    assert int(np.argmax(favoured)) == 2  # the word view's log-odds


def test_the_fusion_learns_from_a_share_of_every_part_of_the_examples() -> None:
    held = held_out(1000)
    assert held.sum() == 1000 // HELD_OUT_EVERY
    assert held[:HELD_OUT_EVERY].sum() == held[-HELD_OUT_EVERY:].sum() == 1  # the first category and the last kind


CRISIS_EXAMPLES = [("i am going to end my life tonight", "suicidal-thoughts"), ("i swallowed all my pills", "overdose"),
                   ("i have the rope ready", "lethal-means"), ("this is my goodbye", "goodbye-preparation"),
                   ("i cut myself again tonight", "self-harm"), ("nobody would miss me", "passive-death-wish")]
CALM_EXAMPLES = [("what does a session cost", "informational"), ("this exam is killing me", "figurative"),
               ("my grandfather died last year", "grief"), ("i used to self harm, i'm well now", "past-history"),
               ("is ketamine safe with my blood pressure pills", "informational")]


def test_the_fusion_is_fitted_with_the_word_view_and_stored_with_the_fits(tmp_path: Path) -> None:
    embedder = Embedder(Encoder.load(DEFAULT_MODEL_DIR), ArrayStore(tmp_path))
    easy = ["how long is a session", "where is the clinic", "do you take insurance", "hello", "thanks"]
    fitted = CrisisClassifier.build(CRISIS_EXAMPLES, CALM_EXAMPLES, easy, embedder, words=True)
    assert fitted.fusion is not None
    [fit] = tmp_path.glob("crisis-*.npz")
    with np.load(fit) as arrays:
        assert np.array_equal(arrays["fusion_weights"], fitted.fusion.weights)
    # the same examples: read back
    stored = CrisisClassifier.build(CRISIS_EXAMPLES, CALM_EXAMPLES, easy, embedder, words=True)
    assert stored.fusion is not None and np.array_equal(stored.fusion.weights, fitted.fusion.weights)
    # no word view, nothing to fuse
    assert CrisisClassifier.build(CRISIS_EXAMPLES, CALM_EXAMPLES, easy, embedder).fusion is None
    windows = ["i swallowed all my pills an hour ago", "what does a session cost"]
    vectors = embedder.vectors(windows)
    assert len(fitted.read(vectors, texts=windows).fused) == 2
    assert fitted.read(vectors).fused == ()  # without the windows' words the views are not fused


# Development data (r154, read after it was scored): a stockpile told after how well the treatment seems to go. The
# alarm read it 0.11 whole and it had the support reply; its word view is 0.96. And one of our own in its voice.
TOLD_BESIDE_THE_TREATMENT = [
    "Everyone thinks I'm fine since I started ketamine but I've secretly been stockpiling my doses for the last few "
    "weeks. I've nearly got enough.",
    "my mum keeps asking if ketamine helps and I just nod, I've kept every pill they gave me since june",
]


def test_a_crisis_the_alarm_reads_calm_escalates_on_its_views_fused(knowledge: Knowledge) -> None:
    # The bar set a little under the setting: they read 0.91 and 0.96, where a retrain of the examples moves them.
    fused = with_thresholds(knowledge, fused=0.85)
    unfused = with_thresholds(knowledge, fused=1.01)
    for text in TOLD_BESIDE_THE_TREATMENT:
        decision = fused.decide(text)
        assert decision.kind == CRISIS and decision.crisis is not None
        assert "the views fused" in decision.crisis.rule
        assert unfused.decide(text).kind != CRISIS


def test_the_floors_hold_for_the_fusion_as_for_the_alarm(knowledge: Knowledge) -> None:
    """Under the floor the encoder extrapolates, and the views read from it with it: with a fusion bar every window
    reaches, a question unlike every crisis example still does not escalate, and does once the floors are gone."""
    text = "what's the weather going to be like in Chicago tomorrow?"
    assert with_thresholds(knowledge, fused=0.0).decide(text).kind != CRISIS
    floorless = with_thresholds(knowledge, fused=0.0, nearest_floor=-1.0, question_floor=-1.0, question_margin=-2.0)
    decision = floorless.decide(text)
    assert decision.kind == CRISIS and decision.crisis is not None and "the views fused" in decision.crisis.rule


def test_a_sentence_only_the_fusion_escalates_still_takes_the_context_test(knowledge: Knowledge) -> None:
    """A thanks after a story of recovery: its last sentence alarms read alone (0.96, fused 0.99), not read with the
    one before it, and the whole message is calm (fused 0.46). With every other way to escalate off, that sentence
    escalates on the fusion alone, and is still set aside."""
    text = ("Last year I had a plan and everything. Ketamine and therapy got me out of it. Just wanted to say thank "
            "you to whoever runs this.")
    fusion_only = {"fused": 0.9, "crisis": 1.01, "rescue": 1.01, "words": 1.01}
    assert with_thresholds(knowledge, **fusion_only).decide(text).kind != CRISIS
    assert with_thresholds(knowledge, **fusion_only, context=0.0).decide(text).kind == CRISIS


def test_explain_shows_the_views_fused(responder: Responder) -> None:
    shown = explain(responder, "how much does a session cost")
    bar = responder.screen.thresholds.fused
    assert "its views fused" in shown and "word view" in shown and f"semantic.fused {bar:g}" in shown
