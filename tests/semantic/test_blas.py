"""numpy's BLAS as the bot sets it up on import: one thread, and the same kernels on every x86 CPU.

A fresh interpreter each time: the settings take effect only when numpy has not been imported yet.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = "import bot, numpy, json; from threadpoolctl import threadpool_info; print(json.dumps(threadpool_info()))"


def _blas(environ: dict[str, str]) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OPENBLAS_")} | environ
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=120).stdout
    return next(info for info in json.loads(out) if info["user_api"] == "blas")


def test_blas_runs_on_one_thread() -> None:
    assert _blas({})["num_threads"] == 1


@pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64")
                    or " avx2" not in Path("/proc/cpuinfo").read_text(errors="replace"), reason="an x86 CPU with AVX2")
def test_the_classifiers_are_fitted_with_the_same_kernels_on_every_x86_cpu() -> None:
    # AVX-512 kernels round differently: fitted there, a crisis alarm moved across a bar (bot/__init__.py)
    assert _blas({})["architecture"] == "Haswell"


def test_an_operators_own_blas_setting_wins() -> None:
    assert _blas({"OPENBLAS_NUM_THREADS": "2"})["num_threads"] == 2
