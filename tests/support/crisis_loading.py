"""Loading only the ``detection`` section of a crisis file, for the crisis tests.

``tests/`` is on ``sys.path`` (no ``__init__.py``), so test modules import this by name.
"""

from __future__ import annotations

from pathlib import Path

from yaml.nodes import MappingNode, Node

from bot.crisis.rules import DetectionRules
from bot.knowledge.crisis_source import parse_detection
from bot.knowledge.yamlsource import FileReader, Problem, compose_file


def detection_node(root: Node | None) -> Node:
    assert isinstance(root, MappingNode)
    return next(value for key, value in root.value if key.value == "detection")


def load_detection(path: Path) -> tuple[DetectionRules, list[Problem]]:
    """The compiled rules of ``path`` and the problems found while reading them."""
    root, problems = compose_file(path)
    assert root is not None, problems
    return parse_detection(FileReader(path, problems), detection_node(root)), problems
