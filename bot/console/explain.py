"""``ask --explain``: why the bot decided what it did, for operators fixing phrasings.

It shows the views and what decided: the typos mended, the lexical view (normalised text, terms, spelling
corrections, unknown words, top entries with the phrasing that matched), the semantic view
(the windows a long message was read as, the nearest phrasings, the class probabilities), the word view's
best entries, the fused confidence per candidate, the thresholds, which crisis layer fired (and, for a pattern
the meaning may set aside, the readings it weighed) or why the support reply was given, and the decision.
"""

from __future__ import annotations

import math

from bot.crisis.detector import CrisisHit, spoken_symbols
from bot.decision import FALLBACK, NO_CONTEXT, SUPPORT, ChatContext, Responder
from bot.language.markup import strip_markup
from bot.matching.fusion import FEATURES


def explain(responder: Responder, text: str, context: ChatContext = NO_CONTEXT) -> str:
    """A readable report of one message's decision."""
    decision = responder.decide(text, context)
    written, text = text, spoken_symbols(responder.screen.rules, text)  # every layer reads the emoji as words
    reading = decision.reading
    query = reading.query if reading else responder.index.analyze(text)
    settings = responder.knowledge.matching
    mended = responder.spelling.text(strip_markup(text)) if responder.spelling is not None else None
    lines = [
        f"message:     {written!r}",
        *([f"symbols:     {text!r} (emoji read as words: detection.symbols)"] if text != written else []),
        *([f"mended:      {mended!r} (misspelt words put right; the FAQ step reads this)"] if mended else []),
        f"normalised:  {query.normalized!r}",
        f"terms:       {', '.join(f'{t}' if q == 1 else f'{t} ({q:.2f})' for t, q in query.terms.items()) or '-'}",
    ]
    if query.corrections:
        lines.append("corrected:   " + ", ".join(f"{a} -> {b}" for a, b in query.corrections.items()))
    if query.unknown:
        lines.append("unknown:     " + ", ".join(query.unknown))
    if responder.understanding is None:
        lines.append("mode:        LEXICAL ONLY (settings.yaml matching.lexical_only): no semantic view")
        lines.append(f"thresholds:  min_score {settings.min_score:g}, ambiguity_margin {settings.ambiguity_margin:g}")
    else:
        names = ("answer_confidence", "clarify_margin", "short_message_confidence", "function_words_confidence",
                 "boundary_margin", "suggest_confidence")
        lines.append("thresholds:  " + ", ".join(f"{name} {getattr(settings, name):g}" for name in names))
    lines.append("lexical view (score 0-100):")
    ranked = reading.lexical if reading else responder.index.rank(query, limit=5)
    for rank, candidate in enumerate(ranked, 1):
        lines.append(f"  {rank}. {candidate.score:5.1f}  {candidate.target.kind}:{candidate.target.id}"
                     f"  via {candidate.phrasing!r}  matched [{', '.join(candidate.matched)}]")
    if reading is not None and responder.understanding is not None:
        if len(reading.windows) > 1:
            lines.append(f"windows:     read as {len(reading.windows)} windows (the whole message, then its sentences)")
        lines.append("semantic view:")
        lines.append("  nearest phrasings (cosine):")
        for similarity, example, label in responder.understanding.classifier.nearest(reading.vectors[0], 3):
            lines.append(f"    {similarity:.2f}  {label}  {example!r}")
        lines.append("  class probabilities:")
        for label, probability in reading.best_probabilities(5):
            lines.append(f"    {probability:.2f}  {label}")
        lines.append("word view (naive Bayes over words and word pairs):")
        for label, probability in reading.best_words(3):
            lines.append(f"    {probability:.2f}  {label}")
        lines.append("fused confidence (0-1), best first:")
        for candidate in reading.candidates[:5]:
            evidence = candidate.evidence
            lines.append(f"  {candidate.confidence:.2f}  {candidate.label}  (semantic {evidence.semantic:.2f}, "
                         f"lexical {evidence.lexical:.1f}, words {evidence.words:.2f})")
        lines.append(f"fusion:      learned from held-out phrasings over {', '.join(FEATURES[:-1])}")
    identified = responder.languages.identify(text)
    how = f"lingua {identified.confidence:.2f}" if identified.confidence is not None \
        else f"{identified.english_share:.0%} of its words known as English"
    if not identified.surely_english:
        lexicons = "lexicons on"
    elif identified.partly_foreign:
        lexicons = "surely English, partly unknown words: strong phrases of other languages looked for"
    else:
        lexicons = "surely English: other languages not looked for"
    lines.append(f"language:    read as {decision.language} ({how}; {lexicons})")
    if not identified.in_known_english and (glossed := responder.knowledge.glossaries.gloss(text, decision.language)):
        lines.append(f"gloss:       {glossed.language}, {glossed.coverage:.0%} of it known: '{glossed.text}'")
    if decision.crisis is not None:
        hit = decision.crisis
        gloss_reader = "the semantic detector" if ":semantic:" in hit.rule else "a pattern"
        why = {"patterns": f"pattern {hit.rule} of crisis.yaml matched", "risk": f"risk signals {hit.rule}",
               "lexicon": f"a crisis phrase of language {hit.language} (crisis.yaml languages)",
               "semantic": f"the semantic detector ({hit.rule}: probability, window)",
               "gloss": f"the English gloss read by {gloss_reader} ({hit.rule})"}.get(hit.layer, hit.rule)
        lines.append(f"crisis:      layer {hit.layer}: {why}")
        if decision.language == "en" and responder.understanding is not None and responder.screen.needs_meaning(hit):
            lines.append(f"kept:        {_why_kept(responder, text, hit)}")
    elif responder.understanding is not None and decision.language == "en":
        lines.append(f"crisis:      no layer fired; {_closest_alarm(responder, text)}")
    if decision.language == "en" and (story := responder.screen.story(text)[0]):
        lines.append(f"story:       crisis words told as over, denied, grieved or figurative (crisis.yaml "
                     f"semantic.story_frames), in {', '.join(sorted(story))}: these categories' patterns skip those "
                     "words, and the semantic layer reads the message whole and escalates on them only for the rest")
    if decision.kind == SUPPORT and responder.understanding is not None:
        lines.append(f"support:     {_why_support(responder, text)}")
    elif decision.kind == FALLBACK and responder.understanding is not None and (not_support := _why_not_support(
            responder, text)):
        lines.append(f"support:     {not_support}")
    declined = decision.kind == FALLBACK and not decision.topic
    other = responder.subject.elsewhere(strip_markup(text)) if declined else None
    if other is not None:
        lines.append(f"subject:     names another treatment, '{other}', and no word of the FAQ's subject "
                     "(settings.yaml matching.other_treatments, matching.subject_words): not answered")
    label = decision.id or ", ".join(decision.options) or "-"
    crisis = f" (crisis category {decision.crisis.category})" if decision.crisis else ""
    topic = f" (declines boundary topic {decision.topic})" if decision.topic else ""
    lines.append(f"decision:    {decision.kind} {label} score {decision.score:.1f}{crisis}{topic}")
    return "\n".join(lines) + "\n"


