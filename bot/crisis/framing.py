"""The readings of a message that a frame changes: a story told as over, who writes, when in the treatment, and
(for the crisis screen, ``bot.crisis.screen``, which has them) the meaning layer read again without the frame's words.

Apart from the screen because they are one job: where an exception's frame (crisis.yaml) says how the words
around it are meant, read the message as the frame says; the screen runs the layers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from bot.crisis.asking import asks_anything, gloss_asks, without_help_requests
from bot.crisis.detector import CrisisHit, after_opening, frames
from bot.semantic.embedder import sentences

if TYPE_CHECKING:
    from bot.crisis.rules import DetectionRules
    from bot.crisis.semantic import Reading
    from bot.crisis.thresholds import Thresholds


@dataclass(frozen=True)
class MeaningReading:
    """What the semantic layer made of a message: its crisis probability and, if it escalates, why."""

    probability: float
    hit: CrisisHit | None
    reading: Reading | None = None
    # A sentence alarmed read alone and not with its neighbours (``CrisisScreen.meaning``): no escalation, but the
    # support reply rather than the plain fallback
    out_of_context: bool = False


class FrameReadings:
    """The frame readings of ``CrisisScreen``, which provides the rules, thresholds, the exceptions that may hide
    each category's words (``_masked_by``) and the meaning layer (``meaning``)."""

    rules: DetectionRules
    thresholds: Thresholds
    _masked_by: dict[str, frozenset[int]]
    meaning: Callable[..., MeaningReading]

    def story(self, text: str) -> tuple[frozenset[str], str]:
        """The crisis categories whose story the message tells as over: those a ``story_frames`` exception that
        finds its frame here hides (a time in the past, then the person safe or looked after, and no danger now
        after it; or a denial, a figure of speech, someone else's death in the past), empty if none; and the
        message's words outside the story, for ``told_as_over``.

        The semantic layer then reads the message whole rather than sentence by sentence: sentences are read
        alone so that a crisis sentence inside a long question is not diluted, but the sentences that end a
        story are not another question around it, they are what it means. "Last night my son said he wanted
        to die." alone alarms; with "We took him to the ER, he's admitted and safe" it does not. And its alarm
        in one of these categories is set aside (``told_as_over``).
        """
        names = self.thresholds.story_frames
        if not names:
            return frozenset(), text
        found, rest = frames(self.rules, text, names)
        return frozenset(category for category, masked_by in self._masked_by.items() if found & masked_by), rest

    def read_frames(self, text: str, meaning: MeaningReading, vectors: np.ndarray, easy_similarity: np.ndarray | None,
                    read_rest: Callable[[str], MeaningReading]) -> MeaningReading:
        """The meaning of a message (``meaning``, of its windows' ``vectors``) read again where a frame changes it
        (``read_rest``: the meaning layer on the words outside a frame). One that escalates, if the message tells its
        story as over (``story``): whole, and with ``told_as_over``. One that does not, if the message opens with
        who writes (``writer_frames``) and then asks nothing: without those words too. The examples teach that
        clinicians write calm questions, and the model weighs who writes over what follows: "psychiatrist here. I
        have a plan and the means" alarmed 0.53, its words after the frame read as the crisis they are. A clinician
        who asks is asking as one: "as a nurse I've held the hands of people dying (...) is KAP good for moral
        injury?" read without its frame alarms. And one that does not, without when in the treatment it happens
        (``outside_treatment_time``). Only ever an escalation more, its rule saying so."""
        if meaning.hit is None:
            rest = self.after_who_writes(text)
            again = read_rest(rest) if rest else meaning
            if again.hit is not None:
                return replace(again, hit=replace(again.hit, rule=f"{again.hit.rule}:read without who writes"))
            return self.outside_treatment_time(text, meaning, read_rest)
        told, rest = self.story(text)
        if not told:
            return meaning
        if len(vectors) > 1:
            meaning = self.meaning(vectors[:1], [text], None if easy_similarity is None else easy_similarity[:1])
        return self.told_as_over(meaning, told, lambda: read_rest(rest))

    def outside_treatment_time(self, text: str, meaning: MeaningReading, read_rest: Callable[[str], MeaningReading],
                               message: str | None = None, language: str = "en") -> MeaningReading:
        """The ``meaning`` of a message, or where it does not escalate, the meaning of its words outside when in the
        treatment something happens (``treatment_frames``: "after my infusion", "since I started ketamine";
        ``read_rest``: the meaning layer on those words) when that escalates in one of ``treatment_categories``.

        The calm examples and the FAQ tell side effects with those words, and the model reads the treatment's time
        as calm whatever follows: "help, my wife had a seizure after the ketamine treatment" alarmed 0.11, without its
        last four words 0.98. Only acts and emergencies: a symptom read without its time is still the symptom it
        was, while a wish told as ended by the treatment ("since I started ketamine I no longer want to die") would
        lose what ends it. Only in a message that asks nothing: a question's time is what it asks about ("how long
        until I can drive after a session?" read without it is a plan with a vehicle); a request for help ("what do
        I do?") asks nothing about it. Never in a category whose
        story the message tells as over (``story``: "my son overdosed after his infusion last year, he's home and
        safe now"), nor one it denies. For an English message and a gloss alike (``read_rest`` reads each as its
        own); ``message``: the message a gloss ``text`` is of, whose question marks the gloss lost (``gloss_asks``);
        ``language``: the gloss's, which in ``postposition_languages`` keeps the time after the treatment ("do
        esketamine nasal spray after": ``gloss_treatment_frames``), where English and a gloss of French would put
        the treatment after what happened first ("ketamine after my overdose")."""
        limits = self.thresholds
        names = limits.treatment_frames | (limits.gloss_treatment_frames if message is not None
                                           and language in limits.postposition_languages else frozenset())
        if meaning.hit is not None or not names:
            return meaning
        # a request for help asks nothing about the time ("...seizing after her infusion, what do I do?"); in a gloss
        # it takes the message's question mark with it (怎么办 and its full-width mark: "... seizure what to do")
        plain, answered = without_help_requests(text)
        if asks_anything(plain) if message is None else gloss_asks(message, plain, answered):
            return meaning
        # sentence by sentence: the words outside are canonical, with no sentence end the layer could read by
        read = [frames(self.rules, sentence, names) for sentence in sentences(text)]
        rest = ". ".join(words for _, words in read if words)
        if not any(found for found, _ in read):
            return meaning
        again = read_rest(rest)
        if again.hit is None or again.hit.category not in self.thresholds.treatment_categories \
                or again.hit.category in self.story(text)[0]:
            return meaning
        return replace(again, hit=replace(again.hit, rule=f"{again.hit.rule}:read without when in the treatment"))

    def after_who_writes(self, text: str) -> str | None:
        """The words after who writes (``writer_frames``), in a message that asks nothing: a clinician who asks is
        asking as one. None when the message opens with no such frame, or asks."""
        return None if asks_anything(text) else after_opening(self.rules, text, self.thresholds.writer_frames)

    @staticmethod
    def told_as_over(meaning: MeaningReading, story: frozenset[str],
                     read_rest: Callable[[], MeaningReading]) -> MeaningReading:
        """The meaning with its escalation set aside when it names a category whose story the message tells as
        over, and the words outside the story (``read_rest``: their meaning, read only when it decides: it
        costs an encoder run) do not escalate on their own.

        The model reads "my friend said scary things last week but we got her to the ER and she's safe" as the
        crisis it tells; the words say it has ended. Measured on six spent and tuning sets (some 1,300 crisis
        messages, 196 of them stories that end in danger now): every framed message the meaning alone escalated
        was calm. But a frame ends where the story does: "she overdosed two weeks ago and she's fine now. she
        just swallowed the rest of the bottle" has its crisis after it, which the rest's meaning reads. The
        probability stays, so distress still gets the support reply."""
        if meaning.hit is None or meaning.hit.category not in story:
            return meaning
        if (rest := read_rest()).hit is not None:
            return rest
        return MeaningReading(meaning.probability, None, meaning.reading)

