"""The command line as operators and the evaluation script use it (real subprocesses)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import bot
from bot.knowledge.model import Knowledge
from tests.support.environment import variables_read
from tests.support.timeouts import COLD_START_TIMEOUT

ROOT = Path(__file__).resolve().parents[2]


def run_bot(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=COLD_START_TIMEOUT)


def test_ask_json_one_object_per_stdin_line_in_order(knowledge: Knowledge) -> None:
    lines = ["how much does it cost", "", "hello", "what is the capital of peru", "i want to kill myself"]
    result = run_bot("ask", "--json", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objects) == len(lines)
    assert all(set(o) == {"kind", "id", "options", "score", "reply", "topic", "category", "layer", "language"}
               for o in objects)
    assert [o["kind"] for o in objects] == ["answer", "fallback", "smalltalk", "fallback", "crisis"]
    assert objects[0]["id"] == "cost"
    assert objects[0]["reply"] == knowledge.by_id["cost"].answer
    assert all(0 <= o["score"] <= 100 for o in objects)
    assert "988" in objects[4]["reply"]


def test_ask_arguments_are_messages() -> None:
    result = run_bot("ask", "--json", "spravto", "insurence coverage?")
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["esketamine-spravato", "insurance"]


def test_ask_explain_shows_the_reasoning() -> None:
    result = run_bot("ask", "--explain", "ketamin infusoin cost")
    assert result.returncode == 0
    assert "mended:      'ketamin infusion cost'" in result.stdout  # the typo, put right before reading
    assert "normalised:  'ketamin infusion cost'" in result.stdout
    assert "1. " in result.stdout and "faq:cost" in result.stdout
    assert "decision:    answer cost" in result.stdout


def test_boundary_declines_name_their_topic() -> None:
    answer = json.loads(run_bot("ask", "--json", "is ketamine legal where i live").stdout)
    assert (answer["kind"], answer["id"], answer["topic"]) == ("fallback", None, "legality")
    explained = run_bot("ask", "--explain", "is ketamine legal where i live").stdout
    assert explained.rstrip().splitlines()[-1].endswith("(declines boundary topic legality)")


def test_validate_good_and_bad(knowledge_copy: Path) -> None:
    good = run_bot("validate", "--knowledge", str(knowledge_copy))
    assert good.returncode == 0
    assert f"\nok: {knowledge_copy}: " in "\n" + good.stdout
    broken = knowledge_copy / "faq" / "basics.yaml"
    broken.write_text(broken.read_text().replace("related: [", "related: [nowhere, ", 1), encoding="utf-8")
    bad = run_bot("validate", "--knowledge", str(knowledge_copy))
    assert bad.returncode == 1
    assert f"{broken}:" in bad.stderr
    assert "related id 'nowhere' does not exist" in bad.stderr


def test_validate_names_a_yaml_slip_at_its_line_and_nothing_else(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "treatment.yaml"
    text = path.read_text(encoding="utf-8")
    slip = text[: text.index("\n    answer:")].count("\n") + 2
    path.write_text(text.replace("\n    answer:", "\n  answer:", 1), encoding="utf-8")
    result = run_bot("validate", str(knowledge_copy))
    assert result.returncode == 1 and result.stdout == ""
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(knowledge_copy))]
    assert len(problems) <= 3, problems
    assert problems[0].startswith(f"{path}:")
    assert abs(int(problems[0].split(":")[1]) - slip) <= 3


def test_knowledge_dir_from_environment(knowledge_copy: Path) -> None:
    (knowledge_copy / "settings.yaml").write_text("categories: {}\n", encoding="utf-8")
    result = run_bot("ask", "--json", "cost", env={"KNOWLEDGE_DIR": str(knowledge_copy)})
    assert result.returncode == 1
    assert "settings.yaml:1: the settings file is missing the required field 'texts'" in result.stderr


def test_piped_chat_prints_the_answer_and_exits(knowledge: Knowledge) -> None:
    result = run_bot("chat", stdin="how much does it cost\n")
    assert result.returncode == 0
    assert knowledge.by_id["cost"].answer.strip() in result.stdout
    assert "Related questions:" in result.stdout
    assert "  1. " in result.stdout


def test_chat_number_picks_a_suggestion(knowledge: Knowledge) -> None:
    first_related = knowledge.by_id[knowledge.by_id["cost"].related[0]]
    result = run_bot("chat", stdin="how much does it cost\n1\n")
    assert first_related.answer.strip() in result.stdout


@pytest.mark.parametrize("command", ["run", "chat", "ask", "validate", "export", "import"])
def test_every_command_has_help(command: str) -> None:
    result = run_bot(command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: python -m bot {command} ")


def test_the_installed_script_names_itself() -> None:
    script = Path(sys.executable).with_name("ketamine-bot")  # installed by `pip install -e .` next to python
    result = subprocess.run([str(script), "validate", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: ketamine-bot validate ")
    assert "python -m bot" not in result.stdout


def test_version_is_the_package_version() -> None:
    result = run_bot("--version")
    assert result.returncode == 0
    assert result.stdout == f"ketamine-faq-bot {bot.__version__}\n"


def test_pyproject_takes_the_version_from_the_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "bot.__version__"}


def test_export_format_says_its_choices_and_default() -> None:
    result = run_bot("export", "--help")
    assert re.search(r"--format \{csv,json,xlsx\}\s+csv: ", result.stdout), result.stdout
    assert "(default: the --output file's suffix, else csv)" in " ".join(result.stdout.split())


def test_run_help_lists_every_variable_the_code_reads() -> None:
    result = run_bot("run", "--help")
    read = variables_read()
    listed = dict(re.findall(r"^  ([A-Z][A-Z0-9_]+) +(\S.*)$", result.stdout, flags=re.MULTILINE))
    assert read <= set(listed), read - set(listed)
    assert set(listed) <= read, "run --help lists a variable nothing reads"


def test_validate_takes_the_folder_as_knowledge_like_every_command(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"  # the old positional form still names the folder checked, with a note
    old = run_bot("validate", str(missing))
    assert old.returncode == 1
    assert old.stderr.startswith(f"note: 'validate DIR' is the old form; use 'validate --knowledge {missing}'\n")
    assert f"{missing}:1: knowledge folder does not exist" in old.stderr
    both = run_bot("validate", str(missing), "--knowledge", str(ROOT / "knowledge"))
    assert both.returncode == 2
    assert both.stderr.startswith("error: two folders given") and both.stdout == ""


def test_validate_warns_of_an_entry_with_too_few_or_too_many_related_ids(knowledge_copy: Path) -> None:
    # The file headers and the README say 2-4 related ids; 0, 1 or 5 passed without a word.
    basics = knowledge_copy / "faq" / "basics.yaml"
    text = basics.read_text(encoding="utf-8")
    first = re.search(r"\n    related: \[[^\]]*\]", text)
    assert first is not None
    basics.write_text(text[:first.start()] + "\n    related: [cost]" + text[first.end():], encoding="utf-8")
    result = run_bot("validate", "--knowledge", str(knowledge_copy))
    assert result.returncode == 0, result.stderr
    assert re.search(rf"{re.escape(str(basics))}:\d+: warning: entry '[a-z-]+' lists 1 related ids; give 2 to 4",
                     result.stdout), result.stdout
    assert result.stdout.count("related ids; give 2 to 4") == 1  # the shipped knowledge has none


def test_validate_strict_fails_on_warnings(knowledge_copy: Path) -> None:
    basics = knowledge_copy / "faq" / "basics.yaml"
    text = basics.read_text(encoding="utf-8")
    thinned = re.sub(r"    phrasings:\n(?:      - .*\n)+", "    phrasings:\n      - only one way to ask this\n",
                     text, count=1)
    basics.write_text(thinned, encoding="utf-8")
    relaxed = run_bot("validate", "--knowledge", str(knowledge_copy))
    assert relaxed.returncode == 0
    assert f"{basics}:" in relaxed.stdout and "phrasings; add at least 10" in relaxed.stdout
    assert "entries per category: " in relaxed.stdout
    assert f"\nok: {knowledge_copy}: " in relaxed.stdout
    strict = run_bot("validate", "--strict", "--knowledge", str(knowledge_copy))
    assert strict.returncode == 1
    assert "ok:" not in strict.stdout  # output and exit status agree
    assert strict.stderr.startswith(f"failed: {knowledge_copy}: ") and "--strict counts warnings" in strict.stderr


def test_validate_warns_of_a_phrasing_about_another_treatment(knowledge_copy: Path) -> None:
    basics = knowledge_copy / "faq" / "basics.yaml"
    text = basics.read_text(encoding="utf-8")
    basics.write_text(text.replace("    phrasings:\n", "    phrasings:\n      - is prozac the same kind of thing\n", 1),
                      encoding="utf-8")
    result = run_bot("validate", "--knowledge", str(knowledge_copy))
    assert result.returncode == 0
    assert "phrasing 'is prozac the same kind of thing' of 'what-is-ketamine-therapy' names 'prozac' and no word " \
           "of the subject" in result.stdout


def test_export_csv_has_every_entry(knowledge: Knowledge) -> None:
    result = run_bot("export", "--format", "csv")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == "id,question,phrasings,answer,related,category,keywords,hotline_footer"
    assert all(f"\n{e.id}," in result.stdout for e in knowledge.entries)
    workbook = subprocess.run([sys.executable, "-m", "bot", "export", "--format", "xlsx"], capture_output=True,
                              cwd=ROOT, timeout=60)
    assert workbook.returncode == 0 and workbook.stdout.startswith(b"PK")  # a workbook, to a pipe or a file


def test_export_writes_what_the_output_name_says_and_refuses_a_contradiction(tmp_path: Path) -> None:
    # "export --output faqs.xlsx" wrote CSV into faqs.xlsx, which import then could not read.
    workbook = tmp_path / "faqs.xlsx"
    assert run_bot("export", "--output", str(workbook)).returncode == 0
    assert workbook.read_bytes().startswith(b"PK")
    wrong = run_bot("export", "--format", "csv", "--output", str(tmp_path / "other.xlsx"))
    assert wrong.returncode == 2 and "--format csv does not fit" in wrong.stderr
    assert not (tmp_path / "other.xlsx").exists()


def test_a_json_export_is_refused_by_import_in_words_that_say_why(knowledge_copy: Path, tmp_path: Path) -> None:
    exported = tmp_path / "faqs.json"
    assert run_bot("export", "--knowledge", str(knowledge_copy), "--output", str(exported)).returncode == 0
    assert exported.read_text(encoding="utf-8").lstrip().startswith("[")
    result = run_bot("import", str(exported), "--knowledge", str(knowledge_copy))
    assert result.returncode == 1
    assert f"{exported}: a JSON export cannot be imported; export as csv or xlsx" in result.stderr
    assert "unknown column" not in result.stderr


def test_import_takes_phrasings_out_only_when_asked(knowledge_copy: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "faqs.csv"
    assert run_bot("export", "--knowledge", str(knowledge_copy), "--output", str(sheet)).returncode == 0
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8"))))
    cost = next(row for row in rows if row[0] == "cost")
    cost[2] = " | ".join(cost[2].split(" | ")[1:])  # one phrasing fewer: as if it had been learnt after the export
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    sheet.write_text(buffer.getvalue(), encoding="utf-8")
    refused = run_bot("import", str(sheet), "--knowledge", str(knowledge_copy))
    assert refused.returncode == 1
    assert "the sheet takes out 1 phrasing(s) of 'cost'" in refused.stderr and "nothing was written" in refused.stderr
    asked = run_bot("import", str(sheet), "--remove-phrasings", "--knowledge", str(knowledge_copy))
    assert asked.returncode == 0, asked.stderr
    assert "updated cost" in asked.stdout and "  phrasings: -" in asked.stdout


def test_export_edit_import_export_gives_back_the_edited_sheet(knowledge_copy: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "faqs.csv"
    assert run_bot("export", "--knowledge", str(knowledge_copy), "--output", str(sheet)).returncode == 0
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8"))))
    next(row for row in rows if row[0] == "cost")[3] = "A session costs what the clinic charges; ask first."
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)  # as a spreadsheet saves it
    edited = buffer.getvalue()
    sheet.write_text(edited, encoding="utf-8")
    before = (knowledge_copy / "faq" / "cost-access.yaml").read_bytes()
    dry = run_bot("import", str(sheet), "--dry-run", "--knowledge", str(knowledge_copy))
    assert dry.returncode == 0, dry.stderr
    assert "would update cost (row 13):" in dry.stdout and "  answer: '" in dry.stdout
    assert "dry run: 1 entries would change; nothing was written" in dry.stdout
    assert (knowledge_copy / "faq" / "cost-access.yaml").read_bytes() == before
    done = run_bot("import", str(sheet), "--knowledge", str(knowledge_copy))
    assert done.returncode == 0, done.stderr
    assert "updated cost (row 13):" in done.stdout
    assert run_bot("export", "--knowledge", str(knowledge_copy)).stdout == edited
    again = run_bot("import", str(sheet), "--knowledge", str(knowledge_copy))
    assert "no changes" in again.stdout
    answer = json.loads(run_bot("ask", "--json", "--knowledge", str(knowledge_copy), "how much does it cost").stdout)
    assert answer["reply"].startswith("A session costs what the clinic charges")


def test_import_problems_name_row_and_column(knowledge_copy: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "faqs.csv"
    sheet.write_text("id;question;phrasings;answer;related;category\ncost;;price;An answer.;;cost-access\n",
                     encoding="utf-8")
    result = run_bot("import", str(sheet), "--knowledge", str(knowledge_copy))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [f"{sheet} row 2, column question (B): is empty",
                                          "nothing was written: 1 problem(s)"]


@pytest.mark.parametrize("args", [("chat", "--region", "XX"), ("ask", "--region", "ATLANTIS", "hello")])
def test_an_unknown_region_is_refused_with_the_known_ones(args: tuple[str, ...]) -> None:
    result = run_bot(*args)
    assert result.returncode == 2
    assert "is not a region of crisis.yaml; known: US, UK," in result.stderr and "GB (= UK)" in result.stderr


def test_gb_is_the_uk() -> None:
    result = run_bot("ask", "--json", "--region", "gb", "i want to kill myself")
    assert "116 123" in json.loads(result.stdout)["reply"]


def test_ask_reads_default_region_as_the_bot_does_and_region_wins() -> None:
    # ask and chat ignored DEFAULT_REGION: a UK operator trying a crisis message saw US numbers.
    crisis = "i want to kill myself"
    result = run_bot("ask", "--json", crisis, env={"DEFAULT_REGION": "gb"})
    assert result.returncode == 0, result.stderr
    assert "116 123" in json.loads(result.stdout)["reply"] and "988" not in json.loads(result.stdout)["reply"]
    chosen = run_bot("ask", "--json", "--region", "US", crisis, env={"DEFAULT_REGION": "UK"})
    assert "988" in json.loads(chosen.stdout)["reply"]


@pytest.mark.parametrize("command", [("ask", "hello"), ("chat",)])
def test_an_unknown_default_region_stops_ask_and_chat(command: tuple[str, ...]) -> None:
    result = run_bot(*command, env={"DEFAULT_REGION": "XX"})
    assert result.returncode == 2 and result.stdout == ""
    assert "DEFAULT_REGION 'XX' is not a region of crisis.yaml; known: US, UK," in result.stderr


def test_an_unknown_default_region_stops_the_bot(tmp_path: Path) -> None:
    token = "123456789:AAF-test_token-0123456789abcdefghijk"
    result = run_bot("run", env={"TELEGRAM_BOT_TOKEN": token, "DEFAULT_REGION": "XX",
                                 "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot"})
    assert result.returncode == 2
    assert "DEFAULT_REGION 'XX' is not a region of crisis.yaml" in result.stderr
