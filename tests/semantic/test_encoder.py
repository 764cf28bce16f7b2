"""The runtime sentence encoder against the model folder that scripts/build_model.sh built.

reference.json holds cosine similarities from the fp32 PyTorch model (and from the int8 graph, all texts in one
batch) computed at build time; reproducing them pins the whole chain: graph, tokenizer, truncation, pooling.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer

from bot.semantic.encoder import DEFAULT_MODEL_DIR, DIM, MAX_TOKENS, Encoder, ModelError

# The build refuses an int8 graph drifting more than this from fp32 on any reference pair (measured: 0.022).
# Per-tensor quantisation drifts ~0.06 on the same pairs and fails this.
FP32_TOLERANCE = 0.03
# Same graph and same batch as at build time: only kernel and summation-order differences remain.
INT8_TOLERANCE = 0.005


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder.load(DEFAULT_MODEL_DIR)


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads((DEFAULT_MODEL_DIR / "reference.json").read_text(encoding="utf-8"))


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, target)
    return target


def pair_cosines(encoder: Encoder, pairs: list[dict]) -> np.ndarray:
    # All texts in one call, as the build computed the int8 column.
    vectors = encoder.encode([p["a"] for p in pairs] + [p["b"] for p in pairs], batch_size=64)
    n = len(pairs)
    return np.sum(vectors[:n].astype(np.float64) * vectors[n:].astype(np.float64), axis=1)


def test_reference_is_for_this_model_file() -> None:
    reference = json.loads((DEFAULT_MODEL_DIR / "reference.json").read_text(encoding="utf-8"))
    sums = (DEFAULT_MODEL_DIR / "SHA256SUMS").read_text(encoding="ascii")
    assert f"{reference['model_onnx_sha256']}  model.onnx" in sums
    assert reference["max_tokens"] == MAX_TOKENS
    assert reference["dim"] == DIM
    assert len(reference["pairs"]) >= 10


def test_reference_similarities_reproduced(encoder: Encoder, reference: dict) -> None:
    pairs = reference["pairs"]
    got = pair_cosines(encoder, pairs)
    fp32 = np.array([p["fp32_cosine"] for p in pairs])
    int8 = np.array([p["int8_cosine"] for p in pairs])
    worst_fp32 = float(np.max(np.abs(got - fp32)))
    worst_int8 = float(np.max(np.abs(got - int8)))
    assert worst_fp32 <= FP32_TOLERANCE, f"drift from fp32 {worst_fp32:.4f}: {np.round(got - fp32, 4)}"
    assert worst_int8 <= INT8_TOLERANCE, f"drift from the build's int8 {worst_int8:.4f}: {np.round(got - int8, 4)}"
    assert reference["fp32_vs_int8_max_abs_cosine_diff"] <= FP32_TOLERANCE


def test_paraphrases_score_higher_than_unrelated_pairs(encoder: Encoder, reference: dict) -> None:
    pairs = reference["pairs"]
    got = pair_cosines(encoder, pairs)
    para = [c for p, c in zip(pairs, got, strict=True) if p["label"] == "paraphrase"]
    unrelated = [c for p, c in zip(pairs, got, strict=True) if p["label"] == "unrelated"]
    assert para and unrelated
    assert min(para) > max(unrelated) + 0.2, (para, unrelated)
    assert np.mean(para) > 0.6 > 0.15 > np.mean(unrelated)


def test_shape_dtype_and_unit_length(encoder: Encoder) -> None:
    vectors = encoder.encode(["How long does it take?", "", "ketamine"])
    assert vectors.shape == (3, DIM)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.all(np.isfinite(vectors))


def test_empty_input_gives_empty_matrix(encoder: Encoder) -> None:
    vectors = encoder.encode([])
    assert vectors.shape == (0, DIM)
    assert vectors.dtype == np.float32


def test_rejects_a_bare_string(encoder: Encoder) -> None:
    with pytest.raises(TypeError):
        encoder.encode("one text, not a list")  # type: ignore[arg-type]


def test_order_preserved_across_sorted_batches(encoder: Encoder) -> None:
    # Lengths deliberately out of order, so sorting by length reorders them across several batches.
    texts = [
        "What should I expect during my first ketamine infusion, and how will I feel in the hours afterwards?",
        "Parking?",
        "Is ketamine therapy safe for people with high blood pressure?",
        "Hi",
        "Do you offer payment plans or sliding-scale fees for patients without insurance coverage at all?",
        "Can I drink alcohol the night before?",
        "My cat sleeps on the windowsill.",
        "How many sessions?",
        "Will I be able to go back to work on the same day as the treatment, or should I take the day off?",
    ]
    singles = np.vstack([encoder.encode([t]) for t in texts])
    # batch_size=1: every batch is one text, exactly as encoded alone, so rows must match exactly.
    np.testing.assert_allclose(encoder.encode(texts, batch_size=1), singles, atol=1e-6)
    # batch_size=3: mixed batches move int8 results a little, but each row must still be its own text.
    batched = encoder.encode(texts, batch_size=3)
    similarity = batched @ singles.T
    assert list(np.argmax(similarity, axis=1)) == list(range(len(texts)))
    assert float(np.min(np.diag(similarity))) > 0.98
    reversed_batched = encoder.encode(texts[::-1], batch_size=3)
    assert float(np.min(np.sum(reversed_batched[::-1] * batched, axis=1))) > 0.98


def token_count(text: str) -> int:
    """Tokens of ``text`` without [CLS]/[SEP] and without truncation, from the shipped tokenizer."""
    tokenizer = Tokenizer.from_file(str(DEFAULT_MODEL_DIR / "tokenizer.json"))
    tokenizer.no_truncation()  # the file's own setting truncates at 128
    return len(tokenizer.encode(text, add_special_tokens=False).ids)


def test_long_text_is_truncated_at_max_tokens_not_before(encoder: Encoder) -> None:
    body = " ".join(f"word{i % 50}" for i in range(400))
    assert token_count(body) > MAX_TOKENS
    long_a, long_b = encoder.encode([body + " the end is about cats", body + " the end is about cars"], batch_size=1)
    assert long_a.shape == (DIM,) and abs(float(np.linalg.norm(long_a)) - 1.0) < 1e-4
    # Both differ only past token 256, so truncation makes them identical.
    np.testing.assert_allclose(long_a, long_b, atol=1e-6)
    # Texts that differ within the first 256 tokens (but past 128) must not be identical.
    words = " ".join(["infusion"] * 90)  # two tokens each
    assert 128 < token_count(words) + 3 < MAX_TOKENS
    short_a, short_b = encoder.encode([words + " cats", words + " cars"], batch_size=1)
    assert not np.allclose(short_a, short_b, atol=1e-6)


def test_model_id_is_a_stable_short_key(encoder: Encoder) -> None:
    assert re.fullmatch(r"[0-9a-f]{16}", encoder.model_id)
    assert Encoder.load(DEFAULT_MODEL_DIR, threads=2).model_id == encoder.model_id


def test_more_threads_give_the_same_vectors(encoder: Encoder) -> None:
    texts = ["Can I drive home after my treatment?", "What does a session cost?"]
    np.testing.assert_allclose(
        Encoder.load(DEFAULT_MODEL_DIR, threads=2).encode(texts), encoder.encode(texts), atol=1e-5
    )


def assert_one_line_naming(error: ModelError, path: Path) -> None:
    message = str(error)
    assert "\n" not in message
    assert str(path) in message
    assert "bash scripts/build_model.sh" in message


@pytest.mark.parametrize("name", ["model.onnx", "tokenizer.json"])
def test_corrupt_file_is_refused(model_copy: Path, name: str) -> None:
    path = model_copy / name
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError) as caught:
        Encoder.load(model_copy)
    assert_one_line_naming(caught.value, path)
    assert "sha256" in str(caught.value)


@pytest.mark.parametrize("name", ["model.onnx", "tokenizer.json", "SHA256SUMS"])
def test_missing_file_is_refused(model_copy: Path, name: str) -> None:
    path = model_copy / name
    path.unlink()
    with pytest.raises(ModelError) as caught:
        Encoder.load(model_copy)
    assert_one_line_naming(caught.value, path)
    assert "missing" in str(caught.value)


def test_truncated_model_is_refused(model_copy: Path) -> None:
    path = model_copy / "model.onnx"
    path.write_bytes(path.read_bytes()[: 1 << 20])
    with pytest.raises(ModelError) as caught:
        Encoder.load(model_copy)
    assert_one_line_naming(caught.value, path)


def test_sums_file_without_an_entry_is_refused(model_copy: Path) -> None:
    sums = model_copy / "SHA256SUMS"
    sums.write_text("".join(line for line in sums.read_text().splitlines(True) if "tokenizer.json" not in line))
    with pytest.raises(ModelError) as caught:
        Encoder.load(model_copy)
    assert_one_line_naming(caught.value, sums)
    assert "tokenizer.json" in str(caught.value)
