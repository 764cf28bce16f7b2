"""Arrays kept on disk between runs: knowledge embeddings, fitted classifiers and read glossaries.

Why: embedding a few thousand phrasings takes seconds, which a restart should not repeat
(PaaS platforms restart daily); a cold start (ephemeral disk) still works, only slower. The
files hold knowledge texts' vectors and weights only, never a user's message. Anything wrong
with the folder (read-only, corrupt file, full disk) costs speed, never a reply: it is logged
once and the bot carries on in memory.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

log = logging.getLogger("bot.semantic")

ENV_VAR = "CACHE_DIR"
DEFAULT_DIR = Path("data") / "cache"  # under the working directory, next to knowledge/; gitignored
KEEP_FILES = 12  # newest files kept; older fits of old knowledge versions are removed
GLOSSARY_FILES = 64  # glossaries kept: every language of crisis.yaml twice over


def code_fingerprint(*modules: str) -> str:
    """12 hex digits of the source of the named modules, for the name a fit or a read file is stored under: a
    change to the code that made it (a class weight, a feature) is then a new name, where a version string kept
    by hand was forgotten (a changed constant went on loading the old fit). By name: a package may export a
    function under its module's name (``bot.language.normalize``)."""
    digest = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise ModuleNotFoundError(f"no source for module {name}")
        digest.update(Path(spec.origin).read_bytes())
    return digest.hexdigest()[:12]


def cache_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """``CACHE_DIR``, else data/cache under the working directory."""
    return Path(environ.get(ENV_VAR) or Path.cwd() / DEFAULT_DIR)


def glossary_cache(environ: Mapping[str, str] = os.environ) -> ArrayStore:
    """Where the knowledge loader keeps the glossaries it has read (``load_knowledge``'s ``cache``): a
    folder of its own, so that every language's file (twice over, across an edit) outlives the pruning."""
    return ArrayStore(cache_dir(environ) / "glossaries", keep=GLOSSARY_FILES)


class ArrayStore:
    """Named groups of numpy arrays in one folder, written atomically, read without pickle."""

    def __init__(self, directory: Path | None, keep: int = KEEP_FILES) -> None:
        self.directory = directory
        self.keep = keep  # newest files kept in the folder
        self._warned = False

    def load(self, name: str) -> dict[str, np.ndarray] | None:
        if self.directory is None:
            return None
        path = self.directory / f"{name}.npz"
        try:
            with np.load(path, allow_pickle=False) as data:
                return {key: data[key] for key in data.files}
        except FileNotFoundError:
            return None
        except Exception as exc:  # corrupt or truncated: rebuilt and overwritten
            self._warn(f"cache file {path} is unreadable ({type(exc).__name__}); rebuilding it")
            return None

    def save(self, name: str, arrays: Mapping[str, np.ndarray]) -> bool:
        """Write ``name`` atomically; whether it is now on disk (False without a folder or on an error)."""
        if self.directory is None:
            return False
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=f".{name}.", suffix=".npz")
            with os.fdopen(handle, "wb") as file:
                np.savez(file, **arrays)
            os.replace(temporary, self.directory / f"{name}.npz")
            self._prune()
        except OSError as exc:
            self._warn(f"cannot write the cache in {self.directory} ({type(exc).__name__}); "
                       "starts will be slower until it is writable")
            return False
        return True

    def _prune(self) -> None:
        assert self.directory is not None
        files = sorted(self.directory.glob("*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[self.keep:]:
            old.unlink(missing_ok=True)

    def _warn(self, message: str) -> None:
        if not self._warned:
            log.warning("%s", message)
            self._warned = True
