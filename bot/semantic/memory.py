"""Handing freed memory back to the operating system after the big, rare allocations.

Building a knowledge version (embedding, fitting) and reading a long message allocate tens of MB
that Python frees but glibc's allocator keeps for reuse, so a small PaaS instance's resident
memory only ever grows (measured: 294 MB after a build, 259 after a trim). ``malloc_trim`` returns
it, and ``return_big_blocks_promptly`` keeps big blocks out of the heap in the first place.
Elsewhere than glibc (macOS, musl) there is nothing to call and this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable

M_MMAP_THRESHOLD = -3  # mallopt's parameter number for it, from glibc's malloc.h
BIG_BLOCK = 512 * 1024  # bytes: an onnxruntime buffer of an ordinary message (under ~80 tokens) stays below


@functools.cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


def return_big_blocks_promptly() -> None:
    """Give every allocation of ``BIG_BLOCK`` bytes or more its own mapping, unmapped when it is freed.

    Why: glibc starts at the same threshold but raises it to the size of each mapped block freed (up to
    32 MB), so once the first big numpy array or onnxruntime buffer is freed, the next ones of that size
    come from the heap, whose freed pages stay resident. Measured through the full decision: the start
    peaked at 255 MB while the classifiers were built, and 635 ordinary messages later the process held
    245-250 MB (224 after the build). With the threshold fixed here: 235 and 233, the whole run's peak
    241 instead of 255 MB, for perhaps 0.1-0.4 ms a message (within this machine's noise). A process-wide
    policy, so the command line sets it once at start; the library never changes it behind a caller.
    """
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, BIG_BLOCK)


def release_free_memory() -> None:
    """Return the allocator's free pages to the OS (glibc only; cheap enough after a build or a long message)."""
    trim: Callable[[int], int] | None = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)
