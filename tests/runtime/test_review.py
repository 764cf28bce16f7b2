"""The review groups unanswered questions by meaning and suggests an entry from the current knowledge."""

from __future__ import annotations

import datetime as dtm
import json
import os
import subprocess
import sys
from pathlib import Path

from bot.decision import Responder
from bot.runtime.review import group
from bot.storage.repositories import Question

ROOT = Path(__file__).resolve().parents[2]
DAY = dtm.date(2030, 1, 1)


def asked(*texts: str) -> list[Question]:
    return [Question(t, "fallback", (), 10.0, "v", DAY) for t in texts]


def test_wordings_of_one_question_form_one_group_with_counts(responder: Responder) -> None:
    groups = group(asked("is there wifi in the infusion room", "is there wifi in the infusion room",
                         "is wifi available during the infusion", "can i bring my dog to the clinic",
                         "are dogs allowed at the clinic"), responder)
    assert [(g.text, g.count) for g in groups] == [("is there wifi in the infusion room", 3),
                                                   ("can i bring my dog to the clinic", 2)]
    assert groups[0].examples == ["is wifi available during the infusion"]
    assert groups[0].suggested == "session-experience" and groups[0].now == "fallback"


def test_a_question_the_knowledge_now_answers_says_so(responder: Responder) -> None:
    [answered] = group(asked("how much does it cost"), responder)
    assert (answered.suggested, answered.now) == ("cost", "answer")


def test_review_json_on_an_empty_database(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "review", "--json"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"days": 30, "unanswered": [], "feedback": {}, "decisions": {
        "7": dict.fromkeys(("answers", "clarify", "fallback", "smalltalk", "crisis"), 0),
        "30": dict.fromkeys(("answers", "clarify", "fallback", "smalltalk", "crisis"), 0)}}
    text = subprocess.run([sys.executable, "-m", "bot", "review"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert text.returncode == 0 and "none stored" in text.stdout and "Decision mix:" in text.stdout
