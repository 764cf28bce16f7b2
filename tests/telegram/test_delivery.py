"""The retry policy and the rate limiter around it, without a network: what is retried, how long it waits."""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import random
import time
from typing import Any

import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.telegram.delivery import DEFAULT_POLICY, URGENT, PriorityRateLimiter, RetryPolicy

QUICK = RetryPolicy(first_delay=0.01, max_delay=0.05, deadline=2.0)


class Flaky:
    """An action that raises the given errors in turn, then returns "ok"; records when it was called."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls: list[float] = []

    async def __call__(self) -> str:
        self.calls.append(time.monotonic())
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def test_production_policy_is_5_attempts_within_30_seconds_and_outlasts_a_20_second_outage() -> None:
    policy = DEFAULT_POLICY
    assert policy.attempts == 5 and policy.deadline == 30.0
    nominal = [min(policy.max_delay, policy.first_delay * policy.multiplier ** n) for n in range(policy.attempts - 1)]
    assert nominal == sorted(nominal) and nominal[0] == 1.0
    longest = sum(wait * (1 + policy.jitter) for wait in nominal)
    assert 20.0 < sum(nominal) <= longest <= policy.deadline  # jitter only stretches: never shorter than 20 s
    rng_policy = RetryPolicy(rng=random.Random(7))
    for retry, wait in enumerate(nominal, 1):
        assert wait <= rng_policy.backoff(retry) <= wait * (1 + policy.jitter)


@pytest.mark.parametrize("error", [TimedOut(), NetworkError("Bad Gateway"), NetworkError("Internal Server Error"),
                                   RetryAfter(dtm.timedelta(milliseconds=20))])
async def test_transient_errors_are_retried_until_success(error: BaseException) -> None:
    action = Flaky(error, error, error)
    assert await QUICK.run(action) == "ok"
    assert len(action.calls) == 4


@pytest.mark.parametrize("error", [BadRequest("Bad Request: can't parse entities"), Forbidden("bot was blocked"),
                                   InvalidToken(), Conflict("terminated by other getUpdates"), ChatMigrated(42),
                                   ValueError("a bug")])
async def test_permanent_errors_are_never_retried(error: BaseException) -> None:
    action = Flaky(error)
    with pytest.raises(type(error)):
        await QUICK.run(action)
    assert len(action.calls) == 1


async def test_retry_after_waits_what_telegram_says() -> None:
    told: list[float] = []
    action = Flaky(RetryAfter(dtm.timedelta(milliseconds=300)))
    assert await QUICK.run(action, on_retry_after=told.append) == "ok"
    waited = action.calls[1] - action.calls[0]
    assert 0.3 <= waited < 0.6 and told == [pytest.approx(0.3 + QUICK.retry_after_slack)]


async def test_attempts_and_deadline_bound_the_retries(caplog: pytest.LogCaptureFixture) -> None:
    action = Flaky(*[NetworkError("Bad Gateway")] * 10)
    with pytest.raises(NetworkError):
        await QUICK.run(action, what="sendMessage")
    assert len(action.calls) == QUICK.attempts
    assert "sendMessage failed 5 time(s)" in caplog.text and "giving up" in caplog.text

    action = Flaky(RetryAfter(dtm.timedelta(seconds=5)))  # longer than the deadline allows: give up at once
    with pytest.raises(RetryAfter):
        await RetryPolicy(deadline=1.0).run(action)
    assert len(action.calls) == 1


async def test_backoff_grows_between_attempts() -> None:
    policy = RetryPolicy(first_delay=0.02, multiplier=2.0, max_delay=1.0, jitter=0.0, deadline=5.0)
    action = Flaky(*[TimedOut()] * 3)
    await policy.run(action)
    gaps = [b - a for a, b in zip(action.calls, action.calls[1:], strict=False)]
    assert [round(g, 2) >= w for g, w in zip(gaps, (0.02, 0.04, 0.08), strict=True)] == [True] * 3


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(attempts=0)
    with pytest.raises(ValueError):
        RetryPolicy(first_delay=-1)


class Recorder:
    """A fake Bot API call for the limiter: fails as scripted per chat, records what went out and when."""

    def __init__(self) -> None:
        self.sent: list[tuple[Any, float]] = []
        self.script: dict[Any, list[BaseException]] = {}

    async def __call__(self, endpoint: str, data: dict[str, Any]) -> dict[str, Any]:
        errors = self.script.get(data.get("chat_id"), [])
        if errors:
            raise errors.pop(0)
        self.sent.append((data.get("chat_id"), time.monotonic()))
        return {}


async def request(limiter: PriorityRateLimiter, recorder: Recorder, chat_id: Any, urgent: bool = False) -> Any:
    data = {"chat_id": chat_id, "text": "x"}
    return await limiter.process_request(recorder, ("sendMessage", data), {}, "sendMessage", data,
                                         URGENT if urgent else None)


async def test_a_429_pauses_only_its_own_chat_and_urgent_sends_ignore_the_pause(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    limiter = PriorityRateLimiter(policy=QUICK)
    recorder = Recorder()
    recorder.script[1] = [RetryAfter(dtm.timedelta(milliseconds=400))]
    start = time.monotonic()
    flooded = asyncio.ensure_future(request(limiter, recorder, 1))
    await asyncio.sleep(0.05)
    await request(limiter, recorder, 2)  # another chat: not held up by chat 1's pause
    second_in_chat_1 = asyncio.ensure_future(request(limiter, recorder, 1))
    await request(limiter, recorder, 1, urgent=True)  # a crisis send in the paused chat: straight through
    await asyncio.gather(flooded, second_in_chat_1)
    when = {n: round(t - start, 1) for n, (_, t) in enumerate(recorder.sent)}
    assert [chat for chat, _ in recorder.sent] == [2, 1, 1, 1]
    assert when[0] < 0.2 and when[1] < 0.2  # chat 2 and the urgent send went at once
    assert when[2] >= 0.4 and when[3] >= 0.4  # chat 1's normal sends waited out the pause
    assert "sendMessage failed with RetryAfter (attempt 1 of 5); retrying in 0.50 s" in caplog.text
    assert not [r for r in caplog.records if r.name.startswith("telegram") and r.levelno >= logging.ERROR]


async def test_a_429_without_a_chat_pauses_everyone() -> None:
    limiter = PriorityRateLimiter(policy=QUICK)
    recorder = Recorder()
    recorder.script[None] = [RetryAfter(dtm.timedelta(milliseconds=300))]
    start = time.monotonic()
    commands = asyncio.ensure_future(limiter.process_request(recorder, ("setMyCommands", {}), {}, "setMyCommands",
                                                             {}, None))
    await asyncio.sleep(0.05)
    await request(limiter, recorder, 5)
    await commands
    assert {chat: round(t - start, 1) >= 0.3 for chat, t in recorder.sent} == {None: True, 5: True}


async def test_urgent_sends_are_retried_and_max_retries_is_the_policys() -> None:
    limiter = PriorityRateLimiter(policy=QUICK, max_retries=7)  # AIORateLimiter's own retries stay off
    recorder = Recorder()
    recorder.script[9] = [NetworkError("Bad Gateway"), TimedOut()]
    await request(limiter, recorder, 9, urgent=True)
    assert [chat for chat, _ in recorder.sent] == [9]


async def test_paced_sends_go_out_first_come_first_served_at_the_overall_rate() -> None:
    limiter = PriorityRateLimiter(policy=QUICK, overall_max_rate=40, overall_time_period=1)
    recorder = Recorder()
    start = time.monotonic()
    waiting = [asyncio.ensure_future(request(limiter, recorder, chat)) for chat in range(1, 41)]
    for chat in range(41, 81):  # newcomers keep arriving while earlier requests wait their turn
        await asyncio.sleep(0.006)
        waiting.append(asyncio.ensure_future(request(limiter, recorder, chat)))
    await asyncio.gather(*waiting)
    assert [chat for chat, _ in recorder.sent] == list(range(1, 81))  # nobody overtaken
    took = recorder.sent[-1][1] - start
    assert 0.95 <= took < 1.4  # a burst of 40, then 40 a second: the other 40 need 1 s
