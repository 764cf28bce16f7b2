"""Sentence embeddings for matching questions by meaning: all-MiniLM-L6-v2, int8 ONNX, run with onnxruntime.

Why: fuzzy string matching misses paraphrases ("Can I drive afterwards?" vs "Am I allowed to drive after a
session?"); a small sentence-embedding model scores them as close. Why this form: PyTorch and transformers
weigh a gigabyte and import slowly, and fetching a model from a hub at start-up fails offline. So the model is
built once by `bash scripts/build_model.sh` into bot/semantic/model/ (a 23 MB int8 ONNX graph that already
does mean pooling and L2 normalisation, plus the tokenizer), and the bot runs it with onnxruntime, tokenizers
and numpy only. Why the checksums: a truncated, corrupted or half-rebuilt model would not crash, it would
silently match wrong answers; `Encoder.load` checks the files against SHA256SUMS and refuses with a one-line
`ModelError` that says how to rebuild.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

MAX_TOKENS = 256  # the model's max_seq_length; longer texts are truncated (the embedder reads them by sentence)
DIM = 384
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "model"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
SUMS_FILE = "SHA256SUMS"
REBUILD = "bash scripts/build_model.sh"
_OUTPUT = "sentence_embedding"
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class ModelError(Exception):
    """The model folder is missing, incomplete or corrupt. The message is one line naming the file."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        one_line = re.sub(r"\s+", " ", f"{path}: {problem}; rebuild it with: {REBUILD}").strip()
        super().__init__(one_line)


