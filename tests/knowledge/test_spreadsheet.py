"""Spreadsheet round trips: export -> edit in a sheet -> import is lossless, all or nothing, named by row and column."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openpyxl import load_workbook

from bot.knowledge.loader import load_knowledge
from bot.knowledge.sheets import write_xlsx
from bot.knowledge.spreadsheet import COLUMNS, export_entries, import_sheet
from bot.knowledge.writer import add_phrasing


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def exported_rows(directory: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(export_entries(load_knowledge(directory), "csv"))))  # type: ignore[arg-type]


def write_rows(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return path


def test_export_has_every_field_of_every_entry(knowledge_copy: Path) -> None:
    knowledge = load_knowledge(knowledge_copy)
    rows = exported_rows(knowledge_copy)
    assert rows[0] == list(COLUMNS)
    suicidal = next(row for row in rows if row[0] == "suicidal-thoughts")
    assert suicidal[COLUMNS.index("hotline_footer")] == "true"
    cost = next(row for row in rows if row[0] == "cost")
    assert cost[COLUMNS.index("keywords")] == " | ".join(knowledge.by_id["cost"].keywords)
    exported = json.loads(export_entries(knowledge, "json"))
    assert [e["id"] for e in exported] == [e.id for e in knowledge.entries]
    assert exported[0]["phrasings"] == list(knowledge.entries[0].phrasings) and "keywords" in exported[0]


def test_an_untouched_export_imports_as_no_changes(knowledge_copy: Path, tmp_path: Path) -> None:
    before = snapshot(knowledge_copy)
    for sheet in (write_rows(tmp_path / "faqs.csv", exported_rows(knowledge_copy)),
                  write_rows(tmp_path / "excel.csv", exported_rows(knowledge_copy), delimiter=";")):
        report = import_sheet(sheet, knowledge_copy)
        assert report.ok, report.problems
        assert report.result is not None and report.result.changes == () and report.result.written == ()
    assert snapshot(knowledge_copy) == before


def test_edit_one_answer_round_trips_exactly_and_the_bot_serves_it(knowledge_copy: Path, tmp_path: Path) -> None:
    from bot.decision import Responder  # above bot.knowledge: the bot built from the folder, as it runs

    rows = exported_rows(knowledge_copy)
    cost = next(row for row in rows if row[0] == "cost")
    cost[COLUMNS.index("answer")] = "Sessions cost what your clinic charges.\n\nAsk them for the full price first."
    edited = write_rows(tmp_path / "faqs.csv", rows)
    yaml_before = (knowledge_copy / "faq" / "cost-access.yaml").read_text(encoding="utf-8")
    report = import_sheet(edited, knowledge_copy)
    assert report.ok, report.problems
    assert report.result is not None and report.result.written == (knowledge_copy / "faq" / "cost-access.yaml",)
    assert [(c.entry_id, c.field) for c in report.result.changes] == [("cost", "answer")]
    assert export_entries(load_knowledge(knowledge_copy), "csv") == edited.read_text(encoding="utf-8")
    yaml_after = (knowledge_copy / "faq" / "cost-access.yaml").read_text(encoding="utf-8")
    assert yaml_after.split("entries:")[0] == yaml_before.split("entries:")[0]  # the comments are kept
    reply = Responder(load_knowledge(knowledge_copy)).decide("how much does ketamine therapy cost").reply
    assert reply.startswith("Sessions cost what your clinic charges.")


def test_new_rows_are_added_and_dry_run_shows_each_field(knowledge_copy: Path, tmp_path: Path) -> None:
    rows = exported_rows(knowledge_copy)
    how_fast = next(row for row in rows if row[0] == "how-fast")
    how_fast[COLUMNS.index("phrasings")] += " | does it kick in on day one"
    rows.append(["newsletter", "Is there a newsletter?", "is there a ketamine newsletter | can i get updates",
                 "Not yet.", "cost | how-fast", "basics", "", "false"])
    sheet = write_rows(tmp_path / "faqs.csv", rows)
    before = snapshot(knowledge_copy)
    dry = import_sheet(sheet, knowledge_copy, dry_run=True)
    assert dry.ok, dry.problems
    assert snapshot(knowledge_copy) == before
    lines = dry.lines()
    assert f"would update how-fast (row {rows.index(how_fast) + 1}):" in lines
    assert "  phrasings: +'does it kick in on day one'" in lines
    assert f"would add newsletter (row {len(rows)}):" in lines and "  answer: 'Not yet.'" in lines
    assert not any(line.startswith(("  keywords", "  hotline_footer")) for line in lines)  # empty extras
    report = import_sheet(sheet, knowledge_copy)
    assert report.ok and load_knowledge(knowledge_copy).by_id["newsletter"].category == "basics"
    assert "does it kick in on day one" in load_knowledge(knowledge_copy).by_id["how-fast"].phrasings


def test_every_problem_at_once_by_row_and_column_and_nothing_written(knowledge_copy: Path, tmp_path: Path) -> None:
    rows = exported_rows(knowledge_copy)
    rows[1][COLUMNS.index("answer")] = "x" * 901  # row 2: too long for the loader
    rows[2][COLUMNS.index("related")] += " | nowhere"  # row 3: a link to nothing
    rows.append(["cost", "Again?", "again", "Again.", "", "cost-access", "", ""])  # row 32: the id of row 13
    rows.append(["new-one", "", "a way to ask", "An answer.", "", "basics", "", "maybe"])  # row 33
    rows.append(["linked", "Linked?", "a linked question", "Yes.", "new-one", "basics", "", ""])  # row 34
    sheet = write_rows(tmp_path / "faqs.csv", rows)
    before = snapshot(knowledge_copy)
    report = import_sheet(sheet, knowledge_copy)
    assert snapshot(knowledge_copy) == before
    cost_row = next(n for n, row in enumerate(rows, 1) if row[0] == "cost")
    assert report.problems == [
        f"{sheet} row 2, column answer (D): answer is 901 characters; the limit is 900: shorten it or split the entry",
        f"{sheet} row 3, column related (E): related id 'nowhere' does not exist",
        f"{sheet} row 32, column id (A): id 'cost' is also in row {cost_row}",
        f"{sheet} row 33, column question (B): is empty",
        f"{sheet} row 33, column hotline_footer (H): 'maybe' must be true or false",
    ]  # and not "related id 'new-one' does not exist" for row 34: row 33 is the cause
    assert not any("knowledge-check" in problem for problem in report.problems)


def test_header_problems(knowledge_copy: Path, tmp_path: Path) -> None:
    sheet = write_rows(tmp_path / "faqs.csv", [["id", "question", "notes", "answer", "answer"], ["cost", "q", "", "a"]])
    assert import_sheet(sheet, knowledge_copy).problems == [
        f"{sheet} row 1, column C: unknown column 'notes'; the columns are {', '.join(COLUMNS)}",
        f"{sheet} row 1, column E: column 'answer' appears twice",
        f"{sheet} row 1: missing column(s) phrasings, related, category; expected {', '.join(COLUMNS)} "
        "(columns separated by ',' or ';')",
    ]
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,question\ncafé,x\n".encode("latin-1"))
    assert import_sheet(latin, knowledge_copy).problems == [
        f"{latin}: row 2, column A is not UTF-8 text; save the sheet as 'CSV UTF-8' (or as .xlsx)"]
    # A cell with line breaks spans lines of the file: the problem names the sheet's row and column, not a line.
    latin.write_bytes('id,question,answer\ncost,"two\nlines",fine\nx,ok,"naïve"\n'.encode("latin-1"))
    assert import_sheet(latin, knowledge_copy).problems == [
        f"{latin}: row 3, column C is not UTF-8 text; save the sheet as 'CSV UTF-8' (or as .xlsx)"]
    quotes = tmp_path / "quotes.csv"
    quotes.write_text(",".join(COLUMNS) + '\ncost,"open quote\n', encoding="utf-8")
    assert import_sheet(quotes, knowledge_copy).problems == [
        f"{quotes}: row 2: unexpected end of data; check the quotes in that row"]
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    assert "not a readable .xlsx workbook" in import_sheet(fake, knowledge_copy).problems[0]


def test_xlsx_round_trip_and_cells_excel_typed(knowledge_copy: Path, tmp_path: Path) -> None:
    workbook_path = tmp_path / "faqs.xlsx"
    workbook_path.write_bytes(export_entries(load_knowledge(knowledge_copy), "xlsx"))  # type: ignore[arg-type]
    assert import_sheet(workbook_path, knowledge_copy).result.changes == ()  # type: ignore[union-attr]
    workbook = load_workbook(workbook_path)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    assert header == list(COLUMNS)
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "suicidal-thoughts")
    row[COLUMNS.index("hotline_footer")].value = True  # Excel's TRUE: a boolean cell, not text
    row[COLUMNS.index("answer")].value = "=A new answer that starts like a formula."
    row[COLUMNS.index("answer")].data_type = "s"  # typed as text, as Excel stores '=...
    workbook.save(workbook_path)
    report = import_sheet(workbook_path, knowledge_copy)
    assert report.ok, report.problems
    assert [(c.entry_id, c.field) for c in report.result.changes] == [("suicidal-thoughts", "answer")]  # type: ignore[union-attr]
    exported = load_workbook(io.BytesIO(export_entries(load_knowledge(knowledge_copy), "xlsx")))  # type: ignore[arg-type]
    cell = next(r for r in exported.active.iter_rows(min_row=2) if r[0].value == "suicidal-thoughts")[3]
    assert (cell.value, cell.data_type) == ("=A new answer that starts like a formula.", "s")  # text, not a formula
    assert write_xlsx([["id"]])[:2] == b"PK"


def test_the_change_list_shows_where_a_long_answer_changed(knowledge_copy: Path, tmp_path: Path) -> None:
    # Both sides were cut at 70 characters: an edit at the end of an answer read as "'Ketamine...' -> 'Ketamine...'".
    rows = exported_rows(knowledge_copy)
    cost = next(row for row in rows if row[0] == "cost")
    before = " ".join(cost[COLUMNS.index("answer")].split())
    cost[COLUMNS.index("answer")] += " Ask the clinic first."
    report = import_sheet(write_rows(tmp_path / "faqs.csv", rows), knowledge_copy, dry_run=True)
    assert report.ok, report.problems
    [line] = [line for line in report.lines() if line.startswith("  answer: ")]
    old, new = line.removeprefix("  answer: ").split(" -> ")
    assert old != new and old.startswith("'...") and new.endswith("Ask the clinic first.'")
    assert before.endswith(old.strip("'").removeprefix("..."))


def test_an_old_sheet_that_would_take_out_a_learnt_phrasing_is_refused(knowledge_copy: Path, tmp_path: Path) -> None:
    # A sheet exported before a learn lacks the learnt phrasing; importing it took the phrasing out again, with a
    # '-' line and a warning after the write as the only signs. Now nothing is written unless that is asked for.
    sheet = write_rows(tmp_path / "faqs.csv", exported_rows(knowledge_copy))
    assert add_phrasing(knowledge_copy, "cost", "what will the whole course set me back").ok
    before = snapshot(knowledge_copy)
    cost_row = next(n for n, row in enumerate(exported_rows(knowledge_copy), 1) if row[0] == "cost")
    for dry_run in (True, False):
        report = import_sheet(sheet, knowledge_copy, dry_run=dry_run)
        assert report.problems == [
            f"{sheet} row {cost_row}, column phrasings (C): the sheet takes out 1 phrasing(s) of 'cost' ('what will "
            "the whole course set me back'); if they were added after the sheet was exported (learn, review), export "
            "again and redo the edit there; to take them out, import with --remove-phrasings"]
        assert snapshot(knowledge_copy) == before
    assert import_sheet(write_rows(tmp_path / "now.csv", exported_rows(knowledge_copy)), knowledge_copy).ok
    asked = import_sheet(sheet, knowledge_copy, remove_phrasings=True)
    assert asked.ok and "  phrasings: -'what will the whole course set me back'" in asked.lines()
    assert "what will the whole course set me back" not in load_knowledge(knowledge_copy).by_id["cost"].phrasings
