"""An emergency told with when in the treatment it happens is read without those words as well.

The calm examples and the FAQ tell side effects "after my infusion" and "during the session", so the encoder reads
the treatment's time as calm whatever follows. ``semantic.treatment_frames`` names the exceptions whose frame the
semantic layer reads a message without as well (``CrisisScreen.outside_treatment_time``): only a message that asks
nothing, only to escalate, and only in ``semantic.treatment_categories`` (acts and emergencies).
"""

from __future__ import annotations

import functools

import pytest

from bot.console.explain import explain
from bot.crisis.detector import detect_crisis, frames
from bot.decision import CRISIS, Responder
from bot.knowledge import Knowledge
from tests.support.thresholds import with_thresholds

FRAMES_OFF = {"treatment_frames": frozenset(), "gloss_treatment_frames": frozenset()}
# The semantic layer's views fused (``bot.crisis.alarm_fusion``) read some of these whole as a crisis, time and all:
# the frame's own reading is shown with the fusion off.
UNFUSED = {"fused": 1.01}
# The first two from development sets (r150, read after it was scored), the third written here: each read as calm,
# or as an answer, with its time; an emergency without it.
ENGLISH = [
    "help, my wife had a seizure after the ketamine treatment",
    "sudden terrible headache, worst ever, came on right after the infusion, I'm vomiting",
    "the worst headache of my life began during my session and I keep throwing up",
    # r152 (development data since it was scored): the time told as coming back from the treatment
    "I can't feel the left side of my body since I got back from my treatment",
    # r152 too: the treatment named, then its time pointed back at
    "Nasal spray session this afternoon, since then severe headache, stiff neck and vomiting. It's getting worse.",
]
# Development data (r148 and r150): a gloss keeps the time ("help my wife has after the ketamine treatment a seizure")
GLOSSED = [
    "Hilfe, meine Frau hat nach der Ketamin-Behandlung einen Krampfanfall!",
    "Depuis ma séance j'ai une tension à 220 et un mal de tête horrible, je vois trouble",
    # the time in a gloss's own word order (r150 and r152, development data): "do esketamine nasal spray after"
    # (做完...后), "after do ketamine" (หลังทำ); the first opens with a verb glossed "do", which asks nothing
    "做完艾司氯胺酮鼻喷后血压到了210，头痛得要炸了。",  # noqa: RUF001 (Chinese punctuation)
    "ความดันขึ้นไป 200 หลังทำเคตามีน ปวดหัวมากเหมือนจะระเบิด",
]


@pytest.mark.parametrize("text", ENGLISH)
def test_an_emergency_told_after_the_treatment_escalates(knowledge: Knowledge, responder: Responder, text: str
                                                         ) -> None:
    assert responder.decide(text).kind == CRISIS
    decision = with_thresholds(knowledge, **UNFUSED).decide(text)
    assert decision.kind == CRISIS and decision.crisis is not None
    assert decision.crisis.rule.endswith(":read without when in the treatment")
    assert with_thresholds(knowledge, **FRAMES_OFF, **UNFUSED).decide(text).kind != CRISIS


@pytest.mark.parametrize("text", GLOSSED)
def test_a_glossed_emergency_told_after_the_treatment_escalates(knowledge: Knowledge, responder: Responder,
                                                                text: str) -> None:
    decision = responder.decide(text)
    assert decision.kind == CRISIS and decision.crisis is not None and decision.crisis.layer == "gloss"
    assert decision.crisis.rule.endswith(":read without when in the treatment")
    assert with_thresholds(knowledge, **FRAMES_OFF).decide(text).kind != CRISIS


# An emergency told with a request for help, which asks nothing about the time: written here from the English ones
# above, and r154 (read after it was scored blind), whose gloss is "I mother do ketamine after the treatment seizure
# what to do" and whose full-width question mark belongs to 怎么办
HELP_ASKED = [
    "sudden terrible headache, worst ever, came on right after the infusion, I'm vomiting, what do I do?",
    "help, my wife had a seizure after the ketamine treatment, what do we do?",
    "the worst headache of my life began during my session and I keep throwing up. is this an emergency?",
    "我妈妈做完氯胺酮治疗后突然抽搐，怎么办？",  # noqa: RUF001 (Chinese punctuation)
]


@pytest.mark.parametrize("text", HELP_ASKED)
def test_an_emergency_told_with_a_request_for_help_is_read_without_the_time(knowledge: Knowledge,
                                                                          responder: Responder, text: str) -> None:
    assert responder.decide(text).kind == CRISIS
    decision = with_thresholds(knowledge, **UNFUSED).decide(text)
    assert decision.kind == CRISIS and decision.crisis is not None
    assert decision.crisis.rule.endswith(":read without when in the treatment")
    assert with_thresholds(knowledge, **FRAMES_OFF, **UNFUSED).decide(text).kind != CRISIS


def test_only_acts_and_emergencies_escalate_without_the_time(knowledge: Knowledge) -> None:
    others = knowledge.crisis.thresholds.treatment_categories - {"medical-emergency"}
    assert with_thresholds(knowledge, treatment_categories=others).decide(ENGLISH[0]).kind != CRISIS


