"""Knowledge vectors are cached on disk; messages are read in windows and never cached."""

from __future__ import annotations

import hashlib
import multiprocessing
import shutil
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from bot.decision import Responder
from bot.knowledge.loader import Knowledge
from bot.semantic.embedder import MAX_WINDOWS, Embedder, sentences
from bot.semantic.encoder import DEFAULT_MODEL_DIR, Encoder
from bot.semantic.store import ArrayStore, cache_dir

_STORY = ("My daughter has had depression since she was fifteen and nothing has helped for long. "
          "Her psychiatrist mentioned ketamine last week. Is it safe for someone her age?")


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder.load(DEFAULT_MODEL_DIR)


def test_knowledge_vectors_come_back_from_disk_without_encoding(encoder: Encoder, tmp_path: Path) -> None:
    texts = ["how much does ketamine therapy cost", "is it safe", "what is spravato"]
    first = Embedder(encoder, ArrayStore(tmp_path)).knowledge_vectors(texts)
    stored = list(tmp_path.glob("embeddings-*.npz"))
    assert len(stored) == 1 and encoder.model_id in stored[0].name

    class NoEncoding:
        model_id = encoder.model_id

        def encode(self, texts: list[str]) -> np.ndarray:
            raise AssertionError(f"encoded {texts} although they were cached")

    again = Embedder(NoEncoding(), ArrayStore(tmp_path)).knowledge_vectors(texts)  # type: ignore[arg-type]
    assert np.array_equal(first, again)


def test_the_cache_keeps_only_what_this_process_used(encoder: Encoder, tmp_path: Path) -> None:
    Embedder(encoder, ArrayStore(tmp_path)).knowledge_vectors(["an old phrasing", "a kept phrasing"])
    Embedder(encoder, ArrayStore(tmp_path)).knowledge_vectors(["a kept phrasing", "a new phrasing"])
    with np.load(next(tmp_path.glob("embeddings-*.npz"))) as data:
        assert len(data["keys"]) == 2


def _stored_keys(folder: Path) -> set[bytes]:
    with np.load(next(folder.glob("embeddings-*.npz"))) as data:
        return {row.tobytes() for row in data["keys"]}


def test_a_build_that_embeds_a_new_phrasing_keeps_the_crisis_examples_on_disk(encoder: Encoder,
                                                                             tmp_path: Path) -> None:
    faq, crisis = ["how much is a session", "is it safe"], ["i want to end it all", "my traffic is killing me"]
    first = Embedder(encoder, ArrayStore(tmp_path))
    first.knowledge_vectors(faq)
    first.knowledge_vectors(crisis)
    first.settle()
    # the next start: an edited FAQ (one new phrasing, saved at once), then the crisis examples, all from disk
    second = Embedder(encoder, ArrayStore(tmp_path))
    second.knowledge_vectors([*faq, "what does one infusion cost"])
    second.knowledge_vectors(crisis)
    second.settle()
    wanted = {hashlib.sha256(text.encode()).digest() for text in [*faq, "what does one infusion cost", *crisis]}
    assert _stored_keys(tmp_path) == wanted


class CountingEncoder:
    """The real encoder, counting the texts it embeds; slow enough that two callers overlap."""

    def __init__(self, encoder: Encoder) -> None:
        self.model_id, self._encoder, self.embedded = encoder.model_id, encoder, Counter()

    def encode(self, texts: list[str], batch_size: int = 1) -> np.ndarray:
        self.embedded.update(texts)
        time.sleep(0.01)
        return self._encoder.encode(texts, batch_size=batch_size)


def test_the_faq_side_and_the_crisis_layer_ask_from_two_threads(encoder: Encoder, tmp_path: Path) -> None:
    # A Responder fits the crisis layer beside the FAQ side: both ask for vectors at once, and share texts.
    faq = [f"how much does session {n} cost" for n in range(12)]
    crisis = [*faq[:6], *(f"i want to end it all, part {n}" for n in range(12))]
    counting = CountingEncoder(encoder)
    embedder = Embedder(counting, ArrayStore(tmp_path))  # type: ignore[arg-type]
    with ThreadPoolExecutor(2) as pool:
        both = list(pool.map(embedder.knowledge_vectors, [faq, crisis]))
    embedder.settle()
    assert max(counting.embedded.values()) == 1 and set(counting.embedded) == {*faq, *crisis}
    assert np.array_equal(both[0][:6], both[1][:6])
    assert _stored_keys(tmp_path) == {hashlib.sha256(text.encode()).digest() for text in [*faq, *crisis]}


