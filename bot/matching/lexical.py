"""Ranking FAQ entries and boundary topics for a message.

How a score comes about (0-100), so operators can reason about ``min_score``:

* The message and every phrasing are reduced to content terms (``bot.language.terms``).
  Query words the knowledge has never seen are spell-corrected against the
  knowledge vocabulary with rapidfuzz ("infusoin" -> "infusion", "spravto" ->
  "spravato"); what cannot be corrected stays as an unknown word.
* Each term weighs its inverse document frequency: "ketamine" is in nearly every
  entry and says little, "crps" or "insurance" say a lot.
* Three views are blended: how much of the message the entry explains
  (unknown words count against it, so "is it legal in brazil" does not borrow the
  score of a generic entry), how much of the entry's best phrasing the message
  contains, and how much distinctive evidence there is in absolute terms.

Everything here is derived once per knowledge version; a query touches only the
entries that share a distinctive term with it, so cost grows with the answer set,
not with the size of the knowledge base.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.knowledge.model import Knowledge
from bot.language.normalize import normalize
from bot.language.terms import SIGNAL_WORDS, SynonymMap, content_terms, content_words

# Edit similarity (optimal string alignment: a swap of two letters is one edit) at which
# a word counts as a misspelling of another: one slip in five letters, two in ten.
SPELLING_CUTOFF = 0.8
FAQ = "faq"
BOUNDARY = "boundary"


@dataclass(frozen=True)
class Target:
    """Something a message can match: an FAQ entry or a boundary topic."""

    kind: str
    id: str


@dataclass(frozen=True)
class Phrasing:
    text: str
    terms: frozenset[str]
    weight: float  # summed idf of its terms


_NO_PHRASING = Phrasing("", frozenset(), 0.0)


@dataclass(frozen=True)
class Query:
    """A message as the matcher sees it; also what ``ask --explain`` prints."""

    normalized: str
    terms: dict[str, float]  # term -> match quality (1.0 exact, <1 spell-corrected)
    corrections: dict[str, str]  # typed word -> vocabulary term
    unknown: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    target: Target
    score: float
    phrasing: str
    matched: tuple[str, ...]


@dataclass(frozen=True)
class ScoreWeights:
    """Blend of the three views; fitted once, documented in the module docstring."""

    coverage: float = 0.75
    phrasing: float = 0.2
    evidence: float = 0.15
    evidence_scale: float = 2.0  # idf mass at which evidence reaches ~63 %
    unknown_weight: float = 5.0  # what an unknown word costs, in idf units
    centrality_floor: float = 0.4  # weight of a term found in only one phrasing of an entry
    answer_weight: float = 0.1  # weight of a term found only in the entry's answer
    candidate_pool: int = 12


class MatchIndex:
    """Everything the matcher derives from one knowledge version, built once."""

    def __init__(self, knowledge: Knowledge, weights: ScoreWeights | None = None) -> None:
        self.weights = weights or ScoreWeights()
        self.synonyms = SynonymMap(knowledge.matching.synonyms)
        self.targets: list[Target] = []
        raw: list[list[tuple[str, list[str]]]] = []
        keyword_terms: list[list[str]] = []
        answer_terms: list[set[str]] = []
        for target, texts, keywords, answer in _target_texts(knowledge):
            self.targets.append(target)
            raw.append([(text, content_terms(normalize(text), self.synonyms)) for text in texts])
            keyword_terms.append([t for k in keywords for t in content_terms(normalize(k), self.synonyms)])
            answer_terms.append(set(content_terms(normalize(answer), self.synonyms)))
        self.aliases = _spelling_aliases(raw)
        raw = [[(text, [self.aliases.get(t, t) for t in terms]) for text, terms in rows] for rows in raw]
        self.idf = _inverse_document_frequency(raw, [[*k, *a] for k, a in zip(keyword_terms, answer_terms,
                                                                                strict=True)])
        self.phrasings = [
            [Phrasing(text, frozenset(terms), sum(self.idf[t] for t in set(terms))) for text, terms in rows
             if terms]
            for rows in raw
        ]
        self.bags = [_centrality(rows, keywords, answer, self.weights)
                     for rows, keywords, answer in zip(self.phrasings, keyword_terms, answer_terms, strict=True)]
        self.term_phrasings = [_positions(rows) for rows in self.phrasings]
        self.postings: dict[str, list[int]] = defaultdict(list)
        for index, bag in enumerate(self.bags):
            for term in bag.keys() - SIGNAL_WORDS:
                self.postings[term].append(index)
        for term, indexes in self.postings.items():
            indexes.sort(key=lambda i, t=term: -self.bags[i][t])
        # Spelling targets: the vocabulary, plus synonym members ("prise" -> "price" -> "cost"),
        # which never appear as terms themselves because they are folded into their group word.
        self.spelling = {t: t for t in self.idf if len(t) >= 5 and not t.isdigit()}
        self.spelling.update({member: word for member, word in self.synonyms.members().items()
                              if len(member) >= 5 and word in self.idf})
        self.vocabulary_by_length: dict[int, list[str]] = defaultdict(list)
        for word in sorted(self.spelling):
            self.vocabulary_by_length[len(word)].append(word)
        self._corrections: dict[str, tuple[str, float] | None] = {}

    # --- query side --------------------------------------------------------------------
    def analyze(self, text: str) -> Query:
        normalized = normalize(text)
        terms: dict[str, float] = {}
        corrections: dict[str, str] = {}
        unknown: list[str] = []
        for word, term in content_words(normalized, self.synonyms)[:200]:
            term = self.aliases.get(term, term)
            if term in self.idf:
                terms[term] = 1.0
                continue
            corrected = self._correct(term) or self._correct(word)
            if corrected is None:
                unknown.append(word)
            else:
                corrections[word] = corrected[0]
                terms[corrected[0]] = max(terms.get(corrected[0], 0.0), corrected[1])
        return Query(normalized, terms, corrections, tuple(dict.fromkeys(unknown)))

    def _correct(self, term: str) -> tuple[str, float] | None:
        """Closest vocabulary term for a misspelling, remembered per index."""
        if term not in self._corrections:
            if len(self._corrections) > 50_000:
                self._corrections.clear()
            self._corrections[term] = self._closest(term)
        return self._corrections[term]

    def _closest(self, term: str) -> tuple[str, float] | None:
        if len(term) < 5 or term.isdigit():
            return None
        # One edit in five letters at most: only words of nearly the same length can qualify.
        nearby = [w for size in range(len(term) - 2, len(term) + 3) for w in self.vocabulary_by_length.get(size, ())]
        found = process.extractOne(term, nearby, scorer=OSA.normalized_similarity, score_cutoff=SPELLING_CUTOFF)
        return (self.spelling[found[0]], found[1]) if found else None

    # --- ranking ------------------------------------------------------------------------
    def rank(self, query: Query, limit: int = 5) -> list[Candidate]:
        """Best targets first; empty when nothing in the knowledge shares a term with the message."""
        pool = self._candidates(query)
        total = sum(self.idf[t] for t in query.terms) + sum(self._unknown_cost(t) for t in query.unknown)
        scored = [self._score(index, query, total) for index in pool]
        scored.sort(key=lambda c: (-c.score, c.target.id))
        return scored[:limit]

    def _unknown_cost(self, word: str) -> float:
        """Unknown words count against every entry; short ones ("wat", "abt") are mostly mangled filler."""
        return self.weights.unknown_weight * (0.3 if len(word) <= 3 else 1.0)

    def _candidates(self, query: Query) -> list[int]:
        """Targets sharing distinctive terms with the query, strongest shared evidence first, capped.

        Terms found in a large share of all targets ("ketamine") would touch most of the
        index for little information; they still count in scoring, but only pick
        candidates when the message has nothing rarer. This keeps a query's cost tied to
        the size of the answer set, not of the knowledge base.
        """
        known = sorted((t for t in query.terms if t in self.postings), key=lambda t: len(self.postings[t]))
        limit = max(64, len(self.targets) // 20)
        chosen = [t for t in known if len(self.postings[t]) <= limit] or known[:1]
        evidence: dict[int, float] = defaultdict(float)
        for term in chosen:
            gain = self.idf[term] * query.terms[term]
            for index in self.postings[term][:limit]:  # most central first, so a cut keeps the best
                evidence[index] += gain * self.bags[index][term]
        return sorted(evidence, key=evidence.__getitem__, reverse=True)[: self.weights.candidate_pool]

    def _score(self, index: int, query: Query, total: float) -> Candidate:
        weights = self.weights
        bag = self.bags[index]
        matched = [t for t in query.terms if t in bag]
        found = sum(self.idf[t] * query.terms[t] * bag[t] for t in matched)
        evidence = sum(self.idf[t] * query.terms[t] * bag[t] for t in matched if t not in SIGNAL_WORDS)
        shared: dict[int, float] = defaultdict(float)
        where = self.term_phrasings[index]
        for term in matched:
            gain = self.idf[term] * query.terms[term]
            for position in where.get(term, ()):
                shared[position] += gain
        rows = self.phrasings[index]
        best_position = max(shared, key=lambda p: shared[p] / rows[p].weight, default=0)
        # No phrasing with a content word ("Why?"), or none left in a fusion fold: found by its keywords or answer.
        best = rows[best_position] if rows else _NO_PHRASING
        best_share = shared.get(best_position, 0.0) / best.weight if best.weight else 0.0
        coverage = found / total if total else 0.0
        strength = 1 - math.exp(-evidence / weights.evidence_scale)
        score = 100 * (weights.coverage * coverage + weights.phrasing * best_share + weights.evidence * strength)
        return Candidate(self.targets[index], round(score, 1), best.text, tuple(matched))


def _positions(rows: list[Phrasing]) -> dict[str, list[int]]:
    """For one target: which of its phrasings contain each term (so scoring skips the others)."""
    where: dict[str, list[int]] = defaultdict(list)
    for position, phrasing in enumerate(rows):
        for term in phrasing.terms:
            where[term].append(position)
    return dict(where)


def _centrality(rows: list[Phrasing], keywords: list[str], answer: set[str],
                weights: ScoreWeights) -> dict[str, float]:
    """How central each term is to an entry: found in every phrasing -> 1, in one -> about the floor.

    A word that recurs across an entry's phrasings ("addictive" in most addiction-risk
    phrasings) says more about that entry than one that appears once in passing ("week").
    Keywords are declared central by the operator. Words found only in the answer text
    ("anesthetic", "1960s") still belong to the topic, weakly: people ask with them.
    """
    floor = weights.centrality_floor
    counts: dict[str, int] = defaultdict(int)
    for phrasing in rows:
        for term in phrasing.terms:
            counts[term] += 1
    total = max(len(rows), 1)
    central = {term: floor + (1 - floor) * math.sqrt(n / total) for term, n in counts.items()}
    for term in keywords:
        central[term] = max(central.get(term, 0.0), floor + (1 - floor) * math.sqrt(0.5))
    for term in answer - central.keys() - SIGNAL_WORDS:
        central[term] = weights.answer_weight
    return central


def _target_texts(knowledge: Knowledge) -> Iterable[tuple[Target, tuple[str, ...], tuple[str, ...], str]]:
    """Each target with its phrasings, keywords and answer text (the last two widen the vocabulary only)."""
    for entry in knowledge.entries:
        yield Target(FAQ, entry.id), (entry.question, *entry.phrasings), entry.keywords, entry.answer
    for topic in knowledge.boundaries:
        yield Target(BOUNDARY, topic.id), topic.phrasings, (), topic.reply


def _spelling_aliases(raw: list[list[tuple[str, list[str]]]]) -> dict[str, str]:
    """Map misspellings written into phrasings on purpose ("infuson") to the common spelling.

    Operators add misspelled phrasings so typos match; without this, each misspelling
    would become a rare, heavily weighted word of its own and pull queries toward it.
    Only rare words are considered, and only against words used more often.
    """
    counts: dict[str, int] = defaultdict(int)
    for rows in raw:
        for _, terms in rows:
            for term in terms:
                counts[term] += 1
    common = [t for t, n in counts.items() if n >= 3 and len(t) >= 4]
    aliases = {}
    for term, count in counts.items():
        if count > 3 or len(term) < 5 or term.isdigit():
            continue
        for found, _, _ in process.extract(term, common, scorer=OSA.normalized_similarity,
                                           score_cutoff=SPELLING_CUTOFF, limit=2):
            if found != term and counts[found] >= 2 * count:
                aliases[term] = found
                break
    return aliases


def _inverse_document_frequency(raw: list[list[tuple[str, list[str]]]],
                                keyword_terms: list[list[str]]) -> dict[str, float]:
    """Smoothed idf over targets (an entry's phrasings and keywords together are one document).

    Signal words ("who", "not", "after") weigh like any other word here; they are kept
    out of candidate selection and of the evidence strength instead, because they tell
    entries apart but are never the topic of a question on their own.
    """
    frequency: dict[str, int] = defaultdict(int)
    for rows, keywords in zip(raw, keyword_terms, strict=True):
        for term in {t for _, terms in rows for t in terms} | set(keywords):
            frequency[term] += 1
    count = len(raw)
    return {term: math.log(1 + count / df) for term, df in frequency.items()}
