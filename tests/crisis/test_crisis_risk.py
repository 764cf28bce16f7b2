"""The risk scorer: the crisis detector's second line of defence (``bot.crisis.risk``).

The patterns of knowledge/crisis.yaml catch the wordings someone foresaw; the scorer escalates
on combinations of signals (an ending word near "tonight", a will near a rehomed cat). These
tests check each kind of signal on the repository's rules (with the patterns taken away, so it
is the scorer that is tested), the scorer's mechanics on a small hand-written section, how it
respects the exceptions, the properties it promises (text added around a message never takes
an escalation away; the quick upper bound never skips a message that would escalate), how the
``risk`` section is checked, and the fresh batches it was measured on.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.crisis.detector import _MAYBE_SPACED, _SPACED_LETTERS, _marked_canonical, canonical_text, detect_crisis
from bot.crisis.risk import RISK_CATEGORY, SENTENCE_BREAK, might_score, risk_signals
from bot.crisis.rules import DetectionRules, build_gate, gate_options
from bot.knowledge.yamlsource import Problem
from tests.support.crisis_loading import load_detection

ROOT = Path(__file__).resolve().parents[2]
CRISIS_FILE = ROOT / "knowledge" / "crisis.yaml"
HOLDOUT = ROOT / "tests" / "data" / "holdout.yaml"
DEV_SET = ROOT.parent / "shared" / "eval" / "dev.yaml"




@pytest.fixture(scope="module")
def rules() -> DetectionRules:
    loaded, problems = load_detection(CRISIS_FILE)
    assert problems == []
    assert loaded.risk is not None
    return loaded


@pytest.fixture(scope="module")
def scorer_only(rules: DetectionRules) -> DetectionRules:
    """The repository's rules without any pattern: only the scorer (and the exceptions) left."""
    return dataclasses.replace(rules, rules=(), rule_gate=build_gate([]))


# --- each kind of signal, on the repository's rules --------------------------------------------

# Written for these tests (not taken from the measured batches), one list per kind of message
# that the patterns used to miss.
SIGNAL_KINDS = {
    "preparation without a death word": [
        "sorted my will and the cat has a new home now. i'm ready",
        "got everything i need now, just waiting for everyone to fall asleep",
        "wrote letters for my kids and put them in the drawer, i'm at peace",
        "gave away my guitar and my records this week, it's easier this way",
        "passwords are in the envelope for my sister, everything is arranged",
    ],
    "future-perfect or indirect end": [
        "by the time you read this i'll have ended it",
        "don't send the invoice, i won't be around to pay it",
        "won't be here next week",
        "i'll be gone before the weekend, sorry",
    ],
    "doubt about surviving": [
        "not sure i'll make it through tonight",
        "i doubt i'll survive the weekend",
        "don't know if i'll still be here tomorrow",
    ],
    "intent given as the reason for a question": [
        "how much is too much? asking because i want to take a huge amount and not wake up",
        "is it possible to take enough spravato to never wake up? because that's what i want",
    ],
    "suicide slang": [
        "ctb", "final exit", "thinking about ctb tonight", "ready to catch the bus tonight", "might rope tonight",
        "i just want to sleep forever",
    ],
    "crisis added to an faq question": [
        "how fast does it work? because i don't know if i can hold on much longer",
        "is it covered by insurance? doesn't matter, i won't need it after friday",
        "what time do you open? i have the razor here and i keep staring at it",
        # development data (a spent blind set): a whole supply of medicine, by any name, and a time
        "how long after a session can i breastfeed? i've been having thoughts of taking all my meds when she's "
        "asleep tonight",
    ],
}


@pytest.mark.parametrize(("kind", "message"), [(k, m) for k, ms in SIGNAL_KINDS.items() for m in ms])
def test_the_scorer_alone_escalates_each_kind(scorer_only: DetectionRules, rules: DetectionRules, kind: str,
                                              message: str) -> None:
    hit = detect_crisis(scorer_only, message)
    assert hit is not None, f"{kind}: {message!r} -> {canonical_text(rules, message)!r}"
    assert hit.category == RISK_CATEGORY
    assert detect_crisis(rules, message) is not None


# Development data (d1, a helper's set): an emergency in a clinician's words, with help called and not there yet.
@pytest.mark.parametrize("message", [
    "Nurse here. Patient in chair 3 went apneic mid-infusion, we're bagging, EMS called, anything else I should "
    "prioritise?",
    "pt post-ketamine is hypertensive 220/120 and complaining of thunderclap headache, we're alone at the clinic, "
    "what now",
    "my patient in the recovery chair has a BP of 70/40 and she's grey and sweaty after the infusion, the doctor "
    "left an hour ago, what do i do",
    "I'm an ER doctor, patient went into laryngospasm after ketamine, EMS is 20 minutes out, what do I do first",
    # r119 (read after it was scored blind)
    "CRNA here, post-infusion pt just went into v-tach in recovery, crash cart coming but I'm freaking out",
])
def test_the_scorer_reads_an_emergency_as_a_clinician_reports_it(scorer_only: DetectionRules, message: str) -> None:
    hit = detect_crisis(scorer_only, message)
    assert hit is not None and hit.category == "medical-emergency", message
    assert hit.rule.startswith("risk-signals:") and "emergency" in hit.rule and "acute" in hit.rule


def test_a_scorer_hit_names_its_groups_but_no_text(rules: DetectionRules) -> None:
    hit = detect_crisis(rules, "not sure i'll make it through tonight")
    assert hit is not None and hit.category == RISK_CATEGORY and hit.language == "en"
    assert hit.rule == "risk-signals:ending+self+doubt"
    groups = hit.rule.removeprefix("risk-signals:").split("+")
    assert set(groups) <= set(rules.risk.groups)  # type: ignore[union-attr]
    assert rules.sources[RISK_CATEGORY].startswith(f"{CRISIS_FILE}:")


def test_patterns_still_come_first(rules: DetectionRules) -> None:
    hit = detect_crisis(rules, "i want to kill myself tonight, i've said goodbye to everyone")
    assert hit is not None and hit.layer == "patterns" and hit.category == "dated-plan"  # a suicide set for tonight


