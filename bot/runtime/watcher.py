"""Hot reload: notice edited knowledge files and swap them in once the edit has settled.

Polling file sizes and modification times every few seconds needs no extra dependency
and works on every PaaS file system. Editors often save in steps (truncate, write,
rename), so a change is only loaded after the folder has looked the same for
``debounce`` seconds; a half-written file is never taken for the operator's intent.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.runtime.store import ReloadResult, ResponderStore

log = logging.getLogger(__name__)

Snapshot = tuple[tuple[str, int, int], ...]


def snapshot(directory: Path) -> Snapshot:
    """Name, size and modification time of every file below ``directory``."""
    entries = []
    for path in sorted(directory.rglob("*")):
        try:
            if path.is_file():
                status = path.stat()
                entries.append((str(path), status.st_size, status.st_mtime_ns))
        except OSError:  # deleted between listing and stat: the next poll sees the new state
            continue
    return tuple(entries)


def log_result(result: ReloadResult) -> None:
    """Reload outcomes go to the log with every ``path:line: message``; no user data is involved."""
    if result.ok:
        log.info("knowledge %s: version %s, %s", "recovered from a refused edit" if result.recovered else "reloaded",
                 result.version, result.summary)
        return
    log.error("knowledge edit refused, still serving version %s: %d problem(s)", result.version,
              len(result.problems))
    for problem in result.problems:
        log.error("  %s", problem)


class KnowledgeWatcher:
    """Decides when to reload; ``poll`` is one step, ``run`` repeats it forever."""

    def __init__(self, store: ResponderStore, *, debounce: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.debounce = debounce
        self._clock = clock
        self._loaded = snapshot(store.directory)
        self._pending: Snapshot | None = None
        self._pending_since = 0.0

    def poll(self) -> ReloadResult | None:
        """Reload when the folder changed and has been stable for ``debounce`` seconds."""
        current = snapshot(self.store.directory)
        if current == self._loaded:
            self._pending = None
            return None
        if current != self._pending:
            self._pending, self._pending_since = current, self._clock()
            return None
        if self._clock() - self._pending_since < self.debounce:
            return None
        result = self.store.reload()
        self._loaded, self._pending = current, None
        log_result(result)
        return result

    async def run(self, interval: float, on_refused: Callable[[ReloadResult], Awaitable[None]] | None = None,
                  on_loaded: Callable[[], None] | None = None,
                  on_recovered: Callable[[ReloadResult], Awaitable[None]] | None = None) -> None:
        """Poll every ``interval`` seconds; tell ``on_refused`` (e.g. the admins) about refused edits,
        and ``on_recovered`` when a good version follows them."""
        while True:
            await asyncio.sleep(interval)
            try:
                result = await asyncio.to_thread(self.poll)
            except Exception:  # a watcher must never take the bot down
                log.exception("knowledge watcher failed; will retry")
                continue
            if result is not None and result.ok and on_loaded is not None:
                on_loaded()
            if result is not None and result.recovered and on_recovered is not None:
                await on_recovered(result)
            if result is not None and not result.ok and on_refused is not None:
                await on_refused(result)
