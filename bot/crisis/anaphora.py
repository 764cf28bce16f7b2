"""A pronoun that stands for the crisis words a message named, read as those words.

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