def _closest_alarm(responder: Responder, text: str) -> str:
    """How near the semantic layer came to escalating: an operator who expected a crisis sees which bar it missed
    and whether any crisis example in crisis_examples.yaml is near (a miss to add an example for)."""
    reading = responder.meaning_of(strip_markup(text)).reading
    if reading is None:
        return "the semantic layer read no words"
    limits = responder.screen.thresholds
    n = max(range(len(reading.alarms)), key=lambda window: reading.alarms[window])
    found = [f"the semantic layer's highest alarm {reading.alarms[n]:.2f} (window {n + 1} of {len(reading.alarms)}, "
             f"{reading.categories[n]}; semantic.threshold {limits.crisis:g}, semantic.rescue {limits.rescue:g})"]
    # NaN: the alarm was too low for the nearest examples to be looked up (and the views were not fused)
    if not math.isnan(reading.nearest[n]):
        found.append(f"its nearest crisis example {reading.nearest[n]:.2f} (semantic.nearest_floor "
                     f"{limits.nearest_floor:g}), and that minus its nearest calm text {reading.margins[n]:+.2f} "
                     f"(semantic.nearest_margin {limits.nearest_margin:g})")
    if reading.fused:  # the English reading: its views fused, in the window where they read the most alarm
        m = max(range(len(reading.fused)), key=lambda window: reading.fused[window])
        network, kinds, words = reading.views[m]
        found.append(f"its views fused {reading.fused[m]:.2f} in window {m + 1} (network {network:.2f}, kinds model "
                     f"{kinds:.2f}, word view {words:.2f}, nearest examples; semantic.fused {limits.fused:g})")
    return "; ".join(found)


