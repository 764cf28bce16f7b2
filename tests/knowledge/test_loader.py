"""Every kind of knowledge defect is refused with the right ``path:line: message``."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from bot.knowledge.loader import MAX_ANSWER_CHARS, KnowledgeError, load_knowledge
from bot.knowledge.model import Knowledge
from bot.runtime.report import MIN_PHRASINGS

GOOD_ENTRY = """\
  - id: {id}
    category: basics
    question: A question about {id}?
    phrasings: [first way to ask about {id}, second way to ask about {id}]
    answer: |
      An answer about {id}.
    related: [cost, how-fast]
"""


def problems_for(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    return [str(p) for p in caught.value.problems]


def write_faq(directory: Path, text: str) -> Path:
    """An extra FAQ file of category basics (the file name must be the category; subfolders are read too)."""
    path = directory / "faq" / "extra" / "basics.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_repository_knowledge_loads_and_is_immutable(knowledge: Knowledge) -> None:
    assert len(knowledge.entries) >= 30
    with pytest.raises(dataclasses.FrozenInstanceError):
        knowledge.entries[0].answer = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        knowledge.by_id["cost"] = knowledge.entries[0]  # type: ignore[index]


def test_every_required_topic_exists(knowledge: Knowledge) -> None:
    spec = Path(__file__).resolve().parents[3] / "shared" / "spec" / "topics.md"
    if not spec.exists():
        pytest.skip("shared/spec is not next to this checkout")
    required = {line.split("|")[1].strip() for line in spec.read_text().splitlines()
                if line.startswith("| ") and not line.startswith("| id") and "---" not in line}
    assert required <= set(knowledge.by_id)


def test_entries_follow_the_content_rules(knowledge: Knowledge) -> None:
    for entry in knowledge.entries:
        assert len(entry.phrasings) >= MIN_PHRASINGS, entry.id
        assert 2 <= len(entry.related) <= 4, entry.id


def test_unknown_and_missing_fields(knowledge_copy: Path) -> None:
    path = write_faq(knowledge_copy, "entries:\n  - id: extra\n    category: basics\n    colour: red\n")
    problems = problems_for(knowledge_copy)
    assert f"{path}:4: unknown key 'colour' in an FAQ entry; allowed: " in "\n".join(problems)
    assert f"{path}:2: an FAQ entry is missing the required field 'answer'" in problems


def test_duplicate_id_names_both_places(knowledge_copy: Path) -> None:
    path = write_faq(knowledge_copy, "entries:\n" + GOOD_ENTRY.format(id="cost"))
    problems = problems_for(knowledge_copy)
    assert any(p.startswith(f"{path}:2: duplicate id 'cost' (first defined at ") for p in problems)


def test_related_id_that_does_not_exist(knowledge_copy: Path) -> None:
    text = "entries:\n" + GOOD_ENTRY.format(id="extra").replace("[cost, how-fast]", "[cost, no-such-entry]")
    path = write_faq(knowledge_copy, text)
    assert f"{path}:8: related id 'no-such-entry' does not exist" in problems_for(knowledge_copy)


def test_related_to_itself(knowledge_copy: Path) -> None:
    text = "entries:\n" + GOOD_ENTRY.format(id="extra").replace("[cost, how-fast]", "[cost, extra]")
    path = write_faq(knowledge_copy, text)
    assert f"{path}:8: entry 'extra' lists itself in related" in problems_for(knowledge_copy)


def test_empty_answer(knowledge_copy: Path) -> None:
    text = "entries:\n" + GOOD_ENTRY.format(id="extra").replace("answer: |\n      An answer about extra.\n",
                                                                "answer: ''\n")
    path = write_faq(knowledge_copy, text)
    assert f"{path}:6: answer is empty" in problems_for(knowledge_copy)


def test_same_phrasing_under_two_ids(knowledge_copy: Path) -> None:
    cost_question = load_knowledge(knowledge_copy).by_id["cost"].phrasings[1]
    text = "entries:\n" + GOOD_ENTRY.format(id="extra").replace("second way to ask about extra",
                                                                cost_question.upper())
    path = write_faq(knowledge_copy, text)
    cost_line = next(n for n, line in enumerate((knowledge_copy / "faq" / "cost-access.yaml").read_text(
        encoding="utf-8").splitlines(), 1) if line.endswith(f"- {cost_question}"))
    assert f"{path}:5: phrasing '{cost_question.upper()}' of 'extra' is also a phrasing of 'cost' " \
           f"({knowledge_copy / 'faq' / 'cost-access.yaml'}:{cost_line})" in problems_for(knowledge_copy)


def test_phrasings_without_words_are_compared_as_written(knowledge_copy: Path) -> None:
    # Every text of emoji or punctuation alone normalises to "": a "💸💸" phrasing was refused as a copy of the
    # out-of-scope "🍕🍕🍕" and "?????". The same symbols under two ids are still a duplicate.
    write_faq(knowledge_copy, "entries:\n" + GOOD_ENTRY.format(id="extra").replace("second way to ask about extra",
                                                                                   "💸💸"))
    assert "💸💸" in load_knowledge(knowledge_copy).by_id["extra"].phrasings
    write_faq(knowledge_copy, "entries:\n" + GOOD_ENTRY.format(id="extra").replace("second way to ask about extra",
                                                                                   "🍕🍕🍕"))
    assert any("phrasing '🍕🍕🍕' of 'out of scope' is also a phrasing of 'extra'" in problem
               for problem in problems_for(knowledge_copy))


def test_all_problems_reported_in_one_run(knowledge_copy: Path) -> None:
    text = ("entries:\n" + GOOD_ENTRY.format(id="one").replace("[cost, how-fast]", "[missing-a]")
            + GOOD_ENTRY.format(id="two").replace("[cost, how-fast]", "[missing-b]"))
    write_faq(knowledge_copy, text)
    problems = "\n".join(problems_for(knowledge_copy))
    assert "missing-a" in problems
    assert "missing-b" in problems


@pytest.mark.parametrize(("content", "line", "message"), [
    ("entries:\n  - id: a\n    id: b\n", 3, "duplicate key 'id' in an FAQ entry"),
    ("base: &base\n  id: a\nentries:\n  - *base\n", 1, "anchors and aliases"),
    ("entries:\n\t- id: a\n", 2, "tab character in indentation; use spaces"),
    ("entries: [unclosed\n", 1, "YAML syntax"),
    ("entries:\n  - id: a\n  x\n", 3, "YAML syntax"),
    ("entries:\n  - id: a\n    question: \"open\n    answer: x\n", 3, "while scanning a quoted scalar"),
])
def test_malformed_yaml(knowledge_copy: Path, content: str, line: int, message: str) -> None:
    path = write_faq(knowledge_copy, content)
    assert any(p.startswith(f"{path}:{line}: ") and message in p for p in problems_for(knowledge_copy))


def test_a_dedented_answer_is_one_problem_at_its_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "treatment.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    slip = next(number for number, line in enumerate(lines, 1) if line.startswith("    answer:"))
    lines[slip - 1] = lines[slip - 1][2:]  # "  answer: |", at the level of the list items
    path.write_text("".join(lines), encoding="utf-8")
    problems = problems_for(knowledge_copy)
    assert len(problems) == 1, problems  # not the dozen links from other files into the broken one
    assert problems[0].startswith(f"{path}:{slip}: YAML syntax: ")
    assert "starts at line" in problems[0] and "indented" in problems[0]


def test_a_dedented_line_inside_an_answer_is_reported_at_that_line(knowledge_copy: Path) -> None:
    """The text ends at the dedented line, which is read as a key; PyYAML gives up lines later."""
    path = knowledge_copy / "faq" / "basics.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    answer = next(number for number, line in enumerate(lines, 1) if line.startswith("    answer: |"))
    slip = next(number for number in range(answer + 2, len(lines) + 1)
                if lines[number - 1].startswith("      ") and lines[number - 2].strip() == "")
    lines[slip - 1] = lines[slip - 1][2:]  # a paragraph of the answer at the level of its keys
    path.write_text("".join(lines), encoding="utf-8")
    problems = problems_for(knowledge_copy)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:{slip}: YAML syntax: ")
    assert "indent it like that text" in problems[0]


def test_links_into_a_broken_file_are_held_back_but_others_are_not(knowledge_copy: Path) -> None:
    broken = knowledge_copy / "faq" / "treatment.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("entries:\n", "entries:\n  - [\n", 1),
                      encoding="utf-8")
    text = "entries:\n" + GOOD_ENTRY.format(id="extra").replace("[cost, how-fast]", "[dissociation, no-such-entry]")
    path = write_faq(knowledge_copy, text)
    problems = problems_for(knowledge_copy)
    assert sorted(p.split(": ")[0].rsplit(":", 1)[0] for p in problems) == sorted([str(broken), str(path)])
    assert f"{path}:8: related id 'no-such-entry' does not exist" in problems


@pytest.mark.parametrize(("old", "new"), [("phrasings:", "phrasing:"), ("answer: ", "answer: ''\n    old_answer: ")])
def test_links_to_an_entry_refused_for_its_own_problem_are_not_reported_too(knowledge_copy: Path, old: str,
                                                                             new: str) -> None:
    # A misspelt key inside one entry also gave "related id 'what-is-ketamine-therapy' does not exist" for every
    # entry linking to it: the entry exists, and the one real problem was buried.
    path = knowledge_copy / "faq" / "basics.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("id: what-is-ketamine-therapy")
    following = text.index(old, start)
    path.write_text(text[:following] + new + text[following + len(old):], encoding="utf-8")
    problems = problems_for(knowledge_copy)
    assert problems and all("does not exist" not in problem for problem in problems), problems


def test_an_over_indented_phrasing_folded_into_the_one_above_is_a_warning(knowledge: Knowledge,
                                                                           knowledge_copy: Path) -> None:
    path = write_faq(knowledge_copy, "entries:\n" + GOOD_ENTRY.format(id="extra").replace(
        "    phrasings: [first way to ask about extra, second way to ask about extra]\n",
        "    phrasings:\n      - first way to ask - about extra\n      - second way to ask\n"
        "        - third way to ask\n      - 'a quoted phrasing\n        - that wraps'\n"))
    loaded = load_knowledge(knowledge_copy)
    assert loaded.by_id["extra"].phrasings[1] == "second way to ask - third way to ask"  # what YAML reads
    assert [(p.path, p.line) for p in loaded.warnings] == [(str(path), 8)]
    assert "ONE item of phrasings: 'second way to ask - third way to ask'" in loaded.warnings[0].message
    assert knowledge.warnings == ()  # the repository's own files have no such slip


@pytest.mark.parametrize(("raw", "line", "message"), [
    (b"entries:\n  - id: caf\xe9\n", 2, "not UTF-8"),
    (b"entries:\n\x00\x01\x02", 2, "looks binary"),
    (b"# " + b"x" * (2 * 1024 * 1024 + 1), 1, "the limit is 2,097,152"),
])
def test_files_that_are_not_yaml_text(knowledge_copy: Path, raw: bytes, line: int, message: str) -> None:
    path = knowledge_copy / "faq" / "zz-extra.yaml"
    path.write_bytes(raw)
    assert any(p.startswith(f"{path}:{line}: ") and message in p for p in problems_for(knowledge_copy))


def test_billion_laughs_is_refused_quickly(knowledge_copy: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join(['*a' + str(i - 1)] * 9)}]" for i in range(1, 9)]
    path = write_faq(knowledge_copy, "\n".join(lines) + "\nentries: []\n")
    assert any(p.startswith(f"{path}:1: ") and "anchors and aliases" in p for p in problems_for(knowledge_copy))


def test_unexpected_file_and_missing_folder(knowledge_copy: Path, tmp_path: Path) -> None:
    stray = knowledge_copy / "faq-old.yaml"
    stray.write_text("entries: []\n", encoding="utf-8")
    assert f"{stray}:1: unexpected knowledge file; expected settings.yaml, smalltalk.yaml, boundaries.yaml, " \
           "crisis.yaml, crisis_examples.yaml, crisis_examples_other_languages.yaml, out_of_scope.yaml, " \
           "crisis_checks.yaml, faq/*.yaml or glossary/*.yaml" \
        in problems_for(knowledge_copy)
    assert problems_for(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}:1: knowledge folder does not exist"]


def test_near_subject_examples_are_checked_like_the_others(knowledge_copy: Path, knowledge: Knowledge) -> None:
    path = knowledge_copy / "out_of_scope.yaml"
    phrasing = knowledge.entries[0].phrasings[0]
    path.write_text("examples:\n  - will it rain this weekend\n  - can dogs eat grapes\nnear_subject:\n"
                    f"  - Can  dogs eat grapes?\n  - {phrasing}\n  - does yoga help back pain\n", encoding="utf-8")
    problems = "\n".join(problems_for(knowledge_copy))
    assert f"{path}:5: out-of-scope example 'Can  dogs eat grapes?' is listed twice" not in problems  # "?" differs
    assert f"{path}:6: phrasing '{phrasing}'" in problems
    path.write_text("examples:\n  - can dogs eat grapes\nnear_subject:\n  - Can  dogs eat GRAPES\n", encoding="utf-8")
    assert problems_for(knowledge_copy) == [f"{path}:4: out-of-scope example 'Can  dogs eat GRAPES' is listed twice"]


def test_unknown_category_and_bad_threshold(knowledge_copy: Path) -> None:
    path = write_faq(knowledge_copy, "entries:\n" + GOOD_ENTRY.format(id="extra").replace("basics", "gossip"))
    settings = knowledge_copy / "settings.yaml"
    settings.write_text(settings.read_text().replace("min_score: ", "min_score: 1"), encoding="utf-8")
    problems = "\n".join(problems_for(knowledge_copy))
    assert f"{path}:3: unknown category 'gossip'" in problems
    assert "min_score must be a number from 0 to 100" in problems


def test_a_name_in_both_subject_lists_is_refused_with_its_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "settings.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  subject_words: [ketamine,", "  subject_words: [ect, ketamine,", 1)
    path.write_text(text, encoding="utf-8")
    line = text[:text.index("    ect, electroconvulsive")].count("\n") + 1
    assert f"{path}:{line}: 'ect' is in both other_treatments and subject_words; it can only be one" \
        in problems_for(knowledge_copy)


@pytest.mark.parametrize(("setting", "shipped", "bad", "allowed"), [
    ("support_margin", "-0.15", "-3", "from -2 to 2"),  # a difference of two cosines
    ("nearest_floor", "0.45", "1.5", "from -1 to 1"),  # a cosine
    ("question_floor", "0.6", "-1.2", "from -1 to 1"),
])
def test_a_semantic_setting_out_of_range_is_refused_with_its_line(knowledge_copy: Path, setting: str, shipped: str,
                                                                   bad: str, allowed: str) -> None:
    path = knowledge_copy / "crisis.yaml"
    text = path.read_text(encoding="utf-8")
    line = text[:text.index(f"  {setting}: ")].count("\n") + 1
    path.write_text(text.replace(f"  {setting}: {shipped}\n", f"  {setting}: {bad}\n", 1), encoding="utf-8")
    assert f"{path}:{line}: semantic {setting} must be a number {allowed}" in problems_for(knowledge_copy)


@pytest.mark.parametrize("setting", ["words", "fused", "rescue_margin", "gloss_patterns", "treatment_categories",
                                     "gloss_treatment_frames", "postposition_languages"])
def test_a_deleted_semantic_setting_is_refused_not_switched_off(knowledge_copy: Path, setting: str) -> None:
    # Deleting "words: 0.95" passed validate and switched the word view's escalation off: the README's own
    # stockpiled-meds example went from crisis to support. Every setting is now written down or refused.
    path = knowledge_copy / "crisis.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"\n  {setting}: ") + 1
    line = text[:text.index("\nsemantic:") + 1].count("\n") + 1
    path.write_text(text[:start] + text[text.index("\n", start) + 1:], encoding="utf-8")
    assert f"{path}:{line + 1}: semantic is missing the required field '{setting}'" in problems_for(knowledge_copy)


def test_crisis_yaml_without_its_semantic_section_is_refused(knowledge_copy: Path) -> None:
    path = knowledge_copy / "crisis.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\nsemantic:") + 1
    path.write_text(text[:start] + text[text.index("\nregions:") + 1:], encoding="utf-8")
    assert any("missing the required field 'semantic'" in problem for problem in problems_for(knowledge_copy))


@pytest.mark.parametrize("written", ["GB", "gb", "uk"])
def test_default_region_is_read_as_the_region_options_are(knowledge_copy: Path, written: str) -> None:
    # --region gb and DEFAULT_REGION=gb were the UK, default_region: GB in crisis.yaml was refused.
    path = knowledge_copy / "crisis.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("default_region: US", f"default_region: {written}", 1),
                    encoding="utf-8")
    assert load_knowledge(knowledge_copy).crisis.default_region == "UK"


def test_ids_must_be_lowercase_words_joined_by_hyphens(knowledge_copy: Path) -> None:
    path = write_faq(knowledge_copy, "entries:\n" + GOOD_ENTRY.format(id="Driving After"))
    smalltalk = knowledge_copy / "smalltalk.yaml"
    text = smalltalk.read_text(encoding="utf-8")
    smalltalk.write_text(text.replace("- id: greeting", "- id: Hi_there", 1).replace("- id: goodbye", "- id: thanks"),
                         encoding="utf-8")
    problems = problems_for(knowledge_copy)
    assert f"{path}:2: id 'Driving After' must be lowercase words joined by hyphens, like 'driving-after'" in problems
    assert f"{smalltalk}:17: id 'Hi_there' must be lowercase words joined by hyphens, like 'hi-there'" in problems
    assert any(p.startswith(f"{smalltalk}:") and "duplicate id 'thanks'" in p for p in problems)


def test_category_must_match_the_file_name(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "treatment.yaml"
    text = path.read_text(encoding="utf-8")
    line = text[: text.index("\n    category: treatment")].count("\n") + 2
    path.write_text(text.replace("\n    category: treatment", "\n    category: safety", 1), encoding="utf-8")
    assert problems_for(knowledge_copy) == [
        f"{path}:{line}: category 'safety' does not match the file name treatment.yaml: this file holds category "
        "'treatment'; move the entry to faq/safety.yaml"]


def test_answer_length_limit_is_an_error(knowledge_copy: Path) -> None:
    def entry(entry_id: str, length: int) -> str:
        return GOOD_ENTRY.format(id=entry_id).replace(f"An answer about {entry_id}.", "a" * length)

    path = write_faq(knowledge_copy, "entries:\n" + entry("at-limit", MAX_ANSWER_CHARS)
                     + entry("over-limit", MAX_ANSWER_CHARS + 1))
    assert problems_for(knowledge_copy) == [
        f"{path}:13: answer is {MAX_ANSWER_CHARS + 1} characters; the limit is {MAX_ANSWER_CHARS}: shorten it or "
        "split the entry"]


def test_file_headers_state_the_rules_validate_enforces() -> None:
    root = Path(__file__).resolve().parents[2] / "knowledge"
    for path in [*sorted((root / "faq").glob("*.yaml")), root / "boundaries.yaml", root / "smalltalk.yaml"]:
        header = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#"))
        flat = " ".join(header.replace("#", " ").split())
        assert f"warning: fewer than {MIN_PHRASINGS} phrasings" in flat, path
        assert "error: an id that is not lowercase words joined by hyphens" in flat, path
        if path.parent.name == "faq":
            assert f"error: an answer over {MAX_ANSWER_CHARS} characters" in flat, path
            assert f"error: a category other than the file name ({path.stem})" in flat, path
        assert not re.search(r"at least \d+|under \d+ characters", flat), path  # no second, other set of rules


def test_crisis_template_with_unknown_placeholder(knowledge_copy: Path) -> None:
    crisis = knowledge_copy / "crisis.yaml"
    crisis.write_text(crisis.read_text().replace("{emergency}", "{emergancy}", 1), encoding="utf-8")
    assert any("response uses unknown placeholder(s) ['emergancy']" in p for p in problems_for(knowledge_copy))


def test_other_language_examples_are_checked_at_their_lines(knowledge_copy: Path) -> None:
    path = knowledge_copy / "crisis_examples_other_languages.yaml"
    path.write_text("xx:\n  crisis:\n    lethal-means: ['tengo la pistola']\n"
                    "es:\n  crisis:\n    shouting: ['grito']\n"
                    "    lethal-means: ['tengo la pistola', 'Tengo  la pistola']\n"
                    "  not_crisis:\n    gossip: ['hola']\n", encoding="utf-8")
    problems = "\n".join(problems_for(knowledge_copy))
    assert f"{path}:2: language 'xx' is not one of crisis.yaml's languages" in problems  # its block
    assert f"{path}:6: es crisis 'shouting' is not a category of crisis.yaml" in problems
    assert f"{path}:7: 'Tengo  la pistola' is listed twice under es" in problems
    assert f"{path}:9: es not_crisis 'gossip' is not a kind of not_crisis in crisis_examples.yaml" in problems


def test_other_language_examples_are_optional(knowledge_copy: Path) -> None:
    (knowledge_copy / "crisis_examples_other_languages.yaml").unlink()
    assert load_knowledge(knowledge_copy).crisis_examples.other_languages == ()
