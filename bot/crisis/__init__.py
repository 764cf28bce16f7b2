"""Crisis detection: the compiled rules (patterns, exceptions, risk scorer) and the detector that runs them.

May import ``bot.language`` only. The rules are built from parsed YAML by ``bot.knowledge``, which
sits above this package, so detection never depends on how knowledge files are read.
"""

from bot.crisis.detector import CrisisHit, detect_crisis
from bot.crisis.rules import DetectionRules

__all__ = ["CrisisHit", "DetectionRules", "detect_crisis"]