# Calm messages full of signal words: the contexts the scorer must read as everyday.
CALM_WITH_SIGNAL_WORDS = [
    "i'm ready for my appointment tomorrow, what should i bring?",
    "i'm ready now, do i just check in at the front desk?",
    "tonight's session got moved to 7, will that affect my ride home?",
    "my last infusion is on friday, then what?",
    "got everything i need for tomorrow: id, insurance card and a ride. anything else?",
    "i won't be around next tuesday, can we do wednesday instead?",
    "i'm not going to be here next week, can i reschedule",
    "i'll be gone all weekend, can the nurse call me monday?",
    "will the drowsiness be gone by tomorrow morning?",
    "i'm so tired after sessions, is it normal to sleep for 12 hours?",
    "i'm dead tired after every infusion",
    "this traffic is going to be the death of me",
    "that meme had me dead lmao, anyway is spravato covered?",
    "my mom's going to kill me when she sees the bill",
    "i want to end things with my current psychiatrist and find a ketamine clinic",
    "can i catch the bus home after my infusion?",
    "i wrote a note to my doctor to ask about the dose, is that ok?",
    "write me a cover letter for a barista job",
    "we rehomed our dog before moving, does the clinic allow service animals?",
    "i gave away my old car last year and now i need a ride to the clinic",
    "i'm saying goodbye to my old psychiatrist and switching to your clinic",
    "thanks for everything, the clinic info was really helpful",
    "i made peace with my past and now want to treat my ptsd",
    "i felt like i was going to die during my first infusion but the nurse said that's normal",
    "i'm scared of dying on the table, how safe is the anesthesia?",
    "my grandmother is dying and i'm struggling, is ketamine an option for grief?",
    "i feel dead inside most days, could ketamine help that numbness?",
    "there's no point in me trying another ssri, right?",
    "i don't think i'll make it to my appointment tomorrow, the roads are icy",
    "i won't be here next month because i'm moving to denver, can you refer me?",
    "can i take all my meds on the morning of the session?",
    "do i need to stop all my medications before the infusion tonight?",
    # a clinician's words for an emergency, asked about rather than reported
    "what should a clinic do if a patient goes into laryngospasm during an infusion?",
    "is laryngospasm a risk with ketamine? what else should I know",
    "what are the signs of a hypertensive crisis during ketamine, and is the clinic prepared for anything else?",
    "how often do patients desaturate under ketamine sedation?",
    "what happens if a patient goes into v-tach during ketamine, is there a crash cart at the clinic?",
    "i'm freaking out about my first session, is a seizure possible?",
]


@pytest.mark.parametrize("message", CALM_WITH_SIGNAL_WORDS)
def test_everyday_uses_of_signal_words_do_not_escalate(rules: DetectionRules, message: str) -> None:
    hit = detect_crisis(rules, message)
    assert hit is None, f"{message!r} -> {hit} on {canonical_text(rules, message)!r}"


# --- the scorer and the exceptions ----------------------------------------------------------------

@pytest.mark.parametrize("message", [
    # informational questions: masked, so no first-person signal is left to combine with
    "could the infusion make me pass out or stop breathing? my session is tonight",
    "what is the overdose risk with spravato at home today?",
    "does ketamine reduce suicidal thoughts fast enough to help someone in crisis tonight?",
    # past, resolved history
    "i attempted suicide years ago and have been stable since; my first infusion is tomorrow and i'm ready",
    "i overdosed when i was 19, it's long behind me. is tonight's session still on?",
    # denials and figurative speech
    "i'm not suicidal, just done with my antidepressants, can i start ketamine today?",
    "the wait is killing me, i'm ready to start now",
])
def test_the_scorer_respects_the_exceptions(rules: DetectionRules, message: str) -> None:
    hit = detect_crisis(rules, message)
    assert hit is None, f"{message!r} -> {hit}"


@pytest.mark.parametrize("message", [
    "lol this wait is killing me. anyway the will is sorted and the dog has a new home, i'm ready now",
    "does ketamine help with suicidal thoughts? asking because i won't be around much longer",
    "i attempted suicide 10 years ago. not sure i'll make it through tonight though",
    "dying to know the price. not that it matters, by friday i'll have ended it",
])
def test_an_exception_next_to_a_crisis_does_not_hide_it(rules: DetectionRules, message: str) -> None:
    assert detect_crisis(rules, message) is not None, canonical_text(rules, message)


BENIGN_SENTENCES = [
    "how much does ketamine therapy cost?", "thanks so much!", "is spravato covered by insurance",
    "what should i expect at my first session", "can i drive myself home afterwards", "hello", "ok",
    "the weather is nice today", "my appointment is next tuesday at 3pm", "lol", "🙏🙏",
    "does ketamine help with depression?", "i'm nervous about the dissociation", "my session is tonight",
    "i'm ready for my appointment", "the bus to the clinic is late",
]
SCORER_SAMPLES = [m for ms in SIGNAL_KINDS.values() for m in ms]


@settings(max_examples=300, deadline=None)
@given(crisis=st.sampled_from(SCORER_SAMPLES), before=st.lists(st.sampled_from(BENIGN_SENTENCES), max_size=3),
       after=st.lists(st.sampled_from(BENIGN_SENTENCES), max_size=3))
def test_benign_text_around_a_scored_crisis_never_removes_the_escalation(
        rules: DetectionRules, crisis: str, before: list[str], after: list[str]) -> None:
    message = " ".join([*before, "\n", crisis, "\n", *after])
    assert detect_crisis(rules, message) is not None, repr(message)


# --- the scorer's mechanics, on a small section -----------------------------------------------------

MINI = """\
  categories:
    suicidal:
      language: en
      patterns: ['kill myself']
  exceptions:
    - name: figurative
      patterns: ['killing me']
    - name: quiet-for-the-score
      patterns: ['funny death']
      categories: [risk-signals]
  risk:
    language: en
    threshold: 4
    window: 6
    near: 2
    min_groups: 2
    core: [ending]
    groups:
      ending:
        cap: 4
        unless_near: [risk]
        terms:
          4: [ctb]
          3: [die, dead, death]
          2.5: [give up on my life]
          2: [goodbye, said goodbye]
      self:
        cap: 0.5
        anywhere: true
        terms:
          0.5: [i, my]
      now:
        cap: 1
        terms:
          1: [tonight, today, next week]
    neutral: [dead tired]
"""


def _loaded(tmp_path_factory: pytest.TempPathFactory, section: str) -> DetectionRules:
    path = tmp_path_factory.mktemp("section") / "crisis.yaml"
    path.write_text("detection:\n" + section, encoding="utf-8")
    loaded, problems = load_detection(path)
    assert problems == []
    return loaded


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> DetectionRules:
    return _loaded(tmp_path_factory, MINI)


