"""The README's worked "Editing knowledge" example runs as written and decides what it shows.

Scores move with every knowledge edit and refit, so only the decisions (kind and entry) are
compared; the commands themselves are taken from the README, so an edit there is tested too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = "/tmp/kb"  # the README's scratch copy; each test run uses a folder of its own instead


def worked_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Editing knowledge"):]
    section = section[:section.index("\n## ", 1)]
    return section[section.index("**When the bot misses a question**"):]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def shell(command: str, scratch: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("KNOWLEDGE_DIR", None)
    return subprocess.run(["bash", "-euo", "pipefail", "-c", command.replace(SCRATCH, str(scratch))], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)


def decision(output: str) -> list[str]:
    """``decision:    answer maintenance score 44.7`` as ``["answer", "maintenance"]``."""
    [line] = [line for line in output.splitlines() if line.startswith("decision:")]
    return line.split()[1:3]


def test_the_worked_example_runs_as_written(tmp_path: Path) -> None:
    example = worked_example()
    [setup] = blocks(example, "bash")
    prepared = shell(setup.replace("\\\n", " "), tmp_path / "kb")
    assert prepared.returncode == 0, prepared.stderr
    sessions = blocks(example, "text")
    assert sessions, "the example shows no session"
    checked = 0
    for session in sessions:
        for step in re.split(r"^\$ ", session, flags=re.MULTILINE)[1:]:
            command, _, shown = step.partition("\n")
            if command.startswith("python -m bot validate"):
                continue  # .ci/run runs `validate --strict` on this knowledge already
            result = shell(command, tmp_path / "kb")
            assert result.returncode == 0, (command, result.stderr)
            assert decision(result.stdout) == decision(shown), command
            checked += 1
    assert checked == 2  # the miss replayed on the copy, and the fixed knowledge
