"""The shared YAML writer: comment-keeping edits, validated in a scratch copy, swapped in atomically."""

from __future__ import annotations

import difflib
from pathlib import Path

from bot.knowledge.loader import load_knowledge
from bot.knowledge.writer import EntryChange, add_phrasing, apply_changes

NEW_ENTRY = {"category": "basics", "question": "Is there a newsletter?", "answer": "Not yet.\n\nAsk your clinic.",
             "phrasings": ["is there a ketamine newsletter", "can i subscribe to ketamine news"],
             "related": ["cost", "how-fast"]}


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_update_changes_only_that_field_and_keeps_comments(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "cost-access.yaml"
    before = path.read_text(encoding="utf-8")
    result = apply_changes(knowledge_copy, [EntryChange("cost", {"answer": "A new answer.\n\nSecond paragraph."})])
    assert result.ok and result.written == (path,)
    assert [(c.entry_id, c.field) for c in result.changes] == [("cost", "answer")]
    diff = changed_lines(before, path.read_text(encoding="utf-8"))
    assert [line for line in diff if line.startswith("+")] == ["+      A new answer.", "+", "+      Second paragraph."]
    assert all(line.startswith("-      ") or line == "-" for line in diff if line.startswith("-"))
    assert path.read_text(encoding="utf-8").startswith(before.split("entries:")[0])  # the header comment
    assert load_knowledge(knowledge_copy).by_id["cost"].answer == "A new answer.\n\nSecond paragraph."
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_list_fields_are_edited_in_place(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "cost-access.yaml"
    before = path.read_text(encoding="utf-8")
    entry = load_knowledge(knowledge_copy).by_id["cost"]
    result = apply_changes(knowledge_copy, [EntryChange("cost", {
        "phrasings": (*entry.phrasings, "what will the bill be"), "keywords": ["price", "fee"],
        "related": [*entry.related[:-1], "how-fast"]})])
    assert result.ok, result.problems
    diff = changed_lines(before, path.read_text(encoding="utf-8"))
    assert "+      - what will the bill be" in diff
    assert "+    keywords: [price, fee]" in diff  # flow lists stay on one line
    assert len(diff) == 5  # one phrasing added; keywords and related replaced line for line
    reloaded = load_knowledge(knowledge_copy).by_id["cost"]
    assert (reloaded.keywords, reloaded.related[-1]) == (("price", "fee"), "how-fast")


def test_new_entry_goes_to_its_category_file(knowledge_copy: Path) -> None:
    result = apply_changes(knowledge_copy, [EntryChange("newsletter", NEW_ENTRY)])
    assert result.ok, result.problems
    assert result.written == (knowledge_copy / "faq" / "basics.yaml",)
    assert {c.old for c in result.changes} == {None}
    entry = load_knowledge(knowledge_copy).by_id["newsletter"]
    assert (entry.category, entry.answer) == ("basics", "Not yet.\n\nAsk your clinic.")
    assert entry.related == ("cost", "how-fast")
    assert "\n\n  - id: newsletter\n" in (knowledge_copy / "faq" / "basics.yaml").read_text(encoding="utf-8")


def test_dry_run_and_no_op_write_nothing(knowledge_copy: Path) -> None:
    before = snapshot(knowledge_copy)
    dry = apply_changes(knowledge_copy, [EntryChange("cost", {"question": "What does it cost?"})], dry_run=True)
    assert dry.ok and dry.dry_run and dry.written == ()
    assert [(c.field, c.new) for c in dry.changes] == [("question", "What does it cost?")]
    current = load_knowledge(knowledge_copy).by_id["cost"]
    same = apply_changes(knowledge_copy, [EntryChange("cost", {"answer": current.answer + "\n",
                                                               "phrasings": list(current.phrasings)})])
    assert same.ok and same.changes == () and same.written == ()
    assert snapshot(knowledge_copy) == before


def test_a_change_that_breaks_the_folder_is_refused_with_real_paths(knowledge_copy: Path) -> None:
    before = snapshot(knowledge_copy)
    result = apply_changes(knowledge_copy, [
        EntryChange("cost", {"related": ["insurance", "nowhere"]}),
        EntryChange("newsletter", {**NEW_ENTRY, "phrasings": ["how much does ketamine therapy cost"]}),
    ])
    assert not result.ok and result.written == ()
    assert snapshot(knowledge_copy) == before
    located = {(p.entry_id, p.field, p.message.split(" (")[0]) for p in result.problems}
    assert ("cost", "related", "related id 'nowhere' does not exist") in located
    assert any(entry == "newsletter" and field == "phrasings" for entry, field, _ in located)
    assert all(str(p).startswith(str(knowledge_copy)) and "knowledge-check" not in str(p) for p in result.problems)


def test_bad_requests_are_refused_before_any_file_is_written(knowledge_copy: Path) -> None:
    result = apply_changes(knowledge_copy, [EntryChange("newsletter", {"question": "Half an entry?"}),
                                            EntryChange("other", {**NEW_ENTRY, "category": "../../etc"}),
                                            EntryChange("cost", {"colour": "red"}),
                                            EntryChange("how-fast", {"category": "safety"})])
    messages = {(p.entry_id, p.field, p.message) for p in result.problems}
    assert ("newsletter", "answer", "a new entry needs answer") in messages
    assert any(entry == "other" and field == "category" and "unknown category" in message
               for entry, field, message in messages)
    assert ("cost", None, "unknown field(s) colour") in messages
    assert ("how-fast", "category", "an entry's category is the file it lives in (faq/basics.yaml); to make it "
            "'safety', move the entry to faq/safety.yaml by hand") in messages


def test_a_broken_folder_is_not_written_to(knowledge_copy: Path) -> None:
    broken = knowledge_copy / "faq" / "safety.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "  - oops: [\n", encoding="utf-8")
    before = snapshot(knowledge_copy)
    result = add_phrasing(knowledge_copy, "cost", "what will the bill be")
    assert [str(p).split(": ")[0].rsplit(":", 1)[0] for p in result.problems] == [str(broken)]
    assert "must validate before anything is written" in str(result.problems[0])
    assert snapshot(knowledge_copy) == before


def test_add_phrasing_appends_and_refuses_duplicates_and_unknown_ids(knowledge_copy: Path) -> None:
    result = add_phrasing(knowledge_copy, "cost", "  what will the   bill be ")
    assert result.ok and load_knowledge(knowledge_copy).by_id["cost"].phrasings[-1] == "what will the bill be"
    again = add_phrasing(knowledge_copy, "cost", "What will the bill be?")
    assert [str(p) for p in again.problems] == [
        "entry 'cost', phrasings: 'What will the bill be?' is already a phrasing of this entry"]
    assert [str(p) for p in add_phrasing(knowledge_copy, "no-such-entry", "hello there").problems] == [
        "entry 'no-such-entry', id: no FAQ entry has this id"]
    taken = add_phrasing(knowledge_copy, "insurance", "what will the bill be")  # already under cost
    assert not taken.ok and "is also a phrasing of 'cost'" in str(taken.problems[0])