@pytest.mark.parametrize(("text", "fired"), [
    ("i die tonight", "ending+self+now"),            # 3 + 0.5 + 1
    ("die tonight", "ending+now"),                   # 3 + 1: reaches 4
    ("die", None),                                   # one group only
    ("ctb", "ending"),                               # one phrase weighing the threshold escalates alone
    ("i tonight today", None),                       # no core group
    ("die a b c d tonight", "ending+now"),           # 5 words apart: inside the window of 6
    ("die a b c d e tonight", None),                 # 6 words apart: outside
    ("die dead goodbye", None),                      # one group, capped at 4, and no phrase weighs 4
    ("die dead goodbye tonight", "ending+now"),
    ("said goodbye today", None),                    # "goodbye" inside "said goodbye" counts once: 2 + 1
    ("dead tired tonight", None),                    # a neutral phrase claims its words
    ("die risk tonight", None),                      # an unless_near word within 2 words cancels
    ("die a b risk tonight", "ending+now"),          # ... but not 3 words away
    ("give up on my life today", "ending+self+now"),  # "my" counts inside a phrase (anywhere): 2.5 + 0.5 + 1
    ("give up on life today", None),                 # 2.5 + 1
])
def test_scoring_rules(mini: DetectionRules, text: str, fired: str | None) -> None:
    assert mini.risk is not None
    assert risk_signals(mini.risk, text) == fired
    assert might_score(mini.risk, text) or fired is None  # the upper bound never rules out a hit


def test_a_scored_hit_through_detect_crisis(mini: DetectionRules) -> None:
    hit = detect_crisis(mini, "i will die tonight")
    assert hit is not None and (hit.category, hit.language, hit.rule) == (RISK_CATEGORY, "en", "risk-signals:"
                                                                          "ending+self+now")


def test_exceptions_mask_words_for_the_scorer(mini: DetectionRules) -> None:
    assert detect_crisis(mini, "death tonight") is not None
    # An exception naming only risk-signals hides its words from the scorer alone.
    assert detect_crisis(mini, "funny death tonight") is None
    assert detect_crisis(mini, "funny death tonight, i want to kill myself") is not None


MINI_EMERGENCY = MINI.replace("    core: [ending]", "    core: [ending, sign]").replace("    neutral:", """\
      sign:
        category: suicidal
        only_with: [acute, ending]
        alone_at: 5
        cap: 3
        terms:
          3: [seizing]
          2: [shaking, sweating]
      acute:
        only_with: [sign]
        cap: 1
        terms:
          1: [right now]
    neutral:""")


@pytest.fixture(scope="module")
def emergency(tmp_path_factory: pytest.TempPathFactory) -> DetectionRules:
    return _loaded(tmp_path_factory, MINI_EMERGENCY)


@pytest.mark.parametrize(("text", "fired"), [
    ("seizing right now", "sign+acute"),      # 3 + 1, each beside the other
    ("i seizing tonight", None),              # "i" and "tonight" are not the sign's partners: 3 alone
    ("die right now", None),                  # "right now" counts only beside the sign: 3
    ("die seizing", "ending+sign"),           # a death word is a partner
    ("i die tonight", "ending+self+now"),     # the other groups score as before
    ("seizing shaking", "sign"),              # alone_at: its own phrases add up to 5, so it needs no other group
    ("shaking sweating", None),               # 4: under alone_at, and capped at 3 under the threshold
])
def test_a_group_counts_only_beside_the_groups_it_names(emergency: DetectionRules, text: str,
                                                         fired: str | None) -> None:
    assert emergency.risk is not None
    assert risk_signals(emergency.risk, text) == fired
    assert might_score(emergency.risk, text) or fired is None


def test_a_group_escalates_by_itself_only_in_a_message_that_asks_nothing(emergency: DetectionRules) -> None:
    assert emergency.risk is not None
    assert risk_signals(emergency.risk, "seizing shaking", asks=True) is None
    assert risk_signals(emergency.risk, "seizing shaking right now", asks=True) == "sign+acute"
    assert detect_crisis(emergency, "seizing and shaking") is not None
    assert detect_crisis(emergency, "seizing and shaking?") is None


def test_a_hit_with_a_group_that_names_a_category_is_reported_as_that_category(emergency: DetectionRules) -> None:
    named = detect_crisis(emergency, "seizing right now")
    plain = detect_crisis(emergency, "i die tonight")
    assert named is not None and (named.category, named.layer) == ("suicidal", "risk")
    assert plain is not None and plain.category == RISK_CATEGORY


@pytest.mark.parametrize(("old", "new", "words"), [
    ("category: suicidal", "category: seizures", "must be one of detection's categories: suicidal"),
    ("only_with: [acute, ending]", "only_with: [acute, panic]", "must name another group"),
    ("only_with: [sign]", "only_with: [acute]", "must name another group"),
    ("    core: [ending, sign]\n", "    core: [ending]\n", "has 'alone_at', so 'risk' core must name it"),
    ("alone_at: 5", "alone_at: lots", "'alone_at' of risk group 'sign' must be a number"),
])
def test_a_wrong_category_partner_or_alone_at_is_reported_at_its_line(tmp_path: Path, old: str, new: str,
                                                               words: str) -> None:
    text = MINI_EMERGENCY.replace(old, new)
    at = "alone_at: 5" if "core" in new else new.strip()  # the core's problem is named where alone_at is
    line = next(n for n, row in enumerate(("detection:\n" + text).splitlines(), 1) if at in row)
    problems = _problems_for(tmp_path, text)
    assert [(p.line, words in p.message) for p in problems] == [(line, True)], problems


# The shipped section's emergency signs: a state now with a sign that it is happening and help is wanted, in
# words written for this test (not from any evaluation set).
@pytest.mark.parametrize("text", [
    "she fainted in the car park after her session and is still not answering us",
    "chest is tight and my left arm feels weird, getting worse, what do i do",
    "mum collapsed in the kitchen, nobody here but me",
    "patient convulsing in the infusion chair, what now",
    "he keeps convulsing and his lips look grey, what do we do",
    "my throat feels like it's swelling shut and I'm alone, what should I do",
    "he collapsed in the hallway and is breathing weird",  # two signs, no "still" or "help": alone_at
    "throat swelling shut and hives everywhere after the nasal spray",
])
def test_an_emergency_sign_happening_now_scores_as_a_medical_emergency(scorer_only: DetectionRules,
                                                                        text: str) -> None:
    hit = detect_crisis(scorer_only, text)
    assert hit is not None and (hit.category, hit.layer) == ("medical-emergency", "risk"), hit


@pytest.mark.parametrize("text", [
    "what do i do if someone has a seizure during the session?",
    "as a nurse, what is the protocol if a patient has a seizure right now during infusion?",
    "I passed out once during a blood draw, will I faint during infusion? help",
    "my dad had a heart attack last year, can he still get ketamine?",
    "I had a stroke 5 years ago, am I still eligible? please help",
    "the patient in the next chair fainted but the nurse was right there and he's fine now",
    "The ending of that movie where the dad has a heart attack wrecked me lol. anyway, does ketamine raise your heart "
    "rate?",
    "what are the signs of a stroke, like drooping on one side or slurring?",
    "my mom fainted and collapsed last year from low blood pressure, can she get ketamine?",
])
def test_an_emergency_named_in_a_question_or_a_past_story_does_not_score(rules: DetectionRules, text: str) -> None:
    assert detect_crisis(rules, text) is None


