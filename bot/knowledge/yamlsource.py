"""Reading operator-edited YAML safely, keeping line numbers for every value.

Knowledge files are written by clinic staff, not programmers, so every defect must be
reported as ``path:line: what is wrong``. PyYAML's ``safe_load`` throws the line numbers
away and silently keeps the last of two duplicate keys, so this module composes the
node tree with the safe loader instead and walks the nodes itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True, order=True)
class Problem:
    """One defect in a knowledge file, printable as ``path:line: message``; line 0 is the file or folder as a
    whole (``path: message``), which editors and people would otherwise read as a line that does not exist."""

    path: str
    line: int
    message: str

    @property
    def where(self) -> str:
        """``path:line``, or the path alone for the file or folder as a whole."""
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class KnowledgeError(Exception):
    """Raised when knowledge cannot be loaded; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10x faster


# Where an anchor (&name) or alias (*name) could begin: "&" or "*" at the start of a token. A text
# without one cannot hold either ("suicid*", a glossary form, ends with its star).
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s,\[{])[&*][^\s,\[\]{}]", re.MULTILINE)


def _refuse_anchors(text: str) -> None:
    """Refuse anchors and aliases before composing.

    Knowledge files never need them, and aliases are how "billion laughs" bombs
    blow a small file up into gigabytes of memory. Checking the event stream first
    lets the fast C composer do the real work; a text with no "&" or "*" where a token
    begins skips even that (the glossaries' 200,000 forms made the walk a second).
    """
    if not _MAYBE_ANCHOR.search(text):
        return
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                problem="anchors and aliases (&name / *name) are not allowed in knowledge files",
                problem_mark=event.start_mark,
            )


def line_of(node: Node) -> int:
    """1-based line where ``node`` starts."""
    return node.start_mark.line + 1


def _decode(path: Path, raw: bytes) -> tuple[str | None, list[Problem]]:
    """Turn file bytes into text, or explain in one line why the file is not a YAML text file."""
    name = str(path)
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(name, 1, f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}")]
    if b"\x00" in raw:
        return None, [Problem(name, raw[: raw.index(b"\x00")].count(b"\n") + 1,
                              "file contains NUL bytes: it looks binary, not a YAML text file")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(name, line, "file is not UTF-8 text; save it as UTF-8")]
    return text, []


def _tab_problems(path: Path, text: str) -> list[Problem]:
    """Tabs in indentation break YAML in confusing ways; name the line instead."""
    return [
        Problem(str(path), number, "tab character in indentation; use spaces")
        for number, line in enumerate(text.splitlines(), start=1)
        if "\t" in line[: len(line) - len(line.lstrip(" \t"))]
    ]