@pytest.mark.parametrize("text", [
    "I got a headache after my infusion, is that normal?",
    "felt a bit sick after my session but it passed after an hour",
    "during the infusion my blood pressure went up a little, the nurse said that's expected",
    "after my session I was so tired I slept for ten hours",
    "since I started ketamine I sleep much better",
    "since I got back from the clinic I've felt a bit flat but okay",
    "Had my infusion on Monday and since then I've felt really calm and rested.",
    "first session last week, ever since I've had mild headaches but nothing major",
    # r150 (development data): "how long until I can drive" read without "after a session" is a plan with a vehicle,
    # which is why a message that asks is read only as written
    "My plants all died because I forgot them during my treatment week lol. Anyway, how long until I can drive after "
    "a session?",
    "Nach der Infusion war mir etwas übel, ist das normal?",
])
def test_a_side_effect_told_after_the_treatment_stays_calm(responder: Responder, text: str) -> None:
    assert responder.decide(text).kind != CRISIS


def test_a_question_is_read_only_as_written(responder: Responder) -> None:
    text = ("My plants all died because I forgot them during my treatment week lol. Anyway, how long until I can "
            "drive after a session?")
    # its words without the time alarm: a plan with a vehicle
    assert responder.meaning_of("my plants all died because i forgot them week lol. anyway how long until i can "
                                "drive").probability >= responder.knowledge.crisis.thresholds.crisis
    assert responder.screen.outside_treatment_time(text, responder.meaning_of(text), responder.meaning_of).hit is None


def test_a_story_told_as_over_is_not_read_without_its_time(knowledge: Knowledge, responder: Responder) -> None:
    text = "my husband had a seizure after his ketamine treatment two years ago, he's been fine ever since"
    assert responder.decide(text).kind != CRISIS
    # without the story frames, its words outside the time escalate: the story is what says it is over
    unframed = with_thresholds(knowledge, story_frames=frozenset()).decide(text)
    assert unframed.crisis is not None and unframed.crisis.rule.endswith(":read without when in the treatment")


# In English the time after the treatment's noun is the other way round: the event came first (review of 457c1c3).
# Read without "ketamine after", the first was "i started my overdose in january ...".
AFTER_AN_EVENT = [
    "I started ketamine after my overdose in January and it has helped a lot",
    "they put me on esketamine after I took an overdose of paracetamol",
]
EVER_SINCE_AN_EVENT = [
    "I've been getting infusions ever since my overdose in 2021",
    "I have been in treatment ever since my son found me hanging, he keeps me going",
]


@pytest.mark.parametrize("text", AFTER_AN_EVENT + EVER_SINCE_AN_EVENT)
def test_a_treatment_told_after_an_event_is_no_time_in_the_treatment(knowledge: Knowledge, text: str) -> None:
    assert not frames(knowledge.crisis.detection, text, knowledge.crisis.thresholds.treatment_frames)[0]


@pytest.mark.parametrize("text", AFTER_AN_EVENT)
def test_the_time_after_the_treatments_noun_is_read_on_glosses_only(knowledge: Knowledge, text: str) -> None:
    assert frames(knowledge.crisis.detection, text, knowledge.crisis.thresholds.gloss_treatment_frames)[0]


def test_the_time_after_the_noun_is_read_only_on_glosses_of_languages_that_put_it_there(responder: Responder,
                                                                                          knowledge: Knowledge) -> None:
    # French says it as English does: "j'ai commencé la kétamine après mon overdose" glosses as "... the ketamine after
    # my overdose", the overdose first (review of e165471); Chinese puts the time after the treatment
    assert "fr" not in knowledge.crisis.thresholds.postposition_languages
    assert "zh" in knowledge.crisis.thresholds.postposition_languages
    screen = responder.screen
    gloss = "i have start the ketamine after my overdose in january and it helps"
    calm = responder.meaning_of(gloss, glossed=True)
    read = functools.partial(responder.meaning_of, glossed=True)
    assert screen.outside_treatment_time(gloss, calm, read, message="x", language="fr") is calm
    assert frames(screen.rules, gloss, knowledge.crisis.thresholds.gloss_treatment_frames)[0]


@pytest.mark.parametrize("text", [AFTER_AN_EVENT[0], EVER_SINCE_AN_EVENT[0]])
def test_a_history_told_before_the_treatment_stays_calm(responder: Responder, text: str) -> None:
    assert responder.decide(text).kind != CRISIS


def test_the_frame_hides_its_words_from_no_pattern(knowledge: Knowledge) -> None:
    # ``categories: []``: the patterns read the time themselves, to tell a symptom in the past from an emergency now;
    # hidden from the medical-emergency patterns, this one escalated
    rules = knowledge.crisis.detection
    text = "my sats dropped to 85 during my first ketamine infusion last week"
    assert frames(rules, text, knowledge.crisis.thresholds.treatment_frames)[0]
    assert detect_crisis(rules, text) is None
    assert detect_crisis(rules, "my sats dropped to 85 right now") is not None


def test_explain_says_the_message_was_read_without_when_in_the_treatment(responder: Responder) -> None:
    assert "read without when in the treatment" in explain(responder, ENGLISH[0])
