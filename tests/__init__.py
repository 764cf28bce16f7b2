"""Tests, in folders that mirror the ``bot`` packages; ``support`` and ``emulator`` are helpers."""
