"""The benchmark scripts the README lists exist and load: everything they import is still there.

They are run by hand, never collected by pytest, so nothing else notices when a refactor moves a name they
import: two of them had stopped starting (a constant moved; ``tests/telegram`` shadowing the ``telegram``
library on their import path). Each script is loaded in a fresh interpreter without running its ``main``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def listed_scripts() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return sorted(set(re.findall(r"`python (tests/perf/\w+\.py)", readme)))


def test_the_readme_lists_every_benchmark_script() -> None:
    on_disk = {f"tests/perf/{path.name}" for path in (ROOT / "tests" / "perf").glob("*.py")}
    assert set(listed_scripts()) == on_disk - {"tests/perf/botprocess.py"}  # botprocess: their shared helper


@pytest.mark.parametrize("script", listed_scripts())
def test_a_listed_benchmark_script_loads(script: str) -> None:
    # as ``python SCRIPT`` would: the script's folder first on the import path
    load = f"import runpy, sys; sys.path.insert(0, 'tests/perf'); runpy.run_path({script!r}, run_name='loaded')"
    result = subprocess.run([sys.executable, "-c", load], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