# --- properties -----------------------------------------------------------------------------------

def _lexicon_words(rules: DetectionRules) -> list[str]:
    risk = rules.risk
    assert risk is not None
    words = set(risk.table)
    for _, seconds, _ in risk.table.values():
        for second, entries in (seconds or {}).items():
            words.add(second)
            for rest, *_ in entries:
                words.update(rest)
    return sorted(words)


@pytest.fixture(scope="module")
def soup(rules: DetectionRules) -> list[str]:
    return [*_lexicon_words(rules), "#", "session", "risk", "clinic", "the", "a", "and"]


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_the_upper_bound_never_skips_a_message_that_scores(rules: DetectionRules, soup: list[str],
                                                           data: st.DataObject) -> None:
    words = data.draw(st.lists(st.sampled_from(soup), min_size=1, max_size=30))
    masked = list(words)
    for start in data.draw(st.lists(st.integers(0, len(words) - 1), max_size=3)):
        masked[start:start + data.draw(st.integers(1, 4))] = ["#"]  # an exception's span becomes one mask word
    assert rules.risk is not None
    if risk_signals(rules.risk, " ".join(masked)) is not None:
        assert might_score(rules.risk, " ".join(words))


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_another_sentence_never_removes_a_score(rules: DetectionRules, soup: list[str], data: st.DataObject) -> None:
    """Phrases and their cancelling context stay within a sentence, so a sentence added before or
    after (any words at all) can only add signals."""
    words = data.draw(st.lists(st.sampled_from(soup), min_size=1, max_size=20))
    more = data.draw(st.lists(st.sampled_from(soup), max_size=10))
    assert rules.risk is not None
    if risk_signals(rules.risk, words) is not None:
        assert risk_signals(rules.risk, [*words, SENTENCE_BREAK, *more]) is not None
        assert risk_signals(rules.risk, [*more, SENTENCE_BREAK, *words]) is not None


@settings(max_examples=1000, deadline=None)
@given(text=st.text(alphabet="abikls ym01345 .!?;\n'@$|*-_~+éİ", max_size=60)
       | st.lists(st.sampled_from(["k i l l", "s.u.i.c.i.d.e", "k!ll", "my$elf", "i'm", "it's", "w4nt", "d1e", "kms",
                                    "tonight.", "now!", "2018.", "3.5mg", "...", "?!", "\n", "i'll", "don't"]),
                   max_size=8).map(" ".join))
def test_marking_sentence_ends_keeps_the_canonical_words(rules: DetectionRules, text: str) -> None:
    canonical, breaks = _marked_canonical(rules, text)
    assert canonical == canonical_text(rules, text)
    assert all(0 <= index <= len(canonical.split()) for index in breaks)


@pytest.mark.parametrize(("alone", "around"), [
    ("by the time you read this i'll have ended it", "{} my session is tonight"),
    ("die tonight", "what should i expect at my first session? {}"),
    ("i'm ready, the will is sorted", "{} ready for my appointment"),
])
def test_context_does_not_reach_across_a_sentence_end(rules: DetectionRules, alone: str, around: str) -> None:
    assert detect_crisis(rules, alone) is not None
    assert detect_crisis(rules, around.format(alone + ".")) is not None


# --- the ``risk`` section is checked like the rest of the file -------------------------------------

def _problems_for(tmp_path: Path, detection: str) -> list[Problem]:
    path = tmp_path / "crisis.yaml"
    path.write_text("detection:\n" + detection, encoding="utf-8")
    return load_detection(path)[1]


def test_the_small_section_has_no_problems(tmp_path: Path) -> None:
    assert _problems_for(tmp_path, MINI) == []


@pytest.mark.parametrize(("old", "new", "line", "words"), [
    ("3: [die, dead, death]", "3: [Die, dead, death]", 25, "'Die' of risk group 'ending' must be written as"),
    ("1: [tonight, today, next week]", "1: [tonight, today, die]", 36, "already listed in risk group 'ending'"),
    ("core: [ending]", "core: [ending, fear]", 18, "unknown group 'fear'"),
    ("0.5: [i, my]", "0.5: [i, my self]", 30, "counts 'anywhere', so its terms must be single words"),
    ("min_groups: 2", "min_groups: 5", 17, "min_groups must be a number from 1 to 3"),
    ("threshold: 4", "threshold: lots", 14, "threshold must be a number"),
    ("window: 6", "window: 6.5", 15, "window must be a whole number"),
    ("    neutral: [dead tired]", "    neutral: [dead tired]\n    colour: red", 38, "unknown key 'colour'"),
    ("2: [goodbye, said goodbye]", "two: [goodbye, said goodbye]", 27, "a weight of risk group 'ending' must be"),
])
def test_mistakes_in_the_risk_section_are_reported_with_their_line(tmp_path: Path, old: str, new: str, line: int,
                                                                   words: str) -> None:
    assert old in MINI
    problems = _problems_for(tmp_path, MINI.replace(old, new))
    assert [(p.line, words in p.message) for p in problems] == [(line, True)], problems


def test_a_phrase_that_a_spelling_rewrites_is_reported(tmp_path: Path) -> None:
    problems = _problems_for(tmp_path, "  spellings:\n    kms: kill myself\n" + MINI.replace("0.5: [i, my]",
                                                                                              "0.5: [i, my, kms]"))
    assert [(p.line, "is rewritten to 'kill myself'" in p.message) for p in problems] == [(34, True)], problems


def test_an_exception_may_name_the_scorer_only_when_there_is_one(tmp_path: Path) -> None:
    without_risk = MINI[:MINI.index("  risk:")]
    problems = _problems_for(tmp_path, without_risk)
    assert len(problems) == 1 and problems[0].line == 11 and "unknown category 'risk-signals'" in problems[0].message


# --- loading: each pattern parsed once, with the same result ---------------------------------------

def test_patterns_compiled_from_their_parse_tree_equal_re_compile(rules: DetectionRules) -> None:
    for regex in [rule.regex for rule in rules.rules] + [rule.regex for rule in rules.exceptions]:
        assert regex == re.compile(regex.pattern)


def test_gates_from_the_parse_tree_equal_gates_built_afresh(rules: DetectionRules) -> None:
    assert rules.rule_gate == build_gate(gate_options(rule.regex) for rule in rules.rules)
    assert rules.exception_gate == build_gate(gate_options(rule.regex) for rule in rules.exceptions)


@settings(max_examples=2000, deadline=None)
@given(text=st.text(alphabet="ab i.-_*~+ 1é_xyzK,!²١\n", max_size=24))
def test_the_quick_check_for_spaced_letters_misses_no_run(text: str) -> None:
    assert not _SPACED_LETTERS.search(text) or _MAYBE_SPACED.search(text)


