"""The semantic crisis layer's thresholds (crisis.yaml ``semantic:``), read by the knowledge loader and
used by the screen: one definition, so a new threshold is added in one place. crisis.yaml's comments
say what each does; the defaults apply when the file has no ``semantic:`` section."""

from __future__ import annotations

from dataclasses import dataclass

FAQ_KIND = "faq"  # the kind the FAQ's own texts are read as: calm, and the commonest thing people send


@dataclass(frozen=True)
class Thresholds:
    crisis: float = 0.5  # escalate at or above
    support: float = 0.25  # distress below ``crisis``: the support reply instead of a fallback or answer
    calm: float = 0.1  # below this (and every other layer calm) a message may be stored
    veto: float = 1.01  # a calm kind this sure overrules a pattern that only names a crisis word (>1: never)
    veto_alarm: float = 0.0  # ... and sees less crisis than this in every sentence
    veto_quiet: float = 0.0  # a pattern that only names a crisis word is also set aside below this alarm (0: never)
    veto_kinds: frozenset[str] = frozenset()
    risk_veto_kinds: frozenset[str] = frozenset()  # more calm kinds that may set aside the risk scorer's hits
    veto_categories: frozenset[str] = frozenset()
    quiet_categories: frozenset[str] = frozenset()  # where only ``veto_quiet`` may set a pattern aside
    distress_kinds: frozenset[str] = frozenset()  # calm kinds that still mean distress (support)
    support_margin: float = -2.0  # distress gets the support reply only when the message's nearest distress
    # example (crisis or distress kind) is nearer than its nearest other calm text less this (-2: always)
    nearest_margin: float = -2.0  # an alarming window whose nearest calm example is nearer by more is set aside
    question_margin: float = -2.0  # a window that is one question escalates only when its nearest crisis example
    # is nearer than its nearest calm one by at least this (under ``threshold`` or over it)
    nearest_floor: float = -1.0  # an English window escalates only when some crisis example is this similar (cosine):
    # the models extrapolate to text unlike every example ("Would that be a problem?" read 0.64) (-1: always)
    question_floor: float = -1.0  # the same for a window that is one question (the higher of the two counts)
    rescue: float = 1.01  # a window this alarming escalates when its nearest crisis example is nearer by...
    rescue_margin: float = 2.0  # ... at least this much (cosines lie in [-1, 1]: the defaults never act)
    words: float = 1.01  # a window the word view (``bot.language.word_bayes``) is this sure of escalates ...
    words_alarm: float = 1.01  # ... when its alarm is at least this (defaults: never)
    gloss: float = 1.01  # a window of a message's English gloss escalates at or above (>1: glosses are not read) ...
    gloss_margin: float = 2.0  # ... when its nearest crisis example is nearer than its nearest calm one by this
    gloss_rescue: float = 1.01  # a window of a gloss this alarming escalates when its nearest crisis example ...
    gloss_rescue_margin: float = 2.0  # ... is nearer than its nearest calm one by at least this (defaults: never)
    gloss_coverage: float = 0.5  # a gloss is read when it covers at least this share of the message ...
    gloss_words: int = 2  # ... and has at least this many English words
    gloss_veto: float = 1.01  # a gloss this sure of one of gloss_veto_kinds sets aside a phrase or pattern ...
    gloss_veto_alarm: float = 0.0  # ... when no window of the gloss alarms this much (defaults: never)
    gloss_veto_kinds: frozenset[str] = frozenset()
    gloss_patterns: frozenset[str] = frozenset()  # categories whose English patterns also read a gloss
    gloss_frames: frozenset[str] = frozenset()  # exceptions whose frame, found in a gloss, sets aside its hits
    story_frames: frozenset[str] = frozenset()  # exceptions whose frame makes the meaning read the message whole
    # an alarming sentence of a calm-sounding message escalates only when, read with a neighbour, it alarms this much
    context: float = 0.0  # (0: always)
