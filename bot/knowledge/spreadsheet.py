"""FAQ entries as spreadsheet rows: export, edit in Excel or Google Sheets, import back, losslessly.

Clinic staff keep FAQs in spreadsheets, so the round trip must not lose or change anything:
export writes every field (lists joined by `` | ``, ``hotline_footer`` as true/false); import
reads CSV (comma, semicolon or tab) or XLSX, updates existing entries by id and adds new ones
through ``bot.knowledge.writer`` (comments in the YAML kept, the whole folder validated in a
scratch copy, files swapped in atomically), and an untouched export imports as "no changes".
Every problem is reported at once and named by spreadsheet row and column, the way the
operator sees the sheet, never by a YAML path the operator did not touch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge.model import FaqEntry, Knowledge
from bot.knowledge.sheets import SheetError, Table, column_letter, read_table, write_csv, write_xlsx
from bot.knowledge.writer import EntryChange, FieldChange, Verify, WriteProblem, WriteResult, apply_changes

COLUMNS = ("id", "question", "phrasings", "answer", "related", "category", "keywords", "hotline_footer")
REQUIRED = COLUMNS[:6]  # keywords and hotline_footer may be left out: those fields then stay as they are
LIST_COLUMNS = ("phrasings", "related", "keywords")
NOT_EMPTY = ("id", "question", "phrasings", "answer", "category")
LIST_SEPARATOR = "|"
FLAGS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False, "": False}
FORMATS = ("csv", "json", "xlsx")
CONTEXT_BEFORE_CHANGE = 20  # characters shown before the first difference of an edited text
_ROW = re.compile(r" row (\d+)")  # problems are listed in the order of the sheet's rows


def export_table(knowledge: Knowledge) -> Table:
    """The header and one row per entry, every field as text."""
    return [list(COLUMNS), *([_cell(entry, name) for name in COLUMNS] for entry in knowledge.entries)]


def _cell(entry: FaqEntry, name: str) -> str:
    value = getattr(entry, name)
    if name in LIST_COLUMNS:
        return f" {LIST_SEPARATOR} ".join(value)
    if name == "hotline_footer":
        return "true" if value else "false"
    return str(value)


def export_entries(knowledge: Knowledge, fmt: str) -> str | bytes:
    """All entries as CSV or JSON text, or as XLSX bytes."""
    if fmt == "json":
        return json.dumps([{name: list(getattr(e, name)) if name in LIST_COLUMNS else getattr(e, name)
                            for name in COLUMNS} for e in knowledge.entries], indent=2, ensure_ascii=False) + "\n"
    if fmt == "xlsx":
        return write_xlsx(export_table(knowledge), wrap=("phrasings", "answer"))
    return write_csv(export_table(knowledge))


@dataclass
class ImportReport:
    """What an import changed (or would, on a dry run), where each entry's row is, and every problem."""

    dry_run: bool
    rows: dict[str, int] = field(default_factory=dict)  # entry id -> spreadsheet row
    result: WriteResult | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """The changes per entry and field, for the operator to read before or after the write."""
        changes = self.result.changes if self.result else ()
        by_entry: dict[str, list[FieldChange]] = {}
        for change in changes:
            by_entry.setdefault(change.entry_id, []).append(change)
        lines = []
        for entry_id, fields in by_entry.items():
            new = fields[0].old is None
            verb = ("would add" if self.dry_run else "added") if new else ("would update" if self.dry_run else
                                                                           "updated")
            lines.append(f"{verb} {entry_id} (row {self.rows.get(entry_id, '?')}):")
            lines += [f"  {change.field}: {_describe(change)}" for change in fields]
        return lines


