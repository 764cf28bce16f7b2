"""Console shell: the terminal chat and the ``ask --explain`` report.

A shell: may import the core (``bot.decision``, ``bot.runtime`` and below), never ``bot.telegram``.
"""

from bot.console.explain import explain
from bot.console.terminal import run_chat

__all__ = ["explain", "run_chat"]
