"""A broadcast "something changed" signal for waiting on emulator state without polling loops."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class ChangeSignal:
    """Wakes every waiter whenever the emulator state changes.

    A fresh :class:`asyncio.Event` per generation avoids the lost-wakeup race of clearing a shared
    event: a waiter grabs the current event *before* checking its predicate, so a change that happens
    in between still sets the event it is about to wait on.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake all current waiters so they re-check their predicates."""
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait_until(self, predicate: Callable[[], T | None], timeout: float) -> T | None:
        """Return the first non-``None`` value of ``predicate``, or ``None`` once ``timeout`` elapsed.

        ``None`` (not falsiness) means "keep waiting" so that predicates can return empty lists.
        The predicate is always evaluated at least once, which makes ``timeout=0`` a plain check.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._event
            result = predicate()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):
                    await event.wait()
