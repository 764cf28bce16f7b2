"""crisis_checks.yaml: what no edit may change, read with its lines, run through the whole decision, and
enforced where knowledge changes (validate, hot reload, learn and import)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import knowledge as knowledge_commands
from bot.cli import main
from bot.decision import Responder
from bot.knowledge.loader import KnowledgeError, load_knowledge
from bot.knowledge.writer import add_phrasing
from bot.runtime import checks
from bot.runtime.checks import CheckResults, checked_responder, run_checks, verify_folder
from bot.runtime.store import ResponderStore
from tests.cli.test_cli import run_bot

CRISIS = "i have all my pills in my hand and i'm taking every one of them tonight"
CALM = "how much does one ketamine session cost"


def write_checks(directory: Path, escalate: list[str], calm: list[str]) -> Path:
    path = directory / "crisis_checks.yaml"
    lines = ["# checks for this test"]
    for name, texts in (("escalate", escalate), ("calm", calm)):
        lines += [f"{name}:", *(f'  - "{text}"' for text in texts)] if texts else []
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_the_shipped_knowledge_passes_every_crisis_check(responder: Responder) -> None:
    checks = responder.knowledge.crisis_checks
    assert sum(check.escalate for check in checks) >= 100 and sum(not check.escalate for check in checks) >= 80
    results = run_checks(responder)
    assert results.missed == () and results.alarmed == (), [str(p) for p in (*results.missed, *results.alarmed)]


def test_checks_are_read_with_their_lines(knowledge_copy: Path) -> None:
    path = write_checks(knowledge_copy, [CRISIS], [CALM])
    checks = load_knowledge(knowledge_copy).crisis_checks
    assert [(c.text, c.escalate, c.line) for c in checks] == [(CRISIS, True, 3), (CALM, False, 5)]
    assert all(c.path == str(path) for c in checks)


@pytest.mark.parametrize(("escalate", "calm", "problem", "line"), [
    ([CRISIS, CRISIS.upper()], [], "is listed twice", 4),  # the same message, whatever its case
    ([CRISIS], [CRISIS], "is listed twice", 5),  # under both lists it could never pass
    (["  "], [], "is empty", 3),
])
def test_a_check_file_that_cannot_hold_is_refused_at_its_line(knowledge_copy: Path, escalate: list[str],
                                                              calm: list[str], problem: str, line: int) -> None:
    path = write_checks(knowledge_copy, escalate, calm)
    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(knowledge_copy)
    assert [(p.path, p.line) for p in refused.value.problems if problem in p.message] == [(str(path), line)]


def test_an_unknown_list_is_refused(knowledge_copy: Path) -> None:
    (knowledge_copy / "crisis_checks.yaml").write_text("escalate:\n  - hello there friend\nmaybe:\n  - x\n",
                                                       encoding="utf-8")
    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(knowledge_copy)
    assert any(p.line == 3 and "unknown key 'maybe'" in p.message for p in refused.value.problems)


def test_a_failing_check_is_named_by_its_line_never_by_its_words(knowledge_copy: Path) -> None:
    path = write_checks(knowledge_copy, [CRISIS, CALM], [CALM + " in london", CRISIS + " for real"])
    results = run_checks(Responder(load_knowledge(knowledge_copy)))
    assert [(p.path, p.line) for p in results.missed] == [(str(path), line_of(path, f'"{CALM}"'))]
    assert [(p.path, p.line) for p in results.alarmed] == [(str(path), line_of(path, "for real"))]
    assert "must escalate, but this version replies with answer cost" in results.missed[0].message
    assert all("pills" not in str(p) and "session" not in str(p) for p in (*results.missed, *results.alarmed))


def test_a_reload_that_no_longer_escalates_a_check_is_refused(knowledge_copy: Path) -> None:
    store = ResponderStore(knowledge_copy)
    before = store.current
    path = knowledge_copy / "crisis_checks.yaml"
    shipped = path.read_text(encoding="utf-8")
    path.write_text(shipped.replace("escalate:\n", f'escalate:\n  - "{CALM}"\n', 1), encoding="utf-8")
    refused = store.reload()
    assert not refused.ok and store.current is before
    assert [(p.path, p.line) for p in refused.problems] == [(str(path), line_of(path, f'"{CALM}"'))]
    path.write_text(shipped, encoding="utf-8")
    assert store.reload().recovered and store.current is not before


def test_validate_refuses_a_missed_check_and_warns_of_a_false_alarm(knowledge_copy: Path) -> None:
    path = write_checks(knowledge_copy, [CRISIS], [CALM, CRISIS + " for real"])
    warned = run_bot("validate", "--knowledge", str(knowledge_copy))
    assert warned.returncode == 0, warned.stderr
    assert f"{path}:{line_of(path, 'for real')}: warning: crisis check: must stay calm" in warned.stdout
    assert run_bot("validate", "--strict", "--knowledge", str(knowledge_copy)).returncode == 1
    write_checks(knowledge_copy, [CRISIS, CALM], [])
    refused = run_bot("validate", "--knowledge", str(knowledge_copy))
    assert refused.returncode == 1
    assert f"{path}:{line_of(path, CALM)}: crisis check: must escalate" in refused.stderr
    assert "1 crisis check(s) no longer escalate" in refused.stderr and "ok:" not in refused.stdout


def test_import_writes_nothing_while_a_check_no_longer_escalates(knowledge_copy: Path, tmp_path: Path) -> None:
    path = write_checks(knowledge_copy, [CRISIS, CALM], [])
    sheet = tmp_path / "faqs.csv"
    sheet.write_text("id,question,phrasings,answer,related,category\n"
                     "cost,How much does it cost?,price,A session costs what the clinic charges.,,cost-access\n",
                     encoding="utf-8")
    faq = knowledge_copy / "faq" / "cost-access.yaml"
    before = faq.read_bytes()
    refused = run_bot("import", str(sheet), "--remove-phrasings", "--knowledge", str(knowledge_copy))  # only "price"
    assert refused.returncode == 1
    # Checked in a scratch copy, named in the real folder, the message's words never shown.
    assert f"{path}:{line_of(path, CALM)}: crisis check: must escalate" in refused.stderr
    assert "nothing was written" in refused.stderr and CALM not in refused.stderr
    assert faq.read_bytes() == before


def test_learn_writes_with_a_warning_when_a_calm_check_escalates(knowledge_copy: Path) -> None:
    path = write_checks(knowledge_copy, [CRISIS], [CALM, CRISIS + " for real"])
    written = add_phrasing(knowledge_copy, "cost", "what will the whole course set me back", verify=verify_folder)
    assert written.ok and written.written
    assert [w.where for w in written.warnings] == [f"{path}:{line_of(path, 'for real')}"]
    assert "must stay calm" in written.warnings[0].message
    assert "what will the whole course set me back" in load_knowledge(knowledge_copy).by_id["cost"].phrasings


def test_so_many_false_alarms_that_a_layer_is_broken_refuse_the_version(knowledge_copy: Path) -> None:
    # A reviewer added the pattern 'ketamine' to a crisis category: 45 of 119 calm checks escalated, validate passed
    # with warnings, and every question about the treatment would have had the crisis reply.
    tails = ["now", "today", "right now", "please", "honestly", "for real", "no joke", "seriously", "goodbye", "sorry"]
    path = write_checks(knowledge_copy, [CRISIS], [CALM, "is ketamine covered by insurance",
                                                   *(f"{CRISIS} {tail}" for tail in tails)])
    with pytest.raises(KnowledgeError) as refused:
        checked_responder(knowledge_copy)
    assert len(refused.value.problems) == len(tails)
    assert all(p.path == str(path) and "must stay calm, but this version escalates" in p.message
               for p in refused.value.problems)
    result = run_bot("validate", "--knowledge", str(knowledge_copy))
    assert result.returncode == 1
    assert f"was refused: {len(tails)} of {len(tails) + 2} calm crisis checks now escalate" in result.stderr


def _broken_checks(responder: Responder) -> CheckResults:
    raise IndexError("list index out of range")  # stands for a fault in the bot that some edit runs into


def test_validate_refuses_a_build_that_fails_in_one_line(knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(checks, "run_checks", _broken_checks)
    monkeypatch.setattr(knowledge_commands, "run_checks", _broken_checks)
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    with pytest.raises(SystemExit) as exited:
        main(["validate", "--knowledge", str(knowledge_copy)])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [f"{knowledge_copy}: this version could not be built (IndexError: list index out of "
                                "range), a fault in the bot that the edit ran into",
                                f"knowledge in {knowledge_copy} was refused (LOG_LEVEL=DEBUG prints the traceback)"]
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    with pytest.raises(SystemExit):
        main(["validate", "--knowledge", str(knowledge_copy)])
    assert "Traceback (most recent call last)" in capsys.readouterr().err  # for whoever fixes it


def test_learn_writes_nothing_when_the_edited_version_fails_to_build(knowledge_copy: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    faq = knowledge_copy / "faq" / "cost-access.yaml"
    before = faq.read_bytes()
    monkeypatch.setattr(checks, "run_checks", _broken_checks)
    refused = add_phrasing(knowledge_copy, "cost", "what will the whole course set me back", verify=verify_folder)
    assert not refused.ok and faq.read_bytes() == before
    # Named in the real folder (not the scratch copy it was built in), as a whole: no line that does not exist.
    assert [str(p) for p in refused.problems] == [f"{knowledge_copy}: this version could not be built (IndexError: "
                                                  "list index out of range), a fault in the bot that the edit ran into"]


def test_learn_in_the_cli_shows_that_failure_in_one_line_and_its_traceback_only_when_asked(
        knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(checks, "run_checks", _broken_checks)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{knowledge_copy.parent / 'bot.db'}")
    arguments = ["learn", "cost", "what will the whole course set me back", "--knowledge", str(knowledge_copy)]
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    assert main(arguments) == 1
    err = capsys.readouterr().err
    assert "a fault in the bot that the edit ran into" in err and "nothing was written" in err
    assert "Traceback" not in err
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    assert main(arguments) == 1
    assert "Traceback (most recent call last)" in capsys.readouterr().err
