"""Words a message leaves out or points back at, read as the words they stand for.

A pronoun that stands for the crisis words a message named (``resolved``), and an intent whose verb is left
out because the question before it said it (``completed``).

"does ketamine help with suicidal thoughts? asking because i have them every night": the question names the
subject, and the disclosure is in a sentence that only points back at it. Read alone, "i have them every night"
gives the encoder nothing to be alarmed by, so the meaning's veto (``CrisisScreen.overrules``) read the whole as
the FAQ question it starts with. With the pronoun resolved, "asking because i have suicidal thoughts every night"
reads as the disclosure it is. English grammar, not policy: a plural pronoun right after a verb of having or
living through something ("have them", "been getting those", "struggling with these"). Singular "it" is left
alone: after a question about ketamine it is nearly always the treatment ("can i try it").
"""

from __future__ import annotations

import re

_LIVING_THROUGH = (r"have|has|had|having|get|gets|getting|got|experience|experiences|experienced|experiencing"
                   r"|feel|feels|feeling|felt|(?:deal|deals|dealing|dealt|struggle|struggles|struggling|struggled"
                   r"|live|lives|living|lived) with|battle|battles|battling|fight|fights|fighting"
                   r"|suffer from|suffers from|suffering from")
_POINTING_BACK = re.compile(rf"\b({_LIVING_THROUGH})\s+(?:them|those|these)\b", re.IGNORECASE)


def resolved(text: str, words: str) -> str:
    """``text`` with each plural pronoun after a verb of having or living through read as ``words``;
    unchanged when it has none."""
    return _POINTING_BACK.sub(lambda match: f"{match.group(1)} {words}", text)


# A question about whether something can be done, then an intent to do it with the verb left out: "is it possible to
# OD on the nasal spray? i want to", "can you overdose on spravato? asking because i want to". The verb phrase
# is the question's, from its first verb to the question's end.
_CAN_IT_BE_DONE = (r"(?:is it (?:possible|easy|hard|safe) (?:for (?:a person|someone|anyone|me|you) )?to"
                   r"|is there a way to|can (?:you|u|i|one|someone|a person|people|anyone)"
                   r"|could (?:you|u|i|one|someone|a person)"
                   r"|how (?:easy|hard|quick|fast|likely) (?:is it|would it be) to|would it be possible to"
                   r"|what happens if (?:you|i|someone|a person)|do people|does anyone)")
_LEAD_IN = r"(?:(?:and|but|because|cause|cuz|bc|coz|cos|asking|asking because|asking cause|honestly|tbh|really)\s+)*"
_I_AM = r"(?:\s+am|(?:'|\u2019)?m)"  # "i am", "i'm", "im"
_INTENT_LEFT_OUT = re.compile(
    rf"\b{_CAN_IT_BE_DONE}\s+(?P<verb>[^?.!;]+?)\s*[?.!;]+\s*"
    rf"(?P<intent>{_LEAD_IN}i(?:\s+really|\s+honestly|\s+actually|\s+kind of|\s+kinda)?\s*"
    rf"(?:(?:want|would like|(?:'|\u2019)?d like|plan|intend|need|mean|{_I_AM}\s+(?:going|planning))\s+to"
    rf"|wanna|{_I_AM}\s+gonna))"
    r"(?=\s*[.!?\u2026]+|\s*$)",
    re.IGNORECASE)


def completed(text: str) -> str:
    """``text`` with an intent whose verb the question before it said completed by it ("is it possible to OD on
    the nasal spray? i want to." read as "... i want to OD on the nasal spray."); unchanged when it has none.

    Only where the intent ends its sentence: "can i drive after? i need to get home" says what it means."""
    return _INTENT_LEFT_OUT.sub(lambda match: f"{match.group(0)} {match.group('verb').strip()}", text.rstrip())