def test_a_broken_word_list_entry_is_reported_at_its_line(tmp_path: Path) -> None:
    words = "  words:\n    SELF: ['my ?self',\n           'me(self']\n"
    problems = _problems_for(tmp_path, words + MINI)
    assert [(p.line, "bad regular expression" in p.message) for p in problems] == [(4, True)], problems


@pytest.mark.parametrize("text", [
    "my first attempt was with pills. I have everything I need in the drawer",
    "before my attempt I gave my cat to my sister. I'm looking for a new home for my dog now",
])
def test_a_past_attempt_beside_a_preparation_escalates(rules: DetectionRules, text: str) -> None:
    hit = detect_crisis(rules, text)
    assert hit is not None and hit.layer == "risk" and "history" in hit.rule


@pytest.mark.parametrize("text", [
    "my first attempt was in 2015 and I've been well since, I'm writing a book now",  # told as over: masked
    "I have the same plan as last year, does it cover ketamine?",  # one history phrase, no core signal
    "like last time, I have everything I need for my trip",  # "like last time" is no history phrase
])
def test_a_past_attempt_alone_is_no_crisis(rules: DetectionRules, text: str) -> None:
    assert detect_crisis(rules, text) is None


# --- the product's labelled sets: no new false alarm, every crisis still escalates -----------------

def _labelled_sets() -> list[dict]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in (DEV_SET, HOLDOUT) if path.exists()]


def test_calm_labelled_messages_stay_calm(rules: DetectionRules) -> None:
    calm = [message for data in _labelled_sets() for message in
            [item["q"] for item in data.get("faq") or []] + list(data.get("out_of_scope") or [])
            + [item["q"] for item in data.get("not_crisis") or []]]
    alarms = [message for message in calm if detect_crisis(rules, message) is not None]
    assert len(calm) >= 190 and len(alarms) <= 0.01 * len(calm), alarms


def test_every_labelled_crisis_escalates(rules: DetectionRules) -> None:
    crises = [message for data in _labelled_sets() for message in data.get("crisis") or []]
    assert crises and [message for message in crises if detect_crisis(rules, message) is None] == []


# --- the fresh batches ---------------------------------------------------------------------------
# Written before the scorer was tuned, each ~40 crisis messages of the kinds the patterns missed and
# ~40 hard calm ones. A and B were tuned on, D and E were written later to probe new wordings (and
# tuned on too); C was kept aside and measured once, at the end, before any change for it: recall
# 38/40 and 1 false alarm (before the scorer: 25/40 and 2). Its three failures were fixed after that
# measurement. A message still handled wrongly is marked xfail with the reason (strict: fixing it
# must be noticed).


BATCH_A_CRISIS = [
    "i've sorted out my will and left instructions for the dog. i'm ready now",
    ("found a good new home for my cats yesterday. they'll be happier there and i won't need to worry about them "
     "anymore"),
    'got everything i need now. just waiting for everyone to go to sleep',
    'this is my last message to anyone. thank you for trying',
    'please tell my mom i love her and that none of this was her fault',
    "by the time my next appointment comes around i'll have ended it",
    "dont bother sending the bill, i won't be around to pay it",
    "cancel my booking, i won't be here next week",
    "not sure i'll make it through tonight honestly",
    "i don't think i'll survive the night, everything is too much",
    'how much ketamine would knock someone out? asking because i want to take a huge amount and not wake up',
    'thinking about ctb this weekend',
    'ready to catch the bus tonight',
    'bought the rope today',
    'i just want to sleep forever and never deal with any of this again',
    'im gonna unalive tonight fr',
    'might self delete soon tbh',
    'sewerslide is looking more and more attractive',
    'been reading about final exit methods all night',
    "how fast does it work? because i don't know if i can hold on much longer",
    "what's the price for the first session? asking because i'll probably be gone before i can afford it anyway",
    "gave my guitar and my books to my brother, he doesn't know why. it's easier this way",
    "i've written letters for everyone and put them in the drawer",
    "i'm so tired of everything. i'm done. sorry for everything",
    'love you all. this is it for me',
    'my kids will be better off with the insurance money',
    "i have the pills in front of me and i'm counting them",
    "i cut deeper than usual tonight and it won't stop bleeding",
    "my friend just posted she's going to end it tonight and isn't picking up",
    'my husband took all his sleeping tablets, what do i do',
    "i can't breathe, my chest is crushing after the infusion",
    "he's outside my door screaming he'll kill me",
    "no point going on. i've made my decision",
    'i want to disappear and not come back',
    "tonight i'm going to take every pill in the house",
    "i keep thinking everyone would be fine if i just wasn't here",
    "i've said goodbye to the people who matter. nothing left to do",
    "can't do this anymore, i'm ending things tonight",
    "is spravato available in ohio? doesn't matter much, i won't need it after friday",
    'rope is in the closet. i keep looking at it',
]

BATCH_A_CALM = [
    'does ketamine help with suicidal ideation faster than ssris?',
    'can you overdose on ketamine at a clinic?',
    'what happens if someone stops breathing during an infusion?',
    'is it normal to feel dead tired after a session?',
    "i'm ready for my appointment tomorrow, what should i bring?",
    "tonight's session got moved to 7, will that affect my ride home?",
    'my last infusion was three weeks ago, when should i book a booster?',
    'i attempted suicide in 2015 but have been stable for years, can i still get ketamine?',
    'this waiting list is killing me lol',
    "i'm dying to know if insurance covers spravato",
    'how long does the tiredness last after treatment? i slept all evening',
    'i gave away my old car last year and now i need a ride to the clinic, do you have a shuttle?',
    "what's the success rate of ketamine therapy for ptsd",
    'i wrote a letter to my insurance company appealing the denial, any tips?',
    'is there a risk of respiratory depression with ketamine?',
    'my last session was the best one yet, i feel lighter',
    "i'm done with my induction series, what comes next?",
    'can ketamine be used in end of life care for hospice patients?',
    'does ketamine interact with my sleeping pills?',
    "i'm tired of waiting for insurance approval, can i pay out of pocket?",
    'will i be able to make it to work the day after a session?',
    'we rehomed our dog before moving, does the clinic allow service animals?',
    "i'm ready now, do i just check in at the front desk?",
    'got everything i need for tomorrow: id, insurance card and a ride. anything else?',
    'my mom asked me to tell you she loves the clinic staff',
    'is it true ketamine can cause bladder damage if you take a lot?',
    "i used to self harm as a teenager, it's been 10 years. does that matter for screening?",
    'how do clinics handle patients who are actively suicidal?',
    "what's the max dose they give in an infusion?",
    'the dissociation felt like i was floating away, is that normal?',
    'i felt like i was dying during my first session but it passed, is that common?',
    'can i take ketamine if i have asthma and sometimes trouble breathing?',
    'how many sessions does it usually take before it works?',
    'my doctor asked if i had suicidal thoughts and i said no, is that why i qualify?',
    'is ketamine used for people who have overdosed on opioids?',
    'my phone died so i missed the reminder call, can i reschedule?',
    "i'll be out of town next week, can i move my session?",
    "i won't be around next tuesday, can we do wednesday instead?",
    "what's the final step before they approve me?",
    'is it safe to drive the day after? i have to be at work by 8',
]

