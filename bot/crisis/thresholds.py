"""The semantic crisis layer's thresholds (crisis.yaml ``semantic:``), read by the knowledge loader and
used by the screen: one definition, so a new threshold is added in one place. crisis.yaml's comments
say what each does, and every one must be written there (``bot.knowledge.crisis_policy``); the values that
switch a check off are noted here."""

from __future__ import annotations

from dataclasses import dataclass

FAQ_KIND = "faq"  # the kind the FAQ's own texts are read as: calm, and the commonest thing people send


@dataclass(frozen=True)
class Thresholds:
    crisis: float  # escalate at or above
    support: float  # distress below ``crisis``: the support reply instead of a fallback, an answer or a choice
    calm: float  # below this (and every other layer calm) a message may be stored
    veto: float  # a calm kind this sure overrules a pattern that only names a crisis word (>1: never)
    veto_alarm: float  # ... and sees less crisis than this in every sentence
    veto_quiet: float  # a pattern that only names a crisis word is also set aside below this alarm (0: never)
    veto_kinds: frozenset[str]
    risk_veto_kinds: frozenset[str]  # more calm kinds that may set aside the risk scorer's hits
    veto_categories: frozenset[str]
    quiet_categories: frozenset[str]  # where only ``veto_quiet`` may set a pattern aside
    distress_kinds: frozenset[str]  # calm kinds that still mean distress (support)
    support_margin: float  # distress gets the support reply only when the message's nearest distress
    # example (crisis or distress kind) is nearer than its nearest other calm text less this (-2: always)
    nearest_margin: float  # an alarming window whose nearest calm example is nearer by more is set aside
    question_margin: float  # a window that is one question escalates only when its nearest crisis example
    # is nearer than its nearest calm one by at least this (under ``threshold`` or over it)
    nearest_floor: float  # an English window escalates only when some crisis example is this similar (cosine):
    # the models extrapolate to text unlike every example ("Would that be a problem?" read 0.64) (-1: always)
    question_floor: float  # the same for a window that is one question (the higher of the two counts)
    rescue: float  # a window this alarming escalates when its nearest crisis example is nearer by...
    rescue_margin: float  # ... at least this much (rescue > 1 or a margin over 2 never acts: cosines lie in [-1, 1])
    fused: float  # a window whose views fused (``bot.crisis.alarm_fusion``) reach this escalates (> 1: never)
    words: float  # a window the word view (``bot.language.word_bayes``) is this sure of escalates ...
    words_alarm: float  # ... when its alarm is at least this (either > 1: never)
    gloss: float  # a window of a message's English gloss escalates at or above (>1: glosses are not read) ...
    gloss_margin: float  # ... when its nearest crisis example is nearer than its nearest calm one by this
    gloss_rescue: float  # a window of a gloss this alarming escalates when its nearest crisis example ...
    gloss_rescue_margin: float  # ... is nearer than its nearest calm one by at least this (> 2: never)
    gloss_coverage: float  # a gloss is read when it covers at least this share of the message ...
    gloss_words: int  # ... and has at least this many English words
    gloss_veto: float  # a gloss this sure of one of gloss_veto_kinds sets aside a phrase or pattern ...
    gloss_veto_alarm: float  # ... when no window of the gloss alarms this much (gloss_veto > 1: never)
    gloss_veto_kinds: frozenset[str]
    gloss_patterns: frozenset[str]  # categories whose English patterns also read a gloss
    gloss_frames: frozenset[str]  # exceptions whose frame, found in a gloss, sets aside its hits
    story_frames: frozenset[str]  # exceptions whose frame makes the meaning read the message whole
    writer_frames: frozenset[str]  # exceptions whose frame (who writes) the meaning also reads a message without
    # exceptions whose frame (when in the treatment) the meaning also reads a message without, ...
    treatment_frames: frozenset[str]
    # ... and, as well, a gloss of one of postposition_languages (it keeps its language's word order: "do esketamine
    # nasal spray after") ...
    gloss_treatment_frames: frozenset[str]
    postposition_languages: frozenset[str]
    treatment_categories: frozenset[str]  # ... and may escalate it so only in these categories
    # an alarming sentence of a calm-sounding message escalates only when, read with a neighbour, it alarms this much
    context: float  # (0: always)