def _why_support(responder: Responder, text: str) -> str:
    """Which of the support tier's two reasons held (``CrisisScreen.distressed``), read again on the message."""
    meaning = responder.meaning_of(strip_markup(text))
    if meaning.out_of_context:
        return ("a sentence alarmed the semantic detector read alone, not read with the sentence before or after "
                "it (crisis.yaml semantic.context)")
    reading = meaning.reading
    if reading is None:
        return "no reading"
    return (f"distress {reading.distress:.2f}, at least crisis.yaml semantic.support, nearest a distress example "
            f"by {reading.distress_margin:+.2f} (at least semantic.support_margin), and no layer scored a crisis")


def _why_not_support(responder: Responder, text: str) -> str:
    """Why distress the kinds model read did not get the support reply: the message sits among calm texts."""
    reading, limits = responder.meaning_of(strip_markup(text)).reading, responder.screen.thresholds
    if reading is None or not responder.screen.distress_among_calm(reading):
        return ""
    return (f"not given: distress {reading.distress:.2f}, but the nearest calm text is nearer than the nearest "
            f"distress example by {-reading.distress_margin:.2f} (crisis.yaml semantic.support_margin "
            f"{limits.support_margin})")


def _why_kept(responder: Responder, text: str, hit: CrisisHit) -> str:
    """The readings the meaning's veto weighed before it let a pattern that names a crisis word stand
    (``CrisisScreen.overrules``), read again on the message, next to their bars: an operator asking why a joke or
    a past story escalated sees which reading was not calm enough."""
    assert responder.understanding is not None
    clean = strip_markup(text)
    meaning = responder.meaning_of(clean)
    reading, limits = meaning.reading, responder.screen.thresholds
    if reading is None:
        return "the meaning could not read the message"
    windows = len(responder.understanding.embedder.windows(clean))
    repaired, sentences = responder.screen.more_readings(responder.understanding.embedder, clean, windows, hit)
    found = [f"the meaning reads it as {reading.calm} {reading.calm_probability:.2f}, the veto's calm kinds together "
             f"{reading.calm_share(responder.screen.veto_kinds(hit)):.2f} (semantic.veto {limits.veto}), alarm "
             f"{reading.probability:.2f}, distress {reading.distress:.2f} (semantic.support {limits.support})"]
    if repaired is not None:
        found.append(f"its words repaired or without laughter alarm {repaired.probability:.2f}")
    if sentences is not None:
        found.append(f"the sentences holding the pattern's words alarm {sentences.probability:.2f}")
    found.append(f"set aside only with distress under semantic.support and every alarm under semantic.veto_quiet "
                 f"{limits.veto_quiet}, or, in semantic.veto_categories, the calm kinds of semantic.veto_kinds "
                 f"together at semantic.veto or more (for risk signals, semantic.risk_veto_kinds too) and every alarm "
                 f"under semantic.veto_alarm {limits.veto_alarm}")
    return "; ".join(found)
