"""Turning texts into vectors the way the rest of the bot needs them.

* Knowledge texts (phrasings, examples) are embedded once and cached on disk, keyed by the
  model and the text, so restarts and hot reloads only embed what changed.
* A message is embedded per *window*: the encoder reads at most 256 tokens, and one vector
  of a long message dilutes a crisis sentence or the actual question inside a backstory. So a
  message of over :data:`WINDOWED_WORDS` words gets the whole-message vector plus one per
  sentence (a short sentence joined to its neighbour, which is also read alone), at most
  :data:`MAX_WINDOWS` vectors.
  Messages are never cached.
* Every text, knowledge or message, is embedded alone (one text per encoder run), so the same
  words always get the same vector; a message's windows run side by side on two cores.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from bot.semantic.encoder import DEFAULT_MODEL_DIR, DIM, Encoder
from bot.semantic.memory import release_free_memory
from bot.semantic.store import ArrayStore, cache_dir

MODEL_ENV_VAR = "MODEL_DIR"
EMBEDDING_VERSION = "alone2"  # how knowledge texts are embedded and keyed; a change must not reuse old files
KEY_BYTES = 32  # sha256 digests, kept as raw bytes: numpy's fixed-width bytes type drops trailing NULs
MAX_WINDOWS = 8  # vectors per message: the whole plus up to seven sentence windows
WINDOWED_WORDS = 12  # a message longer than this is also read by sentence; shorter ones are read whole
LONG_MESSAGE_WINDOWS = 4  # after reading more windows than this, freed memory is handed back
EMBED_THREADS = 2  # texts are embedded in this many threads at once (each onnxruntime run is one core)
MIN_SENTENCE_WORDS = 4  # shorter sentences ("ok.", "hi!") are joined to the next one
MAX_MESSAGE_CHARS = 4000  # what is looked at, as in the decision
# Sentence ends, line breaks, and the items of a numbered list written on one line ("1) ... 2) ..."): a crisis
# written as one item of a list of questions is a sentence of its own.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\s*\n+\s*|\s+(?=\(?\d{1,2}\)\s)")


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


class Embedder:
    """An encoder with the on-disk cache of knowledge vectors."""

    def __init__(self, encoder: Encoder, store: ArrayStore | None = None) -> None:
        self.encoder = encoder
        self.store = store or ArrayStore(None)
        self._memory: dict[bytes, np.ndarray] = {}
        self._used: set[bytes] = set()  # asked for by this build of the knowledge: what the saved file keeps
        self._kept: list[list[bytes]] = []  # each call of this build for vectors kept (``knowledge_vectors``)
        self._on_disk: list[bytes] = []  # the keys the file holds, row by row, as loaded or last saved
        # The file as this build loaded it (``_on_disk`` changes when a build saves): calls get views of its rows.
        self._file_keys: list[bytes] = []
        self._file_vectors: np.ndarray | None = None
        self._file_rows: dict[bytes, int] = {}  # the first row of each key in ``_file_vectors``
        self._loaded = False
        # The FAQ side and the crisis layer ask for their vectors from two threads (``Responder``): one at a
        # time, so a text is embedded once and the file is written by one of them.
        self._lock = threading.Lock()
        self._message_pool: ThreadPoolExecutor | None = None  # started by the first message of several windows
        self._message_pool_lock = threading.Lock()
        _EMBEDDERS.add(self)

    @property
    def model_id(self) -> str:
        return self.encoder.model_id

    def knowledge_vectors(self, texts: Sequence[str], kept: bool = False) -> np.ndarray:
        """Vectors of knowledge texts, one per row, from the cache where present; new ones are embedded and saved.
        ``kept``: the caller keeps them for the life of its classifier, and a start with the same knowledge asks
        for exactly these again.

        Always read-only. When the texts are a run of the file's rows in order (kept ones, once the file is laid
        out for them: ``_layout``), they are a view of the loaded file, not a copy of it. Why: the classifiers
        keep these matrices (25 MB), and a copy of each beside the loaded file was the peak of a warm start (252 MB
        resident, over the 250 MB target; the file was let go only once the build was done). A view keeps the
        whole loaded file alive: after an edit that changed some kept texts only, the others are views of the old
        layout and the changed ones copies, some 9 MB more until the next start, which reads the new layout.
        """
        with self._lock:
            return self._knowledge_vectors(texts, kept)

    def _knowledge_vectors(self, texts: Sequence[str], kept: bool) -> np.ndarray:
        self._load()
        keys = [_key(text) for text in texts]
        self._used.update(keys)
        if kept:
            self._kept.append(keys)
        missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in self._memory}
        if missing:
            texts_to_embed = list(missing.values())
            # One text per run: the int8 model scales activations per batch, so a text batched with others
            # comes out a little different, and which texts share a batch depends on what the cache already
            # held. Alone, a text always gets the same vector, so a fresh machine fits what this one did.
            with ThreadPoolExecutor(EMBED_THREADS) as pool:  # onnxruntime releases the GIL while it runs
                vectors = np.concatenate(list(pool.map(self._alone, texts_to_embed, chunksize=64)))
            self._memory.update(zip(missing, vectors, strict=True))
            self._save()
        if not keys:
            return np.zeros((0, DIM), dtype=np.float32)
        vectors = self._file_run(keys)
        if vectors is None:
            vectors = np.stack([self._memory[key] for key in keys])
        vectors.flags.writeable = False  # a view may be shared by several callers: none may change it for the others
        return vectors

    def _file_run(self, keys: list[bytes]) -> np.ndarray | None:
        """The loaded file's rows of ``keys`` as a view, when they are consecutive rows in this order; else None.
        A key can be on several rows (a text two kept calls share): each is tried."""
        if self._file_vectors is None:
            return None
        first = self._file_rows.get(keys[0])
        while first is not None:
            if self._file_keys[first: first + len(keys)] == keys:
                return self._file_vectors[first: first + len(keys)]
            try:
                first = self._file_keys.index(keys[0], first + 1)
            except ValueError:
                first = None
        return None

    @contextlib.contextmanager
    def build(self) -> Iterator[None]:
        """One build of the knowledge: every ``knowledge_vectors`` call of a Responder is made within it. At its end
        the file is settled (``settle``). A build that raised is forgotten instead, the file left as it was: the bot
        keeps its last good version, and the next build's layout is its own."""
        try:
            yield
        except BaseException:
            with self._lock:
                self._used, self._kept = set(), []
            raise
        self.settle()

    def settle(self) -> None:
        """The end of one build of the knowledge (every ``knowledge_vectors`` call of a Responder).

        The file then holds exactly the vectors this build used, laid out as it asked for them: a build whose
        FAQ call embedded a new phrasing saved before its crisis call had asked for anything, and the file lost
        the crisis examples (the next start embedded them all again). Once everything used is on disk, the
        vectors held here are let go: the classifiers keep views of the loaded file or their own copies, and
        the next build reads the file again (tens of milliseconds).
        """
        with self._lock:
            self._settle()

    def _settle(self) -> None:
        if self._used and self._layout() != self._on_disk:
            self._save()
        if self._used <= set(self._on_disk):
            self._memory.clear()
            self._file_keys, self._file_vectors, self._file_rows = [], None, {}
            self._loaded = False
        self._used, self._kept = set(), []

    def _layout(self) -> list[bytes]:
        """The file's rows for this build: each kept call's texts as one run, in that call's order, then the other
        texts it used (those it trained on only). A build that fits asks for every text, and for the kept ones
        too, so that its file is already laid out for the warm starts after it: a deployed image's file is not
        rewritten at every start. That holds while every text trained on is kept as well (today: the FAQ texts the
        crisis layer trains on are the FAQ side's own); a text trained on only is dropped by the next start.

        A text two kept calls share is written in both runs (two texts of the knowledge are both a calm crisis
        example and an FAQ phrasing), so that each call is a view on the next start. The calls are taken longest
        first, not as they came: the FAQ side and the crisis layer ask from two threads, and a layout that
        followed their race would rewrite the file every other start.
        """
        written: set[bytes] = set()
        layout: list[bytes] = []
        for keys in sorted(self._kept, key=lambda keys: (-len(keys), keys)):
            if not written.issuperset(keys):
                layout += keys
                written.update(keys)
        return layout + sorted(self._used - written)

    def _alone(self, text: str) -> np.ndarray:
        return self.encoder.encode([text], batch_size=1)

    def windows(self, text: str, windowed_words: int = WINDOWED_WORDS) -> list[str]:
        """The texts a message is embedded as: itself, plus its sentences when it has several and more than
        ``windowed_words`` words (a crisis veto reads every sentence of a short message too)."""
        text = text[:MAX_MESSAGE_CHARS].strip()
        parts = sentences(text) if len(text.split()) > windowed_words else [text]
        if len(parts) <= 1:
            return [text] if text else []
        merged: list[str] = []
        # A sentence that a short one ("Is it safe?", "ok.") was joined to is also read alone: the join can hide
        # it ("Is ketamine addictive? I'd like to know before I inject the whole vial to end things." read as
        # one question about addiction). By the window it went into.
        alone: dict[int, str] = {}
        for part in parts:
            if merged and len(merged[-1].split()) < MIN_SENTENCE_WORDS:
                merged[-1] = f"{merged[-1]} {part}"
                if len(part.split()) >= MIN_SENTENCE_WORDS:
                    alone[len(merged) - 1] = part
            else:
                merged.append(part)
        if len(merged) > 1 and len(merged[-1].split()) < MIN_SENTENCE_WORDS:  # a closing "any tips?" read alone
            alone.setdefault(len(merged) - 2, merged[-2])  # is noise to the models: it joins the sentence before
            merged[-2:] = [f"{merged[-2]} {merged[-1]}"]
        if len(merged) > MAX_WINDOWS - 1:
            merged, alone = _pack(merged, MAX_WINDOWS - 1), {}
        if len(merged) == 1 and not alone:
            return merged
        windows = [piece for n, window in enumerate(merged) for piece in (window, alone.get(n)) if piece]
        if len(merged) == 1:
            windows = windows[1:]  # its one window is the whole message, read as such
        return [text, *windows[: MAX_WINDOWS - 1]]

    def message_vectors(self, text: str, known: Mapping[str, np.ndarray] | None = None, *, by_sentence: bool = False
                        ) -> tuple[list[str], np.ndarray]:
        """The message's windows and their vectors; ``known``: windows of this message embedded already (the
        same message with its typos mended keeps most of its sentences); ``by_sentence``: a short text's sentences
        are windows too (``windows`` with no minimum length). For a gloss (``bot.crisis.gloss``): it has fewer words
        than its message, and a crisis told after a question about the treatment ("Hur snabbt verkar ketamin? Jag har
        redan bestämt ett datum för att ta mitt liv": "how quickly ketamine. I already decided a because take my
        life") was read whole, the question diluting it. On the development pools (1,937 crises, 5,119 calm) this
        caught 3 crises more, all told after a question, and no false alarm more (``CrisisScreen.meaning`` holds such
        a window to the full bar); for English messages it caught none and escalated one calm question."""
        windows = self.windows(text, 0 if by_sentence else WINDOWED_WORDS)
        vectors = self.vectors(windows, known)
        if len(windows) > LONG_MESSAGE_WINDOWS:
            release_free_memory()  # a long message's activations would otherwise stay resident
        return windows, vectors

    def sentences(self, text: str) -> list[str]:
        """A message's sentences, short ones joined as ``windows`` joins them, whatever its length (``windows``
        reads a short message whole); none when it has one."""
        return self.windows(text, windowed_words=0)[1:]

    def vectors(self, texts: Sequence[str], known: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
        """Texts of one message (not the knowledge: nothing is cached), each alone, two at a time.

        Alone, as the knowledge is embedded: the int8 model scales its activations per run, so a sentence
        batched with the whole message came out a little different from the same words alone (cosine
        0.97-0.99), and a batch is padded to its longest text. Two at a time: a message of several windows
        is the slowest kind (four windows of a 200-character message took 12 ms in one batch, 5 ms so).
        """
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        known = known or {}
        todo = sorted({text for text in texts if text not in known}, key=len, reverse=True)  # longest first
        if len(todo) > 1:
            done = dict(zip(todo, self._pool().map(self._alone, todo), strict=True))
        else:
            done = {text: self._alone(text) for text in todo}
        return np.stack([known[text] if text in known else done[text][0] for text in texts])

    def _pool(self) -> ThreadPoolExecutor:
        with self._message_pool_lock:
            if self._message_pool is None:
                self._message_pool = ThreadPoolExecutor(EMBED_THREADS, thread_name_prefix="embed")
            return self._message_pool

    def _forget_pool(self) -> None:
        """In a forked child: the parent's pool came along without its threads (work handed to it was never
        taken), and its lock perhaps held by a parent thread that does not exist here."""
        self._message_pool, self._message_pool_lock = None, threading.Lock()

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        stored = self.store.load(f"embeddings-{self.model_id}-{EMBEDDING_VERSION}")
        if stored is not None and {"keys", "vectors"} <= stored.keys() and stored["vectors"].shape[1:] == (DIM,) \
                and stored["keys"].shape[1:] == (KEY_BYTES,):
            self._file_keys = [k.tobytes() for k in stored["keys"]]
            self._on_disk = list(self._file_keys)
            self._file_vectors = stored["vectors"]
            self._file_rows = {}
            for row, key in enumerate(self._file_keys):
                self._file_rows.setdefault(key, row)
            self._memory.update(zip(self._file_keys, self._file_vectors, strict=True))

    def _save(self) -> None:
        """Keep the vectors this process used only, so the file does not grow with old edits."""
        keys = self._layout()
        if self.store.save(f"embeddings-{self.model_id}-{EMBEDDING_VERSION}",
                           {"keys": np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), KEY_BYTES),
                            "vectors": np.stack([self._memory[k] for k in keys])}):
            self._on_disk = keys