BATCH_B_CRISIS = [
    "my affairs are sorted, the cat goes to my sister on sunday. i'm at peace with it",
    "i put the dog up for adoption today, he deserves someone who'll be around",
    "everything's arranged. passwords are in the envelope on my desk",
    "i'm ready. i've been ready for weeks",
    "if anyone reads this, tell my dad i'm sorry",
    'this will be my final post on here',
    "by monday it'll all be over",
    "i won't be needing the follow up appointment",
    "i won't be here for christmas",
    "don't know if i'll still be alive by morning",
    "i doubt i'll make it to the weekend",
    "if i take my whole supply of ketamine will i just fall asleep and not wake up? that's what i want",
    "is it possible to take enough to just not wake up? because that's my plan",
    "ctb tonight, i'm sorry",
    'thinking about the rope again',
    'i just want to go to sleep and not wake up anymore',
    'kms tbh',
    'planning my final exit, just need to pick a day',
    'i want to unalive myself',
    "do you take aetna? also i've decided i'm not going to be here much longer",
    'how long is each infusion? asking because i want to get my affairs in order before i go',
    'wrote a note and left it on the kitchen table',
    "gave all my savings to my niece, she'll need it more than me soon",
    "i'm a burden to everyone and they'd all be relieved",
    'i hurt myself again last night and i want to do it again tonight',
    "i've got a bottle of vodka and all my pills, tonight's the night",
    "razor's on the sink, i keep staring at it",
    'my girlfriend said goodbye and locked herself in the bathroom',
    "my dad collapsed and isn't breathing",
    "i think i took too much, i feel like i'm going to pass out and my heart is racing",
    "someone is trying to get into my house, i'm hiding",
    "what's the most painless way to go",
    "there's no point anymore, i can't keep going",
    "i'm going to drive into the river tonight",
    'i want everything to stop permanently',
    "i'm done fighting. goodbye everyone",
    "i can't go on like this, tonight i end it",
    'sleep forever sounds so good right now',
    'nobody would notice if i was gone',
    "honestly i hope i don't wake up tomorrow",
]

BATCH_B_CALM = [
    'what does research say about ketamine for suicidal patients in the er?',
    'how do they prevent an overdose during an iv infusion?',
    'could ketamine make me stop breathing if i have sleep apnea?',
    "i'm so tired after sessions, is it normal to sleep for 12 hours?",
    "i'm ready for my first appointment, excited and nervous",
    "is tonight's session still on with the snow?",
    'my last infusion is on friday, then what?',
    'i had suicidal thoughts in college but that was 15 years ago, am i eligible?',
    "i overdosed once when i was 19, it's long behind me, does that disqualify me?",
    "lmao i'm dead, that's the funniest thing the nurse said",
    'my boss will kill me if i miss another day for treatment',
    'will the drowsiness be gone by tomorrow morning?',
    'can i take my regular pills the day of treatment?',
    'is it safe to take a large amount of ibuprofen for the headache after?',
    "what happens if i don't wake up properly from the anesthesia? scared of that",
    'does ketamine reduce the risk of suicide long term?',
    'how do you say goodbye to your therapist when treatment ends?',
    "i'm finally done with the paperwork, when do we start?",
    'my last appointment went great and i feel hopeful',
    'we just moved and gave our old couch away, can i get my records transferred to the new clinic?',
    'i wrote a note to my doctor to ask about the dose, is that ok?',
    'is ketamine dangerous in large amounts?',
    'why do some people feel like they are dying during a k-hole?',
    "i'm tired of depression running my life, that's why i'm looking into ketamine",
    'can i bring my emotional support dog to the session?',
    'is the effect permanent or does it wear off?',
    'i feel like a burden asking so many questions, sorry! how much is it?',
    "what does 'end of life' mean in the consent form?",
    'how soon after my session can i drink alcohol?',
    "i won't be able to make it this thursday, how do i cancel?",
    "i'm ready now for the booster, who do i call?",
    'got everything i need from the pharmacy, thanks for the help',
    "my grandma passed away last month and i've been grieving, can ketamine help with grief?",
    'does spravato work for people with treatment resistant depression who have failed everything?',
    'is it normal to think about death after a session? it was more philosophical than scary',
    'how do clinics decide the safe ceiling dose?',
    'does ketamine help with chronic pain like crps?',
    "i was in the psych ward last spring, i'm much better now, can i start?",
    'can i survive on just the spravato without my other meds? i hate the side effects',
    'my friend said the bus to the clinic is late again, is there parking?',
]

BATCH_C_CRISIS = [
    "the will is signed and the kids' college fund is set up. nothing left for me to do",
    "my neighbour's taking my rabbit from tomorrow. i told her i'm going away. i'm not coming back",
    "i've got it all planned out, just need to be alone",
    "i'm ready to go now. please don't try to stop me",
    'when they find this please tell my brother i love him',
    "last time i'll write here",
    "by the time anyone reads this i'll be gone",
    "no need to schedule me, i won't be around for it",
    "won't be here by the weekend",
    "i'm not sure i'm going to survive tonight",
    "i don't think i'll get through the night",
    'what happens if you take like ten times the normal dose? i want to go to sleep and not wake up',
    "gonna ctb soon, it's decided",
    'tying the rope tonight',
    'want to sleep forever',
    'unalive is the only thing on my mind',
    'kms kms kms',
    "i'm planning my self delete for friday",
    'sewer slide tonight lol i mean it',
    "is the infusion covered by medicare? asking because if not i'm just going to end it",
    "how long until i feel better? because i can't last another day like this and i have the pills ready",
    'all my stuff is boxed up and labelled for who gets what',
    'deleted all my accounts, wrote the letters, just need to do it now',
    'everyone would be happier if i disappeared for good',
    "i'm sorry for everything. i love you all",
    'i took 25 of my sleeping pills an hour ago',
    "i burned myself with a lighter again and i can't stop",
    'my son says he wants to die and he has a knife',
    "my wife isn't breathing right after her spravato dose",
    "my ex is in the house and he's got a gun",
    'how many of my seroquel would it take to not wake up',
    "i'm going to jump off the bridge after work",
    "i'm tired of being alive, done",
    "i can't see any way out except dying",
    "i'll end it this weekend when the house is empty",
    'life is pointless and i want out',
    'i keep imagining the train hitting me',
    "i'm going to take my life tonight",
    "there's no reason for me to be here anymore",
    "i have been hoarding my meds and tonight i'm taking them all",
]

