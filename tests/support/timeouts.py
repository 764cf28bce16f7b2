"""How long a test waits for a bot subprocess before calling it hung.

A hang guard, not a speed bar (speed is shown by tests/perf): a command run in a fresh folder starts cold,
embedding and fitting the knowledge from scratch, which took 108 s alone on a two-core machine and more than
120 s with the suite's other worker beside it.
"""

COLD_START_TIMEOUT = 600
