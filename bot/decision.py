"""The one decision the bot makes for a message, shared by Telegram, terminal and CLI.

Order is fixed and deliberate: crisis first (on the whole message, it always wins), then small talk, then the
FAQ, then an honest fallback. Every reply text comes from the knowledge files; nothing is generated. An English
message with misspelt words is read again with them mended (``bot.language.spelling``): by the crisis patterns,
when they found nothing as written, and by the FAQ step.

The FAQ step acts on the fused confidence of the views (``bot.matching.understanding``), with thresholds from
``settings.yaml``: answer when confident and clearly ahead; ask "did you mean" when the best entries are close,
when the message is a bare word or fragment, or when a boundary topic is only narrowly ahead of an entry;
otherwise fall back honestly, offering the nearest entries when they are not far off.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from bot.crisis.detector import CrisisHit, detect_crisis, spoken_symbols
from bot.crisis.gloss import Gloss
from bot.crisis.screen import CrisisScreen, MeaningReading
from bot.knowledge.model import FaqEntry, Knowledge
from bot.knowledge.training import crisis_classifiers, crisis_training
from bot.language.clauses import questions
from bot.language.identify import ENGLISH, LanguageIdentifier
from bot.language.markup import strip_markup
from bot.language.normalize import normalize
from bot.language.spelling import SpellingRepair
from bot.language.terms import SIGNAL_WORDS, STOP_WORDS
from bot.matching.lexical import BOUNDARY, Candidate, MatchIndex
from bot.matching.semantic import FAQ
from bot.matching.semantic import SMALLTALK as SMALLTALK_CLASS
from bot.matching.smalltalk import SmallTalkIndex
from bot.matching.subject import SubjectCheck
from bot.matching.understanding import Reading, Understanding
from bot.semantic.embedder import Embedder, default_embedder
from bot.semantic.memory import release_free_memory

log = logging.getLogger("bot.decision")

ANSWER, CLARIFY, CRISIS, SMALLTALK, FALLBACK, SUPPORT = "answer", "clarify", "crisis", "smalltalk", "fallback", \
    "support"
MAX_MESSAGE_CHARS = 4000  # the user's text we look at; Telegram itself caps messages at 4096
FRAGMENT_WORDS = 2  # a message of at most this many words is a fragment: answered only when clearly meant
GLOSS_QUESTION_WORDS = 2  # a gloss this long may be a question ("is it safe"); the crisis layer asks more
REPLY_COVERAGE = 0.5  # a glossary knowing this share of a message's words names the language to reply in
Embedded = tuple[list[str], np.ndarray, np.ndarray]  # a text's windows, their vectors, their similarities to the FAQ


@dataclass(frozen=True)
class ChatContext:
    """What the decision needs to know about the chat: hotline region and recent escalation.

    ``region`` is the chat's own (its /region choice, or what its Telegram language implies); ``default_region``
    is the operator's DEFAULT_REGION, used only for English messages."""

    region: str | None = None
    flagged: bool = False
    language: str | None = None  # the Telegram interface language ("en-gb"), not the message's
    default_region: str | None = None


NO_CONTEXT = ChatContext()


@dataclass(frozen=True)
class Decision:
    """What to reply and why. ``reply`` is the full plain text; shells add buttons from ids."""

    kind: str
    reply: str
    id: str | None = None
    options: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    score: float = 0.0
    crisis: CrisisHit | None = None
    footer: str | None = None
    body: str = field(default="", repr=False)  # reply without the footer, for shells that format it
    topic: str | None = None  # the boundary topic a fallback declines, if any
    language: str = "en"  # the language the message was read as
    # Every crisis layer scored the message clearly below its threshold (an over-sensitive screen):
    # only such messages may ever be stored (the unanswered inbox). Never true for a crisis.
    screened_calm: bool = False
    reading: Reading | None = field(default=None, repr=False, compare=False)  # for ask --explain

    def as_json(self) -> dict[str, object]:
        """The stable ``ask --json`` protocol: the five keys the evaluation reads, then ``topic``, ``category``
        (of a crisis), ``layer`` (the crisis layer that fired) and ``language``."""
        return {"kind": self.kind, "id": self.id, "options": list(self.options),
                "score": round(self.score, 1), "reply": self.reply, "topic": self.topic,
                "category": self.crisis.category if self.crisis else None,
                "layer": self.crisis.layer if self.crisis else None, "language": self.language}


