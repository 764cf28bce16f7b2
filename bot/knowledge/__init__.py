"""Knowledge: reading the operators' YAML with line numbers, validating it, and the immutable model.

May import ``bot.language`` and ``bot.crisis`` (it compiles the crisis rules it reads), nothing above.
"""

from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import CrisisPolicy, FaqEntry, Intent, Knowledge, Region
from bot.knowledge.yamlsource import KnowledgeError, Problem

__all__ = ["CrisisPolicy", "FaqEntry", "Intent", "Knowledge", "KnowledgeError", "Problem", "Region",
           "load_knowledge"]
