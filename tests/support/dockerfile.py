"""Replaying a Dockerfile without a Docker engine: its build steps, on the local file system.

CI machines have no Docker engine, so the test that proves the image works builds a stand-in: a
folder playing the image's root file system, with WORKDIR, COPY (from the build context as
``.dockerignore`` leaves it), ENV and RUN replayed in order, and every ``pip install`` run with
the pip of a clean virtual environment (playing the image's Python). The steps are read from the
Dockerfile itself, so the test follows the file: a new kind of step fails until this module
learns to replay it or says why it can be skipped.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

# RUN commands that need root or a real image and change nothing the bot's behaviour depends on:
# the non-root user and its ownership of data/ (the Dockerfile's USER line is checked separately).
SKIPPED_COMMANDS = {"useradd": "needs root; the USER line is checked instead", "chown": "ownership, as above"}


@dataclass
class Instruction:
    keyword: str
    arguments: str
    line: int


def instructions(dockerfile: Path) -> list[Instruction]:
    """The Dockerfile's instructions: continuation lines joined, comments dropped."""
    result: list[Instruction] = []
    parts: list[str] = []
    start = 0
    for number, raw in enumerate(dockerfile.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue  # Docker drops comment lines, also between continuation lines
        if not parts:
            start = number
        parts.append(line.removesuffix("\\").strip())
        if line.endswith("\\"):
            continue
        keyword, _, arguments = " ".join(parts).partition(" ")
        result.append(Instruction(keyword.upper(), arguments.strip(), start))
        parts = []
    assert not parts, "the Dockerfile ends inside a continued line"
    return result


def exec_form(arguments: str) -> list[str]:
    """A JSON exec form such as ``["python", "-m", "bot", "run"]``."""
    value = json.loads(arguments)
    assert isinstance(value, list) and all(isinstance(item, str) for item in value), arguments
    return value


def dockerignore_filter(context: Path) -> Callable[[str, list[str]], set[str]]:
    """A ``copytree`` ignore function applying ``.dockerignore`` (Go's filepath.Match plus ``**``)."""
    lines = (context / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]
    assert not any(p.startswith("!") for p in patterns), "exceptions (!) are not replayed here"
    compiled = [_glob(p) for p in patterns]

    def ignore(directory: str, names: list[str]) -> set[str]:
        relative = PurePosixPath(Path(directory).relative_to(context).as_posix())
        return {name for name in names
                if any(rx.fullmatch(str(relative / name).removeprefix("./")) for rx in compiled)}

    return ignore


def _glob(pattern: str) -> re.Pattern[str]:
    pattern = str(PurePosixPath(pattern.lstrip("/")))
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out, i = out + pattern[i:end + 1], end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


@dataclass
class Image:
    """The replayed image: its root folder, its Python, and what the Dockerfile declared."""

    root: Path
    python: Path
    workdir: PurePosixPath = field(default_factory=lambda: PurePosixPath("/"))
    env: dict[str, str] = field(default_factory=dict)
    user: str = "root"
    cmd: list[str] = field(default_factory=list)
    healthcheck: list[str] = field(default_factory=list)
    base: str = ""
    skipped: list[str] = field(default_factory=list)

    def path(self, container_path: str | PurePosixPath) -> Path:
        """Where a path inside the image is in the stand-in root."""
        absolute = self.workdir / container_path
        return self.root / str(absolute).lstrip("/")

    def environment(self, base: dict[str, str]) -> dict[str, str]:
        """``base`` with the image's ENV (absolute paths moved into the root) and its Python first on PATH."""
        declared = {key: str(self.path(value)) if value.startswith("/") else value for key, value in self.env.items()}
        return {**base, **declared, "PATH": f"{self.python.parent}{os.pathsep}{base.get('PATH', '')}"}


def replay(dockerfile: Path, context: Path, root: Path, python: Path, pip_env: dict[str, str]) -> Image:
    """Build the stand-in image in ``root`` with the virtual environment whose interpreter is ``python``."""
    image = Image(root=root, python=python)
    staged = root.parent / "context"  # the build context as Docker sends it: .dockerignore applied
    shutil.copytree(context, staged, ignore=dockerignore_filter(context))
    for step in instructions(dockerfile):
        where = f"{dockerfile.name}:{step.line}"
        if step.keyword == "FROM":
            image.base = step.arguments
        elif step.keyword == "WORKDIR":
            image.workdir = image.workdir / step.arguments
            image.path(".").mkdir(parents=True, exist_ok=True)
        elif step.keyword == "COPY":
            *sources, target = shlex.split(step.arguments)
            assert not any(s.startswith("--") for s in sources), f"{where}: COPY options are not replayed"
            _copy(staged, [staged / s for s in sources], image.path(target), target.endswith("/") or len(sources) > 1)
        elif step.keyword == "ENV":
            pairs = [item.partition("=") for item in shlex.split(step.arguments)]
            assert all(sep for _, sep, _ in pairs), f"{where}: use ENV KEY=VALUE"
            image.env.update((key, value) for key, _, value in pairs)
        elif step.keyword == "RUN":
            for command in _commands(step.arguments):
                _run(image, command, pip_env, where)
        elif step.keyword == "USER":
            image.user = step.arguments
        elif step.keyword == "CMD":
            image.cmd = exec_form(step.arguments)
        elif step.keyword == "HEALTHCHECK":
            image.healthcheck = exec_form(step.arguments.partition(" CMD ")[2])
        elif step.keyword != "EXPOSE":  # EXPOSE only documents the port
            raise AssertionError(f"{where}: {step.keyword} is not replayed; teach tests/support/dockerfile.py")
    return image


def _copy(context: Path, sources: list[Path], target: Path, into: bool) -> None:
    for source in sources:
        assert source.exists(), f"COPY source {source.relative_to(context)} is not in the build context"
        if source.is_dir():  # Docker copies a directory's contents
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            destination = target / source.name if into else target
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


def _commands(arguments: str) -> list[list[str]]:
    """A shell-form RUN as its ``&&``-joined commands (nothing fancier is replayed)."""
    words = shlex.split(arguments)
    assert not any(w in (";", "||", "|") or w.startswith(("$(", "`")) for w in words), arguments
    commands: list[list[str]] = [[]]
    for word in words:
        if word == "&&":
            commands.append([])
        else:
            commands[-1].append(word)
    return commands


def _run(image: Image, command: list[str], pip_env: dict[str, str], where: str) -> None:
    name, *arguments = command
    cwd = image.path(".")
    if name == "pip":
        assert arguments[0] == "install" and "-e" not in arguments and "--editable" not in arguments, where
        subprocess.run([str(image.python), "-m", "pip", *arguments], cwd=cwd, check=True, capture_output=True,
                       env=image.environment(pip_env), timeout=900)
    elif name == "python":  # the image's own Python, from its WORKDIR, with its ENV
        subprocess.run([str(image.python), *arguments], cwd=cwd, check=True, capture_output=True,
                       env=image.environment(pip_env), timeout=900)
    elif name == "mkdir":
        for target in (a for a in arguments if not a.startswith("-")):
            image.path(target).mkdir(parents=True, exist_ok=True)
    elif name == "rm":
        for target in (a for a in arguments if not a.startswith("-")):
            assert image.path(target).is_relative_to(image.root), where
            shutil.rmtree(image.path(target))
    elif name in SKIPPED_COMMANDS:
        image.skipped.append(name)
    else:
        raise AssertionError(f"{where}: RUN {name} is not replayed; teach tests/support/dockerfile.py")
