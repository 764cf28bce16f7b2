"""CSV export/import for staff who keep FAQs in spreadsheets: lossless, all-or-nothing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from bot.knowledge.loader import load_knowledge
from bot.knowledge.spreadsheet import export_entries, import_csv


def test_export_then_import_round_trips(knowledge_copy: Path, tmp_path: Path) -> None:
    original = load_knowledge(knowledge_copy)
    csv_path = tmp_path / "research.csv"  # one category: a file holds the entries of its own category only
    rows = list(csv.reader(io.StringIO(export_entries(original, "csv"))))
    with csv_path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([rows[0], *(row for row in rows[1:] if row[-1] == "research")])
    (knowledge_copy / "faq" / "research.yaml").unlink()
    written, problems = import_csv(csv_path, knowledge_copy)
    assert problems == []
    assert written == knowledge_copy / "faq" / "research.yaml"
    reloaded = load_knowledge(knowledge_copy)
    for before, after in zip(sorted(original.entries, key=lambda e: e.id), sorted(reloaded.entries, key=lambda e: e.id),
                             strict=True):
        assert (before.id, before.question, before.phrasings, before.answer, before.related, before.category) == (
            after.id, after.question, after.phrasings, after.answer, after.related, after.category)


def test_json_export_lists_every_entry(knowledge_copy: Path) -> None:
    knowledge = load_knowledge(knowledge_copy)
    exported = json.loads(export_entries(knowledge, "json"))
    assert [e["id"] for e in exported] == [e.id for e in knowledge.entries]
    assert exported[0]["phrasings"] == list(knowledge.entries[0].phrasings)


def test_conflicting_import_writes_nothing_and_names_the_csv_row(knowledge_copy: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "more.csv"
    csv_path.write_text(
        "id,question,phrasings,answer,related,category\n"
        "new-entry,A new question?,one way | another way,An answer.,cost | how-fast,basics\n"
        "cost,Cost again?,price again | fee again,Another answer.,insurance | nowhere,cost-access\n",
        encoding="utf-8")
    before = sorted(p.name for p in (knowledge_copy / "faq").iterdir())
    written, problems = import_csv(csv_path, knowledge_copy)
    assert written is None
    messages = [str(p) for p in problems]
    assert any(m.startswith(f"{csv_path}:3: duplicate id 'cost'") for m in messages)
    assert f"{csv_path}:3: related id 'nowhere' does not exist" in messages
    assert sorted(p.name for p in (knowledge_copy / "faq").iterdir()) == before


def test_bad_rows_and_existing_target(knowledge_copy: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "basics.csv"
    csv_path.write_text("id,question,phrasings,answer,related,category\nx,,p,a,,basics\n", encoding="utf-8")
    written, problems = import_csv(csv_path, knowledge_copy)
    assert written is None
    assert "already exists" in str(problems[0])  # faq/basics.yaml is there: never overwritten
    written, problems = import_csv(csv_path, knowledge_copy, knowledge_copy / "faq" / "fresh.yaml")
    assert [str(p) for p in problems] == [f"{csv_path}:2: empty question"]
    headless = tmp_path / "headless.csv"
    headless.write_text("id,question\n", encoding="utf-8")
    assert "missing column(s) phrasings, answer, related, category" in str(import_csv(headless, knowledge_copy)[1][0])
