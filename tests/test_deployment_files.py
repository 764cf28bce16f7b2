"""The deployment files agree with the code: every variable documented, health checks on /healthz.

The variable names the code reads come from its source (``tests/support/environment.py``), so a
new setting that ``app.json`` (the Heroku button's form) or ``.env.example`` forgets fails here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from bot.telegram.settings import DEFAULT_PORT
from bot.telegram.webhook import HEALTH_PATH
from tests.support.environment import variables_read

ROOT = Path(__file__).resolve().parents[1]
PLATFORM_SET = {"PORT"}  # the platform provides it; a form field for it would only invite mistakes
# The storage work (issue 14) reads these; documented ahead of it so a deploy made now stays valid.
STORAGE = {"DATABASE_URL", "STATE_SECRET", "UNANSWERED_RETENTION_DAYS"}


def app_json_env() -> dict[str, dict[str, object]]:
    return json.loads((ROOT / "app.json").read_text(encoding="utf-8"))["env"]


def env_example_names() -> list[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE)


def test_app_json_lists_every_variable_the_bot_reads_with_a_description() -> None:
    env = app_json_env()
    read = variables_read()
    assert read - PLATFORM_SET <= set(env), read - PLATFORM_SET - set(env)
    assert set(env) <= read | STORAGE, set(env) - read - STORAGE  # nothing nobody reads
    assert not set(env) & PLATFORM_SET
    assert all(len(str(spec.get("description", ""))) > 20 for spec in env.values())
    assert env["TELEGRAM_BOT_TOKEN"]["required"] is True
    assert env["UNANSWERED_RETENTION_DAYS"]["value"] == "0"  # storing questions is opt-in


def test_env_example_has_the_same_variables_once_each() -> None:
    names = env_example_names()
    assert len(names) == len(set(names)), names
    assert set(names) == set(app_json_env()) | PLATFORM_SET


def test_fly_checks_the_health_path_on_the_port_the_bot_listens_on() -> None:
    fly = tomllib.loads((ROOT / "fly.toml").read_text(encoding="utf-8"))
    assert (ROOT / fly["build"]["dockerfile"]).is_file()
    assert fly["http_service"]["internal_port"] == int(fly["env"]["PORT"]) == DEFAULT_PORT
    [check] = fly["http_service"]["checks"]
    assert (check["method"], check["path"]) == ("GET", HEALTH_PATH)
    assert fly["kill_signal"] in ("SIGTERM", "SIGINT")  # both stop the bot gracefully


def test_render_runs_one_docker_web_service_checked_on_the_health_path() -> None:
    [service] = yaml.safe_load((ROOT / "render.yaml").read_text(encoding="utf-8"))["services"]
    assert (service["type"], service["runtime"], service["numInstances"]) == ("web", "docker", 1)
    assert (ROOT / service["dockerfilePath"]).is_file()
    assert service["healthCheckPath"] == HEALTH_PATH
    keys = {var["key"]: var for var in service["envVars"]}
    assert keys["TELEGRAM_BOT_TOKEN"] == {"key": "TELEGRAM_BOT_TOKEN", "sync": False}  # never in the file
    assert "WEBHOOK_SECRET" not in keys  # Render generates base64, which Telegram refuses as a secret


def test_every_process_runs_the_same_command() -> None:
    procfile = (ROOT / "Procfile").read_text(encoding="utf-8")
    processes = dict(re.findall(r"^(\w+): (.+)$", procfile, flags=re.MULTILINE))
    assert processes == {"web": "python -m bot run", "worker": "python -m bot run"}


def test_readme_has_the_heroku_button() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "[![Deploy to Heroku](https://www.herokucdn.com/deploy/button.svg)](https://heroku.com/deploy" in readme


def test_heroku_builds_the_embedding_cache_into_the_slug(tmp_path: Path) -> None:
    """bin/post_compile (run by Heroku's Python buildpack after installing) leaves a warm cache behind."""
    hook = ROOT / "bin" / "post_compile"
    assert os.access(hook, os.X_OK)
    environment = {**os.environ, "CACHE_DIR": str(tmp_path / "cache"),
                   "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(hook)], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    assert any((tmp_path / "cache").iterdir())
