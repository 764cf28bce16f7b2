"""The CLI from a non-editable install (``pip install .``, as a container image does it).

An installed package lives in site-packages, so it must find the knowledge folder from the
working directory or ``KNOWLEDGE_DIR``, never from its own location.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.timeouts import COLD_START_TIMEOUT

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built and installed (not editable) into a folder of its own; dependencies from this venv."""
    target = tmp_path_factory.mktemp("site")
    source = tmp_path_factory.mktemp("src") / "project"  # a clean copy: no build/ or egg-info left in the checkout
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", "build",
                                                                 "data", ".pytest_cache", ".ruff_cache"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(source)], check=True, capture_output=True, timeout=300)
    return target


def run_installed(installed: Path, cwd: Path, *args: str, env: dict[str, str] | None = None,
                  stdin: str = "") -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if key != "KNOWLEDGE_DIR"}
    environ.update({"PYTHONPATH": str(installed), **(env or {})})
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=environ, input=stdin,
                          capture_output=True, text=True, timeout=COLD_START_TIMEOUT)


def test_it_runs_the_installed_copy_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    code = "import bot, sys; print(bot.__file__)"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(installed)}, timeout=60)
    assert Path(result.stdout.strip()).is_relative_to(installed)


def test_knowledge_from_the_working_directory(installed: Path, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "knowledge", tmp_path / "knowledge")
    result = run_installed(installed, tmp_path, "ask", "--json", "how much does ketamine therapy cost")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "cost"


def test_knowledge_from_the_environment(installed: Path, tmp_path: Path) -> None:
    result = run_installed(installed, tmp_path, "validate", env={"KNOWLEDGE_DIR": str(ROOT / "knowledge")})
    assert result.returncode == 0, result.stderr
    assert f"ok: {ROOT / 'knowledge'}: " in result.stdout


def test_no_knowledge_folder_says_where_it_looked_and_what_to_do(installed: Path, tmp_path: Path) -> None:
    result = run_installed(installed, tmp_path, "ask", "hello")
    assert result.returncode == 1
    assert f"{tmp_path / 'knowledge'}:1: knowledge folder does not exist" in result.stderr
    assert "set KNOWLEDGE_DIR or pass --knowledge DIR" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_encoder_model_ships_inside_the_installed_package(installed: Path) -> None:
    shipped = installed / "bot" / "semantic" / "model"
    for name in ("model.onnx", "tokenizer.json", "SHA256SUMS", "LICENSE", "PROVENANCE.md"):
        assert (shipped / name).read_bytes() == (ROOT / "bot" / "semantic" / "model" / name).read_bytes(), name


def test_the_built_package_carries_the_version_of_bot(installed: Path) -> None:
    import bot

    [metadata] = installed.glob("ketamine_faq_bot-*.dist-info/METADATA")
    assert f"\nVersion: {bot.__version__}\n" in metadata.read_text(encoding="utf-8")


def test_the_installed_copy_migrates_a_database(installed: Path, tmp_path: Path) -> None:
    """The migration scripts ship as package data: `db upgrade` works without the checkout."""
    result = run_installed(installed, tmp_path, "db", "upgrade", env={"DATABASE_URL": "sqlite:///state/bot.db"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: SQLite file state/bot.db is at schema revision ")
    assert (tmp_path / "state" / "bot.db").stat().st_size > 0
