"""Matching: ranking FAQ entries and boundary topics for a message, and recognising small talk.

May import ``bot.knowledge`` and ``bot.language``; knows nothing of crisis or of any shell.
"""

from bot.matching.lexical import BOUNDARY, Candidate, MatchIndex
from bot.matching.smalltalk import SmallTalkIndex

__all__ = ["BOUNDARY", "Candidate", "MatchIndex", "SmallTalkIndex"]
