"""Ketamine-therapy FAQ bot with crisis escalation.

Layers, each importing only the ones below it (checked by the import contracts in
``pyproject.toml``)::

    shells    cli, console, telegram      talk to people and operators
    runtime   live knowledge, hot reload, operator reports, chat state
    decision  the one decision for a message (Responder)
    matching  FAQ and small-talk ranking
    knowledge YAML source, validating loader, immutable model, spreadsheets
    crisis    crisis detection rules and detector
    language  normalisation and terms, shared by matching and crisis

The core (everything but the shells) never imports python-telegram-bot.
"""

import os
import platform

# Before numpy is first imported: its OpenBLAS starts one thread per core at import, and each keeps its own
# buffer (19 MB resident on a two-core machine) although the bot limits BLAS to one thread anyway
# (``bot.semantic.embedder.default_embedder``: every matmul here is small). An operator's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _has_avx2() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
            return any(line.startswith("flags") and " avx2" in line for line in cpuinfo)
    except OSError:
        return False


# The same arithmetic on every x86 CPU: OpenBLAS picks its kernels by CPU, and its AVX-512 kernels round
# float32 sums differently from the AVX2 ones. The classifiers are fitted at every load, so on an AVX-512
# machine they came out slightly different, enough to move a crisis alarm from 0.09 to 0.11 across a bar of
# 0.1 ("I used to self harm. Can I still get ketamine?" escalated there and nowhere else). Haswell's AVX2
# kernels run on every x86 CPU with AVX2, so one model file fits one way everywhere.
if platform.machine().lower() in ("x86_64", "amd64") and _has_avx2():
    os.environ.setdefault("OPENBLAS_CORETYPE", "Haswell")

__version__ = "0.1.0"
