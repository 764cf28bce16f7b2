"""The package layout is a contract: layering checked by import-linter, and module size bounds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_MODULE_LINES = 450


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on ``project`` (its pyproject.toml and its bot/ package), without a cache."""
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run([sys.executable, "-c", code, "--no-cache"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "bot", tmp_path / "bot", ignore=shutil.ignore_patterns("__pycache__", "*.onnx"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_repository_keeps_its_import_contracts(project_copy: Path) -> None:
    result = lint_imports(project_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("bot/matching/lexical.py", "import telegram", "The core never imports python-telegram-bot"),
    ("bot/crisis/detector.py", "import bot.knowledge.loader", "each core layer imports only the layers below"),
    ("bot/decision.py", "import bot.telegram.format", "each core layer imports only the layers below"),
])
def test_a_forbidden_import_breaks_the_contract(project_copy: Path, module: str, line: str, contract: str) -> None:
    path = project_copy / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # a layering mistake\n", encoding="utf-8")
    result = lint_imports(project_copy)
    assert result.returncode != 0
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout


def test_no_module_is_too_long_to_read() -> None:
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "bot").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_the_top_level_holds_entry_points_and_packages() -> None:
    bot = ROOT / "bot"
    modules = sorted(p.name for p in bot.glob("*.py"))
    packages = sorted(p.name for p in bot.iterdir() if (p / "__init__.py").is_file())
    assert len(modules) <= 6, modules
    assert len(packages) >= 4, packages
    for package in packages:  # each says what it is for and what it may import
        init = (bot / package / "__init__.py").read_text(encoding="utf-8")
        assert init.lstrip().startswith('"""'), package
