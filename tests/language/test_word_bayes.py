"""The word view (``bot.language.word_bayes``): what it reads of a text, and what it learns."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.language.word_bayes import WordModel, features
from bot.semantic.store import ArrayStore


def test_features_are_normalised_words_and_their_neighbouring_pairs() -> None:
    found = features("I'm ABOUT to, right now!")
    assert {"i", "am", "about", "to", "right", "now", "i am", "am about", "about to", "to right", "right now"} \
        == set(found)
    assert features("now and now")["now"] == 2


def test_the_word_view_learns_which_words_mark_each_class() -> None:
    model = WordModel.fit(["i will end it tonight", "i took all my pills tonight", "how much does it cost",
                           "is it covered by insurance", "what is a session like"], [1, 1, 0, 0, 2], 3)
    assert int(np.argmax(model.probabilities("tonight i end it"))) == 1
    assert model.probabilities("how much is it")[0] > 0.5
    assert int(np.argmax(model.probabilities("a session"))) == 2
    assert np.allclose(model.probabilities("zebra crossing"), 1 / 3)  # nothing it knows: no evidence either way
    assert np.isclose(model.probabilities("tonight, pills").sum(), 1.0)


def test_it_agrees_with_the_textbook_formulas() -> None:
    """Multinomial naive Bayes with equal priors over TF-IDF rows (sublinear counts, smoothed idf, unit rows),
    worked out by hand for two one-word texts: what scikit-learn's MultinomialNB computes (checked once, 5e-8)."""
    model = WordModel.fit(["pain", "cost"], [0, 1], 2)
    idf = np.log(3 / 2) + 1  # each word in one of two texts
    assert np.allclose(model.idf, idf)
    # each class holds one word of weight 1 (a unit row), plus 0.1 for every one of the two features
    expected = np.log(np.array([[1.1, 0.1], [0.1, 1.1]]) / 1.2)
    assert np.allclose(np.sort(model.log_probabilities, axis=1), np.sort(expected, axis=1), atol=1e-6)
    pain = model.probabilities("pain")
    assert np.isclose(pain[0], 11 / 12)  # 1.1 / (1.1 + 0.1)


def test_a_stored_model_reads_as_the_fitted_one(tmp_path: Path) -> None:
    """Callers keep the fit in the on-disk store with their other arrays; a store written before has none."""
    model = WordModel.fit(["i will end it tonight", "how much does it cost"], [1, 0], 2)
    store = ArrayStore(tmp_path)
    assert store.save("fit", {"other": np.zeros(3), **model.arrays("words_")})
    arrays = store.load("fit")
    assert arrays is not None
    again = WordModel.stored(arrays, "words_")
    assert again is not None
    assert np.array_equal(again.probabilities("tonight i end it"), model.probabilities("tonight i end it"))
    assert WordModel.stored({"other": np.zeros(3)}, "words_") is None
