"""Fault injection: make chosen API methods fail on purpose to test a bot's error handling."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ._errors import ApiError, status_error

ANY_METHOD = "*"


@dataclass
class FaultRule:
    """When one method fails: with probability ``rate``, at most ``remaining`` more times.

    A seeded :class:`random.Random` per rule keeps "30 % of calls fail" reproducible run to run.
    """

    status: int
    rate: float = 1.0
    remaining: int | None = None
    retry_after: int | None = None
    rng: random.Random = field(default_factory=random.Random)

    def fires(self) -> bool:
        """Decide whether the current call fails, consuming one of ``remaining`` if it does."""
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.rate < 1.0 and self.rng.random() >= self.rate:
            return False
        if self.remaining is not None:
            self.remaining -= 1
        return True

    def error(self) -> ApiError:
        return status_error(self.status, self.retry_after)


class FaultInjector:
    """Per-method fault rules (keys are case-insensitive like Telegram's method names)."""

    def __init__(self) -> None:
        self._rules: dict[str, FaultRule] = {}

    def add(
        self,
        method: str,
        *,
        rate: float | None,
        count: int | None,
        status: int,
        retry_after: int | None,
        seed: int,
    ) -> FaultRule:
        """Install (or replace) the rule for ``method``; see ``BotApiEmulator.inject_faults``."""
        if rate is not None and not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be within [0, 1], got {rate}")
        if count is not None and count < 0:
            raise ValueError(f"count must be >= 0, got {count}")
        if not 400 <= status <= 599:
            raise ValueError(f"status must be an HTTP error status, got {status}")
        rule = FaultRule(
            status=status,
            rate=1.0 if rate is None else rate,
            remaining=count,
            retry_after=retry_after,
            rng=random.Random(seed),
        )
        self._rules[method.lower()] = rule
        return rule

    def clear(self, method: str | None = None) -> None:
        """Remove the rule of one method, or all rules."""
        if method is None:
            self._rules.clear()
        else:
            self._rules.pop(method.lower(), None)

    def check(self, method: str) -> ApiError | None:
        """The error to answer instead of running ``method``, if a rule fires for this call."""
        rule = self._rules.get(method.lower()) or self._rules.get(ANY_METHOD)
        if rule is not None and rule.fires():
            return rule.error()
        return None
