"""What the emulator remembers about the calls it served, for assertions in tests."""

from __future__ import annotations

from typing import Any, NamedTuple


class ApiCall(NamedTuple):
    """A call that reached a method (tuple-compatible: ``method, params = call``)."""

    method: str
    params: dict[str, Any]


class FailedCall(NamedTuple):
    """A call answered with an error: injected fault, API down, or a 4xx from the method itself."""

    method: str
    params: dict[str, Any]
    status: int
    description: str