def _describe(change: FieldChange) -> str:
    if change.old is None:
        return _short(change.new)
    if isinstance(change.new, tuple) and isinstance(change.old, tuple):
        added = [f"+{_short(item)}" for item in change.new if item not in change.old]
        removed = [f"-{_short(item)}" for item in change.old if item not in change.new]
        return ", ".join(added + removed) or "same items, new order"
    old, new = _flat(change.old), _flat(change.new)
    # Both from where they first differ: "a long answer... " -> "a long answer..." hid an edit at its end.
    same = next((n for n, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    start = max(0, same - CONTEXT_BEFORE_CHANGE)
    return f"{_short(old, start=start)} -> {_short(new, start=start)}"


def _flat(value: object) -> str:
    return " ".join((" | ".join(value) if isinstance(value, tuple) else str(value)).split())


def _short(value: object, limit: int = 70, start: int = 0) -> str:
    """``value`` on one line, ``limit`` characters of it from ``start``, with "..." where it is cut."""
    text = _flat(value)
    if len(text) <= limit:
        return repr(text)
    head = "..." if start else ""
    piece = text[start:start + limit - len(head)]
    return repr(head + piece if start + len(piece) >= len(text) else head + piece[:-3] + "...")


def import_sheet(sheet: Path, knowledge_dir: Path, *, dry_run: bool = False, verify: Verify | None = None,
                 remove_phrasings: bool = False) -> ImportReport:
    """Update and add entries from a CSV or XLSX file; nothing is written unless everything is valid (and passes
    ``verify``, see ``bot.knowledge.writer``; skipped when a row is wrong already, as nothing will be written).

    A row that takes phrasings out of its entry is refused unless ``remove_phrasings``: a sheet exported before a
    ``learn`` or a review lacks what was added since, and would take it out again (a warning after the write was
    all it got)."""
    report = ImportReport(dry_run)
    try:
        table = read_table(sheet, COLUMNS)
    except SheetError as exc:
        report.problems.append(f"{sheet}: {exc}")
        return report
    columns = _columns(sheet, table[0] if table else [], report.problems)
    if columns is None:
        return report
    changes, rejected = _changes(sheet, table, columns, report)
    if not changes and not report.problems:
        report.problems.append(f"{sheet}: no rows to import")
    if changes:
        report.result = apply_changes(knowledge_dir, changes, dry_run=dry_run or bool(report.problems),
                                      verify=None if report.problems else verify,
                                      refuse=None if remove_phrasings else _phrasings_taken_out)
        for problem in report.result.problems:
            if not any(f"related id '{entry_id}' does not exist" in problem.message for entry_id in rejected):
                report.problems.append(_in_sheet(sheet, problem.entry_id, problem.field, str(problem),
                                                 problem.message, report.rows, columns))
    report.problems.sort(key=lambda text: int(match[1]) if (match := _ROW.search(text)) else 0)
    return report


def _phrasings_taken_out(planned: Sequence[FieldChange]) -> list[WriteProblem]:
    """An entry's phrasings the sheet lacks, one problem per entry (``import_sheet`` says why)."""
    problems = []
    for change in planned:
        if change.field == "phrasings" and isinstance(change.old, tuple) and isinstance(change.new, tuple) \
                and (gone := [text for text in change.old if text not in change.new]):
            problems.append(WriteProblem(
                f"the sheet takes out {len(gone)} phrasing(s) of '{change.entry_id}' ({_short(gone[0], 50)}"
                f"{', ...' if len(gone) > 1 else ''}); if they were added after the sheet was exported (learn, "
                "review), export again and redo the edit there; to take them out, import with --remove-phrasings",
                entry_id=change.entry_id, field="phrasings"))
    return problems


def _columns(sheet: Path, header: list[str], problems: list[str]) -> dict[str, int] | None:
    """Column name -> index; missing, unknown or repeated columns are problems."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = cell.strip().lower()
        if not name:
            continue
        if name not in COLUMNS:
            problems.append(f"{sheet} row 1, column {column_letter(index)}: unknown column '{cell.strip()}'; "
                            f"the columns are {', '.join(COLUMNS)}")
        elif name in columns:
            problems.append(f"{sheet} row 1, column {column_letter(index)}: column '{name}' appears twice")
        else:
            columns[name] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        problems.append(f"{sheet} row 1: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)} "
                        "(columns separated by ',' or ';')")
    return None if problems else columns


def _changes(sheet: Path, table: Table, columns: dict[str, int],
             report: ImportReport) -> tuple[list[EntryChange], set[str]]:
    """One change per non-blank row; rows with problems are left out (their ids are returned)."""
    changes, rejected = [], set()
    for number, row in enumerate(table[1:], start=2):
        cells = {name: (row[index] if index < len(row) else "").strip() for name, index in columns.items()}
        if not any(cells.values()):
            continue  # a blank row, as sheets often have at the end
        problems = [(name, "is empty") for name in NOT_EMPTY if not cells[name]]
        entry_id = cells["id"]
        if entry_id in report.rows:
            problems.append(("id", f"id '{entry_id}' is also in row {report.rows[entry_id]}"))
        flag = cells.get("hotline_footer", "").lower()
        if flag not in FLAGS:
            problems.append(("hotline_footer", f"'{cells['hotline_footer']}' must be true or false"))
        for name, message in problems:
            report.problems.append(f"{sheet} row {number}, column {name} ({column_letter(columns[name])}): {message}")
        if problems:
            rejected.add(entry_id)
            continue
        report.rows[entry_id] = number
        values: dict[str, str | list[str] | bool] = {
            name: _split(cells[name]) if name in LIST_COLUMNS else cells[name] for name in columns if name != "id"}
        if "hotline_footer" in values:
            values["hotline_footer"] = FLAGS[flag]
        changes.append(EntryChange(entry_id, values))
    return changes, rejected


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def _in_sheet(sheet: Path, entry_id: str | None, field_name: str | None, full: str, message: str,
              rows: dict[str, int], columns: dict[str, int]) -> str:
    """A problem in an imported entry, named by its row and column; any other keeps its YAML place."""
    if entry_id not in rows:
        return full
    column = f", column {field_name} ({column_letter(columns[field_name])})" if field_name in columns else ""
    return f"{sheet} row {rows[entry_id]}{column}: {message}"  # type: ignore[index]
