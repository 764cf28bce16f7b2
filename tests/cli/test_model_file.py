"""A missing or corrupt model file stops the start with one line naming the file and how to rebuild it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.semantic.encoder import DEFAULT_MODEL_DIR

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456789:AAF-test_token-0123456789abcdefghijk"


def run(*args: str, model: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MODEL_DIR": str(model), "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot"}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)


@pytest.fixture
def corrupt(tmp_path: Path) -> Path:
    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, model)
    data = bytearray((model / "model.onnx").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (model / "model.onnx").write_bytes(bytes(data))
    return model


@pytest.mark.parametrize("command", [("ask", "hello"), ("validate",), ("run",), ("chat",)])
def test_a_corrupt_model_stops_every_command_in_one_line(corrupt: Path, command: tuple[str, ...]) -> None:
    result = run(*command, model=corrupt)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert lines == [f"error: {corrupt / 'model.onnx'}: sha256 {lines[0].split('sha256 ')[1]}"]
    assert "rebuild it with: bash scripts/build_model.sh" in lines[0]
    assert "Traceback" not in result.stderr


def test_a_missing_model_file_is_named(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, model)
    (model / "tokenizer.json").unlink()
    result = run("ask", "hello", model=model)
    assert result.returncode == 1
    assert f"error: {model / 'tokenizer.json'}: missing; rebuild it with: bash scripts/build_model.sh" in result.stderr