def _read_sums(sums_path: Path) -> dict[str, str]:
    try:
        text = sums_path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise ModelError(sums_path, "missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(sums_path, f"unreadable ({exc})") from None
    sums: dict[str, str] = {}
    for line in text.splitlines():
        match = re.fullmatch(r"([0-9a-f]{64}) [ *](.+)", line.strip())
        if match:
            sums[match.group(2)] = match.group(1)
    for name in (MODEL_FILE, TOKENIZER_FILE):
        if name not in sums:
            raise ModelError(sums_path, f"has no sha256 for {name}")
    return sums


def _read_verified(path: Path, expected_sha256: str) -> tuple[bytes, str]:
    """The file's bytes, read once and hashed, or ModelError when it is missing or differs from SHA256SUMS."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelError(path, "missing") from None
    except OSError as exc:
        raise ModelError(path, f"unreadable ({exc})") from None
    return data, _checked(path, hashlib.sha256(data).hexdigest(), expected_sha256)


def _verified_digest(path: Path, expected_sha256: str) -> str:
    """The file's sha256, hashed as it streams by, or ModelError when it is missing or differs from SHA256SUMS."""
    try:
        with path.open("rb") as file:
            digest = hashlib.file_digest(file, "sha256").hexdigest()
    except FileNotFoundError:
        raise ModelError(path, "missing") from None
    except OSError as exc:
        raise ModelError(path, f"unreadable ({exc})") from None
    return _checked(path, digest, expected_sha256)


def _checked(path: Path, digest: str, expected_sha256: str) -> str:
    if digest != expected_sha256:
        raise ModelError(path, f"sha256 {digest[:16]}... does not match {SUMS_FILE} ({expected_sha256[:16]}...)")
    return digest


class Encoder:
    """Texts to unit-length float32 vectors of DIM; cosine similarity is then a dot product."""

    def __init__(self, session: ort.InferenceSession, tokenizer: Tokenizer, model_id: str) -> None:
        self._session = session
        self._tokenizer = tokenizer  # truncates at MAX_TOKENS; padding is done per batch in encode()
        self._model_id = model_id
        self._feeds_type_ids = "token_type_ids" in {i.name for i in session.get_inputs()}

    @classmethod
    def load(cls, model_dir: Path, threads: int = 1) -> Encoder:
        """Load and verify bot/semantic/model/ (or a copy); raises ModelError on any problem."""
        model_dir = Path(model_dir)
        sums = _read_sums(model_dir / SUMS_FILE)
        model_path = model_dir / MODEL_FILE
        tok_path = model_dir / TOKENIZER_FILE
        model_sha = _verified_digest(model_path, sums[MODEL_FILE])
        tok_bytes, tok_sha = _read_verified(tok_path, sums[TOKENIZER_FILE])

        try:
            # The verified bytes themselves are read, so the file cannot change between check and use.
            tok_json = tok_bytes.decode("utf-8")
            tokenizer = Tokenizer.from_str(tok_json)
        except Exception as exc:
            raise ModelError(tok_path, f"not a valid tokenizer ({exc})") from None
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.no_padding()

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = max(1, threads)
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3  # errors only
        # No busy-waiting between runs: spinning threads starve numpy's own threads (measured: the
        # per-message similarity matmul went from 0.06 ms to 3 ms beside a spinning session).
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # No memory arena: it keeps the peak of the largest batch ever run (hundreds of MB after a
        # batch of long windows) for the life of the process; freeing costs little at these sizes.
        opts.enable_cpu_mem_arena = False
        # The model is loaded from its path, not from the verified bytes: given bytes, onnxruntime kept a
        # second copy of the weights (22 MB resident for the life of the process). It is hashed again once
        # loaded instead, so a file that changed between the check and the load is still refused.
        try:
            session = ort.InferenceSession(str(model_path), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise ModelError(model_path, f"onnxruntime cannot load it ({exc})") from None
        _verified_digest(model_path, model_sha)
        inputs = {i.name for i in session.get_inputs()}
        outputs = {o.name: o.shape for o in session.get_outputs()}
        if not {"input_ids", "attention_mask"} <= inputs or inputs - set(_INPUTS):
            raise ModelError(model_path, f"unexpected inputs {sorted(inputs)}")
        if _OUTPUT not in outputs or outputs[_OUTPUT][-1] != DIM:
            raise ModelError(model_path, f"no output {_OUTPUT}[batch, {DIM}] (outputs: {outputs})")

        # The cache key covers everything that shapes a vector: the graph, the tokenizer and the truncation.
        model_id = hashlib.sha256(f"{model_sha} {tok_sha} {MAX_TOKENS}".encode()).hexdigest()[:16]
        return cls(session, tokenizer, model_id)

    def words(self) -> dict[str, int]:
        """The whole words of the tokenizer's vocabulary (no word pieces, letters only), each with its id:
        WordPiece ids run roughly from frequent to rare, so an id doubles as a rank."""
        return {token: n for token, n in self._tokenizer.get_vocab().items() if token.isalpha() and token.isascii()}

    @property
    def model_id(self) -> str:
        """16 hex digits identifying model file + tokenizer + truncation: a cache key for stored vectors."""
        return self._model_id

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """float32 [len(texts), DIM], L2-normalised, in the order given. Texts over MAX_TOKENS are truncated.

        Texts are sorted by length into batches so that little padding is computed. The int8 model scales its
        activations per batch, so a text's vector can differ very slightly (cosine ~0.99+) with its batch-mates.
        """
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not one str")
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        # Lone surrogates (possible in forged updates) are not text the tokenizer accepts: drop them.
        clean = [text.encode("utf-8", "ignore").decode("utf-8") for text in texts]
        ids = [enc.ids for enc in self._tokenizer.encode_batch(clean)]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            width = max(len(ids[i]) for i in chunk)
            input_ids = np.zeros((len(chunk), width), dtype=np.int64)  # [PAD] is id 0
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                input_ids[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1
            feeds = {"input_ids": input_ids, "attention_mask": mask}
            if self._feeds_type_ids:
                feeds["token_type_ids"] = np.zeros_like(input_ids)
            out[chunk] = self._session.run([_OUTPUT], feeds)[0]
        return out