def test_after_a_build_the_vectors_come_from_disk_again(encoder: Encoder, tmp_path: Path) -> None:
    texts = ["how much is a session", "is it safe"]
    embedder = Embedder(encoder, ArrayStore(tmp_path))
    before = embedder.knowledge_vectors(texts)
    embedder.settle()
    next(tmp_path.glob("embeddings-*.npz")).unlink()  # memory was let go: the file is the only copy
    embedder.encoder = NoEncodingOf(encoder)  # type: ignore[assignment]
    with pytest.raises(AssertionError, match="encoded"):
        embedder.knowledge_vectors(texts)
    assert before.shape == (2, 384)


def _owner(array: np.ndarray) -> np.ndarray:
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def _start(encoder: Encoder, folder: Path, *calls: list[str], training: list[str] | None = None) -> list[np.ndarray]:
    """One build of the knowledge: its calls for vectors kept, after one for all the texts it trains on when it
    fits (``training``), then the end of the build."""
    embedder = Embedder(encoder, ArrayStore(folder))
    with embedder.build():
        if training is not None:
            embedder.knowledge_vectors(training)
        return [embedder.knowledge_vectors(texts, kept=True) for texts in calls]


_CRISIS_SIDE = ["i want to end it all", "my traffic is killing me", "does ketamine help with suicidal thoughts"]
_FAQ_SIDE = ["how much is a session", "does ketamine help with suicidal thoughts", "is it safe"]  # one text shared


def test_a_warm_start_keeps_views_of_the_loaded_file_not_copies(encoder: Encoder, tmp_path: Path) -> None:
    # What makes a warm start's peak: the classifiers' matrices beside the loaded file were a second copy of it.
    fresh = _start(encoder, tmp_path, _CRISIS_SIDE, _FAQ_SIDE)
    reading = NoEncodingOf(encoder)
    crisis, faq = _start(reading, tmp_path, _CRISIS_SIDE, _FAQ_SIDE)  # type: ignore[arg-type]
    assert not crisis.flags["OWNDATA"] and not faq.flags["OWNDATA"]
    assert _owner(crisis) is _owner(faq)  # both are views of the one array loaded from the file
    assert np.array_equal(crisis, fresh[0]) and np.array_equal(faq, fresh[1])
    with pytest.raises(ValueError, match="read-only"):
        faq[0, 0] = 1.0  # a view another caller may share: nobody changes it for the others