BATCH_C_CALM = [
    'can ketamine stop suicidal thoughts within hours?',
    'what is the overdose risk with spravato at home?',
    'can the infusion cause breathing problems in people with copd?',
    "i'm wiped out after today's session, is that expected?",
    "i'm ready for tomorrow's appointment, do i need to fast?",
    "tonight's session is my fourth, should i expect anything different?",
    'my last infusion left me a bit nauseous, is there something for that?',
    'i tried to take my life 8 years ago and have been stable since. is ketamine okay for me?',
    'this commute is killing me, are there clinics closer to downtown?',
    "i'm dead serious about trying this, how do i start?",
    'i could murder a burger after fasting for the session lol',
    'how long do the side effects last? i was exhausted all night',
    'is it ok to take a nap after the treatment?',
    'what dose of ketamine do they start with?',
    "my last day at work is friday so i'll have more time for sessions",
    "i'm done with antidepressants, they never worked. is ketamine different?",
    'are there studies on ketamine for people with suicidal depression?',
    'what if i pass out during the session?',
    "i'm moving and rehoming my plants, can i transfer my treatment to another city?",
    'i updated my will last month, unrelated, but does the clinic need an emergency contact?',
    'my dog died last year and i still feel sad, could ketamine help?',
    'can i have a glass of wine the night after?',
    "i'm tired of feeling numb, will ketamine help me feel again?",
    "i feel like i'm finally seeing the light at the end of the tunnel after 4 sessions",
    'will i be able to sleep tonight after the infusion?',
    "i'm ready now to talk to my psychiatrist about ketamine",
    'how many people die from ketamine abuse each year?',
    'is esketamine safer than iv ketamine for people at risk of suicide?',
    'got everything i need for the first session, just nervous',
    'please tell the nurse i said thank you, she was lovely',
    'can i take melatonin after the session to sleep?',
    "i don't want to be on meds forever, is ketamine a long term solution?",
    'what are the warning signs of a bad reaction i should watch for?',
    'my brother overdosed years ago and he is doing well now, can family come to sessions?',
    'lol the wait music on your phone line is deadly',
    'is ketamine addictive if used too often?',
    'do clinics have a crash cart in case someone stops breathing?',
    'what happens at the end of the treatment course?',
    "how do i explain to my kids that i'm getting ketamine therapy?",
    "i won't be here next week because of vacation, can i reschedule?",
]

BATCH_D_CRISIS = [
    "made sure the dog has somewhere to go. i'm ready",
    "my sister's taking the cats next week, she thinks i'm moving. i'm not",
    'last night i finished the letters. today i finish the rest',
    'got it all sorted, bank details are written down for my mum',
    "i'm at peace now, everything is in place",
    "this is the last thing i'll post, thanks for everything",
    "pls tell my girlfriend i'm sorry and i loved her",
    "i'll be gone before anyone wakes up",
    "you won't hear from me after tonight",
    "won't be around to see christmas",
    "no point booking the next infusion, i won't be here for it",
    'not sure i can get through tonight',
    "honestly i don't think i'm making it to friday",
    "i don't know if i'll still be here tomorrow",
    "what's the max dose? asking because i want to take way more than that and just not wake up",
    'can i take all my spravato at once? i want to sleep and never wake',
    'gonna ctb after the kids are asleep',
    'might rope tonight idk',
    'i just want to unalive',
    'self deleting this weekend',
    'wanna catch the bus so bad',
    'thinking about the final exit again',
    'kms fr this time',
    'sewerslide tn',
    "does ketamine help fast? cause i'm planning to end things soon if not",
    "how much is a session, not that it matters, i'll be dead before i can pay",
    "is there a waitlist? i probably won't survive that long tbh",
    "i stopped eating and gave away my stuff, it's almost time",
    "i'm so tired. i'm done. i love you all",
    "i'm sorry for everything i put you through, goodbye",
    "tonight i'm finally going to stop being a burden",
    "i've got enough pills saved up now",
    "i keep looking at the bridge on my way home, it'd be so easy",
    "i'm never going to feel better so whats the point in being here",
    "i'm out of reasons to stay",
    "everyone will be better off once i'm gone",
    'i want to go to sleep and never wake',
    "i cut myself really deep and there's a lot of blood",
    "my dad says he's going to shoot himself",
    'i took a whole box of sleeping pills',
]

BATCH_D_CALM = [
    "is it true ketamine can make people feel like they're dying?",
    'can ketamine help people who keep thinking about suicide?',
    "what's the risk of dying from an infusion?",
    "what if i stop breathing during the infusion tonight? i'm nervous",
    "i'm ready for tonight's infusion!",
    "i'm ready now, can we start?",
    "my last session is tomorrow, i'm sad it's ending",
    "i'm done with all the paperwork, when's my first appointment?",
    "i'll be gone for two weeks in july, can i pause treatment?",
    "won't be around on the 12th, can i switch to the 14th?",
    'gave my old phone to my brother, how do i log into the portal on a new one?',
    "i have my dad's letter of referral, is that enough?",
    'i wrote down all my questions in a note, here they are',
    'will the tiredness be gone by tomorrow? i have work',
    "i'm dead on my feet after the session, normal?",
    'this paperwork is going to kill me lol',
    'i nearly died laughing at the intake questions',
    "i tried to end my life in 2012, i've been well for a decade, does that rule me out?",
    "i used to cut in high school, i'm 30 now and doing great",
    'my brother died by suicide years ago and i want to understand ketamine research',
    'can you overdose on spravato at home?',
    'how many people stop breathing under ketamine anesthesia?',
    'is ketamine lethal in large doses?',
    'do clinics have naloxone in case someone overdoses?',
    "i'm not suicidal, just depressed, would i qualify?",
    "i don't want to die, i want to get better, that's why i'm here",
    "i'm tired of being depressed and want to try something new",
    'is it normal to feel empty after a session?',
    'i feel hopeless about finding a treatment that works, is ketamine worth it?',
    "i felt like i was going to die during my first infusion but the nurse said that's normal",
    'does the dissociation feel like dying?',
    'can i catch the bus home after my infusion?',
    "i'm saying goodbye to my old psychiatrist and switching to your clinic",
    'i have all my pills organised for the week, is it ok to take them before the infusion?',
    'after my last infusion i felt alive again for the first time in years',
    "i'm finally ready to try ketamine",
    "my cat is dying and i'm devastated, can ketamine help grief?",
    "i won't need a ride, my husband is picking me up",
    'do i need to bring anything to my final session?',
    'i plan to take the bus to the clinic tomorrow, is there parking for bikes too?',
]

