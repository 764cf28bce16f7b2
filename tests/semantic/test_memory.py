"""The allocator policy the command line sets at start (bot.semantic.memory), in fresh processes: glibc's state
is per process, and this test process has long since moved its threshold."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

_SCRIPT = """
import sys
import numpy as np
from bot.semantic.memory import return_big_blocks_promptly
if sys.argv[1] == "fixed":
    return_big_blocks_promptly()
def resident():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096
first = np.ones(8 << 20, np.uint8)  # mapped, and once freed glibc would serve blocks this big from the heap
del first
second = np.ones(3 << 20, np.uint8)
before = resident()
del second
print(before - resident())
"""


def _released_bytes(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", _SCRIPT, mode], capture_output=True, text=True, timeout=60,
                          check=True)
    return int(done.stdout)


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc's mallopt")
def test_a_freed_big_block_goes_back_to_the_system_once_the_threshold_is_fixed() -> None:
    assert _released_bytes("fixed") >= 2 << 20  # the 3 MB block had its own mapping: unmapped when freed
    assert _released_bytes("dynamic") < 1 << 20  # glibc's default: it came from the heap and stays resident
