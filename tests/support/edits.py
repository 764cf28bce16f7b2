"""A knowledge file edited by one line and loaded: the problem the loader reports, for tests of its refusals."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from bot.knowledge import KnowledgeError, load_knowledge

if TYPE_CHECKING:
    from pathlib import Path

    from bot.knowledge.yamlsource import Problem


def refused_edit(knowledge: Path, file: str, line: str, edited: str) -> Problem:
    """The one problem loading ``knowledge`` reports once ``line`` (written once in ``file``) reads ``edited``;
    it must name that file and line."""
    path = knowledge / file
    text = path.read_text(encoding="utf-8")
    assert text.count(line) == 1
    path.write_text(text.replace(line, edited), encoding="utf-8")
    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(knowledge)
    [problem] = refused.value.problems
    assert problem.path.endswith(file) and problem.line == text[: text.index(line)].count("\n") + 1
    return problem