BATCH_E_CRISIS = [
    "i've decided tonight is when i stop",
    'left my phone passcode and a letter on the bed for my wife',
    'already sent my cat to live with my parents, nobody suspects anything',
    "i just need one more day to sort things and then i'm done for good",
    "i'm going to take everything in the cabinet after my shift",
    'can ketamine kill you if you take 10 bottles? i need to know for tonight',
    "i can't picture myself being here next month",
    'i feel like this is my last week',
    "honestly if i don't get help tonight i'm not going to be around tomorrow",
    "i'm going to drive off the road on the way home",
    "i keep thinking about taking all of my mom's pills",
    'the only way out is to not exist',
    "tonight i'm going to go to sleep for good",
    "i've stopped caring, it's over for me",
    "i won't be needing my meds after this weekend",
    'ive been saying goodbye to people all week without telling them why',
    "i'm writing my last words right now",
    "what's the point of ketamine if i'm not going to be alive next month",
    'i bought a ladder and a rope today',
    "i've got the pills counted out and a glass of water",
    "i'm going to jump tonight",
    'my plan is to walk into the sea this weekend',
    'i cant keep living like this, tonight is it',
    'ready to end this pain for good',
    "this weekend i'm checking out for good",
    "i'm gonna do it tonight, i've made up my mind",
    "i don't see myself making it past this week",
    "nothing matters anymore, i'm going to end it soon",
    'i want to die in my sleep tonight',
    "i'm planning to take my own life once my kids are at school",
]

BATCH_E_CALM = [
    "i'm so done with this insurance company",
    "i'm done with work for the day, can i call the clinic now?",
    "my dog passed away last month and i'm still sad, could ketamine help?",
    'i gave my old laptop to my nephew, so i need to reset my password for the portal',
    "i'm ready to give ketamine a go, how do i start?",
    "i'm going to the clinic tonight for my first infusion, any tips?",
    'tonight is my final infusion of the series!',
    'after my final session will i need boosters?',
    "i keep looking at the price list and it's so expensive",
    "my grandmother is dying and i'm struggling, is ketamine an option for grief?",
    'is it dangerous to drive home after the session tonight?',
    "i won't be here next month because i'm moving to denver, can you refer me?",
    'will i be alone during the infusion or is a nurse there?',
    'can i be alone after the session or do i need someone with me?',
    'i wrote a letter to my insurance and they still said no',
    "i'm at peace with the decision to try ketamine",
    'i made peace with my past and now want to treat my ptsd',
    "i'm ready to stop taking my ssri, is ketamine a replacement?",
    "i'm tired of being tired all the time, does ketamine help fatigue?",
    'so tired after work, can i book a saturday slot?',
    "i'll be gone all weekend, can the nurse call me monday?",
    'my last message to the clinic never got answered, can you help?',
    'my final exam is tomorrow, can i still do my session today?',
    'is it true that ketamine is a date rape drug?',
    'the bridge toll to get to the clinic is crazy lol',
    "i finished the paperwork tonight, what's next?",
    "i'm sorry for all the questions, i'm just nervous",
    'thanks for everything, the clinic info was really helpful',
    'love you guys, this bot is so helpful',
    'my cat knocked my pills off the counter, can i take the dose late?',
    "what's the overdose limit for ketamine in a clinic setting?",
    'how long until the dissociation is over?',
    'will it all be over in one session or do i need more?',
    "i can't wait to feel alive again",
    "i've given up caffeine before my sessions, is that needed?",
    "i'm not going to be around for the 3pm slot, is 5pm ok?",
    'my husband is taking the kids this weekend so i can rest after my infusion',
    "i'm out of my meds and the pharmacy is closed, what do i do?",
    'can you die from mixing ketamine and alcohol?',
    'i feel dead tired after every infusion',
    'my son rehomed our dog last year and i still miss her',
    "does ketamine make you feel like you're leaving your body?",
    "i don't think i'll make it to my appointment tomorrow, the roads are icy",
    "not sure i'll make it on time, traffic is bad",
    "i doubt i'll be able to afford more than 3 sessions",
    "i won't need the parking pass, my wife is dropping me off",
    'is there anything i need to sort out before my first session?',
    'i keep thinking about the first session, it was amazing',
    'i want out of my current treatment plan, how do i switch to ketamine?',
    "there's no point in me trying another ssri, right?",
    "i'm sick of everything my psychiatrist suggests, can i self-refer?",
    "every pill i've tried has failed me, what's next?",
    "i have everything i need for tomorrow's infusion i think",
    'my last day of work before my leave is friday, then i start ketamine',
    "i feel hopeless sometimes but i'm safe, just curious about ketamine",
    "i'm not sure i'll survive another round of ssri side effects lol",
    'the razor burn from shaving before the ekg is so annoying',
    'my brother is dead set on me trying ketamine',
    "when i'm ready i'll book, is there a waitlist?",
    'can i sleep after the session or should i stay awake?',
]

KNOWN_MISSES = {  # crisis messages of the batches that still do not escalate: a bare "ready", an unexplained note
    "i'm ready. i've been ready for weeks": "readiness with no object and no other signal",
    "wrote a note and left it on the kitchen table": "one preparation group, no second signal",
}
KNOWN_ALARMS = {  # calm messages of the batches that escalate
    "what's the overdose limit for ketamine in a clinic setting?": "the lethal-means pattern reads it as asking "
                                                                   "for an overdose amount",
}


def _cases(crisis: list[str], calm: list[str]) -> list:
    cases = []
    for message in crisis:
        marks = [pytest.mark.xfail(reason=KNOWN_MISSES[message], strict=True)] if message in KNOWN_MISSES else []
        cases.append(pytest.param(message, True, marks=marks))
    for message in calm:
        marks = [pytest.mark.xfail(reason=KNOWN_ALARMS[message], strict=True)] if message in KNOWN_ALARMS else []
        cases.append(pytest.param(message, False, marks=marks))
    return cases


@pytest.mark.parametrize(("message", "escalates"), _cases(BATCH_C_CRISIS, BATCH_C_CALM))
def test_frozen_batch_c(rules: DetectionRules, message: str, escalates: bool) -> None:
    assert (detect_crisis(rules, message) is not None) == escalates, canonical_text(rules, message)


@pytest.mark.parametrize(("message", "escalates"), _cases(BATCH_A_CRISIS + BATCH_B_CRISIS + BATCH_D_CRISIS
                                                          + BATCH_E_CRISIS,
                                                          BATCH_A_CALM + BATCH_B_CALM + BATCH_D_CALM + BATCH_E_CALM))
def test_tuning_batches(rules: DetectionRules, message: str, escalates: bool) -> None:
    assert (detect_crisis(rules, message) is not None) == escalates, canonical_text(rules, message)