def test_the_file_is_laid_out_once_whichever_side_asks_first(encoder: Encoder, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # The FAQ side and the crisis layer ask from two threads: a layout that followed their race would be
    # rewritten at every other start.
    _start(encoder, tmp_path, _CRISIS_SIDE, _FAQ_SIDE)
    saved: list[str] = []
    monkeypatch.setattr(ArrayStore, "save", lambda self, name, arrays: saved.append(name) or True)
    _start(encoder, tmp_path, _FAQ_SIDE, _CRISIS_SIDE)
    assert saved == []


def test_a_build_that_fits_leaves_the_file_laid_out_for_the_next_start(encoder: Encoder, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # A deployed image holds the file its build step wrote, and every start of it is the first warm one: a file
    # laid out for the fit's own reads would be copied from and rewritten (in vain) at every start.
    fitted = _start(encoder, tmp_path, _CRISIS_SIDE, _FAQ_SIDE, training=[*_FAQ_SIDE, *_CRISIS_SIDE])
    saved: list[str] = []
    monkeypatch.setattr(ArrayStore, "save", lambda self, name, arrays: saved.append(name) or True)
    crisis, faq = _start(NoEncodingOf(encoder), tmp_path, _CRISIS_SIDE, _FAQ_SIDE)  # type: ignore[arg-type]
    assert not crisis.flags["OWNDATA"] and not faq.flags["OWNDATA"] and _owner(crisis) is _owner(faq)
    assert np.array_equal(crisis, fitted[0]) and np.array_equal(faq, fitted[1])
    assert saved == []


def test_a_text_trained_on_only_is_dropped_by_the_next_start(encoder: Encoder, tmp_path: Path) -> None:
    _start(encoder, tmp_path, _CRISIS_SIDE, _FAQ_SIDE, training=[*_CRISIS_SIDE, *_FAQ_SIDE, "trained on only"])
    _start(NoEncodingOf(encoder), tmp_path, _CRISIS_SIDE, _FAQ_SIDE)  # type: ignore[arg-type]
    assert hashlib.sha256(b"trained on only").digest() not in _stored_keys(tmp_path)


def test_a_text_on_two_rows_is_read_from_the_run_that_holds_the_whole_call(encoder: Encoder, tmp_path: Path) -> None:
    # The longer crisis side's run comes first and holds the shared text's first row; the FAQ side's run starts
    # at its second row.
    crisis_side = [*_CRISIS_SIDE, "nobody would notice if i was gone"]
    faq = ["does ketamine help with suicidal thoughts", "how much is a session", "is it safe"]
    _start(encoder, tmp_path, crisis_side, faq)
    crisis, asked = _start(NoEncodingOf(encoder), tmp_path, crisis_side, faq)  # type: ignore[arg-type]
    assert not asked.flags["OWNDATA"] and _owner(asked) is _owner(crisis)
    assert np.array_equal(asked, Embedder(encoder).knowledge_vectors(faq))


def test_a_failed_build_leaves_no_trace_in_the_next_ones_layout(encoder: Encoder, tmp_path: Path) -> None:
    _start(encoder, tmp_path, _CRISIS_SIDE, _FAQ_SIDE)
    embedder = Embedder(encoder, ArrayStore(tmp_path))
    with pytest.raises(RuntimeError, match="a fit that failed"), embedder.build():
        embedder.knowledge_vectors(["a kept text of a build that failed", *_FAQ_SIDE], kept=True)
        raise RuntimeError("a fit that failed")
    with embedder.build():  # the next build, in the same process (a hot reload)
        embedder.knowledge_vectors(_CRISIS_SIDE, kept=True)
        embedder.knowledge_vectors(_FAQ_SIDE, kept=True)
    assert hashlib.sha256(b"a kept text of a build that failed").digest() not in _stored_keys(tmp_path)


def test_a_warm_start_of_the_bot_keeps_its_example_matrices_as_views_of_the_cache(
        knowledge: Knowledge, encoder: Encoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The real callers: the FAQ side's examples and both crisis classifiers' are asked for as kept.
    for stored in cache_dir().glob("*.npz"):  # this run's fits and vectors, if any: a warm start, not a cold one
        shutil.copy(stored, tmp_path)
    Responder(knowledge, Embedder(encoder, ArrayStore(tmp_path)))  # lays the file out for the repository's knowledge
    saved: list[str] = []
    monkeypatch.setattr(ArrayStore, "save", lambda self, name, arrays: saved.append(name) or True)
    warm = Responder(knowledge, Embedder(encoder, ArrayStore(tmp_path)))
    assert saved == []
    assert warm.understanding is not None and warm.screen.classifier is not None
    kept = [warm.understanding.classifier._by_label, warm.screen.classifier.crisis_vectors,
            warm.screen.classifier.calm_vectors]
    if warm.screen.gloss_classifier is not None:
        kept += [warm.screen.gloss_classifier.crisis_vectors, warm.screen.gloss_classifier.calm_vectors]
    assert not any(matrix.flags["OWNDATA"] for matrix in kept)
    assert len({id(_owner(matrix)) for matrix in kept}) == 1  # one array: the file as loaded
    assert warm.decide("how much does it cost").id == "cost"


def test_a_start_that_reads_the_file_otherwise_lays_it_out_again(encoder: Encoder, tmp_path: Path) -> None:
    # A file written by an older build, or for other kept vectors: they are not runs of it, so they are
    # copied, and the file laid out anew.
    texts = ["a", "b", "c", "d"]
    whole = _start(encoder, tmp_path, [f"question {t}" for t in texts])[0]
    odd, even = [f"question {t}" for t in texts[::2]], [f"question {t}" for t in texts[1::2]]
    copied = _start(NoEncodingOf(encoder), tmp_path, odd, even)  # type: ignore[arg-type]
    assert all(part.flags["OWNDATA"] for part in copied)
    viewed = _start(NoEncodingOf(encoder), tmp_path, odd, even)  # type: ignore[arg-type]
    assert not any(part.flags["OWNDATA"] for part in viewed) and _owner(viewed[0]) is _owner(viewed[1])
    assert np.array_equal(viewed[0], whole[::2]) and np.array_equal(viewed[1], whole[1::2])


def test_without_a_cache_folder_the_vectors_stay_in_memory(encoder: Encoder) -> None:
    embedder = Embedder(encoder)
    before = embedder.knowledge_vectors(["how much is a session"])
    embedder.settle()
    embedder.encoder = NoEncodingOf(encoder)  # type: ignore[assignment]
    assert np.array_equal(embedder.knowledge_vectors(["how much is a session"]), before)


class NoEncodingOf:
    """An encoder that fails the test if anything is embedded."""

    def __init__(self, encoder: Encoder) -> None:
        self.model_id = encoder.model_id

    def encode(self, texts: list[str], batch_size: int = 1) -> np.ndarray:
        raise AssertionError(f"encoded {texts}")


def test_messages_are_never_written_to_the_cache(encoder: Encoder, tmp_path: Path) -> None:
    Embedder(encoder, ArrayStore(tmp_path)).message_vectors("my private question about my son. how much is it?")
    assert list(tmp_path.iterdir()) == []


def test_a_long_message_is_read_whole_and_by_sentence(encoder: Encoder) -> None:
    embedder = Embedder(encoder)
    text = ("My son is 19 and has been struggling with his mood for years, since long before he left school. "
            "We tried four medicines, two therapists and a hospital stay, and nothing helped for long. "
            "His doctor now mentions ketamine. How much does a course of ketamine cost?")
    windows, vectors = embedder.message_vectors(text)
    assert windows[0] == text
    assert windows[-1] == "How much does a course of ketamine cost?"
    assert vectors.shape == (len(windows), 384)


def test_a_message_window_gets_the_vector_its_words_get_alone(encoder: Encoder) -> None:
    # The int8 model scales activations per run: batched with the whole message, a sentence came out a little
    # different from the same words embedded as knowledge. Each window alone reads as the knowledge reads.
    embedder = Embedder(encoder)
    windows, vectors = embedder.message_vectors(_STORY)
    assert len(windows) > 2
    np.testing.assert_array_equal(vectors, embedder.knowledge_vectors(windows))
    assert not np.array_equal(vectors[1], encoder.encode(windows, batch_size=len(windows))[1])  # the old way


def test_windows_embedded_already_are_not_embedded_again(encoder: Encoder) -> None:
    # The FAQ step reads a message again with its typos mended: only the windows that changed are new.
    written = "I have been on three antidepressants and nothing helped my mood. How mcuh does a sesion cost?"
    mended = "I have been on three antidepressants and nothing helped my mood. How much does a session cost?"
    embedder = Embedder(encoder)
    windows, vectors = embedder.message_vectors(written)
    counting = CountingEncoder(encoder)
    embedder.encoder = counting  # type: ignore[assignment]
    again, vectors_again = embedder.message_vectors(mended, dict(zip(windows, vectors, strict=True)))
    assert again[1] == windows[1] and set(counting.embedded) == {mended, "How much does a session cost?"}
    np.testing.assert_array_equal(vectors_again[1], vectors[1])
    np.testing.assert_array_equal(vectors_again[[0, 2]], embedder.knowledge_vectors([again[0], again[2]]))


def test_messages_decided_at_once_from_several_threads_get_their_own_vectors(encoder: Encoder) -> None:
    # The Telegram shell decides messages in worker threads, each handing its windows to the same pool.
    embedder = Embedder(encoder)
    texts = [f"{_STORY} Question {n}: how many sessions would she need?" for n in range(6)]
    alone = [embedder.message_vectors(text) for text in texts]
    with ThreadPoolExecutor(6) as callers:
        together = list(callers.map(embedder.message_vectors, texts * 2))
    for (windows, vectors), (expected_windows, expected) in zip(together, alone * 2, strict=True):
        assert windows == expected_windows
        np.testing.assert_array_equal(vectors, expected)


_FORKED: Embedder | None = None


def _windows_read_in_child() -> int:
    assert _FORKED is not None
    return len(_FORKED.message_vectors(_STORY)[1])


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this platform")
def test_a_forked_child_embeds_a_message_with_threads_of_its_own(encoder: Encoder) -> None:
    # A child inherits the parent's thread pool but not its threads: work handed to it was never taken.
    global _FORKED
    _FORKED = Embedder(encoder)
    windows, _ = _FORKED.message_vectors(_STORY)  # the parent's threads are running now
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply_async(_windows_read_in_child).get(timeout=60) == len(windows) > 2


def test_short_messages_are_one_window(encoder: Encoder) -> None:
    assert Embedder(encoder).windows("how much does it cost?") == ["how much does it cost?"]
    assert Embedder(encoder).windows("hi. how much is it? thanks") == ["hi. how much is it? thanks"]
    assert Embedder(encoder).windows("   ") == []


def test_windows_are_capped_and_short_sentences_joined(encoder: Encoder) -> None:
    embedder = Embedder(encoder)
    text = " ".join(f"Sentence number {n} tells a little more of the long story." for n in range(40))
    windows = embedder.windows(text)
    assert len(windows) <= MAX_WINDOWS
    padding = "I have been reading about this treatment for weeks and still have questions about it. " * 4
    windows = embedder.windows(f"{padding}ok. so. how long does a session take?")
    assert "ok. so. how long does a session take?" in windows and "ok." not in windows and "so." not in windows


def test_sentences_split_on_ends_and_lines() -> None:
    assert sentences("one. two!\nthree? four") == ["one.", "two!", "three?", "four"]


def test_items_of_a_numbered_list_written_on_one_line_are_sentences() -> None:
    # Development data (a spent blind set): "3) i cut really deep last night ..." was read inside one window of
    # four questions, where it alarmed 0.35; alone it alarms 0.88.
    text = "my questions are 1) can i use the spray at home 2) i cut really deep last night (3) how long is it"
    assert sentences(text) == ["my questions are", "1) can i use the spray at home", "2) i cut really deep last night",
                               "(3) how long is it"]
    assert sentences("it costs 2.5 times more (about 300) per session") == [
        "it costs 2.5 times more (about 300) per session"]


def test_a_closing_fragment_joins_the_sentence_before(encoder: Encoder) -> None:
    # Read alone, "Any tips?" is noise the crisis model once scored as alarming.
    text = "I'm anxious about telling my boss I need time off for sessions. Any tips?"
    assert Embedder(encoder).windows(text) == [text, "I'm anxious about telling my boss I need time off for sessions."]


def test_a_sentence_a_short_one_was_joined_to_is_also_read_alone(encoder: Encoder) -> None:
    """Joined to a short question, a crisis sentence was read as part of it (development data, a spent set)."""
    text = "Is ketamine addictive? I'd like to know before I inject the whole vial I took from work to end things."
    assert Embedder(encoder).windows(text) == \
        [text, "I'd like to know before I inject the whole vial I took from work to end things."]
    text = "So. Sorry. My sister has her first infusion on Monday and our mum will drive her home afterwards."
    assert Embedder(encoder).windows(text) == \
        [text, "My sister has her first infusion on Monday and our mum will drive her home afterwards."]


def test_a_text_whose_key_ends_in_a_zero_byte_comes_back_from_disk(encoder: Encoder, tmp_path: Path) -> None:
    # One key in 256 does; numpy's fixed-width bytes dropped the trailing NUL, and every warm start
    # re-embedded those texts and rewrote the cache.
    text = next(t for n in range(100_000) if hashlib.sha256((t := f"question {n}").encode()).digest()[-1] == 0)
    Embedder(encoder, ArrayStore(tmp_path)).knowledge_vectors([text, "is it safe"])

    class NoEncoding:
        model_id = encoder.model_id

        def encode(self, texts: list[str], batch_size: int = 1) -> np.ndarray:
            raise AssertionError(f"encoded {texts} although they were cached")

    assert Embedder(NoEncoding(), ArrayStore(tmp_path)).knowledge_vectors([text]).shape == (1, 384)  # type: ignore[arg-type]


def test_a_build_that_saves_midway_still_reads_each_text_its_own_vector(encoder: Encoder, tmp_path: Path) -> None:
    # A call that embeds a new text saves the file at once, in a new layout; the rows loaded at the start are
    # laid out as before, and a later call of the same build must be read from them by their own order.
    _start(encoder, tmp_path, ["ask a1", "ask a2", "ask a3"], ["ask b1", "ask b2"])
    grown = ["ask a1", "new n1", "new n2", "new n3", "new n4"]
    _, later = _start(encoder, tmp_path, grown, ["ask a1", "new n1"])
    assert np.array_equal(later, Embedder(encoder).knowledge_vectors(["ask a1", "new n1"]))
