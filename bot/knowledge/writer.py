"""The one way code writes FAQ entries: comment-keeping edits, validated first, swapped in atomically.

Why one writer: spreadsheet import and the review tools both change entries that operators also
edit by hand, and a file rewritten by a plain YAML dump loses every comment and the layout people
rely on. So every write goes the same way:

1. the current folder must load (``bot.knowledge.load_knowledge``); a broken folder is fixed by
   hand first, never papered over by a tool;
2. the affected ``faq/*.yaml`` files are edited with ruamel.yaml's round-trip mode, which keeps
   comments, key order, quoting and block styles; only the fields that really change are touched;
3. the whole folder is copied to a scratch directory with the new files and loaded there: any
   problem refuses the write, reported with the real paths (never the scratch one) and, when it
   lies in a changed entry, that entry's id and field. A caller may check the copy further
   (``verify``: the CLI runs the crisis checks, ``bot.runtime.checks.verify_folder``, which this
   layer cannot import); what it raises refuses the write, and the warnings it returns come back;
4. only then each file is written to a temporary file beside it and ``os.replace``-d over the
   original (all temporary files are written before the first replace), so a reader, such as the
   hot-reload watcher that polls modification times, never sees a half-written file.

API::

    apply_changes(directory, [EntryChange("cost", {"answer": "..."})], dry_run=False) -> WriteResult
    add_phrasing(directory, "cost", "what will i pay") -> WriteResult

An :class:`EntryChange` names an entry by id and gives the fields to set; an unknown id is a new
entry (it needs every required field) and goes to ``faq/<category>.yaml``. Text fields are ``str``,
``phrasings``/``keywords``/``related`` are sequences of ``str``, ``hotline_footer`` is a ``bool``;
an empty ``keywords`` removes the field. Entries are never deleted or moved between files here.
:class:`WriteResult` lists each field that changed (or would, with ``dry_run``), the files
written, and every problem.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from bot.knowledge.loader import ENTRY_FIELDS, FAQ_FOLDER, load_knowledge
from bot.knowledge.model import FaqEntry, Knowledge
from bot.knowledge.yamlsource import KnowledgeError, Problem
from bot.language.normalize import normalize

FIELD_ORDER = ("id", "category", "question", "phrasings", "keywords", "answer", "related", "hotline_footer")
LIST_FIELDS = ("phrasings", "keywords", "related")
FLOW_LISTS = ("keywords", "related")  # short id/word lists stay on one line, as in the hand-written files
Value = str | tuple[str, ...] | bool
_PLACE = re.compile(r"([^\s()]+\.ya?ml):(\d+)")  # a "path:line" named inside a problem message
# Checks an edited folder: raises KnowledgeError with what refuses it, returns warnings.
Verify = Callable[[Path], Sequence[Problem]]


@dataclass(frozen=True)
class EntryChange:
    """The wanted values of some fields of one entry: an update if ``id`` exists, else a new entry."""

    id: str
    values: Mapping[str, str | Sequence[str] | bool]


@dataclass(frozen=True)
class FieldChange:
    """One field that changes; ``old`` is ``None`` for a new entry."""

    entry_id: str
    field: str
    old: Value | None
    new: Value


@dataclass(frozen=True)
class WriteProblem:
    """Why a write was refused: where in the real folder (if anywhere), and which changed entry field."""

    message: str
    where: str | None = None  # "path:line" in the knowledge folder
    entry_id: str | None = None  # set when the problem lies in an entry this write changes
    field: str | None = None

    def __str__(self) -> str:
        if self.where:
            return f"{self.where}: {self.message}"
        return f"entry '{self.entry_id}', {self.field or 'entry'}: {self.message}"


@dataclass(frozen=True)
class WriteResult:
    """What a write did (``written``), what it changes, and what refused it."""

    changes: tuple[FieldChange, ...] = ()
    written: tuple[Path, ...] = ()
    problems: tuple[WriteProblem, ...] = ()
    dry_run: bool = False
    warnings: tuple[WriteProblem, ...] = ()  # what ``verify`` found in the edited folder that refuses nothing

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _File:
    """One faq file being edited: its original bytes (None when new), its ruamel document, new text."""

    path: Path
    original: bytes | None
    document: CommentedMap
    text: str = ""
    lines: list[tuple[int, str, str]] = field(default_factory=list)  # (0-based line, entry id, field)


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: comments, order and styles survive
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long phrasings or answers
    yaml.indent(mapping=2, sequence=4, offset=2)  # the layout of the hand-written files
    return yaml


def _normalise(name: str, value: object) -> Value:
    """The value as the loader will read it back: stripped text, stripped non-empty items, a bool."""
    if name == "hotline_footer":
        return bool(value)
    if name in LIST_FIELDS:
        items = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
        return tuple(text for item in items if (text := str(item).strip()))
    return str(value).replace("\r\n", "\n").strip()


def _current(entry: FaqEntry, name: str) -> Value:
    return getattr(entry, name)  # type: ignore[no-any-return]


def _plan(knowledge: Knowledge, changes: Sequence[EntryChange]) -> tuple[list[FieldChange], list[WriteProblem]]:
    """The field changes that differ from the loaded knowledge, and problems with the request itself."""
    planned: list[FieldChange] = []
    problems: list[WriteProblem] = []
    seen: set[str] = set()
    categories = {c.id for c in knowledge.categories}
    for change in changes:
        entry_id = change.id.strip()
        if entry_id in seen:
            problems.append(WriteProblem("the same id is changed twice", entry_id=entry_id, field="id"))
            continue
        seen.add(entry_id)
        unknown = sorted(set(change.values) - set(FIELD_ORDER) - {"id"})
        if unknown:
            problems.append(WriteProblem(f"unknown field(s) {', '.join(unknown)}", entry_id=entry_id))
            continue
        values = {name: _normalise(name, value) for name, value in change.values.items() if name != "id"}
        for name, value in values.items():
            one_line = [value] if name in ("category", "question") else value if name in LIST_FIELDS else []
            if any("\n" in str(text) for text in one_line):  # type: ignore[union-attr]
                problems.append(WriteProblem(f"{name} must be on one line", entry_id=entry_id, field=name))
        existing = knowledge.by_id.get(entry_id)
        if existing is None:
            missing = [name for name in ENTRY_FIELDS if name != "id"  # related may be empty, not absent
                       and (name not in values or (name != "related" and not values[name]))]
            for name in missing:
                problems.append(WriteProblem(f"a new entry needs {name}", entry_id=entry_id, field=name))
            if not missing and values["category"] not in categories:
                problems.append(WriteProblem(f"unknown category '{values['category']}'; settings.yaml defines: "
                                             f"{', '.join(sorted(categories))}", entry_id=entry_id, field="category"))
            planned += [FieldChange(entry_id, name, None, values[name]) for name in FIELD_ORDER  # no empty extras
                        if name in values and (values[name] or name in ENTRY_FIELDS)]
            continue
        if values.get("category", existing.category) != existing.category:
            problems.append(WriteProblem(
                f"an entry's category is the file it lives in (faq/{existing.category}.yaml); to make it "
                f"'{values['category']}', move the entry to faq/{values['category']}.yaml by hand",
                entry_id=entry_id, field="category"))
            continue
        planned += [FieldChange(entry_id, name, _current(existing, name), value)
                    for name in FIELD_ORDER if name in values and (value := values[name]) != _current(existing, name)]
    return planned, problems


def _render(name: str, value: Value) -> object:
    if name == "answer":
        return LiteralScalarString(f"{value}\n")  # `answer: |` blocks, like the hand-written files
    if name in LIST_FIELDS:
        items = CommentedSeq(value)  # type: ignore[arg-type]
        if name in FLOW_LISTS:
            items.fa.set_flow_style()
        return items
    return value


def _set_field(entry: CommentedMap, name: str, value: Value) -> None:
    """Change one field in place, keeping the comments and styles of everything else."""
    current = entry.get(name)
    if name == "keywords" and not value:
        entry.pop(name, None)
    elif name in LIST_FIELDS and isinstance(current, CommentedSeq):
        items = list(value)  # type: ignore[arg-type]
        for index, item in enumerate(items[: len(current)]):
            if str(current[index]).strip() != item:
                current[index] = item  # comments stay attached to their positions
        del current[len(items):]
        current.extend(items[len(current):])
    elif name in entry:
        entry[name] = _render(name, value)
    else:  # an optional field the entry did not have: at its place in the usual order
        position = sum(1 for key in entry if key in FIELD_ORDER[: FIELD_ORDER.index(name)])
        entry.insert(position, name, _render(name, value))


def _new_file(path: Path) -> CommentedMap:
    document = CommentedMap({"entries": CommentedSeq()})
    document.yaml_set_start_comment(f"FAQ category: {path.stem}. The header of the other faq/*.yaml files says "
                                    "what each field means\nand which rules `python -m bot validate` enforces.")
    return document


def _edit(directory: Path, knowledge: Knowledge, planned: list[FieldChange]) -> dict[Path, _File]:
    """Apply the field changes to ruamel documents of the affected files (nothing is written yet)."""
    yaml, files = _yaml(), {}
    by_entry: dict[str, dict[str, Value]] = {}
    for change in planned:
        by_entry.setdefault(change.entry_id, {})[change.field] = change.new
    for entry_id, values in by_entry.items():
        existing = knowledge.by_id.get(entry_id)
        path = Path(existing.source.rsplit(":", 1)[0]) if existing else \
            directory / FAQ_FOLDER / f"{values['category']}.yaml"
        if path not in files:
            original = path.read_bytes() if path.exists() else None
            document = yaml.load(original.decode("utf-8-sig")) if original is not None else _new_file(path)
            files[path] = _File(path, original, document)
        entries = files[path].document["entries"]
        if existing is None:
            entries.append(CommentedMap({"id": entry_id, **{n: _render(n, values[n]) for n in FIELD_ORDER
                                                            if n in values}}))
            if len(entries) > 1:
                entries.yaml_set_comment_before_after_key(len(entries) - 1, before="\n")
            continue
        entry = next(item for item in entries if str(item.get("id", "")).strip() == entry_id)
        for name, value in values.items():
            _set_field(entry, name, value)
    for edited in files.values():
        buffer = io.StringIO()
        yaml.dump(edited.document, buffer)
        edited.text = buffer.getvalue()
        edited.lines = _field_lines(yaml.load(edited.text))
    return files


def _field_lines(document: CommentedMap) -> list[tuple[int, str, str]]:
    """Where each field of each entry starts in the new text, to name the field a problem is in."""
    lines = []
    for entry in document.get("entries") or ():
        entry_id = str(entry.get("id", "")).strip()
        lines += [(entry.lc.key(name)[0], entry_id, name) for name in entry]
    return sorted(lines)


def _locate(problem: Problem, files: dict[Path, _File], changed: set[tuple[str, str]]) -> tuple[str | None, str | None]:
    """The changed field a problem is in or names ("also a phrasing of ... (path:line)"); else its changed entry."""
    places = [(problem.path, problem.line)] + [(path, int(line)) for path, line in _PLACE.findall(problem.message)]
    found = []
    for path, line in places:
        edited = files.get(Path(path))
        before = [(entry_id, name) for start, entry_id, name in (edited.lines if edited else ()) if start < line]
        found += before[-1:]
    entries = {entry_id for entry_id, _ in changed}
    return next((place for place in found if place in changed),
                next((place for place in found if place[0] in entries), (None, None)))


def _loads(directory: Path) -> Sequence[Problem]:
    """The check every write makes: the folder loads."""
    load_knowledge(directory)
    return ()


def _check(directory: Path, files: dict[Path, _File], changed: set[tuple[str, str]],
           verify: Verify) -> tuple[list[WriteProblem], list[WriteProblem]]:
    """Check a scratch copy of the whole folder with the new files: what refuses the write, and warnings. Both
    point at the real folder."""
    with tempfile.TemporaryDirectory(prefix="knowledge-check-") as scratch:
        copy = Path(scratch) / "knowledge"
        shutil.copytree(directory, copy)
        for path, edited in files.items():
            (copy / path.relative_to(directory)).write_text(edited.text, encoding="utf-8")

        def located(problems: Sequence[Problem]) -> list[WriteProblem]:
            real = [Problem(p.path.replace(str(copy), str(directory)), p.line,
                            p.message.replace(str(copy), str(directory))) for p in problems]
            return [WriteProblem(p.message, p.where, *_locate(p, files, changed)) for p in real]

        try:
            return [], located(verify(copy))
        except KnowledgeError as exc:
            return located(exc.problems), []


def _swap(files: dict[Path, _File]) -> list[WriteProblem]:
    """Replace each file atomically; refuse if a file changed since it was read (someone else's edit)."""
    for path, edited in files.items():
        now = path.read_bytes() if path.exists() else None
        if now != edited.original:
            return [WriteProblem("the file changed while this write was prepared; nothing was written, "
                                 "try again", where=f"{path}:1")]
    temporaries = []
    try:
        for path, edited in files.items():
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(edited.text)
                stream.flush()
                os.fsync(stream.fileno())
            if path.exists():
                shutil.copymode(path, temporary)
            temporaries.append((temporary, path))
        for temporary, path in temporaries:
            os.replace(temporary, path)
    finally:
        for temporary, _ in temporaries:
            Path(temporary).unlink(missing_ok=True)
    return []


def apply_changes(directory: Path, changes: Sequence[EntryChange], *, dry_run: bool = False,
                  verify: Verify | None = None,
                  refuse: Callable[[Sequence[FieldChange]], Sequence[WriteProblem]] | None = None) -> WriteResult:
    """Update and add FAQ entries in ``directory`` (see the module docstring); all or nothing. ``refuse``: what the
    caller will not have among the planned changes, seen before anything is edited (an import taking phrasings
    out)."""
    directory = Path(directory)
    try:
        knowledge = load_knowledge(directory)
    except KnowledgeError as exc:
        return WriteResult(problems=tuple(
            WriteProblem(f"{p.message} (the folder must validate before anything is written)", p.where)
            for p in exc.problems), dry_run=dry_run)
    planned, problems = _plan(knowledge, changes)
    problems += refuse(planned) if refuse is not None else ()
    if problems or not planned:
        return WriteResult(tuple(planned), problems=tuple(problems), dry_run=dry_run)
    try:
        files = _edit(directory, knowledge, planned)
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        return WriteResult(tuple(planned), problems=(WriteProblem(f"cannot edit the FAQ files: {exc}"),),
                           dry_run=dry_run)
    problems, warnings = _check(directory, files, {(c.entry_id, c.field) for c in planned},
                                verify or _loads)
    if problems or dry_run:
        return WriteResult(tuple(planned), problems=tuple(problems), dry_run=dry_run, warnings=tuple(warnings))
    problems = _swap(files)
    return WriteResult(tuple(planned), () if problems else tuple(files), tuple(problems), warnings=tuple(warnings))


def add_phrasing(directory: Path, entry_id: str, text: str, verify: Verify | None = None) -> WriteResult:
    """Append one phrasing to an existing entry; an unknown id or a phrasing it already has is refused."""
    phrasing = " ".join(text.split())
    try:
        entry = load_knowledge(directory).by_id.get(entry_id)
    except KnowledgeError:
        return apply_changes(directory, [])  # reports the folder's own problems
    if entry is None:
        return WriteResult(problems=(WriteProblem("no FAQ entry has this id", entry_id=entry_id, field="id"),))
    if not normalize(phrasing):
        return WriteResult(problems=(WriteProblem("the phrasing is empty", entry_id=entry_id, field="phrasings"),))
    if normalize(phrasing) in {normalize(p) for p in entry.phrasings}:
        return WriteResult(problems=(WriteProblem(f"'{phrasing}' is already a phrasing of this entry",
                                                  entry_id=entry_id, field="phrasings"),))
    return apply_changes(directory, [EntryChange(entry_id, {"phrasings": (*entry.phrasings, phrasing)})],
                         verify=verify)