@dataclass(frozen=True)
class GlossReading:
    """What the meaning layer made of a message's English gloss."""

    gloss: Gloss
    meaning: MeaningReading
    words: CrisisHit | None = None  # an English pattern that matched the gloss (``CrisisScreen.gloss_patterns``)
    framed: bool = False  # the gloss holds a study frame and no crisis pattern (``CrisisScreen.gloss_patterns``)

    @property
    def hit(self) -> CrisisHit | None:
        """The gloss escalates: the meaning's hit, else a pattern's, named as the gloss layer in its language."""
        hit, language = self.meaning.hit or self.words, self.gloss.language
        return None if hit is None else CrisisHit(hit.category, language, f"gloss:{language}:{hit.rule}", "gloss")


class Responder:
    """A knowledge version with everything derived from it, ready to decide messages.

    Building one trains the classifier and the fusion (seconds when nothing is cached): shells
    build it off the event loop and swap it in whole.
    """

    def __init__(self, knowledge: Knowledge, embedder: Embedder | None = None) -> None:
        self.knowledge = knowledge
        self.smalltalk = SmallTalkIndex(knowledge.smalltalk)
        self.subject = SubjectCheck(knowledge.matching)
        self.understanding: Understanding | None = None
        policy = knowledge.crisis
        word_counts = knowledge.word_counts()
        self.languages = LanguageIdentifier(policy.languages, set(word_counts) | STOP_WORDS | SIGNAL_WORDS)
        classifier = gloss_classifier = None
        self.spelling: SpellingRepair | None = None
        if knowledge.matching.lexical_only:
            log.warning("LEXICAL-ONLY matching (settings.yaml matching.lexical_only): the sentence encoder is off, "
                        "so questions worded unlike the phrasings will be missed, and the semantic crisis layer too")
            self.index = MatchIndex(knowledge)
        else:
            embedder = embedder or default_embedder()
            # BLAS stays on one thread (each OpenBLAS thread keeps a 32 MB buffer); the crisis classifiers are
            # fitted beside the FAQ side, one after the other: the same models, a cold start some 5 s shorter on
            # two cores (both crisis fits at once cost 30 MB more at the peak and saved nothing).
            training = crisis_training(knowledge)
            with embedder.build(), ThreadPoolExecutor(1) as beside:
                crisis_side = beside.submit(crisis_classifiers, training, embedder)
                self.understanding = Understanding(knowledge, embedder)
                classifier, gloss_classifier = crisis_side.result()
            self.index = self.understanding.lexical
            rules = policy.detection
            risk_words = rules.risk.ones.keys() if rules.risk is not None else frozenset()  # "ctb", not "cbt"
            self.spelling = SpellingRepair(word_counts, embedder.encoder.words(),
                                           rules.vocabulary | rules.spellings.keys() | risk_words
                                           | {word for meant in rules.spellings.values() for word in meant.split()})
        self.screen = CrisisScreen(policy.detection, policy.lexicon, classifier, policy.thresholds, gloss_classifier,
                                   embedder if self.understanding is not None else None)
        release_free_memory()  # embedding and fitting freed tens of MB the allocator would otherwise keep

    def decide(self, text: str, context: ChatContext = NO_CONTEXT) -> Decision:
        """Crisis (every layer, on the whole message) first; then the calm decision; see the module docstring."""
        text = spoken_symbols(self.screen.rules, text[:MAX_MESSAGE_CHARS])
        identified = self.languages.identify(text)
        language = identified.code
        hit = words_hit = self.screen.words(text, identified)
        # The meaning may overrule a pattern only where the encoder can read the message: in English words it
        # knows. "suicide korbo ajke" (romanised Bengali, "I'll do it today") is English to lingua, noise to it;
        # and an English pattern: "ya no aguanto. me quiero matar" is half English words, and a Spanish pattern's.
        overrulable = hit is not None and hit.language == "en" and identified.in_known_english and language == "en" \
            and self.screen.needs_meaning(hit)
        in_english = functools.cache(lambda: self.knowledge.glossaries.gloss(strip_markup(text), first=language))
        # The gloss is embedded once, for the crisis layer and, should the message be calm, for the FAQ step.
        gloss_embedded = functools.cache(lambda: self._embedded(in_english().text, by_sentence=True))
        gloss = functools.cache(lambda: None if identified.in_known_english and not identified.reads_better(
            lambda: getattr(in_english(), "coverage", 0.0)) else self.read_glossed(text, in_english(), gloss_embedded))
        if hit is not None and not overrulable:  # answered before any embedding is done, unless not in English
            glossed = gloss()
            if glossed is None or not (self.screen.gloss_overrules(hit, glossed.meaning, text) or glossed.framed):
                # in a pattern's language (crisis-es), when the message read as English: "me quiero matar"
                reply_in = hit.language if hit.layer == "lexicon" or language == "en" else language
                return self.crisis_decision(hit, context, reply_in)
            hit = None  # the gloss reads as past history, fiction, grief, a clinician's or a student's question
        clean = strip_markup(text)
        has_words = any(char.isalpha() for char in clean)  # "?" or "!!!" has nothing for a model to read
        windows, vectors = (self.understanding.embedder.message_vectors(clean) if self.understanding and has_words
                            else ([], np.zeros((0, 0))))
        # Each window against the FAQ's own examples, once: the crisis screen's nearest calm texts, then the matcher.
        similarities = self.understanding.classifier.similarities(vectors) if self.understanding and windows else None
        nearest_faq = None if similarities is None else similarities.max(axis=1)
        meaning = self.screen.meaning(vectors, windows, nearest_faq)
        meaning = self.screen.read_frames(text, meaning, vectors, nearest_faq, self.meaning_of)
        if hit is not None and (self.understanding is None or not self.screen.overrules(  # no meaning, no veto
                hit, meaning, *self.screen.more_readings(self.understanding.embedder, clean, len(windows), hit))):
            return self.crisis_decision(hit, context, language)
        if meaning.hit is not None:
            return self.crisis_decision(meaning.hit, context, language)
        # Typos mended ("how saef is thus"): a second reading for the patterns, and the text the FAQ step reads.
        mended = self.spelling.text(clean) if self.spelling is not None and language == "en" else None
        mended_read = functools.cache(functools.partial(self._read, mended, dict(zip(windows, vectors, strict=True))))
        if mended is not None and words_hit is None and (missed := self._mended_hit(mended, mended_read)) is not None:
            return self.crisis_decision(missed, context, language)
        if (glossed := gloss()) is not None and (crisis := glossed.hit) is not None and not glossed.framed:
            return self.crisis_decision(crisis, context, crisis.language)
        if language != "en":  # the bot cannot answer in this language; it never sends the English fallback
            return self._other_language(in_english(), context, gloss_embedded)
        if mended is not None:  # the FAQ step reads the mended words
            clean, similarities = mended, None
            windows, vectors = mended_read()
        decision = self._calm_decision(clean, windows, vectors, similarities)
        if decision.kind in (FALLBACK, ANSWER, CLARIFY) \
                and self.screen.distressed(meaning, clean, offered=decision.kind != FALLBACK):
            decision = self.support_decision(context, meaning, decision)  # never "rephrase"
        elif decision.kind == FALLBACK and decision.topic is None and identified.unreadable(len(clean.split())):
            # hardly English: never "try rephrasing" without lines, and an answer where its gloss reads as one
            return self._other_language(in_english(), context, gloss_embedded)
        # Only text in words the bot knows as English may ever be stored: a crisis in a language misread as
        # English (short Turkish, romanised Hindi) has no pattern or meaning layer that could see it.
        calm = decision.kind != SUPPORT and identified.in_known_english and self.screen.calm(text, meaning)
        return self._with_footer(dataclasses.replace(decision, screened_calm=calm), context)

    def decide_entry(self, entry_id: str, context: ChatContext = NO_CONTEXT) -> Decision:
        """The answer for an entry picked from a button or a numbered suggestion.

        Ids come back from users (callback data), so an unknown or forged id gets the
        polite "that topic no longer exists" rather than an error.
        """
        entry = self.knowledge.by_id.get(entry_id)
        if entry is None:
            text = self.knowledge.texts.unknown_topic
            return self._with_footer(Decision(FALLBACK, text, body=text), context)
        return self._with_footer(self._answer(entry, 100.0), context)

    def meaning_of(self, text: str, glossed: bool = False) -> MeaningReading:
        """The meaning layer on a message, or on its words outside a frame (``bot.crisis.framing``); as a gloss's."""
        if self.understanding is None or not any(char.isalpha() for char in text):
            return MeaningReading(0.0, None)
        windows, vectors, similarities = self._embedded(text, by_sentence=glossed)
        return self.screen.meaning(vectors, windows, similarities.max(axis=1), glossed=glossed)

    def _embedded(self, text: str, by_sentence: bool = False) -> Embedded:
        """A text's windows, their vectors and their similarities to the FAQ's examples; ``by_sentence`` for a gloss:
        each of its sentences read alone however short it is (``Embedder.message_vectors`` says why)."""
        assert self.understanding is not None
        windows, vectors = self.understanding.embedder.message_vectors(text, by_sentence=by_sentence)
        return windows, vectors, self.understanding.classifier.similarities(vectors)

    def _read(self, text: str | None, known: dict[str, np.ndarray]) -> tuple[list[str], np.ndarray]:
        """A text's windows and vectors, those in ``known`` (the message as written) not embedded again."""
        assert self.understanding is not None and text is not None
        return self.understanding.embedder.message_vectors(text, known)

    def _mended_hit(self, mended: str, read: Callable[[], tuple[list[str], np.ndarray]]) -> CrisisHit | None:
        """A crisis the typos hid from the patterns: "I ujst swalluwed everything in my medicnie cabinet".

        The patterns read the message again with its misspelt words mended (``bot.language.spelling``); a hit
        that merely names a crisis word faces the meaning's veto on the mended words. Only the patterns get a
        second reading: the meaning of mended text was measured as no safer than that of the typos. ``read``:
        the mended text's windows and vectors, embedded once for this and the FAQ step."""
        hit = detect_crisis(self.screen.rules, mended)
        if hit is None:
            return None
        if self.screen.needs_meaning(hit):
            windows, vectors = read()
            if self.screen.overrules(hit, self.screen.meaning(vectors, windows)):
                return None
        return hit

    def read_gloss(self, text: str, language: str) -> GlossReading | None:
        """The meaning layer on the message's English gloss (``bot.crisis.gloss``): for text not in English words.

        The encoder reads English only; in other languages the lexicon catches the phrases someone listed,
        and the gloss lets the classifier read the rest ("me las tomo todas" -> "me them take all"). None
        when no glossary knows enough of the message (``gloss_coverage``, ``gloss_words``)."""
        return self.read_glossed(text, self.knowledge.glossaries.gloss(strip_markup(text), first=language))

    def read_glossed(self, text: str, glossed: Gloss | None,
                     embedded: Callable[[], Embedded] | None = None) -> GlossReading | None:
        """``read_gloss`` of ``text`` already glossed; ``embedded``: its gloss's ``_embedded``, when already made."""
        if self.understanding is None or glossed is None or glossed.words < self.screen.thresholds.gloss_words \
                or glossed.coverage < self.screen.thresholds.gloss_coverage:
            return None
        windows, vectors, similarities = embedded() if embedded is not None \
            else self._embedded(glossed.text, by_sentence=True)
        meaning = self.screen.outside_treatment_time(glossed.text, self.screen.meaning(
            vectors, windows, similarities.max(axis=1), glossed=True), functools.partial(self.meaning_of, glossed=True),
            message=text, language=glossed.language)
        return GlossReading(glossed, meaning, *self.screen.gloss_patterns(glossed.text))

    def _english_only(self, glossed: Gloss | None) -> Decision:
        """ "I can only answer in English", with the lines, in the language of the glossary that knows most of
        the message's words, else in English. Lingua picks among the languages the bot serves, so a language it
        does not serve gets a wrong one (Czech read as Portuguese), and it misreads romanised Hindi as Tagalog;
        the same-language glossary knew at least half the words of 840 of 842 messages lingua read right, and
        the guessed language's of none of the 24 it read wrong. ``glossed``: the message's gloss."""
        reply_language = glossed.language if glossed is not None and glossed.coverage >= REPLY_COVERAGE else ENGLISH
        reply = self.knowledge.crisis.english_only_text(reply_language)
        return Decision(FALLBACK, reply, body=reply, language=reply_language)

    def _other_language(self, glossed: Gloss | None, context: ChatContext, embedded: Callable[[], Embedded]
                        ) -> Decision:
        """A calm message in another language: "I can only answer in English" (``_english_only``), followed by the
        English answer or "did you mean" when the message's gloss reads as one FAQ question clearly enough.

        Why: "ist es sicher??" glosses as "is it safe", which the FAQ step reads as well as the English. A gloss
        is broken English, so it must be surer than an English question (``gloss_answer_confidence``) and cover
        as much of the message as a gloss the crisis layer reads (``gloss_coverage``); boundary topics, small
        talk and fallbacks stay the plain "English only" reply. Crisis screening has already read the message.
        """
        english_only = self._english_only(glossed)
        limits, settings = self.screen.thresholds, self.knowledge.matching
        if self.understanding is None or glossed is None or glossed.words < GLOSS_QUESTION_WORDS \
                or glossed.coverage < limits.gloss_coverage:
            return english_only
        decision = self._calm_decision(glossed.text, *embedded())  # ``embedded``: the gloss's ``_embedded``
        sure = decision.kind == ANSWER and decision.score >= 100 * settings.gloss_answer_confidence
        if not (sure or decision.kind == CLARIFY):
            return english_only
        reply = f"{english_only.reply}\n\n{decision.reply}"
        return self._with_footer(dataclasses.replace(decision, reply=reply, body=reply, language=english_only.language),
                                 context)

    def crisis_decision(self, hit: CrisisHit | None, context: ChatContext, language: str = "en") -> Decision:
        text = self.crisis_text(context, language)
        return Decision(CRISIS, text, score=100.0, crisis=hit, body=text, language=language)

    def crisis_text(self, context: ChatContext, language: str = "en") -> str:
        """The fixed escalation for the chat's region, in the message's language where the knowledge has it."""
        return self.knowledge.crisis.crisis_text(context.region, language, context.default_region)

    def support_decision(self, context: ChatContext, meaning: MeaningReading, calm: Decision) -> Decision:
        """Distress no layer scores as a crisis: a warm reply with the region's lines, never "rephrase"; the entries the
        ``calm`` decision offered, or the one it answered with (a question asked in distress keeps its way on)."""
        nearest = calm.options or ((calm.id,) if calm.kind == ANSWER and calm.id else ())
        text = self._with_nearest(self.knowledge.crisis.support_text(context.region, context.default_region), nearest)
        distress = meaning.reading.distress if meaning.reading else 0.0
        return Decision(SUPPORT, text, options=nearest, score=100 * distress, body=text, reading=calm.reading)

    def footer_text(self, context: ChatContext) -> str:
        policy = self.knowledge.crisis
        return policy.footer.format(short=policy.reply_region(context.region, "en", context.default_region).short)

    def _calm_decision(self, clean: str, windows: list[str], vectors: np.ndarray,
                       similarities: np.ndarray | None = None) -> Decision:
        normalized = normalize(clean)
        if not normalized:
            return self._fallback(0.0)
        intent = self.smalltalk.match(normalized)
        if intent is not None:
            return Decision(SMALLTALK, intent.reply, id=intent.id, score=100.0, body=intent.reply)
        if self.understanding is None:
            return self._from_candidates(self.index.rank(self.index.analyze(clean)))
        return self._from_reading(self.understanding.read(clean, windows, vectors, similarities))

    def _from_reading(self, reading: Reading) -> Decision:
        """The FAQ step on the fused confidence; see the module docstring and settings.yaml."""
        settings = self.knowledge.matching
        ranked = reading.candidates
        entries = [c for c in ranked if c.label.kind == FAQ]
        best = ranked[0] if ranked else None
        confidence = best.confidence if best else 0.0
        chatty = reading.top_semantic
        if chatty.kind == SMALLTALK_CLASS and reading.probability(chatty) >= settings.smalltalk_probability \
                and confidence < settings.answer_confidence:
            intent = next(i for i in self.knowledge.smalltalk if i.id == chatty.id)
            return Decision(SMALLTALK, intent.reply, id=intent.id, score=100 * reading.probability(chatty),
                            body=intent.reply, reading=reading)
        nearest = [c.label.id for c in entries[: settings.max_options] if c.confidence >= settings.suggest_confidence] \
            or [c.target.id for c in reading.lexical if c.target.kind == FAQ and c.score >= settings.min_score][
                : settings.max_options]  # when meaning finds nothing close, entries sharing its words
        fragment = len(reading.query.normalized.split()) <= FRAGMENT_WORDS  # "ketamine", "spravato insurance?"
        topical = any(t not in SIGNAL_WORDS for t in reading.query.terms) or bool(reading.query.unknown)
        if not topical and (fragment or confidence < settings.function_words_confidence):  # only function words:
            return self._fallback(100 * confidence, nearest, reading)  # the meaning's picks are offered as buttons
        if best is None or confidence < (settings.short_message_confidence if fragment else settings.answer_confidence):
            if fragment and nearest:  # a bare topic word: ask which question it is
                return self._clarify(nearest, 100 * confidence, reading)
            return self._each_question(reading) or self._fallback(100 * confidence, nearest, reading)
        if best.label.kind == BOUNDARY:
            rival = entries[0].confidence if entries else 0.0
            words = reading.lexical[0].target if reading.lexical else None
            if words is not None and words.kind == FAQ:  # declining needs both views: the words point to an entry
                return self._clarify([words.id], 100 * confidence, reading)
            if confidence - rival >= settings.boundary_margin:
                reply = next(t.reply for t in self.knowledge.boundaries if t.id == best.label.id)
                return Decision(FALLBACK, reply, score=100 * confidence, body=reply, topic=best.label.id,
                                reading=reading)
            close = [c.label.id for c in entries if confidence - c.confidence < settings.boundary_margin]
            return self._clarify(close[: settings.max_options] or nearest[:1], 100 * confidence, reading)
        if self.subject.elsewhere(reading.text) is not None:  # "does insurance cover ECT": no entry of ours answers
            return self._fallback(100 * confidence, nearest, reading)
        close = [c.label.id for c in entries if confidence - c.confidence < settings.clarify_margin]
        if len(close) > 1:
            options = close[: settings.max_options]
            return self._each_question(reading) or self._clarify(options, 100 * confidence, reading)
        return self._each_question(reading, best.label.id) \
            or self._answer(self.knowledge.by_id[best.label.id], 100 * confidence, reading)

    def _each_question(self, reading: Reading, whole: str | None = None) -> Decision | None:
        """A message of several questions (``bot.language.clauses``), each read alone: when every one gets an answer,
        the first one's, with the others first among its related buttons; else None. ``whole``: the entry the whole
        is answered with; then only when a later question's ("is nausea common, and is it expensive?" read as cost)."""
        asked = questions(reading.text, first_asks=whole is not None)
        if len(asked) < 2 or self.understanding is None:
            return None
        answers = [self._from_reading(self.understanding.read(question)) for question in asked]
        others = list(dict.fromkeys(answer.id for answer in answers[1:] if answer.id != answers[0].id))
        if not others or any(answer.kind != ANSWER for answer in answers) or whole not in (None, *others):
            return None
        related = tuple(dict.fromkeys([*others, *answers[0].related]))
        return dataclasses.replace(answers[0], related=related, reading=reading)

    def _from_candidates(self, ranked: list[Candidate]) -> Decision:
        """Lexical-only mode (``matching.lexical_only``): the lexical score and its thresholds."""
        settings = self.knowledge.matching
        if not ranked or ranked[0].score < settings.min_score:
            return self._fallback(ranked[0].score if ranked else 0.0)
        top = ranked[0]
        if top.target.kind == BOUNDARY:
            reply = next(t.reply for t in self.knowledge.boundaries if t.id == top.target.id)
            return Decision(FALLBACK, reply, score=top.score, body=reply, topic=top.target.id)
        close = [c.target.id for c in ranked if c.target.kind != BOUNDARY
                 and top.score - c.score <= settings.ambiguity_margin][: settings.max_options]
        if len(close) > 1:
            return self._clarify(close, top.score)
        return self._answer(self.knowledge.by_id[top.target.id], top.score)

    def _answer(self, entry: FaqEntry, score: float, reading: Reading | None = None) -> Decision:
        return Decision(ANSWER, entry.answer, id=entry.id, related=entry.related, score=score, body=entry.answer,
                        reading=reading)

    def _clarify(self, options: list[str], score: float, reading: Reading | None = None) -> Decision:
        texts, by_id = self.knowledge.texts, self.knowledge.by_id
        reply = "\n".join([texts.clarify, *(f"{n}. {by_id[i].question}" for n, i in enumerate(options, 1))])
        return Decision(CLARIFY, reply, options=tuple(options), score=score, body=reply, reading=reading)

    def _fallback(self, score: float, nearest: list[str] | None = None, reading: Reading | None = None) -> Decision:
        """The honest "no vetted answer"; ``nearest`` entries, when not far off, become buttons (``options``)."""
        reply = self._with_nearest(self.knowledge.texts.fallback, nearest or ())
        return Decision(FALLBACK, reply, options=tuple(nearest or ()), score=score, body=reply, reading=reading)

    def _with_nearest(self, reply: str, nearest: Sequence[str]) -> str:
        questions = [f"{n}. {self.knowledge.by_id[i].question}" for n, i in enumerate(nearest, 1)]
        return "\n".join([reply.rstrip(), "", self.knowledge.texts.nearest, *questions]) if nearest else reply

    def _with_footer(self, decision: Decision, context: ChatContext) -> Decision:
        """Add the hotline line where the entry demands it or the chat escalated recently."""
        entry = self.knowledge.by_id.get(decision.id or "") if decision.kind == ANSWER else None
        if not context.flagged and not (entry and entry.hotline_footer):
            return decision
        footer = self.footer_text(context)
        return dataclasses.replace(decision, reply=f"{decision.body}\n\n{footer}", footer=footer)

