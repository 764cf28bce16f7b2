"""The command line as operators and the evaluation script use it (real subprocesses)."""

from __future__ import annotations

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

ROOT = Path(__file__).resolve().parents[2]


def run_bot(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=60)


def test_ask_json_one_object_per_stdin_line_in_order(knowledge: Knowledge) -> None:
    lines = ["how much does it cost", "", "hello", "what is the capital of peru", "i want to kill myself"]
    result = run_bot("ask", "--json", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objects) == len(lines)
    assert all(set(o) == {"kind", "id", "options", "score", "reply", "topic", "category"} for o in objects)
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
    assert "normalised:  'ketamin infusoin cost'" in result.stdout
    assert "infusoin -> infusion" in result.stdout
    assert "1. " in result.stdout and "faq:cost" in result.stdout
    assert "decision:    answer cost" in result.stdout


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
    assert re.search(r"--format \{csv,json\}\s+csv for spreadsheets, json for scripts \(default: csv\)",
                     result.stdout), result.stdout


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


def test_validate_strict_fails_on_warnings(knowledge_copy: Path) -> None:
    basics = knowledge_copy / "faq" / "basics.yaml"
    text = basics.read_text(encoding="utf-8")
    thinned = re.sub(r"    phrasings:\n(?:      - .*\n)+", "    phrasings:\n      - only one way to ask this\n",
                     text, count=1)
    basics.write_text(thinned, encoding="utf-8")
    relaxed = run_bot("validate", "--knowledge", str(knowledge_copy))
    assert relaxed.returncode == 0
    assert f"{basics}:" in relaxed.stdout and "phrasings; add at least 6" in relaxed.stdout
    assert "entries per category: " in relaxed.stdout
    strict = run_bot("validate", "--strict", "--knowledge", str(knowledge_copy))
    assert strict.returncode == 1
    assert "--strict" in strict.stderr


def test_export_csv_has_every_entry(knowledge: Knowledge) -> None:
    result = run_bot("export", "--format", "csv")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == "id,question,phrasings,answer,related,category"
    assert all(f"\n{e.id}," in result.stdout for e in knowledge.entries)
