"""Getting every request to Telegram through: one retry policy, flood control, and a crisis lane.

Every Bot API request the bot makes (except ``getUpdates``, whose loop PTB runs itself) passes
through :class:`PriorityRateLimiter`, PTB's :class:`~telegram.ext.AIORateLimiter` with what it
lacks added on top. Sends are paced to Telegram's flood limits (30 messages a second overall,
by the FIFO pacer below; 20 a minute per group, by ``AIORateLimiter``), which at most retries
``RetryAfter``. Added here:

* **one retry policy** (:class:`RetryPolicy`) for every request, including the crisis lane:
  ``RetryAfter`` waits what Telegram says; ``TimedOut``, ``NetworkError`` and 5xx answers (PTB
  raises those as ``NetworkError``) back off exponentially with jitter; ``BadRequest``,
  ``Forbidden``, ``InvalidToken``, ``Conflict`` and anything else are never retried, since the
  same request would fail the same way. Bounded: :data:`DEFAULT_POLICY` makes at most 5
  attempts and starts no retry later than 30 s after the first failure (time spent waiting
  for a turn under the flood limits is not retrying, so it does not count).
* **an urgent lane**: a request made with ``rate_limit_args=URGENT`` (crisis escalations) skips
  the bot's own pacing and pauses, and still gets the retries.
* **scoped pauses**: ``AIORateLimiter`` halts *every* request after any ``RetryAfter``. Here a
  429 pauses only the chat it came from (the whole bot only when the request had no chat), so
  one flooded chat does not hold up everybody else; the global 30/s pacing is unchanged.
* **first come, first served**: ``AIORateLimiter``'s buckets (aiolimiter) can let a newcomer
  take freed capacity ahead of a request that was already waiting; under a long burst (the load
  test: 500 users at once) a few replies waited twice as long as the rest. A FIFO pacer at the
  same overall rate hands out turns in arrival order and is the only overall limit:
  ``AIORateLimiter`` behind it as well reordered requests whenever a busy event loop woke
  several paced ones at once (a later chat's reply overtook an earlier one's). Its per-group
  limit stays.

A retry after a ``TimedOut`` can, rarely, deliver a message twice: the first request may have
reached Telegram before the answer was lost, and the Bot API has no idempotency key. For a
person in crisis a duplicate is far better than a missing reply.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import random
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from telegram import constants
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter

log = logging.getLogger("bot.telegram.delivery")

T = TypeVar("T")
URGENT = "urgent"  # rate_limit_args marking a request that must not wait in the bot's own queue
_EVERYONE = "*"  # the pause key for requests that name no chat


def retry_after_seconds(exc: RetryAfter) -> float:
    """``RetryAfter.retry_after`` in seconds, whether PTB hands it out as int or timedelta."""
    with warnings.catch_warnings():  # PTB warns about int retry_after unless PTB_TIMEDELTA is set
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


@dataclass(frozen=True)
class RetryPolicy:
    """When to try a failed Bot API request again, and how long to wait first.

    The wait before retry *n* (n = 1, 2, ...) is ``first_delay * multiplier ** (n - 1)``, capped
    at ``max_delay`` and stretched by a random 0 to ``jitter`` share (so that many requests that
    failed together do not return together). A ``RetryAfter`` waits what Telegram asked plus
    ``retry_after_slack``. No more than ``attempts`` attempts; no retry that would start later
    than ``deadline`` seconds after the first failure.
    """

    attempts: int = 5
    first_delay: float = 1.0
    multiplier: float = 2.5
    max_delay: float = 14.0
    jitter: float = 0.25
    deadline: float = 30.0
    retry_after_slack: float = 0.1
    rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if min(self.first_delay, self.max_delay, self.jitter, self.deadline, self.retry_after_slack) < 0:
            raise ValueError("delays, jitter and deadline must not be negative")

    def backoff(self, retry: int) -> float:
        """The wait before retry number ``retry`` (1-based) after a network failure."""
        nominal = min(self.max_delay, self.first_delay * self.multiplier ** (retry - 1))
        return nominal * (1 + self.jitter * self.rng.random())

    def wait_before_retry(self, exc: BaseException, retry: int) -> float | None:
        """Seconds to wait before retrying after ``exc``, or ``None`` if it must not be retried."""
        if isinstance(exc, RetryAfter):
            return retry_after_seconds(exc) + self.retry_after_slack
        if isinstance(exc, BadRequest):  # a subclass of NetworkError, but the request itself is wrong
            return None
        if isinstance(exc, NetworkError):  # includes TimedOut and every 5xx answer
            return self.backoff(retry)
        return None  # Forbidden, InvalidToken, Conflict, ChatMigrated, bugs: trying again changes nothing

    async def run(self, action: Callable[[], Awaitable[T]], *, what: str = "request",
                  on_retry_after: Callable[[float], None] | None = None) -> T:
        """Await ``action()`` until it succeeds, retrying as the policy allows; re-raise the last error.

        ``on_retry_after`` is told the pause whenever Telegram answers 429, so that the caller can
        hold back other requests that would only hit the same limit.
        """
        first_failure: float | None = None
        attempt = 0
        while True:
            attempt += 1
            try:
                return await action()
            except Exception as exc:
                wait = self.wait_before_retry(exc, attempt)
                if wait is None:
                    raise
                now = time.monotonic()
                first_failure = now if first_failure is None else first_failure
                elapsed = now - first_failure
                if attempt >= self.attempts or elapsed + wait > self.deadline:
                    log.warning("%s failed %d time(s) in %.1f s, last with %s; giving up", what, attempt, elapsed,
                                type(exc).__name__)
                    raise
                if isinstance(exc, RetryAfter) and on_retry_after is not None:
                    on_retry_after(wait)
                log.info("%s failed with %s (attempt %d of %d); retrying in %.2f s", what, type(exc).__name__,
                         attempt, self.attempts, wait)
                await asyncio.sleep(wait)


DEFAULT_POLICY = RetryPolicy()


class _QuietMaxRetries(logging.Filter):
    """``AIORateLimiter`` logs every 429 it does not retry itself as an error with a traceback.

    Here it never retries (``max_retries=0``): the policy does, and logs each retry in one line.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.msg == "Rate limit hit after maximum of %d retries" and record.args == (0,))