_EMBEDDERS: weakref.WeakSet[Embedder] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for embedder in list(_EMBEDDERS):
        embedder._forget_pool()


if hasattr(os, "register_at_fork"):  # POSIX; elsewhere nothing forks
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def _pack(parts: list[str], count: int) -> list[str]:
    """Join consecutive sentences into at most ``count`` windows (the encoder truncates each at 256 tokens)."""
    size = -(-len(parts) // count)
    return [" ".join(parts[i:i + size]) for i in range(0, len(parts), size)]


@functools.cache
def default_embedder() -> Embedder:
    """The model (``MODEL_DIR``, else the shipped one) with the on-disk cache (``CACHE_DIR``), loaded once.

    One thread per encoder run: a message is a few dozen tokens, where a second thread inside a run
    costs more in hand-offs than it saves (measured 3.0 against 3.8 ms a message on two cores). A
    message of several windows runs them side by side instead (``Embedder.vectors``).

    Raises :class:`bot.semantic.encoder.ModelError` (one line: the file and how to rebuild it)
    when the model is missing or corrupt.
    """
    # numpy's OpenBLAS spreads even a one-row matmul over every core, and waking those threads beside
    # onnxruntime cost 3 of every 5 ms a message took (measured: 15 ms -> 5 ms a message, one thread).
    threadpool_limits(limits=1, user_api="blas")
    return Embedder(Encoder.load(model_dir(), threads=1), ArrayStore(cache_dir()))


def model_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """``MODEL_DIR`` (a rebuilt or mounted model folder), else the model shipped in the package."""
    return Path(environ.get(MODEL_ENV_VAR) or DEFAULT_MODEL_DIR)