def compose_file(path: Path) -> tuple[Node | None, list[Problem]]:
    """Parse one YAML file into a node tree, or return the problems that prevent it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(str(path), 1, f"cannot read file: {exc.strerror or exc}")]
    text, problems = _decode(path, raw)
    if text is None:
        return None, problems
    problems = _tab_problems(path, text)
    if problems:
        return None, problems
    try:
        _refuse_anchors(text)
        return yaml.compose(text, Loader=_Loader), []
    except yaml.MarkedYAMLError as exc:
        return None, [Problem(str(path), *_syntax_error(text, exc))]
    except yaml.YAMLError as exc:
        return None, [Problem(str(path), 1, f"YAML syntax: {exc}")]


def _syntax_error(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, str]:
    """The line to fix and what is wrong there.

    The problem mark is where the parser saw the slip (a dedented ``answer:`` line); the context
    mark only says where the enclosing block began, often dozens of lines earlier, so it is named
    in the message instead. When the problem is only found at the end of the file (an unclosed
    quote or bracket), the context mark is where that construct was opened: the line to fix. So it
    is for a simple key, which never spans lines: a line of an answer's text indented less than the
    text above it ends the text and is read as a key, and the parser only gives up lines later, at
    the next line it can read.
    """
    last = len(text.rstrip().splitlines())
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    context_line = exc.context_mark.line + 1 if exc.context_mark else None
    simple_key = (exc.context or "").startswith("while scanning a simple key")
    if context_line and (line > last or simple_key):
        line = context_line
    detail = exc.problem or exc.context or "not valid YAML"
    if exc.context and exc.problem:
        where = f" that starts at line {context_line}" if context_line and context_line != line else ""
        detail += f" ({exc.context}{where})"
    if simple_key:
        detail += ": this line is not 'key: value'; if it continues the text above it, indent it like that text"
    elif "block" in (exc.context or "") + (exc.problem or ""):
        detail += ": check that this line is indented like the lines of its block"
    return max(1, min(line, last or 1)), f"YAML syntax: {detail}"


class FileReader:
    """Typed access to one file's nodes that records problems instead of raising.

    Each accessor returns ``None`` (or an empty value) after recording what is wrong,
    so a loader can keep going and report every problem of every file in one run.
    """

    def __init__(self, path: Path, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        self.path = path
        self.problems = problems
        self.warnings = [] if warnings is None else warnings  # suspicious but loadable: validate reports them

    def problem(self, node: Node | None, message: str) -> None:
        self.problems.append(Problem(str(self.path), line_of(node) if node else 1, message))

    def where(self, node: Node) -> str:
        return f"{self.path}:{line_of(node)}"

    def mapping(self, node: Node | None, what: str, *, required: tuple[str, ...] = (),
                optional: tuple[str, ...] = ()) -> dict[str, Node] | None:
        """Fields of a mapping, with unknown, duplicate and missing keys reported."""
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} must be a mapping of 'key: value' lines")
            return None
        fields: dict[str, Node] = {}
        allowed = set(required) | set(optional)
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key is None:
                self.problem(key_node, f"{what} has a key that is not plain text")
            elif key in fields:
                self.problem(key_node, f"duplicate key '{key}' in {what}")
            elif allowed and key not in allowed:
                self.problem(key_node, f"unknown key '{key}' in {what}; allowed: {', '.join(sorted(allowed))}")
            else:
                fields[key] = value_node
        for key in required:
            if key not in fields:
                self.problem(node, f"{what} is missing the required field '{key}'")
        return fields

    def sequence(self, node: Node | None, what: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            self.problem(node, f"{what} must be a list ('- item' lines)")
            return []
        return list(node.value)

    def text(self, node: Node | None, what: str) -> str | None:
        """A non-empty string (numbers and words alike: YAML's type guess is not the operator's fault)."""
        if not isinstance(node, ScalarNode):
            self.problem(node, f"{what} must be text")
            return None
        value = node.value.strip()
        if not value or node.tag.endswith(":null"):
            self.problem(node, f"{what} is empty")
            return None
        return value

    def texts(self, node: Node | None, what: str) -> list[tuple[str, Node]]:
        """A list of non-empty strings, each with its node for later line reports."""
        items = []
        for item in self.sequence(node, what):
            value = self.text(item, f"an item of {what}")
            if value is not None:
                items.append((value, item))
                self._run_on(item, value, what)
        return items

    def _run_on(self, item: Node, value: str, what: str) -> None:
        """An over-indented ``- next item`` line is not an item: YAML folds it into the item above.

        Only a plain (unquoted) item that spans lines and contains " - " can be such a merge, so
        the check cannot fire on a single-line item that just uses a dash. (Plain style is ``None``
        in PyYAML's Python composer and ``""`` in libyaml's.)
        """
        spans_lines = item.end_mark.line > item.start_mark.line
        if isinstance(item, ScalarNode) and not item.style and spans_lines and " - " in value:
            self.warnings.append(Problem(str(self.path), line_of(item) + 1, (
                f"this line is read as part of the item above, giving ONE item of {what}: '{value}'. "
                "Indent its '- ' exactly like the line above to make it an item of its own")))

    def flag(self, node: Node | None, what: str) -> bool:
        if isinstance(node, ScalarNode) and node.tag.endswith(":bool"):
            return node.value.lower() in ("true", "yes", "on")
        self.problem(node, f"{what} must be true or false")
        return False

    def number(self, node: Node | None, what: str, low: float, high: float) -> float | None:
        try:
            value = float(node.value) if isinstance(node, ScalarNode) else None
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            self.problem(node, f"{what} must be a number from {low:g} to {high:g}")
            return None
        return value


def yaml_files(directory: Path) -> Iterator[Path]:
    """All ``*.yaml``/``*.yml`` files below ``directory``, in a stable order."""
    return iter(sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
