"""The environment variables the bot's code reads, found in its source, for the documentation tests.

Read from the source rather than from a list, so a new variable that is read but documented
nowhere (``run --help``, ``app.json``, ``.env.example``) fails a test. The code reads variables
in two ways: ``get("NAME")`` in the Telegram settings, and ``*ENV_VAR = "NAME"`` constants
passed to ``environ.get`` elsewhere.
"""

from __future__ import annotations

import re
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
_READS = re.compile(r"""\b(?:get|environ\.get|getenv)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
                    r"""|ENV_VAR\s*=\s*["']([A-Z][A-Z0-9_]+)["']""")


def variables_read() -> set[str]:
    names: set[str] = set()
    for path in BOT.rglob("*.py"):
        for match in _READS.finditer(path.read_text(encoding="utf-8")):
            names.add(match.group(1) or match.group(2))
    return names
