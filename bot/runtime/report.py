"""The operator's report on a valid knowledge folder: what to improve before users notice.

Errors stop a folder from loading (see ``bot.knowledge.loader``); the warnings here do not, but
each one names a weakness users would meet: an entry too thin to be found, two
entries fighting over the same wording, a phrasing folded into another by a YAML slip,
a region without a number to call. ``validate --strict`` turns them into failures.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.decision import ANSWER, Responder
from bot.language.normalize import normalize

MIN_PHRASINGS = 10  # the knowledge file headers say so; the answer length limit is an error (the loader)
RELATED_IDS = (2, 4)  # how many related ids an entry should list (the knowledge file headers say so)
NEAR_DUPLICATE = 92  # rapidfuzz ratio between phrasings of different entries
_HAS_CONTACT = re.compile(r"\d|\w+\.\w{2,}")  # a number to call/text, or a web address


@dataclass(frozen=True)
class Warning_:
    """One finding: where it is (``path:line``) and what to do about it."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: warning: {self.message}"


def category_counts(responder: Responder) -> Counter[str]:
    return Counter(entry.category for entry in responder.knowledge.entries)


def knowledge_warnings(responder: Responder) -> list[Warning_]:
    """Every warning for one loaded knowledge version, in a stable order."""
    return [*_from_the_text(responder), *_thin(responder), *_near_duplicates(responder), *_elsewhere(responder),
            *_confusions(responder), *_related_repeats(responder), *_related_count(responder),
            *_crisis_contacts(responder)]


def _from_the_text(responder: Responder) -> list[Warning_]:
    """What the loader noticed in the raw YAML (a '- ' line folded into the item above)."""
    return [Warning_(p.where, p.message) for p in responder.knowledge.warnings]


def _thin(responder: Responder) -> list[Warning_]:
    """Entries, boundary topics and small-talk intents with too few phrasings: people's wording is missed."""
    knowledge = responder.knowledge
    return [Warning_(item.source, f"'{item.id}' has {len(item.phrasings)} phrasings; add at least "
                                  f"{MIN_PHRASINGS} so people's wording is found")
            for item in (*knowledge.entries, *knowledge.boundaries, *knowledge.smalltalk)
            if len(item.phrasings) < MIN_PHRASINGS]


def _near_duplicates(responder: Responder) -> list[Warning_]:
    """Phrasings of different entries that read almost the same: the matcher cannot tell them apart."""
    owners: list[tuple[str, str, str]] = [(e.id, e.source, p) for e in responder.knowledge.entries
                                          for p in e.phrasings]
    texts = [normalize(p) for _, _, p in owners]
    found = []
    for index, (owner, source, phrasing) in enumerate(owners):
        for _, score, other in process.extract(texts[index], texts, scorer=fuzz.ratio,
                                               score_cutoff=NEAR_DUPLICATE, limit=5):
            if other > index and owners[other][0] != owner:
                found.append(Warning_(source, f"phrasing '{phrasing}' of '{owner}' is nearly the same as "
                                              f"'{owners[other][2]}' of '{owners[other][0]}' ({score:.0f}/100)"))
    return found


def _elsewhere(responder: Responder) -> list[Warning_]:
    """Phrasings about another treatment by the names in settings.yaml: the bot never answers such a question."""
    return [Warning_(entry.source, f"phrasing '{phrasing}' of '{entry.id}' names '{other}' and no word of the subject "
                                   "(settings.yaml matching.other_treatments, subject_words), so such a question is "
                                   "never answered; name ketamine in it")
            for entry in responder.knowledge.entries for phrasing in (entry.question, *entry.phrasings)
            if (other := responder.subject.elsewhere(phrasing)) is not None]


def _confusions(responder: Responder) -> list[Warning_]:
    """The self-check: each phrasing must get its own entry's answer (or a question), never another's."""
    found = []
    for entry in responder.knowledge.entries:
        for phrasing in (entry.question, *entry.phrasings):
            decision = responder.decide(phrasing)
            if decision.kind == ANSWER and decision.id != entry.id:
                found.append(Warning_(entry.source, f"phrasing '{phrasing}' of '{entry.id}' is answered with "
                                                    f"'{decision.id}' (confidence {decision.score:.0f})"))
    return found


def _related_repeats(responder: Responder) -> list[Warning_]:
    return [Warning_(e.source, f"entry '{e.id}' lists a related id twice")
            for e in responder.knowledge.entries if len(set(e.related)) != len(e.related)]


def _related_count(responder: Responder) -> list[Warning_]:
    """The files' headers and the README ask for 2-4 related ids: the buttons under an answer, what a 👎 offers."""
    low, high = RELATED_IDS
    return [Warning_(e.source, f"entry '{e.id}' lists {len(e.related)} related ids; give {low} to {high}, the "
                               "questions offered under its answer")
            for e in responder.knowledge.entries if not low <= len(e.related) <= high]


def _crisis_contacts(responder: Responder) -> list[Warning_]:
    """Every region needs an emergency number and a crisis line someone can actually reach."""
    found = []
    for region in responder.knowledge.crisis.regions.values():
        where = f"crisis.yaml region {region.code}"
        if not _HAS_CONTACT.search(region.emergency):
            found.append(Warning_(where, "emergency has no number to call"))
        if not any(_HAS_CONTACT.search(line) for line in region.lines):
            found.append(Warning_(where, "no crisis line with a number or web address"))
    return found
