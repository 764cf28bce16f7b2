"""All crisis layers in the order a message meets them, and what each said.

1. Words (no model needed, so a crisis found here is answered before any embedding is done):
   the patterns and the risk scorer (``bot.crisis.detector``), then, unless the message is
   confidently English, the multilingual lexicon (``bot.crisis.lexicon``).
2. Meaning: the semantic classifier (``bot.crisis.semantic``) on the message's windows, the
   same vectors the FAQ matcher then uses (embedded once); for a message not in words the bot knows
   as English, also on its English gloss (``bot.crisis.gloss``; the decision embeds it).

Any layer that scores a crisis escalates (the fixed response, unchanged). Below that, the
semantic probability decides the support tier and the "clearly calm" screen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from bot.crisis.anaphora import completed, resolved
from bot.crisis.asking import asks_a_question, asks_anything
from bot.crisis.detector import CrisisHit, canonical_text, clearly_calm, detect_crisis, framed, matched_words
from bot.crisis.framing import FrameReadings, MeaningReading
from bot.crisis.lexicon import Lexicon
from bot.crisis.risk import RISK_CATEGORY
from bot.crisis.rules import DetectionRules
from bot.crisis.semantic import CrisisClassifier, Reading
from bot.crisis.thresholds import Thresholds
from bot.language.identify import Identified
from bot.language.normalize import normalize, without_laughter
from bot.semantic.embedder import WINDOWED_WORDS, Embedder


class CrisisScreen(FrameReadings):
    """The layers of one knowledge version."""

    def __init__(self, rules: DetectionRules, lexicon: Lexicon, classifier: CrisisClassifier | None,
                 thresholds: Thresholds, gloss_classifier: CrisisClassifier | None = None,
                 embedder: Embedder | None = None) -> None:
        self.rules = rules
        self.embedder = embedder  # reads a sentence with its neighbours (``in_context``)
        self.lexicon = lexicon
        self.classifier = classifier
        # Reads glosses: it also learned from other languages' examples glossed (``bot.knowledge.training``).
        self.gloss_classifier = gloss_classifier or classifier
        self.thresholds = thresholds
        # Per category, the exception patterns that may hide its text (the same for all its patterns).
        self._masked_by = {rule.category: frozenset(rules.scopes[rule.scope]) for rule in rules.rules}
        self._masked_by[RISK_CATEGORY] = frozenset(rules.scopes[rules.risk_scope]) if rules.scopes else frozenset()

    def words(self, text: str, identified: Identified) -> CrisisHit | None:
        """Patterns and risk scorer; then the lexicon, unless the message is surely English; in a surely English
        message that is ``partly_foreign`` (a quarter of its words or more unknown as English), its strong phrases
        only: a short Spanish cry reads as English when "ya", "no" and "me" are half its words.

        In a message that is not surely English, a pattern that only names the subject (the
        ``veto_categories``, in any language) is set aside when the lexicon reads the message as
        informational, clinical, past or fiction: a context cue and no strong phrase in any language
        ("¿La ketamina ayuda con los pensamientos suicidas?"). The meaning layer plays that part in
        English; it cannot read other languages. An act or an emergency (an overdose, "no respira",
        a lethal dose) never is: the context words of this bot's subject ("después de la dosis de
        ketamina") are the very words around an emergency after a session.
        """
        # An intent whose verb the question before it said is read with it, first: it says more than the question.
        whole = completed(text)
        hit = (detect_crisis(self.rules, whole) if whole != text else None) or detect_crisis(self.rules, text)
        surely_english = identified.surely_english
        if hit is not None and not surely_english and hit.layer == "patterns" \
                and hit.category in self.thresholds.veto_categories and self.lexicon.in_context(text):
            hit = None
        if hit is not None or (surely_english and not identified.partly_foreign):
            return hit
        code = self.lexicon.find(text, first=identified.code, mentions=not surely_english)
        return None if code is None else CrisisHit(f"crisis-{code}", code, f"lexicon:{code}", "lexicon")

    def meaning(self, vectors: np.ndarray, windows: Sequence[str], easy_similarity: np.ndarray | None = None, *,
                glossed: bool = False, in_context: bool = True) -> MeaningReading:
        """The semantic layer on the message's ``windows`` (their ``vectors``): the most alarming window that
        escalates counts.

        A window escalates when its alarm reaches the threshold and its nearest calm example is not
        much nearer than its nearest crisis example (``nearest_margin``), or when its alarm reaches
        ``rescue`` and its nearest crisis example is clearly the nearer (``rescue_margin``), or when the word
        view (``bot.language.word_bayes``) is at least ``words`` sure and its alarm at least ``words_alarm`` (not
        for glosses: on the examples in crisis.yaml built to trap phrase lists, the glosses' word view escalated 12
        more of 641, where it caught 3 more crises of 668 in the development pools). A window that is
        one question also needs its nearest crisis example nearer by ``question_margin``: questions are what
        people ask this bot about the treatment, and the model, which learned crisis mostly from statements,
        read some of them as a crisis on their topic alone ("will I be alone in the room?", "how do you take
        it, up the nose?"); a crisis asked as a question ("if I take all my pills with wine will I stop
        breathing?") sits among the crisis examples that ask. And a window escalates only when some crisis
        example is at least ``nearest_floor`` similar: the models also give crisis classes to text unlike anything
        they learned ("My dad has blood pressure issues that aren't well managed. Would that be a problem?": the
        second sentence alone alarms 0.64, its nearest crisis example at 0.38, its nearest calm one at 0.33); a
        question, only when one is at least ``question_floor`` similar ("will I be knocked out" alarmed 0.61, its
        nearest crisis example at 0.51, no calm one nearer than 0.41). Under the floor the word view may still
        escalate: it reads the words, not the encoder's space ("also if this round doesn't work I've told myself
        I'm not sticking around for another round", a long sentence of a long message: nearest crisis example
        0.34, the word view 0.99). A gloss
        (``glossed``: another language in English words, ``bot.crisis.gloss``) is broken English the
        model never saw in training: its windows escalate on their own bars (``gloss``, ``gloss_margin``), and
        are rescued on their own (``gloss_rescue``, ``gloss_rescue_margin``).

        A sentence read alone has lost its context. "I just had my first baby and we're writing our wills." alarms
        (0.96) on its own, and not with the question after it about signing legal documents; "Just wanted to say
        thank you to whoever runs this." alarms after a plan that therapy ended. So a window that is one sentence
        of several (``windows[0]`` is the whole message, never set aside) escalates only when, read with the
        sentence before or after it (``in_context``), it still alarms (``context``), however distressed the whole
        message reads (an exemption for distress let "i have to pick up my kids after" escalate beside "does
        spravato make you sleepy?", a question the distress model reads as distress). Only in the categories that
        name thoughts, wishes, goodbyes and self-harm (``in_context_only``). A crisis sentence inside a long
        question keeps its alarm beside a neighbour ("they'd cry for a week and then their lives would get easier.
        thats what i keep telling myself when i look at the pills"). A message whose sentences are all set aside is
        ``out_of_context``: the support reply, never the fallback, an answer or a "did you mean". Not for glosses:
        broken English read in pairs lost crises there. ``in_context``: False where only the
        probability is read (the veto's further readings), whose windows need not start with the whole.
        """
        if self.classifier is None or not windows:
            return MeaningReading(0.0, None)
        limits = self.thresholds
        # the rules below read no other margins
        margin_from = min(limits.gloss, limits.gloss_rescue) if glossed \
            else min(limits.crisis, limits.rescue, limits.words_alarm)
        classifier = self.gloss_classifier if glossed else self.classifier
        # the support reply reads the margin of distress only on a message's own English reading, not on the
        # veto's further readings (``in_context``: False) nor on a gloss
        distress_from = limits.support if in_context and not glossed else 2.0
        reading = classifier.read(vectors, limits.distress_kinds, easy_similarity, margin_from, distress_from,
                                  windows)
        pairs = list(enumerate(zip(reading.alarms, reading.margins, strict=True)))
        escalating: list[int] = []
        unfloored: set[int] = set()  # escalated by the word view alone, under the floor
        # escalated by the fusion alone: a sentence takes the context test whatever its category, which is the kinds
        # model's likeliest crisis category in a window it reads as mostly calm
        fused_only: set[int] = set()
        words_read = [view[2] for view in reading.views] or [None] * len(windows)  # read already where fused
        why: dict[int, str] = {}  # by window: how one under the threshold escalated
        threshold = limits.gloss if glossed else limits.crisis
        question_floor = max(limits.nearest_floor, limits.question_floor)
        # a sentence of a gloss too short to be read by sentence were it English (``Embedder.message_vectors``) is
        # a fragment of broken English, noise to the model alone ("it go done after a hour" alarmed 0.57): the full
        # bar, never a rescue
        fragments = glossed and len(windows[0].split()) <= WINDOWED_WORDS
        for n, (alarm, margin) in pairs:
            if glossed:  # broken English: bars of its own, and no floor
                least, clear, near = -2.0, margin >= limits.gloss_margin, True
                rescue_margin = 3.0 if fragments and n > 0 else limits.gloss_rescue_margin  # margins lie in [-2, 2]
            else:
                # a window that asks has its own floor and a margin to reach as well (margins lie in [-2, 2]: -2
                # asks nothing more)
                floor, least = (question_floor, limits.question_margin) if asks_a_question(windows[n]) \
                    else (limits.nearest_floor, -2.0)
                # under the floor (NaN too: the window alarmed too little to be measured) the encoder extrapolates,
                # and only the word view, which reads the words, may escalate (margins lie in [-2, 2]: 3 never)
                near = reading.nearest[n] >= floor
                rescue_margin = max(limits.rescue_margin, least) if near else 3.0
                clear = near and margin >= max(limits.nearest_margin, least)
            if alarm >= threshold and clear:
                escalating.append(n)
            elif alarm >= (limits.gloss_rescue if glossed else limits.rescue) and margin >= rescue_margin:
                escalating.append(n)
                why[n] = f":rescued by nearest examples ({margin:+.2f})"
            elif not glossed and (sure := self._worded(classifier, windows[n], alarm, words_read[n])) is not None \
                    and margin >= least:
                escalating.append(n)
                why[n] = f":the word view sure ({sure:.2f})"
                if not near:
                    unfloored.add(n)
            elif not glossed and reading.fused and reading.fused[n] >= limits.fused and near and margin >= least:
                escalating.append(n)
                why[n] = f":the views fused ({reading.fused[n]:.2f})"
                fused_only.add(n)
        if escalating and in_context and limits.context > 0 and self.embedder is not None and not glossed:
            ordered = sorted(escalating, key=lambda n: -reading.alarms[n])  # the first that passes is enough
            passing = (n for n in ordered if n == 0
                       or (not self.in_context_only(reading.categories[n]) and n not in fused_only)
                       or self.in_context(classifier, windows, n) >= limits.context)
            if (first := next(passing, None)) is None:  # unsure: the support reply, unless only the word view
                # spoke, under the floor: it is sure of some calm sentences unlike every example ("So I have been
                # reading forums all week and honestly I am more confused than before, my sister keeps ...")
                return MeaningReading(reading.probability, None, reading,
                                      out_of_context=not set(escalating) <= unfloored)
            escalating = [first]
        if not escalating:
            return MeaningReading(reading.probability, None, reading)
        window = max(escalating, key=lambda n: reading.alarms[n])
        label = f"semantic:{reading.alarms[window]:.2f}:window{window + 1}of{len(windows)}{why.get(window, '')}"
        return MeaningReading(reading.probability, CrisisHit(reading.categories[window], "en", label, "semantic"),
                              reading)

    def _worded(self, classifier: CrisisClassifier, window: str, alarm: float, read: float | None = None
                ) -> float | None:
        """How sure the word view is of a crisis in ``window`` (``read``: as the reading fused it already), when sure
        enough to let it escalate beside its ``alarm`` (``Thresholds.words``); None otherwise, or where the classifier
        has no word view."""
        if classifier.words is None or alarm < self.thresholds.words_alarm:
            return None
        sure = float(classifier.words.probabilities(window)[1]) if read is None else read  # class 1: crisis
        return sure if sure >= self.thresholds.words else None

    def in_context_only(self, category: str) -> bool:
        """Whether a sentence window of this crisis category escalates only in context: the categories whose
        patterns the meaning may set aside (thoughts, wishes, goodbyes, self-harm), never an act or an emergency
        (an overdose, a lethal means, someone not breathing): "is ketamine dangerous with insulin? i injected way
        more than i should on purpose" reads calm whole."""
        return category in self.thresholds.veto_categories or category in self.thresholds.quiet_categories

    def in_context(self, classifier: CrisisClassifier, windows: Sequence[str], n: int) -> float:
        """The alarm of sentence window ``n`` read with the sentence before it and with the one after it, the more
        alarming of the two (infinite when it has neither: then it stands alone, and escalates). A window read
        alone as well as joined (``Embedder.windows``) is no neighbour of the join. One encoder run, only for a
        sentence that would escalate.

        A pair the word view is sure of (``Thresholds.words``) reads 1.0: both views read the pair, as both read
        the window alone. The encoder dilutes a crisis sentence beside a price question ("hi, what does a first
        infusion cost? i've given my cat to my neighbour and cleared out the flat"); the words stay crisis words.
        Measured on the development pools: five crises more that had the support reply, no calm message more. Not the
        views fused (``Thresholds.fused``): a pair they reached their bar on passing caught one more crisis of the
        pools ("ketamine therapy didnt fix me. nothing will. ive decided to stop trying. goodbye") and escalated a
        thanks after a story of recovery ("Just wanted to say thank you to whoever runs this."); taking the higher of
        the pair's alarm and its fusion caught two more and escalated three more calm messages, a price question after
        worries about it among them: the fusion's probabilities crowd at 0 and 1, and the bar was set on the alarm's."""
        assert self.embedder is not None
        sentence = windows[n]
        before = next((w for w in reversed(windows[1:n]) if w not in sentence and sentence not in w), None)
        after = next((w for w in windows[n + 1:] if w not in sentence and sentence not in w), None)
        pairs = [f"{before} {sentence}"] if before else []
        pairs += [f"{sentence} {after}"] if after else []
        if not pairs:
            return math.inf
        words = classifier.words
        if words is not None and max(words.probabilities(pair)[1] for pair in pairs) >= self.thresholds.words:
            return 1.0
        return max(classifier.read(self.embedder.vectors(pairs)).alarms)

    def needs_meaning(self, hit: CrisisHit) -> bool:
        """Whether a words-layer hit may yet be overruled by the meaning (only ones that merely name a crisis word)."""
        limits = self.thresholds
        return hit.layer in ("patterns", "risk") \
            and (hit.category in limits.veto_categories or hit.category in limits.quiet_categories)

    def overrules(self, hit: CrisisHit, meaning: MeaningReading, repaired: MeaningReading | None = None,
                  sentences: MeaningReading | None = None) -> bool:
        """The meaning sets aside a pattern's hit on a message that merely names a crisis word, when it is
        near-certain the message is informational, clinical, past history, grief or fiction and sees no
        crisis in any window (below ``veto_alarm``), or sees no crisis at all (below ``veto_quiet``: "as a
        GP, when should I refer a patient with chronic suicidal ideation?").

        ``repaired``: the meaning of the words the patterns read, when they repaired the spelling
        (leetspeak, spaced letters, slang) or a laugh was left out: the encoder reads "su1c1d3 is the only option"
        as noise, and a veto must not rest on a reading of noise, so the repaired words must be calm too.

        ``sentences``: the sentences that hold the hit's words, read alone (a pronoun pointing back at them
        read as them), where the windows did not already: none may alarm (``veto_alarm``), under either veto.
        A message of a dozen words is read whole, and the whole dilutes a disclosure after a question: "does
        ketamine help with suicidal thoughts? i have suicidal thoughts every night" reads as the FAQ question
        (0.05); its second sentence alone reads as the crisis it is (0.93). A sentence read alone has lost the
        context that made it calm ("I used to self harm." before a question about eligibility), so it faces
        the bar for a crisis, not the quiet veto's "no crisis at all".

        In ``quiet_categories`` (self-harm: "old self-harm scars", a therapist's client) only the second
        applies: "relapsed on self harm after two years" reads as past history, and is not. Never for
        emergencies, overdose or means (in neither list), never for another language (the encoder reads
        English only; the caller checks).

        Never when the meaning reads distress (at least ``support``, the support reply's bar): it may set a word
        aside only in a message it reads as calm. "so stressed about money, kinda suicidal" reads as worry, no
        crisis (0.03), and is the crisis its word names; a distressed message with a crisis word escalates.
        """
        reading, limits = meaning.reading, self.thresholds
        if reading is None or not self.needs_meaning(hit) or reading.distress >= limits.support \
                or (sentences is not None and sentences.probability >= limits.veto_alarm):
            return False
        alarm = max(reading.probability, repaired.probability if repaired is not None else 0.0)
        if alarm < limits.veto_quiet:
            return True
        return hit.category in limits.veto_categories and reading.calm_share(self.veto_kinds(hit)) >= limits.veto \
            and alarm < limits.veto_alarm

    def veto_kinds(self, hit: CrisisHit) -> frozenset[str]:
        """The calm kinds whose share of a message lets the meaning set ``hit`` aside (``overrules``)."""
        limits = self.thresholds
        return limits.veto_kinds | limits.risk_veto_kinds if hit.category == RISK_CATEGORY else limits.veto_kinds

    def more_readings(self, embedder: Embedder, clean: str, windows: int, hit: CrisisHit
                      ) -> tuple[MeaningReading | None, MeaningReading | None]:
        """Two more readings of a message (``clean``: without markup) whose words ``hit`` found, for ``overrules``.

        The words the patterns read (``canonical_text``: leetspeak, spaced letters and slang repaired) without
        laughter (``without_laughter``), when either changed any: a joke marker never makes a crisis word calm
        ("honestly i wish i was dead haha" reads as a figure of speech, without "haha" as the wish it is; "the
        price will kill me lol" reads calm either way). And the sentences that hold the words the hit found, each
        alone: a short message is read whole (``windows``: 1), which dilutes a disclosure after a question; a
        pronoun pointing back at those words is read as them, and an intent whose verb the question before it said
        is read with it (``bot.crisis.anaphora``). Only those sentences: one without them ("Asking for my mom.")
        says nothing about how they are meant, and the encoder reads a fragment alone as noise. With them, the words
        after who writes (``writer_frames``) in a message that asks nothing, as ``read_frames`` reads them.
        """
        repaired = None
        if (canonical := without_laughter(canonical_text(self.rules, clean))) != normalize(clean) and canonical:
            parts, vectors = embedder.message_vectors(canonical)
            repaired = self.meaning(vectors, parts, in_context=False)  # the veto reads probabilities only
        whole = completed(clean)  # "is it possible to OD on the spray? i want to." as "... i want to OD on the spray."
        named = matched_words(self.rules, whole, hit)
        told = resolved(whole, named) if named else whole
        # a longer message's sentences were read as its windows, unless words left out or pointed at were read since
        parts = [part for part in embedder.sentences(told) if named in canonical_text(self.rules, part)] \
            if named and (windows == 1 or told != clean) else []
        # and the words after who writes, as ``read_frames`` reads them: "vet nurse, i have access to pentobarb
        # and i think about using it on myself every day now" reads as a clinician's (0.06), its words as the
        # crisis they are (0.88)
        rest = self.after_who_writes(clean)
        parts += [rest] if rest and rest not in parts else []
        return repaired, (self.meaning(embedder.vectors(parts), parts, in_context=False) if parts else None)

    def gloss_patterns(self, gloss: str) -> tuple[CrisisHit | None, bool]:
        """What the English patterns make of a message's English gloss, read once: a hit of a ``gloss_patterns``
        category, and whether the gloss is framed (one of the ``gloss_frames`` exceptions' frames, and no
        crisis pattern at all).

        The hit: "quanto de cetamina precisa pra morrer?" glosses as "how much of ketamine needs to die", which
        the lethal-means patterns know. Only categories whose patterns name a concrete act (a lethal amount,
        an overdose, an emergency): the others mostly name the subject, and a gloss keeps the subject while
        losing what made it calm ("I used to have suicidal thoughts, now I'm fine" glosses as "used to
        suicidal thoughts now fine").

        The frame: "я студентка медвуза, какая летальная доза кетамина? для экзамена" glosses as "I student
        which lethal dose ketamine. for exam", the study frame of a lethal-dose question. The message's phrase,
        pattern or gloss hit is then set aside, as the exception sets aside the English pattern; the
        exception's own guards ("i want", "for me", "tonight") and any crisis pattern on the gloss keep it."""
        limits = self.thresholds
        if not limits.gloss_patterns and not limits.gloss_frames:
            return None, False
        hit = detect_crisis(self.rules, gloss)
        framed_gloss = hit is None and bool(limits.gloss_frames) and framed(self.rules, gloss, limits.gloss_frames)
        return (hit if hit is not None and hit.category in limits.gloss_patterns else None), framed_gloss

    def gloss_overrules(self, hit: CrisisHit, meaning: MeaningReading, text: str) -> bool:
        """A phrase or pattern hit in a message not in English words is set aside when its gloss reads as
        near-certainly past history, grief or a clinician's question (``gloss_veto_kinds``, at least
        ``gloss_veto``) and no window of it alarms (below ``gloss_veto_alarm``): "vor zehn Jahren wollte ich
        mir das Leben nehmen, heute geht es mir gut". The English veto's counterpart for every language;
        informational is not among the kinds, since a question about a lethal dose reads as one, nor fiction, as
        which a word-by-word gloss of a short statement reads ("rooftop just wanted who that write"). As in English,
        only a hit that merely names the subject (a phrase, or a pattern of the ``veto_categories`` or
        ``quiet_categories``), never an act or an emergency: "mio padre è svenuto dopo la dose di esketamina"
        stays an emergency, whatever its gloss reads as. Nor when the message holds a danger-now cue (the
        lexicon's ``danger_now``): a past story that has come back reads as past history too."""
        reading, limits = meaning.reading, self.thresholds
        return (reading is not None and (hit.layer == "lexicon" or self.needs_meaning(hit))
                and reading.calm_share(limits.gloss_veto_kinds) >= limits.gloss_veto
                and reading.probability < limits.gloss_veto_alarm
                and not self.lexicon.danger_now(text))

    def distressed(self, meaning: MeaningReading, text: str, offered: bool = False) -> bool:
        """Distress no layer scores as a crisis (the support tier): hopelessness, exhaustion, giving up; or a
        sentence that alarmed read alone, not with its neighbours (``out_of_context``). ``offered``: the FAQ step
        found an answer or a choice of answers ("did you mean"), which only the second replaces, or distress that
        asks nothing: "How many sessions does a series involve? I'm so tired of being a weight on my family and I
        have a way out." must not get the number of sessions, and "everything feels hopeless lately" gets support
        with the depression entry offered, not that entry. Fragments of one or two words are never read as
        distress: the model is unsure of them, not alarmed. Words have letters: ": < R" is noise."""
        reading = meaning.reading
        words = sum(any(char.isalpha() for char in word) for word in text.split())
        told = not offered or not asks_anything(text)
        return reading is not None and words >= 3 \
            and (meaning.out_of_context or (told and reading.distress >= self.thresholds.support
                                            and not self.distress_among_calm(reading)))

    def distress_among_calm(self, reading: Reading) -> bool:
        """Distress at the support bar in a message that sits among calm texts: its nearest calm text is nearer than
        its nearest distress example by more than ``support_margin`` allows (``CrisisClassifier.distress_margin``),
        so the support tier passes it by ("what's the weather going to be like in Chicago tomorrow")."""
        limits = self.thresholds
        return reading.distress >= limits.support and not reading.distress_margin >= limits.support_margin

    def calm(self, text: str, meaning: MeaningReading) -> bool:
        """Clearly calm to every layer: the words' over-sensitive screen, a low alarm, and no distress."""
        reading = meaning.reading
        distress = reading.distress if reading is not None else 0.0
        return (meaning.probability < self.thresholds.calm and distress < self.thresholds.support
                and clearly_calm(self.rules, text))
