"""Export FAQ entries to CSV/JSON and import a CSV into the YAML layout.

For clinic staff who keep FAQs in a spreadsheet. Import is all-or-nothing: the CSV is
checked on its own (rows, columns) and then together with the existing knowledge (ids,
related links, duplicate phrasings) in a scratch copy before a single byte is written,
and it only ever writes a new file, so comments in existing files are never lost.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

import yaml

from bot.knowledge.loader import FAQ_FOLDER, KnowledgeError, load_knowledge
from bot.knowledge.model import FaqEntry, Knowledge
from bot.knowledge.yamlsource import Problem

COLUMNS = ("id", "question", "phrasings", "answer", "related", "category")
LIST_SEPARATOR = "|"


def export_entries(knowledge: Knowledge, fmt: str) -> str:
    """All FAQ entries as CSV (lists joined by ``|``) or as a JSON array."""
    rows = [_row(entry) for entry in knowledge.entries]
    if fmt == "json":
        return json.dumps([{**row, "phrasings": list(e.phrasings), "related": list(e.related)}
                           for row, e in zip(rows, knowledge.entries, strict=True)], indent=2, ensure_ascii=False)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _row(entry: FaqEntry) -> dict[str, str]:
    return {"id": entry.id, "question": entry.question, "phrasings": f" {LIST_SEPARATOR} ".join(entry.phrasings),
            "answer": entry.answer, "related": f" {LIST_SEPARATOR} ".join(entry.related), "category": entry.category}


def read_csv(path: Path) -> tuple[list[dict[str, object]], list[int], list[Problem]]:
    """CSV rows as entry mappings with the CSV line each came from; problems name that line."""
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [], [Problem(str(path), 1, f"cannot read the CSV as UTF-8 text: {exc}")]
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [], [Problem(str(path), 1, f"missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}")]
    entries, lines = [], []
    for row in reader:
        line = reader.line_num
        values = {column: (row.get(column) or "").strip() for column in COLUMNS}
        empty = [column for column in COLUMNS if column != "related" and not values[column]]
        if empty:
            problems.append(Problem(str(path), line, f"empty {', '.join(empty)}"))
            continue
        entries.append({
            "id": values["id"], "category": values["category"], "question": values["question"],
            "phrasings": _split(values["phrasings"]), "answer": values["answer"].replace("\r\n", "\n") + "\n",
            "related": _split(values["related"]),
        })
        lines.append(line)
    return entries, lines, problems


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line answers as ``|`` blocks, the way the hand-written files look."""


_BlockDumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


def render_yaml(entries: list[dict[str, object]], source: Path) -> str:
    header = f"# Imported from {source.name}. Edit freely; `python -m bot validate` checks it.\n"
    return header + yaml.dump({"entries": entries}, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True,
                              width=1000)


def import_csv(csv_path: Path, knowledge_dir: Path, output: Path | None = None) -> tuple[Path | None, list[Problem]]:
    """Validate the CSV with the existing knowledge, then write one new YAML file; nothing on failure."""
    target = output or knowledge_dir / FAQ_FOLDER / f"{csv_path.stem}.yaml"
    if target.exists():
        return None, [Problem(str(target), 1, "file already exists; import writes only new files so that no "
                                              "comments are lost: choose another name with --output")]
    entries, csv_lines, problems = read_csv(csv_path)
    if problems:
        return None, problems
    if not entries:
        return None, [Problem(str(csv_path), 1, "no rows to import")]
    text = render_yaml(entries, csv_path)
    problems = _check_with_existing(knowledge_dir, target, text)
    if problems:
        return None, [_to_csv_line(p, target, text, csv_path, csv_lines) for p in problems]
    target.write_text(text, encoding="utf-8")
    return target, []


def _to_csv_line(problem: Problem, target: Path, text: str, csv_path: Path, csv_lines: list[int]) -> Problem:
    """A problem in the would-be YAML file, re-pointed at the CSV row the entry came from."""
    if problem.path != str(target):
        return problem
    starts = [number for number, line in enumerate(text.splitlines(), 1) if line.startswith("- id: ")]
    index = max((i for i, start in enumerate(starts) if start <= problem.line), default=0)
    return Problem(str(csv_path), csv_lines[index], problem.message)


def _check_with_existing(knowledge_dir: Path, target: Path, text: str) -> list[Problem]:
    """Load existing knowledge plus the new file in a scratch copy; report the new file's problems by name."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "knowledge"
        shutil.copytree(knowledge_dir, copy)
        relative = target.resolve().relative_to(knowledge_dir.resolve()) if target.resolve().is_relative_to(
            knowledge_dir.resolve()) else Path(FAQ_FOLDER) / target.name
        (copy / relative).parent.mkdir(parents=True, exist_ok=True)
        (copy / relative).write_text(text, encoding="utf-8")
        try:
            load_knowledge(copy)
        except KnowledgeError as exc:
            return [Problem(p.path.replace(str(copy / relative), str(target)).replace(str(copy), str(knowledge_dir)),
                            p.line, p.message) for p in exc.problems]
    return []