_AIO_LOGGER = logging.getLogger("telegram.ext.AIORateLimiter")
_QUIET = _QuietMaxRetries()


class FifoPacer:
    """Turns at ``rate`` per second, in the order they were asked for; up to ``burst`` at once after a pause."""

    def __init__(self, rate: float, burst: float) -> None:
        self.interval = 1.0 / rate
        self.burst_window = max(burst - 1, 0) * self.interval
        self._next = 0.0

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        turn = max(now - self.burst_window, self._next)
        self._next = turn + self.interval
        if turn > now:
            # Woken at the turn itself, not after a delay counted from a clock read: a process descheduled
            # between reading the clock and going to sleep would otherwise wake after a later request's turn.
            woken = loop.create_future()
            timer = loop.call_at(turn, lambda: woken.done() or woken.set_result(None))
            try:
                await woken
            finally:
                timer.cancel()


class PriorityRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` plus the retry policy, the urgent lane and per-chat 429 pauses.

    Normal requests are paced to the overall limit by :class:`FifoPacer` and to the per-group one by
    ``AIORateLimiter`` (its keyword arguments are accepted; ``max_retries`` is always 0 because
    :class:`RetryPolicy` does the retrying).
    A request made with ``rate_limit_args=URGENT`` is sent at once, past the pacing and any
    pause, with the same retries.
    """

    def __init__(self, *, policy: RetryPolicy = DEFAULT_POLICY, **limits: Any) -> None:
        limits.pop("max_retries", None)
        rate = limits.pop("overall_max_rate", constants.FloodLimit.MESSAGES_PER_SECOND)
        period = limits.pop("overall_time_period", 1)
        # The overall rate is paced by the FIFO pacer alone (see the module docstring).
        super().__init__(max_retries=0, overall_max_rate=0, **limits)
        self.policy = policy
        self._paused_until: dict[int | str, float] = {}
        self._pacer = FifoPacer(rate / period, burst=rate) if rate and period else None
        if _QUIET not in _AIO_LOGGER.filters:
            _AIO_LOGGER.addFilter(_QUIET)

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: Any) -> Any:
        urgent = rate_limit_args == URGENT
        key = _pause_key(data.get("chat_id"))

        async def attempt() -> Any:
            if urgent:
                return await callback(*args, **kwargs)
            await self._wait_for_pause(key)
            if self._pacer is not None and key != _EVERYONE:  # AIORateLimiter paces only requests with a chat
                await self._pacer.wait()
            return await super(PriorityRateLimiter, self).process_request(callback, args, kwargs, endpoint, data,
                                                                          None)

        def pause(seconds: float) -> None:
            if not urgent:  # a crisis send's own 429 is waited out by its retry, not imposed on the chat
                until = time.monotonic() + seconds
                self._paused_until[key] = max(until, self._paused_until.get(key, 0.0))

        return await self.policy.run(attempt, what=f"{endpoint}{' (urgent)' if urgent else ''}",
                                     on_retry_after=pause)

    async def _wait_for_pause(self, key: int | str) -> None:
        """Sleep while this chat (or the whole bot) is paused by a 429."""
        while True:
            now = time.monotonic()
            until = max(self._paused_until.get(key, 0.0), self._paused_until.get(_EVERYONE, 0.0))
            if until <= now:
                if len(self._paused_until) > 1024:  # forget expired pauses now and then
                    self._paused_until = {k: t for k, t in self._paused_until.items() if t > now}
                return
            await asyncio.sleep(until - now)


def _pause_key(chat_id: object) -> int | str:
    """Which pause a request obeys: its chat's, or the whole bot's when it names no chat."""
    if chat_id is None or chat_id == "":
        return _EVERYONE
    try:
        return int(chat_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(chat_id)  # @channelname
