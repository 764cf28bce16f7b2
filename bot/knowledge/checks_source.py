"""``knowledge/crisis_checks.yaml``: messages every knowledge version must still escalate, or must not.

Read here (each with its line, so a failing check is named as ``path:line``); run by ``bot.runtime.checks``.
"""

from __future__ import annotations

from yaml.nodes import Node

from bot.knowledge.model import CrisisCheck
from bot.knowledge.yamlsource import FileReader, line_of

LISTS = {"escalate": True, "calm": False}  # the file's lists, and whether their messages must escalate


def read_checks(reader: FileReader, fields: dict[str, Node]) -> tuple[CrisisCheck, ...]:
    """Every check of both lists; a message listed twice, in one list or in both, is a problem at its second line:
    listed under both it could never pass, and a copy would only count one message twice."""
    checks: list[CrisisCheck] = []
    seen: dict[str, str] = {}
    for name, escalate in LISTS.items():
        for text, node in reader.texts(fields[name], name) if name in fields else ():
            key = " ".join(text.casefold().split())
            if key in seen:
                reader.problem(node, f"check '{text}' is listed twice (first at {seen[key]})")
                continue
            seen[key] = reader.where(node)
            checks.append(CrisisCheck(text, escalate, str(reader.path), line_of(node)))
    return tuple(checks)
