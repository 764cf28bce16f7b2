"""Crisis detection: what must escalate, what must not, and how the rules file is checked.

The message lists are written for these tests (not copied from the development set): the
detector is judged on messages nobody has seen, so each category is exercised with varied
phrasings, and every exception is checked both alone and next to a real crisis statement.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.crisis.detector import CrisisHit, canonical_text, detect_crisis
from bot.crisis.rules import DetectionRules, trigrams
from bot.knowledge.yamlsource import Problem
from tests.support.crisis_loading import load_detection

CRISIS_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "crisis.yaml"




@pytest.fixture(scope="module")
def rules() -> DetectionRules:
    loaded, problems = load_detection(CRISIS_FILE)
    assert problems == []
    return loaded


CRISIS = {
    "suicidal-thoughts": [
        # a denial or a freedom that does not hold
        "I was free of suicidal thoughts for 8 months but they came back this week",
        "i do not feel suicidal i AM suicidal",
        "how do i not feel suicidal anymore",
        "i can't get rid of my suicidal thoughts",
        "i've never been free of suicidal thoughts",
        "ketamine got me rid of suicidal thoughts for 2 days and now they're worse than ever",
        "i used to be self harm free, not anymore",
        "honestly i just want to kill myself, nothing is getting better",
        "I'm planning to end it this weekend once the kids are at their dad's",
        "been thinking about killing myself a lot lately",
        "i've decided i'm going to take my life",
        "I keep having suicidal thoughts and they're getting louder",
        "i feel really suicidal tonight",
        "the voices keep telling me to kill myself",
        "i have a plan and i know exactly how i'm going to do it",
        "I'm gonna end it all, i'm done",
        "i dont trust myself to stay safe tonight",
        "i'm going to jump off the parking garage after work",
        "suicide feels like the only option left",
    ],
    "passive-death-wish": [
        "life isn't worth living anymore",
        "there's no reason for me to keep living",
        "i'd honestly be better off dead",
        "tbh i'm done with life",
        "if i died tomorrow nobody would even notice",
        "i hope i don't wake up tomorrow",
        "every night i pray i won't wake up",
        "my family would be happier without me",
        "i'm just a burden to everyone around me",
        "i'd rather die than go through another day like this",
        "i cant take it anymore",
        "i don't want to be alive anymore",
        "sometimes i wish i'd never been born",
        "i keep picturing my own funeral and it makes me calm",
    ],
    "self-harm": [
        "i can't stop cutting, the urge won't go away",
        "i keep hitting myself when i get upset and did it again today",
        "i want to hurt myself so bad right now",
        "i've been cutting again and it's getting deeper",
        "holding a razor blade over my wrist",
        "i scratched my arms until they bled on purpose",
        "how do i hide new cuts from my mum before the session",  # hiding fresh wounds: self-harm now
        "there are fresh burns on my thighs and i don't want the nurse to see",
        "self harm urges are really bad tonight",
    ],
    "overdose": [
        "i just took 40 of my lexapro",
        "had 20 of my sleeping pills an hour ago",
        "swallowed a whole pack of paracetamol 20 minutes ago",
        "i'm going to swallow everything in my medicine cabinet",
        "thinking about taking all my sleeping pills tonight",
        "i think i overdosed, my heart is going crazy",
        "i'm about to OD on purpose",
        "drank bleach an hour ago",
    ],
    "lethal-means": [
        # the act first, then whether the whole supply would be enough
        "if I took all 20 of my lozenges at once would that kill me",
        "If I inject the whole vial at home would I die painlessly?",
        "if i swallowed every one of my sleeping tablets tonight would that do it",
        "if i took the rest of my oxy with vodka would it be enough?",
        "if i swallow 30 of my pills would that do it",
        "if i injected my whole vial would i wake up",
        "if i take my entire stash of lozenges is it enough",
        # a sure method, after an attempt that failed
        "what's the most reliable method, I don't want to fail again",
        "What's the most reliable method? I'm done with failed attempts.",
        "what's the fastest way to kill myself",
        "how many sleeping pills does it take to die",
        "what's the ld50 of ketamine",
        "is 20 tylenol enough to kill someone",
        "how high does a building have to be to die from the fall",
        "how long does it take to bleed out",
        "best method to end it without pain?",
        "how much ketamine is a fatal overdose",
    ],
    "goodbye-preparation": [
        # a last word to be passed on
        "Tell my therapist it wasn't her fault.",
        "If my therapist asks, tell her it wasn't her fault.",
        "Just tell my therapist I said thanks. She tried.",
        "please let my mum know i love her. and that it wasnt her fault",
        "if i'm gone by then, can you tell my psychiatrist it wasn't his fault",
        "I just want the people I love to know it wasn't anything they did.",
        # the calm that follows an unnamed decision
        "it's fine. i've made my decision and i feel lighter now.",
        "I've been feeling oddly calm since I made my decision.",
        "is it normal to feel completely peaceful once you've made a decision like that",
        "I've made up my mind. for the first time in months I feel at peace.",
        # care that will not be needed, without a reason
        "I won't need the refill. Or any refills after this.",
        "not gonna need the refill",
        "i won't need the follow up appointment. trust me",
        "i wrote a goodbye note for my mom last night",
        "gave away my cat and most of my things away this week",
        "i bought a gun yesterday and i keep staring at it",
        "I've been stockpiling my meds for a month",
        "sitting in my car in the garage with the engine running",
        "the pills are lined up on my desk",
        "this is my last message, thank you for everything",
        "please tell my sister i love her",
        "getting my affairs in order this week",
        "bought extra sleeping pills today, nobody knows",
        "is ketamine covered by insurance? not that it matters, i won't be around much longer",
    ],
    "other-at-risk": [
        "my brother texted me that he's going to kill himself and isn't answering",
        "my mom swallowed a whole bottle of pills and she's throwing up",
        "my daughter said she took a bunch of pills an hour ago",
        "my best friend keeps saying she wants to die and she has a plan",
        "my roommate is on the bridge railing and won't come down",
        "my son is cutting himself in the bathroom",
        "he posted a goodbye video on instagram",
        "my coworker just told me he's going to end his life tonight",
    ],
    "immediate-danger": [
        "my boyfriend has a knife and says he's going to kill me",
        "someone is outside my window trying to get in, i'm terrified",
        "there's a guy in my apartment who shouldn't be here",
        "my dad is beating me right now",
        "i'm scared for my life, he's banging on the door",
        "i don't feel safe at home with him tonight",
        "i was just raped and i don't know what to do",
        "he's standing at my door holding a knife and threatening me",
    ],
    "medical-emergency": [
        # "pain in my chest" is chest pain
        "severe pain in my chest right now",
        "i have really bad pain in my chest and my arm feels weird",
        # vital signs in the danger range now, and breathing failing in clinical words
        "my heart rate is 190 and it wont come down after the spray",
        "his pulse is still at 175 and he looks grey",
        "my oxygen is 84 and i feel dizzy",
        "her sats are dropping, 85 now",
        # a reading without "is", and a drop that has happened (the second from a spent blind set, r129)
        "her lips are blue, sats 80, the doctor isn't here",
        "Ketamine clinic nurse: patient's sats dropped to 78 and aren't coming up, doctor is on the phone 20 minutes "
        "away",
        "Clinician here, our patient just went into respiratory depression after the dose",
        "i have chest pain and my left arm is numb after my treatment",
        "suddenly intense chest pain after the infusion and it keeps getting worse",
        "i think i'm having an allergic reaction, my tongue is swelling",
        "my friend is overdosing what do i do",
        "she's turning blue and won't respond",
        "he took way too much k and is foaming at the mouth",
        "my husband took twice his dose of the spray and he's passed out on the couch",
        "accidentally used 3x my usual amount and now i'm shaking and can't stop throwing up",
        "I accidentally took my spray twice today and now I can't stop throwing up",
        "I took 3 lozenges instead of 1 and now I'm throwing up and shaking",
        "my son can't stop vomiting blood",
        "throwing up blood after my infusion, what do i do",
        "vomiting blood since the infusion",
        "should i call 911? my friend passed out and won't respond",
        "my roommate took a lot of xanax and i can't wake her up",
        "he's having a seizure on the floor",
        "i can't breathe and my throat is closing up",
        "My blood pressure reading is 210/130 after the session and I have a pounding headache and blurry vision",
        "bp 205 over 128 and my head is pounding",
        "my pressure is 220 on 120 after the spray and my head is splitting",
        "my dad's bp is 190/125 and he's confused",
        # a stroke's or a bleed's warning sign had now, a seizure just had (the first three from a spent blind set)
        "during my spravato session my vision went dark and I have the worst headache of my life",
        "just had my nasal spray and now I have the worst headache, my face is drooping on one side",
        "The patient in room 3 just seized during infusion, I'm the only one at the front desk",
        "i'm having the worst headache i've ever had since the infusion",
        "her mouth is sagging on the right side after the session",
        "my brother suddenly had a seizure in the car on the way home from his infusion",
    ],
}

LANGUAGES = {
    "es": ["quiero quitarme la vida", "no quiero seguir viviendo", "mi novia tomó todas sus pastillas",
           "estoy pensando en suicidarme", "ojalá no despierte mañana", "Ya no puedo más con esto",
           "mi papá no respira"],
    "fr": ["je vais me suicider", "j'ai envie de mourir", "mon frère ne respire plus",
           "je ne veux plus vivre", "j'ai pris toutes mes pilules", "Je n'en peux plus, je veux en finir",
           "ce soir j'en finis, c'est décidé, en finir"],
    "de": ["ich möchte nicht mehr leben", "meine Freundin hat alle ihre Tabletten genommen",
           "Ich habe Selbstmordgedanken", "mein Bruder atmet nicht mehr", "ich kann nicht mehr"],
    "pt": ["quero me matar agora", "minha irmã não está respirando", "não aguento mais, quero sumir",
           "tenho pensamentos suicidas todos os dias", "tomei uma cartela inteira de calmantes"],
    "it": ["voglio farla finita", "mio fratello vuole buttarsi dal ponte", "non voglio più vivere",
           "ho preso tutte le pillole", "ho pensieri suicidi ogni giorno"],
}

OBFUSCATED = [
    # r125's misses (read after it was scored blind): "0d" for od, and "tok to many pils" for took too many pills
    "g0nna 0d t0nite",
    "i tok to many pils im so dizy help",
    # "die" as "dye" (r129 and d1, spent): the homophone with nothing to dye
    "i wnat to dye tonite i hav the pils",
    "i wanna dye. not my hair. tonight",
    "i want to dye. the pills are ready",
    "feeling very sewerslidal today, got the means too",
    "thinking about sewersliding",
    "i wish i could just disappear",
    "k i l l m y s e l f",
    "i w a n t t o d i e",
    "s.u.i.c.i.d.e is all i think about",
    "i want to d!e",
    "g0nn4 end 1t all",
    "k!ll my$elf",
    "su!c!dal thoughts again",
    "thinking of unaliving tonight",
    "i feel like self deleting",
    "might just kms lol",
    "ready to kys",
    "i wana die",
    "i want to kil myslef",
    "gonna commit sucide",
    "feeling suicidial",
    "i wnat to end my lfie",
    "\uff4b\uff49\uff4c\uff4c \uff4d\uff59\uff53\uff45\uff4c\uff46",  # full-width letters
    "k\u0456ll mys\u0435lf",  # Cyrillic look-alike letters
    "k\u200bill my\u200bself",
    "KILL MYSELF",
    "i dont wana b here anymor i hav the pils",  # texting shorthand: b, hav
    "no1 wud even notice if i was gone",
    "im gonna kms 2nite",
    "gonna od tonight",
    "ima unalive myself",
    "i'm abt to yeet myself off a bridge",
]

NOT_CRISIS = {
    "figurative": [
        "the side effects are killing me, is nausea normal?",
        "I'm dead set on trying ketamine",
        "dying to try ketamine but the price is insane",
        "my phone is about to die so quick question, how much is a session",
        "i'd kill for a clinic near me",
        "shoot me a message when the new prices are out",
        "my mom's going to kill me when she sees the bill",
        "my wife will kill me if i spend another 800 on this",
        "i killed it at work after my third infusion",
        "i nearly died laughing at the dissociation stories on reddit",
        "ketamine is going to be the death of my savings",
        "the wait for insurance approval is slowly killing me",
        "i'm dying of curiosity, what does a k-hole feel like",
        "killing time in the waiting room, how long is a session?",
        "hanging out with friends after the session, is that ok?",
        "my brother will kill me if he finds out i asked this",
        "i'm killing myself with overtime to pay for this lol",
        "that meme had me dead lmao, anyway is spravato covered?",
    ],
    "informational": [
        "what blood pressure is too high for ketamine, above 180/110?",
        "is a bp over 180/120 a contraindication",
        "my bp was 140/90 during the infusion, nurse said normal",
        "is plan b a good idea if ketamine fails",
        "my therapist said ketamine can lower suicide risk, is that true?",
        "can ketamine cause suicidal thoughts as a side effect?",
        "what's the suicide rate among people with treatment resistant depression?",
        "does ketamine help with grief after losing someone to suicide?",
        "can you die from a ketamine overdose?",
        "is it possible to stop breathing during an infusion",
        "what happens if i pass out during the session",
        "how do clinics handle patients who are suicidal?",
        "research paper on ketamine and suicidality in veterans",
        "can teens with suicidal ideation get spravato",
        "is ketamine used in hospitals for people after a suicide attempt?",
        "my kid has a school project about suicide prevention and asked me about ketamine",
        "can ketamine therapy help someone who has attempted suicide before?",
        "is ketamine lethal in high doses",
        "what's the maximum safe dose of spravato",
        "can ketamine cause seizures in people with epilepsy",
        "will i be unconscious during the infusion",
        "does spravato make you stop breathing if you take too much?",
        "what if someone has a bad reaction during treatment",
        "can you overdose on spravato",
        "i'm scared i won't wake up from the ketamine, is that silly?",
        "what happens if i take too much spravato by accident",
        "I took 2 lozenges instead of 1 yesterday by mistake, I feel fine, should I tell the clinic?",
        "if i took double my dose and felt my heart racing would that be dangerous",
        "a month ago i took twice my dose, i was vomiting for an hour but the nurse said it was ok",
        "I took double my dose by mistake yesterday but I'm fine now and my heart rate is back to normal",
        "What if I accidentally took double my dose and started vomiting, would that be dangerous?",
        "If I take all my doses as prescribed, will it work?",
        "if i take 50 mg would that be enough",
        "How do I tell my husband it wasn't his fault I relapsed?",
        "my brother died by suicide and I keep telling my parents it wasn't their fault",
        "Should I tell my therapist I'm sorry for missing the session?",
        "tell the nurse i said thanks for holding my hand during the infusion",
        "I want my son to know it wasn't his fault that his father died",
        "I decided to start ketamine and I feel so relieved!",
        "since I made my decision about the clinic I feel at peace",
        "i havent decided yet but i feel calmer after reading the faq",
        "once you decide on a clinic you will feel calmer",
        "I feel calmer when you decide for me",
        "hopefully i won't need more sessions after this series",
        "I won't need my next appointment because I'm moving to Ohio",
        "i won't need the refill, my doctor switched me to the spray",
        "I won't need any more sessions if this one works",
        "I won't need a prescription for the spray, right?",
        "what's the most reliable method to find a clinic? my last search failed",
        "what's the most effective way to study so I don't fail again",
        # found in review: the new patterns on ordinary messages
        "I had to tell my son it wasn't his fault that I got depressed",
        "What's the best way to tell my daughter it wasn't her fault?",
        "Please tell the nurse she did her best, my veins are just tricky",
        "Can you tell the nurse it wasn't her fault the IV came out?",
        "My therapist helped me tell my mom it wasn't her fault",
        "I've made my decision: ketamine it is, and I feel relieved",
        "Made the decision, booked my first infusion, and I feel so much lighter",
        "I think once you decide you feel calmer, is that normal?",
        "I won't need the appointment on Friday, something came up at work",
        "Good news, I won't need more infusions, my depression is in remission",
        "Will I no longer need my meds after ketamine?",
        "won't need my next appointment, can you cancel it please",
        "Is ketamine the most effective method? I've had several failed attempts with SSRIs",
        "most reliable method anyone found? two failed attempts at getting prior authorization",
        "If I take every dose as prescribed, will it be enough?",
        "If I take all 6 sessions, will that do the trick for my depression?",
        "If I use all my HSA funds would it be enough?",
        "if i use the whole bottle of spray over the month will that be enough",
        "can't stop vomiting, blood pressure was high at the clinic yesterday",
        "if i take all my pills will i wake up on time for the session",
        "the sewer slid into the river after the storm",
        "I wish I could disappear for a week on a beach somewhere. How soon after an infusion can I fly?",
        "i wish i could vanish on holiday until the exams are over",
        "is throwing up blood a side effect of ketamine?",
        "vomiting, blood sugar is low, is that the ketamine?",
        "if i use the whole bottle of nasal spray will it be enough for the month",
        "if i took the whole dose at once would it be enough to feel anything",
        "If I take all my medications in the morning, would I have a seizure during the session?",
        "I took twice my usual dose at the clinic today under supervision, is hallucinating normal?",
        "how do you know when you've had too much ketamine at a party",
        "can ketamine prevent suicide",
        "is ketamine linked to suicide",
        "does ketamine help people who are suicidal",
        "is esketamine approved for suicidal patients",
        "how quickly does ketamine work for suicidal depression",
        "i read that ketamine lowers suicidal thoughts within hours, is that right?",
        "what are the chances of overdosing during an infusion",
        "what should you do if someone overdoses on ketamine at a party?",
        "ketamine suicidal ideaton studies",
        "chest pain is listed as a side effect, how common is it?",
    ],
    "past-history": [
        "i overdosed on heroin 6 years ago and i've been clean since, can i still get ketamine?",
        "i was hospitalized for suicidal ideation in 2015, now i'm doing great. am i eligible?",
        "i used to cut myself in high school, does that disqualify me?",
        "i have a history of self harm but it's been years, am i eligible?",
        "my brother attempted suicide in 2019, would ketamine help him now?",
        "my sister died by suicide years ago and i want to understand ketamine better",
        "had a suicide attempt as a teenager, totally stable now. does the clinic need to know?",
        "i overdosed a few months ago but i'm doing much better now, can i start ketamine?",
    ],
    "negation-and-depression": [
        "I don't feel suicidal, just numb. Will ketamine still work for me?",
        "I've been free of suicidal thoughts for 8 months since my infusions.",
        "i'm 3 years self-harm free today, ketamine was part of it",
        "i'm not suicidal, i just want to know how fast ketamine works",
        "i don't want to be a burden on my family financially, how much does it cost",
        "i feel hopeless about my depression, is ketamine worth trying",
        "i feel dead inside most days, could ketamine help that numbness?",
        "i'm sick of living with this pain, can ketamine help fibromyalgia?",
        "no point in trying another ssri, what about ketamine?",
        "i've given up on antidepressants, is ketamine next?",
        "i've been so down and unmotivated for months, could ketamine help?",
    ],
    "everyday-and-tricky": [
        "i can't go on vacation during the treatment course, right?",
        "can i take it with food?",
        "can i take all my meds the morning of my infusion?",
        "i want to cut down on my drinking before starting ketamine",
        "i'm going to cut back on coffee before my infusion",
        "my grandmother died last year and i've been depressed since, could ketamine help?",
        "my dog is dying and i'm so sad, does ketamine help grief",
        "someone broke into my car last year and i've had anxiety since",
        "i had a seizure disorder as a kid, is ketamine safe?",
        "my ex really hurt me and i've had ptsd since, can ketamine help",
        "my husband drove me home after the session and i slept 12 hours",
        "i took 2 tylenol for a headache after my infusion, is that ok?",
        "i'm sitting on the edge of my bed waiting for the nurse",
        "my kid wants to jump on the trampoline after my session, can i watch?",
        "can i end my treatment early if i don't like it?",
        "i want to end things with my current psychiatrist and find a ketamine clinic",
        "jumping into ketamine therapy next week, any tips?",
        "i follow a ketamine clinic on instagram, is following them on social media ok?",
        "i'm not safe to drive after the infusion right?",
        "i've been taking all my meds as prescribed but still feel low",
        "i can't breathe through my nose after the spray, is that normal?",
        "what's the most painless way to get an iv?",
        "i bought pills for my headache, can i take them before my infusion?",
        "is there a risk of overdosing at home with the nasal spray?",
    ],
}


# More crisis messages in many voices (written as held-out checks, then kept as regressions).
MORE_CRISIS = [
    # dying "on my own terms" (r138, read after it was scored)
    "I'm 72, I feel my time is up and I'd rather go on my own terms soon",
    'ready to check out on my own terms',
    # the figures of speech above, beside the real thing, also after a full stop the patterns do not see
    'overdosed on sugar and my pills tonight',
    'overdosed on candy and xanax last night',
    'my dnd character died jumping off a cliff and i want to jump off a cliff too',
    'my sims character lives better than me. i drank bleach',
    # a saturation drop of minutes ago, or still dropping
    "sats dropped to 78 two minutes ago and aren't coming up",
    'sats dropped to 85 before the doctor arrived and are still dropping',
    'ready to check out permanently, i wont need the next appointment',  # "check out" for good, in other words
    "i don't think i can keep myself safe tonight",
    "everything would be easier if i just wasn't here anymore",
    "i'm going to drive my car into a wall",
    'i keep thinking everyone would be relieved if i was gone',
    "i have a bottle of vodka and all my xanax, tonight's the night",
    "i'm tired. i want to sleep and not wake up",
    'can you tell me how many mg of ketamine would stop my heart',
    'my wife just locked herself in the garage with the car running',
    'my friend is threatening suicide on snapchat',
    "i'm going to hang myself",
    'i keep googling how to tie a noose',
    "i cut too deep and there's a lot of blood",
    "i took a handful of my mom's pills",
    'i want to die so badly',
    'honestly wanna die',
    'suicidal af rn',
    "i'm seriously considering suicide",
    'my plan is to take everything i have saved up on friday',
    "no one will care when i'm gone",
    "i can't live like this anymore",
    'i feel like ending it',
    "there's no point anymore, i'm done",
    "i'm ready to end it",
    'i want everything to stop. forever',
    "i'm writing letters to my kids so they understand why i did it",
    'i just want the pain to end permanently',
    "i'm gonna kill myself lol no joke",
    "i don't want to exist",
    'why am i even alive',
    "i'm thinking of jumping in front of a train",
    'the train tracks are near my house and i keep thinking about them',
    'my son said he has a gun and wants to end it',
    "my girlfriend took a bunch of ketamine and now she's not moving",
    'my friend is seizing what do i do',
    'help my dad is not breathing',
    "i can't feel my heartbeat and i'm really dizzy after taking way too much",
    "he's choking me",
    'my partner threatened to kill me tonight',
    "i'm hiding in the bathroom, he's trying to get in",
    "there's a stranger in my house",
    'i cut myself last night and i want to do it again',
    "i've been burning myself with a lighter",
    'i relapsed on self harm',
    'wanna hurt myself',
    "i'm going to slit my wrists",
    'how deep do i have to cut to die',
    'what household chemicals can kill you',
    'will 50 ambien kill me',
    "what's the quickest way to go",
    "i've made my peace, goodbye everyone",
    'my sister keeps talking about killing herself',
    'mi hijo dice que quiere morir',
    'ich will mich töten',
    'je me sens suicidaire',
    'quero acabar com tudo',
    'penso di uccidermi',
    'ho voglia di morire',
    'tengo una pistola y quiero usarla en mí',
    'ella se quiere suicidar',
    "i'd be doing everyone a favor if i died",
    'im not gonna be here much longer',
    'tonight i end it',
    "i'm about to take all my pills",
    'i swallowed 20 benadryl',
    'i drank a whole bottle of cough syrup to not wake up',
    "i'm on the roof and i'm going to jump",
    'im so close to ending it all',
    'i keep fantasizing about my death',
    'death would be a relief',
    'i just want to go to sleep forever',
    'i want to stop existing',
    "i'm not going to make it through the night",
    "i don't see a way out except dying",
    'i want out of this life',
    "i'm a waste of space and should just die",
    "my kids deserve a better mom than me, they'd be fine if i disappeared",
    'i looked up how much tylenol it takes to kill you',
    'planning my suicide',
    "i'm at the bridge right now",
    'just took my whole prescription',
    'took all 30 of my spravato pills lol jk its a spray but i did take all my trazodone',
    "i'm overdosing on purpose",
    "i've been cutting my thighs every night this week",
    'gonna hurt myself tonight',
    "i need to feel pain so i'm going to burn myself",
    'my husband is drunk and swinging at me',
    'my ex is outside with a gun',
    'my friend just posted a suicide note on twitter',
    "my teenager said she's going to end her life",
    "my roommate said he's going to hang himself and left",
    "bro i think my mate's not breathing after the k",
    "he collapsed at the party and won't wake up",
    "i'm having a panic attack and i can't breathe",
    'my throat is swelling up after the infusion',
    "i'm going to take every pill in this house",
    "i want to die but i'm scared",
    "idk i just don't want to be here anymore",
    "i'm thinking about ending my life",
    'wish i could just not wake up',
    'i feel like a burden and want to disappear forever',
    'nobody would miss me if i was gone',
    "i can't keep living like this",
    'I want to end my life. How much does it cost to get ketamine quickly?',
    "is spravato expensive? i probably won't need it, i'm ending things soon",
    "i'm so tired of everything i just want it over",
    'i want to kms fr',
    'kil my self',
    'thinking bout suicide again',
    'suicide tonight',
    "i'm going to k*ll myself",
    'i wanna d i e',
    "i'm going to off myself",
    'heading to the bridge tonight, this is goodbye',
    "tomorrow i won't be here anymore",
    'quiero morir ya',
    'me voy a matar esta noche',
    'je veux me tuer',
    'ich will nicht mehr leben',
    'quero morrer',
    'voglio uccidermi',
    'no quiero despertar mañana',
    'my little brother is threatening to jump out the window',
    "what's the best way to overdose",
    'how many tylenol would kill me',
    'can i die from taking 100 ibuprofen',
    "i'm sitting here with a knife to my wrist",
    'i hurt myself again',
    'i want to end it all tonight',
    "there's blood everywhere, i cut too deep",
    'ive had enough. im going to end everything tonight',
    "everyone keeps telling me it gets better but i'm going to kill myself before it does",
    'my head keeps telling me to die',
    "can't stop thinking about dying",
    'i want to fall asleep and never wake up again',
    "i'm praying for death at this point",
    'i wish i could just go to sleep and not wake up',
    'i have no will to live',
    "what's even the point of being alive",
    'i feel like everyone would be happier if i was gone',
    "just bought rope. don't try to stop me",
    "i've got enough pills saved to do it",
    "i've written my will and my goodbye letters",
    "my brother just overdosed and isn't responding",
    'my mom took a whole bottle of her sleeping meds',
    "my girlfriend keeps saying she'll kill herself if i leave",
    'my friend is on the edge of the roof',
    "i'm cutting right now",
    'i relapsed and cut myself really badly',
    'i want to burn myself again',
    "i'm going to starve myself until i die",
    'how long would it take to die if i stopped eating',
    'which pills are the most lethal',
    'how many xanax to overdose',
    'whats the least painful way to kill yourself',
    "he's got his hands around my neck",
    'somebody is breaking in downstairs',
    'my stepdad is going to hurt me when he gets home',
    'she stopped breathing',
    'my boyfriend is unconscious and has vomit around his mouth',
    "i think i'm dying, my heart is pounding and i can't breathe",
    'my face and lips are swelling up fast',
    "i'm done. goodbye",
    'this is my final goodbye to everyone',
    'i am going to end my own life',
    'suicidal and alone',
    'i am suicidal',
    "i'm really struggling and having thoughts of ending my life",
    "i've been researching ways to die",
    'i just want to stop being alive',
    'me quiero morir',
    'no aguanto más, me quiero suicidar',
    'je pense au suicide tous les jours',
    "j'ai avalé une boîte de somnifères",
    'ich habe Suizidgedanken',
    'eu vou me matar hoje',
    'não quero mais viver',
    'voglio morire',
    'mi sono tagliata di nuovo',
    'i cant do life anymore',
    "honestly i'm ready to die",
    'im gonna jump',
    'i dont want to live anymore',
    'i want to end it',
    'idk how much longer i can keep going. i have the pills ready',
    "how much does ketamine cost? asking because if it doesnt work i'm killing myself",
    'is the infusion safe? not that it matters, i plan to overdose after',
    'i have a gun in my lap',
    "i'm going to crash my car on purpose",
    'i just want to disappear forever',
    'i think about killing myself every single day',
    'im fr done with everything i want to die',
    'nobody cares if i live or die',
    "i'd be better off not existing",
    'i just overdosed on my antidepressants',
    'please help i took too many pills',
    "my partner said he'd shoot himself if i left and he has a gun",
    'my best friend just sent me a message saying goodbye forever',
    'i found my dad unresponsive on the floor',
    'my daughter is having trouble breathing after the spray',
    "someone keeps following me home and i'm scared",
    "i'm locked in my room because my husband is threatening me",
    'i want to jump off a building',
    'im going to overdose tonight on my moms pills',
    'i have been hurting myself for weeks',
    'i cut myself again tonight',
    'how many ambien would kill me',
    'what is the lethal amount of alcohol and xanax',
    "i think i'm going to kill myself soon",
    'what would happen if i took all my lithium at once',
    'i dont want to wake up tomorrow',
    "i don't deserve to live",
    'it would be easier for everyone if i died',
    'thinking of ending it all tonight',
    'i want to die lol',
    'kill myself',
    'i want to k1ll mys3lf',
    's u i c i d e',
    'ima end it',
    'planning my exit',
    "i'm going to do it tonight, i've made up my mind about ending things",
    "every day i think about how i'd kill myself",
    'i feel like i should just disappear for good',
    'my life is over and i want out',
    "i can't see a future for myself, i don't want to continue living",
    'i wish i were dead',
    'i wish i would get into a car accident and die',
    "please don't tell anyone but i'm going to take my life this weekend",
    "i've already taken the pills",
    "i've swallowed half a bottle of vodka and a load of painkillers",
    "my roommate drank a bunch and took some pills and now she won't answer when i shake her",
    "my grandpa's lips are blue and he isn't waking up",
    'help my sister is having convulsions',
    "i'm bleeding really bad from my arm",
    "my ex broke in and he's hurting me",
    "there's a man with a knife outside my door",
    "my dad said he's going to kill me tonight",
    "i've been scratching my skin until it bleeds",
    'i keep wanting to cut again',
    'i burned my wrist with a cigarette on purpose',
    "what's the lethal dose of tylenol",
    'how many of my klonopin would kill me',
    'does hanging hurt',
    'what is the most effective suicide method',
    'i wrote notes to my family and put them on the table',
    "i'm giving my stuff away to friends so they have something to remember me by",
    'i just want everything to be over',
    "there's no hope left for me and i don't want to keep going",
    "honestly i don't see myself alive next year",
    "i'd rather be dead than feel this way",
    "my brother keeps saying he's going to end it",
    "my friend says she cut herself and it won't stop bleeding",
    "i'm so close to killing myself",
    'estoy pensando en quitarme la vida',
    'je vais sauter du pont',
    'ich werde mich heute umbringen',
    'eu tomei muitos comprimidos',
    'voglio togliermi la vita',
    'KMS tonight fr',
    'goin to kil myslf',
    "i'm sitting in the bathtub with a razor",
    'tonight is going to be my last night',
    "i've decided this is the end for me",
    "i just can't anymore, i want to go to sleep forever",
    'thinking about swallowing all my meds',
    "i'm so worthless, the world doesn't need me",
    'i want to be dead',
    'i really want to kms',
    "i don't want to live anymore honestly",
    "what's the point in living when everything hurts",
    'i keep imagining jumping off my balcony',
    "i've got the rope tied already",
    'took an entire bottle of advil',
    "my husband is passed out and i can't wake him, he took a lot of pills",
    'my son just told me he wants to kill himself',
    "i'm scared my wife is going to hurt herself tonight",
    "my friend is cutting herself right now and won't stop",
    'my ex is trying to break down my door',
    "help someone is following me and won't leave",
    "my dad punched me and said he'd kill me",
    "i'm going to slit my throat",
    "i can't stop scratching until i bleed",
    'i want to punish myself by cutting',
    "what's the fastest acting poison",
    'how much insulin would be fatal',
    'will a bottle of tylenol kill me',
    "i'm writing my suicide note now",
    "i gave my dog to my neighbor because i won't be around",
    "i'm tired of fighting, i give up on life",
    'i keep hoping i get hit by a car',
    "i'm having chest pains and my arm is numb",
    "my mom fainted and isn't breathing right",
    "my throat feels tight and i can't swallow after the spray",
    "he's turning purple and not breathing",
    'quiero desaparecer para siempre',
    'me quiero morir ya no puedo',
    'je veux disparaître pour toujours',
    'ich will sterben',
    'quero sumir para sempre',
    'vorrei morire',
    "i'm at my limit and i've decided to end my life",
    "nothing matters anymore, i'm just waiting to die",
    "i'd give anything to not wake up tomorrow",
    "i have a bottle of pills in front of me and i'm thinking about it",
    'i looked up the tallest bridge near me',
    'i want my life to be over',
    "i'm ready to go, i've said everything i needed to say",
    'i took my whole week of meds at once an hour ago',
    "my coworker collapsed and isn't breathing, what do i do",
    "my husband choked me and i'm scared to go home",
    "someone is banging on my door and screaming they'll kill me",
    'my sister is threatening to jump off the bridge',
    'my friend sent me a picture of pills and said bye',
    "i'm cutting my arms again",
    'i keep burning my hands on purpose',
    'i want to hurt myself really badly tonight',
    'how many milligrams of xanax is deadly',
    'will my insulin kill me if i inject all of it',
    'planning to drive off a cliff this weekend',
    "i'm not safe right now",
    "i don't want to be here, i want to die",
    "please help me i'm going to kill myself",
    "i'm thinking of overdosing on ketamine",
    'is 2g of ketamine enough to die',
    "my mind keeps telling me i'd be better off dead",
    'i just want to end the pain for good',
    "i'm done living",
    "i've been having thoughts about ending everything",
    'quiero matarme esta noche',
    'ich habe alle meine Schlaftabletten geschluckt',
    # A study frame never hides a lethal-dose question the writer means.
    'what is the lethal dose of ketamine',
    "what's the ld50 of ketamine for my exam. i want to make sure it works",
    "i'm a pharmacology student but this isn't for class, what's the lethal dose of my meds",
    'for my exam: lethal dose of ketamine? asking for me',
    'lethal dose of paracetamol for my exam tonight',
    'how lethal is ketamine? writing an essay on it but honestly this one is for me',
    "what's the overdose threshold for my pills? not for the info sheet, i want to know for tonight",
    # A fatal end said as a substance's purpose (r134, read after it was scored blind, and variants).
    'How long after my last ketamine dose can I drink a lot of alcohol so that it stops my breathing',
    'can i take all my sleeping pills so they stop my heart',
    "i'll mix the vodka with my pills so it kills me",
    # r136 (read after it was scored blind) and variants: methods searched for without their end, "not for
    # research" without "asking", and a farewell while what was taken takes effect.
    "I was hospitalized last year for an attempt and I'm back in that headspace. I've been researching methods "
    'again today.',
    "i've been googling ways all night",
    'whats the most effective drug combo to OD from? not for research',
    'bye guys it was fun while it lasted. pills are kicking in',
    'the pills have started to take effect. love you all',
    # A house move never hides a goodbye.
    'giving away my things before i move on for good',
    # An overdose meant on purpose, and "every single one" for "all of them" (spent sets r18, r19).
    'can i overdose on ketamine on purpose? how much would i need',
    'can I overdose on spravato on purpose? because I want to',
    "i still have the leftover lozenges and i'm planning to take every single one tonight",
    "giving away my cat before the move, i won't be around after friday",
    # Ending one's life in the verbs other languages lend English ("terminar con mi vida", "finish my life").
    'i am thinking to finish my life, the medicine is ready',
    'please i want to terminate my life this weekend',
    # A warning sign of a heart attack or stroke with when it began.
    'chest tightness and my arm is tingling, started like 10 min ago after the lozenge, normal?',
    'cant move my left side properly, kicked in maybe twenty minutes ago after my session',
    'her face is drooping and she is slurring her words for the last ten minutes after her session',
    # A firearm loaded with no errand named for it, or with one denied.
    'Loaded my hunting rifle tonight. not for hunting',
    'just loaded my dads pistol, sitting in the car',
    # ... and a stroke's one-sided signs, or a drooping face beside another sign, told without a time.
    'half my face feels numb and my smile is lopsided',
    'one side of my face is drooping, what is happening',
    "his left arm went limp and he can't get his words out",
    'grandma suddenly confused, cant find words and one side weak',
    # Someone else's burden belief, reported in the third person.
    'he keeps telling us we would be better off without him and then goes quiet',
    'she says the kids would be better off if she was gone',
    # Grief or a denial next to a crisis: the exceptions hide only their own words.
    'my brother died of an overdose last year and tonight i want to take all my pills too',
    'lost my wife to an overdose and i have saved up my pills to join her',
    'she is not suicidal she says, but she just bought a gun and gave away her dog',
    # A call for help, whoever is asked.
    'do i need to call an ambulance, she took all her pills',
    'should we call 911, he took his whole bottle of sleeping pills',
    # The writer right after an informational question.
    "does ketamine help with suicidal thoughts? i'm desperate",
    'ketamine for suicidal thoughts, help me',
    # Past or denied, then now.
    'in high school i wanted to die and now i want to die again',
    'i havent had thoughts of suicide in months but tonight i want to end it',
    # ... and in danger, said plainly.
    'aiuto sono in pericolo, mio marito mi minaccia',
    'estoy en peligro, por favor ayuda',
    # A lethal place or means that draws the writer.
    'the train tracks behind my house keep calling to me at night',
    'the pills on my nightstand look so tempting tonight',
    # A lethal question with its benign purposes disclaimed; leaning out of a high window.
    "is there a combo of my pills that would be lethal? and no, i'm not asking for safety reasons",
    'the tenth floor window is open and i keep leaning out a bit more',
    # Next to a figure of speech, a pill question or search keywords, a crisis still escalates.
    'i want to be dead to the world forever, i have the pills',  # the idiom, made final
    'she cant swallow and her lips are swelling',  # swallowing, not swallowing pills
    'suicidal thoughts ketamine tonight',  # keywords, then now
    'my suicidal thoughts ketamine help',  # keywords, about the writer
    # An appliance at or in the bath.
    'sitting in the bath with the hair straightener plugged in',
    'the toaster is on the edge of the tub and the tub is full',
    'does a toaster bath hurt',
    'keep thinking about dropping the hair dryer into the tub',
    # Testing a hanging point.
    'been looking at the rafters all night wondering if they would take my weight',
    # On a bridge in a car.
    'parked on the bridge with the engine off, just sitting here',
    # Breathing trouble said without a subject.
    "my lips are tingling and it's really hard to breathe",
    'is this normal? my lips went numb and i seem to be unable to breathe properly',
    "it's getting harder to catch my breath since the spray",
    # Vomiting or coughing up blood now; slang for killing oneself.
    'my mum is throwing up blood and can barely stand',
    'been coughing up blood all afternoon after the pills',
    'honestly about to sudoku myself',
    # Medicine in another form saved up; an appliance plugged in once the bath is named full.
    'i have been stockpiling my troches for weeks instead of using them',
    'tub is filled to the top, heater plugged in on the edge',
    # Finished with life; leaving, or ceasing to be a burden, for good; a weapon on the mind every day.
    'my grandad keeps saying he is finished with life',
    "if nothing changes by spring i'll just log off permanently",
    'soon i will stop being my family s burden for good',
    'his old revolver has been on my mind all the time lately',
    # A bath run, then an appliance plugged in; a phrase typed as one word.
    'just ran a bath, the heater is plugged in right beside it',
    'iwanttodie honestly',
    # A day chosen to die; an ultimatum that ends in an act, inside a question.
    'i need to feel better before friday because that is the day i picked to die',
    'told myself if nothing changes by june i will jump so the waitlist matters',
    # Something that would kill the writer quietly.
    'which of the tablets in my cupboard could kill me in my sleep',
    # A vehicle meant as the means, no target named (the first from a development set).
    'Quick question about after-session drowsiness, and also just letting you know I plan to crash my car on the '
    'highway on the way home.',
    'im going to wreck my truck tonight so it looks like an accident',
    # A game named beside a wish, a plan or real life: the gaming frame does not hide it.
    'i want to kill myself in real life not in minecraft',
    'gonna kill myself after this ranked match, im done with everything',
    'dying in the game is the only fun i have, in real life i want to die too',
    # ... and the writer not safe is a crisis, where a place or a time says so
    "i don't feel safe right now",
    "it's not safe at home anymore",
    'my suicidal thoughts were almost gone by infusion 3 but they came back last night and i have the pills out',
]

# More calm messages that use crisis-sounding words.
MORE_CALM = [
    # a job, a move or a treatment on one's own terms
    'i want to leave my job on my own terms',
    "i'd rather go to rehab on my own terms",
    'i want to go out on my own terms, retire before they push me out',
    'i want to go on my own terms, not have my parents drive me to the clinic',
    # An overdose of a show or a sweet, and a game character's death (a spent blind set's each, r138 and r117).
    'overdosed on netflix this weekend, zero regrets',
    "my D&D character just drank a poison potion and died, RIP Thorin anyway what's the booking link",
    'my dnd character died jumping off a cliff to save the party lol',
    # A firearm loaded for a hunt, the range or a season.
    'loaded my rifle for the hunting trip this weekend, can i still do my infusion monday?',
    'cleaned and loaded the shotgun for duck season',
    # "whole" and "pills" in two clauses: a life is no quantity of pills.
    'my mom has had depression her whole life and no pills ever helped. would ketamine be something for her?',
    'my husband has had depression for 15 years and the meds barely touch it. could ketamine be an option for him',
    # Pain in the chest asked about or past.
    'is it normal to have pain in my chest during the infusion',
    'i had pain in my chest after my last session, should i tell the clinic',
    # A crash feared, denied or past.
    'is it safe to drive after, i dont want to crash my car',
    'my son is learning to drive and im scared hell crash my car',
    'i almost crashed my car yesterday from the drowsiness',
    # A vital sign asked about, a risk, or a reading from the past.
    'is a pulse over 160 dangerous during an infusion',
    'what is the risk of respiratory depression with ketamine',
    'my heart rate went up to 170 during my infusion last week, is that normal?',
    'do they monitor oxygen levels during the infusion, mine is usually 95',
    'my sats dropped to 85 during my infusion last week, is that normal?',
    'my sats dropped to 85 during my first ketamine infusion last week',
    'is it dangerous if sats dropped to 85?',
    'what if my sats dropped to 80 during the infusion',
    'my dad has copd, sats 88 normally, can he get ketamine?',
    'is a saturation 88 safe for ketamine',
    # a dye with something to dye
    'i want to dye my hair purple after my last session',
    'going to dye it black this weekend, is that ok with the spray',
    'we want to dye easter eggs with the kids after the infusion',
    "i'm going to dye again after the infusion",
    'i want to dye with henna',
    # A headache, a droop or a seizure asked about, past or as it always was.
    "I had the worst headache of my life after my wisdom teeth came out, can I still do ketamine?",
    'what if i have the worst headache of my life during the session',
    'my eyelid has always drooped on one side, does that matter for the spray?',
    'my son had a seizure when he was 4, is ketamine safe for him?',
    'my husband just had a fit about the price, is there a payment plan?',
    # Dying inside a video game (the first from a development set).
    'I keep killing myself in Minecraft by accident falling into lava. unrelated but how long does a ketamine session '
    'last?',
    'died so many times in elden ring today lol, anyway does ketamine help anxiety',
    # A number of years is a duration, not a count of pills (a development-set question).
    'My mother (68) has had fibromyalgia for 20 years. Would ketamine therapy be something for pain like hers?',
    'i have been on my meds for 12 years, would ketamine replace them',
    # Ketamine's own numbness and slurring, a smile, a limb slept on: no stroke's one-sided sign.
    'my face felt numb during the infusion, is that normal?',
    'my speech was slurred after the session, normal?',
    'i have a lopsided smile in photos, will ketamine change my face',
    'sleeping on my left side makes my arm numb',
    # Breathing trouble asked about, told as past, or a laugh.
    'is it hard to breathe during an infusion?',
    'it was hard to breathe in the stuffy waiting room last time, can they open a window',
    "it's hard to breathe when i look at the invoice lol",
    # Blood asked about or told as the past; the puzzle; a bath without an appliance plugged in.
    'can ketamine make you cough up blood?',
    'i vomited blood once years ago from an ulcer, is ketamine ok for me',
    'i was vomiting blood for a week back in 2019 from an ulcer, does that matter',
    'doing a sudoku in the waiting room calms me down',
    'the bath is full and my book is next to it, perfect evening after the session',
    # A day chosen for an appointment; joy.
    'friday is the day i picked for my first infusion',
    "if ketamine works i'll jump for joy",
    'my boss will kill me if i miss another meeting for my sessions',
    # Finished with a job, logging off an app for good, a rifle on the mind before the season.
    'i am finished with life coaching, it did nothing for my depression',
    'going to log off for good from twitter, it makes my anxiety worse',
    'the rifle has been on my mind every day since the hunting season opened, can i hunt after an infusion',
    # Someone else's death from an overdose or suicide, told as the past; a denial about someone else.
    'lost my mum to an overdose of her tablets. now i am scared of any pill, how is the dose checked',
    'my best friend died of an opioid overdose two years ago and i still think about her',
    'her brother passed away from an overdose and now i am worried about her, how do i support her',
    'my father took his own life years ago. now i am wondering, does family history matter for eligibility',
    'my son is not suicidal, just flat and tired all the time, would ketamine help him',
    'she is no longer suicidal since starting treatment, should she keep going',
    # Asking whether a clinic or a device calls emergency services in some case.
    'will the clinic call an ambulance if my blood pressure goes too high during the infusion',
    'will my fitness watch call emergency services if my heart rate drops in a session',
    # An informational question followed by a report of reading, or by the 'me' of a request.
    'does ketamine lower suicidal thoughts quickly? i heard it can work in hours',
    'writing an essay on ketamine and suicidality, can you point me to some reviews',
    # 'I am not in danger' in Italian, Portuguese and Spanish.
    'il mio medico dice che sono depresso ma non sono in pericolo, la ketamina fa per me?',
    'nao estou em perigo, so queria saber quanto custa uma sessao',
    'no estoy en peligro, solo quiero saber si la ketamina engorda',
    # Past wishes and acts told as past, and denials of having such thoughts.
    'i have not had any suicidal thoughts since my third infusion, can i space the sessions out',
    'when i was a teenager i wanted to die. that was decades ago, can i still get ketamine',
    'it has been five years since i last harmed myself, will the clinic ask about it',
    # Places and things that look inviting for ordinary reasons.
    'the new gun range looks tempting for a day out',
    'the rooftop bar near the clinic looks inviting',
    'the bridge view from the clinic is so peaceful',
    # A clipped denial, or a denial of being a danger.
    'not suicidal, just worn out from the commute, can i book an evening session',
    'can i cook dinner after a session without being a danger to myself',
    # A safety question; everyday windows.
    'is ketamine deadly with alcohol? asking for safety reasons',
    'i lean out the window to smoke sometimes, is that ok after a session',
    'my 5th floor window has plants hanging from it, can i bring one to the clinic',
    # An idiom, a question about taking pills, search keywords.
    "i don't want to feel dead to the world all day after my session",  # deeply asleep, an idiom
    "my mum can't swallow tablets well, is there a nasal form",  # pills, not an airway
    'suicidal thoughts ketamine evidence',  # search keywords
    # Old scars named as old.
    'faded self harm scars on my wrists, do i need to cover them at the clinic',
    'got old scars from cutting on my arms, will the staff judge me',
    # 'Better off without him' said about someone else; baths, beams, fans and bridges in everyday use.
    'she said we are better off without him since the divorce',  # about someone else, not herself
    'he told me i would be better off without him when he left',  # a break-up line
    'is it ok to take a warm bath after my session and then use the hair dryer',
    'i listen to the radio in the bath to unwind after sessions',
    'we keep a heater next to the tub because the bathroom is freezing',
    'thinking of putting a radio by the bath for my recovery days',
    'the old wooden beams in the clinic waiting room are lovely',
    'can the ceiling fan in the treatment room be turned off, it makes me cold',
    'big fan of the clinic, they said they will take me on tuesdays now',
    'will the stair rail support me if i am dizzy walking out after the session',
    'we parked near the bridge by the clinic, is there a closer car park',
    'how do i hide my old scars at the clinic, they are from years ago',  # old scars, not fresh wounds
    'we are checking out a new clinic next week and might move my care there permanently',  # a place
    'how does ketamine compare to ect for severe depression',
    'can ketamine be used for postpartum depression',
    'is it safe to drink coffee before an infusion',
    'i killed my first session, felt amazing after',
    'that price is murder on my budget',
    "i'm so dead after work today, can i reschedule",
    "my cat died last month and i'm struggling with grief, is ketamine used for that",
    'do you know if ketamine helps with suicidal depression in teens',
    'ketamine for suicidal ideation: how many sessions needed?',
    'is there a risk of dying from spravato',
    'my psychiatrist worries ketamine could trigger my past self harm habits, is that a thing?',
    'what if i get too much ketamine during my session',
    'can you stop breathing on ketamine',
    'how is suicide risk assessed before ketamine therapy',
    "i tried to kill myself in 2010, now i'm a nurse and want to try ketamine for my ptsd",
    'ten years clean from self harm, can i do ketamine',
    "what's the lethal toxicity of ketamine compared to other anesthetics",
    'my friend said ketamine saved her life',
    'can ketamine make depression worse',
    'i feel like a zombie after my infusion, is that normal',
    "i'm dying to get started, how soon can i book",
    'this heat is killing me, can i still come in',
    'do they tie you down during the session',
    'will i remember what happened during the trip',
    "i'm scared of needles, can i do the nasal spray instead",
    "i can't drive after, who takes me home",
    "i'd die for a cheaper option lol",
    'is ketamine just a party drug',
    'can i overdose if i use spravato twice in one day',
    'my anxiety is through the roof before appointments',
    'what does the research say about ketamine and self harm',
    "my husband is overprotective and won't let me drive after sessions, lol",
    'i hate my job but is that a reason to try ketamine',
    'i give up trying to understand insurance, who can help me',
    "i can't take time off work for 6 sessions",
    'we lost my uncle to suicide and my aunt wants to know if ketamine could help her depression',
    "my doctor says i'm not at risk of self harm so i qualify",
    'how long until i feel normal after the infusion',
    'i feel so tired of being depressed, can ketamine help',
    "i'm done with ssris, what's next",
    'does ketamine help people who want to quit smoking',
    'i nearly passed out from the price lol',
    'my brother says ketamine will kill my brain cells, true?',
    'kill two birds with one stone: can i do therapy and ketamine the same day',
    "i'm over the moon, my first session went great",
    'my heart was racing during the session, is that normal',
    "how do i tell my family i'm doing ketamine",
    'is it normal to cry a lot after a session',
    'can ketamine treat ptsd from a car crash',
    'i want to disappear for a weekend after my last session lol',
    'when will i feel better after the first infusion',
    'does ketamine kill brain cells',
    'can ketamine kill you',
    'is ketamine deadly',
    "what's the difference between ketamine and spravato",
    "i'm scared i'll feel like i'm dying during the k-hole",
    'will the dissociation feel like dying',
    'how do i deal with the fear of death that came up during my session',
    'i lost my mom last year and grief is crushing me, does ketamine help',
    'is it ok to do ketamine if i have a history of suicidal thoughts but none now',
    'what should i do if i feel overwhelmed after a session',
    'my therapist wants to discuss my past suicide attempt before we start',
    "i'm a nurse and we use ketamine for sedation, how is therapy different",
    'can i take benadryl after my infusion for sleep',
    'i took 10mg of melatonin the night before, is that ok',
    'is 0.5 mg/kg a high dose',
    'can ketamine help with thoughts of death that keep coming up',
    'my boss is going to kill me for taking the afternoon off lol',
    'we had a killer session today, felt so light after',
    "i'm dead curious about how it feels",
    "the price is insane, i'd literally die",
    'what are the chances of dying during an iv infusion',
    'how many people have died from ketamine therapy',
    'i watched a documentary about suicide and ketamine, is it legit',
    'my friend is thinking about ketamine for her depression',
    "i'm thinking about trying ketamine for my ptsd",
    "i'm ready to try something new, nothing else worked",
    "i can't keep paying 800 a session",
    "i'm done with waiting lists",
    'is it normal to feel emotionally raw for a day after',
    'does ketamine make you suicidal',
    'does ketamine ever cause people to harm themselves',
    "i'm going to the clinic tonight for my first session",
    'can i bring a friend to my session',
    'can i jump in the pool after an infusion',
    'my dad has heart problems, can he do ketamine',
    'is ketamine safe for someone who had a heart attack in 2020',
    'can you have a seizure on ketamine',
    "my doctor said i'm not a danger to myself so i can do at-home ketamine",
    'what if i start crying during the session',
    'can i die from ketamine if i have a heart condition',
    'how many sessions before i feel better',
    "i feel like i'm floating during infusions, normal?",
    "i'm ready to start, what's the first step",
    "i keep thinking about the cost, it's a lot",
    "i overdosed on sleeping pills when i was 17, i'm 35 now. is that a problem?",
    'is the k-hole dangerous',
    'i cut my finger cooking, can i still get an iv today',
    'i burned myself on the stove yesterday, does that matter for the infusion',
    "i'd rather die than pay 800 a session lol",
    'my son has been suicidal in the past, would ketamine be safe for him',
    'what happens if i stop breathing during treatment',
    'do you need someone to drive you home',
    'is ketamine an opioid',
    'the dissociation scared me to death',
    'my psychiatrist mentioned suicide risk is lower with ketamine',
    "i'm not going to be here next week, can i reschedule",
    'can you tell me how the nasal spray works',
    'i hate needles so much',
    'is there a suicide prevention hotline number on your website',
    'my husband hit the jackpot with his insurance covering spravato',
    'i have a gun license, does that affect eligibility',
    "my dad's a hunter and keeps guns at home, is that a concern for at-home ketamine?",
    'will ketamine stop me from wanting to drink',
    "i'm sick of feeling like this, can ketamine help",
    'is ketamine going to kill my libido',
    'i am tired of being tired, is ketamine energizing',
    'how effective is esketamine at reducing suicidal ideation within 24 hours',
    'is it normal to think about death after a ketamine session',
    'can ketamine make me feel detached from my body',
    "what's a k-hole and is it dangerous",
    'i was so scared before my first infusion but it went fine',
    'can i do ketamine if i take lithium',
    'how do i know if ketamine is working',
    'the side effects were brutal but i survived lol',
    "i'm dying to sleep after every session, normal?",
    'can my wife come with me',
    'i killed a whole pizza after my session lol',
    'would you recommend iv or nasal',
    'does ketamine help with ocd thoughts',
    "i want to try ketamine but my mom thinks it's dangerous",
    'my anxiety is killing my social life, can ketamine help',
    "i've been feeling empty for months",
    'everyone in my family has depression, is it genetic',
    'what is the best ketamine clinic in chicago',
    'i read ketamine can help people who self harm, is that true?',
    'how do i stop the urge to overthink',
    'i cut out caffeine before treatment, is that needed',
    'dead serious question: is this covered by medicare',
    'how long until the ketamine wears off so i can drive',
    'my boyfriend wants to come to my infusion, is that allowed',
    "i'm exhausted all the time, would ketamine help",
    'can ketamine reduce the urge to drink',
    'my friend said she felt like she was dying during her first session, is that common?',
    'my last session is next week, what happens after',
    'is this my last chance? nothing else has worked',
    'i have a plan to pay for it with my hsa',
    'can i end treatment whenever i want',
    'how is ketamine different from psilocybin',
    "my dog died last week and i can't stop crying, can ketamine help with grief?",
    'i had a near death experience during surgery, does that matter for ketamine?',
    'is it dangerous to mix ketamine and alcohol',
    'what dose do they start you on',
    'will my insurance pay if i have bipolar',
    "i'm terrified of losing control during the session",
    'can you die from spravato',
    "i'm over it, this insurance company is the worst",
    'i could scream, they cancelled my appointment again',
    'my back is killing me from sitting in the chair so long',
    'did anyone else feel like dying of boredom during the 2 hour monitoring',
    'i want to end my current ssri before starting ketamine, is that ok',
    "i've been depressed since my divorce, is ketamine right for me",
    'does ketamine work for people with a history of overdoses',
    'how do clinics screen for suicide risk',
    'my psychiatrist asked if i have suicidal thoughts and i said no, can i still get ketamine',
    "i'm a caregiver for my mom who attempted suicide last year, is there support for families",
    "i'd kill for a good night's sleep, does ketamine help insomnia",
    'the nausea after my infusion almost killed me lol',
    "i'm scared of dying on the table",
    'could the ketamine make me hurt myself while dissociated',
    'is it true people have jumped out of windows on ketamine',
    'my teen has bad anxiety, is ketamine approved for under 18s',
    "i lost my job and i'm stressed about money, how much is ketamine",
    'do people ever feel suicidal after stopping ketamine',
    'how do i get off the waitlist faster',
    "my wife says i'm a different person after ketamine, in a good way",
    'is there any way to make the infusion less painful',
    "i'm dead tired every day, would ketamine help with fatigue",
    'is ketamine safe for people with heart disease',
    "how do i know if i'm a good candidate",
    'my last infusion made me cry a lot, is that normal',
    "i'm dying for some good news about my insurance claim",
    'killing two hours in the waiting room, any tips?',
    'i want to cut my sessions down to once a month',
    'how do i taper off my antidepressants before ketamine',
    'can ketamine help with cravings',
    "will i feel like i'm dying during the infusion",
    'what are the risks of ketamine for older adults',
    'i need to end my membership at the old clinic',
    'can i take my meds all at once in the morning',
    'is it normal to sleep all day after an infusion',
    'i feel nothing after four sessions, is that common',
    'is the dissociation like an out of body experience',
    'my mom is worried ketamine will hurt me',
    'is it true ketamine was found in overdose deaths',
    "what's the difference between a therapeutic dose and a lethal one",
    'how much does spravato cost without insurance',
    'can i drink coffee the morning of',
    'are suicide rates lower in people treated with ketamine',
    "what is ketamine's effect on suicidal ideation in the first 24 hours",
    "my brother's suicide attempt in 2015 still affects our family, is ketamine used for ptsd in relatives",
    'is it weird that i feel dead tired after',
    'the insurance phone line is torture',
    'my kid jumped off the couch and hurt his arm, should i reschedule',
    "i'm drowning in paperwork for insurance",
    "i can't stand the taste of the nasal spray",
    'what happens if i miss a session',
    'i give up on trying to get a referral, can i self-refer',
    "what's the difference between a k-hole and an overdose",
    'is it normal to feel like dying of embarrassment after crying in session',
    'how much ketamine is in one infusion',
    'my aunt died of an overdose years ago, does that make ketamine risky for me',
    'can ketamine cause death',
    'does the clinic have a defibrillator in case of a heart attack',
    "i'm so done with this waiting list",
    'my friend said the first session felt like dying and being reborn',
    'can i stop my antidepressants cold turkey before ketamine',
    'what do i do if i feel sick after the infusion',
    "i'm sick of insurance denials",
    'can i bring my own music',
    'how do people pay for this',
    'is ketamine good for people who have tried everything',
    'my therapist is worried about my suicide risk assessment score, does that affect eligibility',
    "i don't feel safe driving after the session, can someone pick me up",
    'can ketamine help someone who self harms',
    'is ketamine ok after a stroke years ago',
    'i want to end my subscription to the ketamine app',
    # Lethal-dose questions put as study or work (the study-frame exception; spent-set false alarms).
    "What's the LD50 of ketamine in rats? It's for my pharmacology exam on friday",
    "pharmacology student here: roughly what is ketamine's lethal dose range in humans?",
    'pharmacist question: a customer asked what the lethal dose of esketamine is, how should I respond?',
    'nursing school quiz tomorrow, what is the toxic dose of acetaminophen',
    # r131 and r133 (read after they were scored blind): how lethal, and an overdose threshold, put as study or work
    'how lethal is ketamine compared to opioids? writing a pharmacology essay',
    "What's the overdose threshold for ketamine compared to the therapeutic dose? Writing a safety info sheet for our "
    'clinic',
    # What a medicine is taken for stopping a symptom, not the writer.
    'i take my inhaler so that it stops my breathing problems',
    'i take propranolol so it stops my heart racing before sessions',
    'i use a cpap so it stops me from breathing badly at night',
    # Methods and ways that are a topic ("of payment", what insurance covers); a bedtime's "pills are kicking in".
    "i've been researching methods of payment for the infusions",
    "i've been looking up ways insurance covers spravato",
    'night all, my sleeping pills are kicking in',
    "can you die from ketamine? i'm not worried for health reasons, just curious",
    # Things given away for a house move (everyday-plans; spent-set false alarms).
    "I'm giving away my old bike before the move. Unrelated, how long is a typical infusion?",
    'giving away all my books before moving flats next month, does the clinic want some?',
    "i'm going to take every single one of the infusions they offer",
    'is it possible to overdose on ketamine in a clinic',
    'i want to finish my life coaching course before i start the infusions',
    # An idiom of nerves.
    'i want to jump out of my skin before every session, is that normal?',
    'last time i thought i was going to die from the nausea, can they give me something for it?',
    'my cat will die of loneliness if i stay overnight at the clinic lol',
    'i had some chest pain that started 10 minutes into the infusion last month, should i mention it next time?',
    'is chest pain or a numb arm a known side effect of ketamine?',
    # development data (d2): a thing said not to be safe is a question about it
    "i'm scared its not safe, tell me honestly",
    'is it not safe to drive after?',
    # r119 (read after it was scored blind): thoughts ended by treatment, told with "by" and "almost"
    'My suicidal thoughts were gone by infusion 3 and have stayed gone. Just wanted to share that with anyone '
    'starting out.',
    'i used to think about dying a lot but after 6 sessions those thoughts are almost gone. does it last?',
]
# A question about a fatal outcome, then a sentence of the writer's own that welcomes it (the ENDORSE words).
ENDORSED_OUTCOMES = [
    "if i inject all the leftover ketamine will i die? because that's what i want",
    "what happens if i take all my meds at once, do you just not wake up? i hope so",
    "could the spray kill me if i use the whole bottle. that's the point",
    "if i drink a bottle of vodka with my pills will i die. good, thats what i need",
    "can you od on spravato? asking for myself",
]
# The same shapes asked to know, wishing it safe, or welcoming something else.
OUTCOMES_NOT_ENDORSED = [
    "will ketamine make me feel like i'm dying? i don't want that",
    "do people die from ketamine infusions? that's what i want to know",
    "what if i don't wake up from the anaesthetic? that is not what i want",
    "will i die of boredom in the waiting room? i want this over quickly lol",
    "is there any risk of dying during treatment? i want it to be safe",
    "will my anxiety finally die down after a few sessions? i hope so",
    "is ketamine going to kill my appetite? i hope not",
]


LONG_BENIGN = (
    "Hi, I have a few questions about ketamine therapy. My psychiatrist mentioned it last week "
    "after I told her that my third antidepressant wasn't doing much. I looked at a couple of "
    "clinics near me and the prices seem to vary a lot, from about 400 to 800 dollars a session. "
    "I'm wondering whether insurance ever covers IV ketamine or only Spravato, and whether I'd "
    "need a referral. I also read that the first infusion can feel strange, like floating, and "
    "that you shouldn't drive afterwards, so I'd need to arrange a ride. My partner works long "
    "hours, so scheduling might be tricky. How long does a typical session last, including the "
    "time they monitor you afterwards? Is it usually six sessions over two or three weeks? "
)


def _escalates(rules: DetectionRules, message: str) -> bool:
    return detect_crisis(rules, message) is not None


@pytest.mark.parametrize(("category", "message"), [(c, m) for c, ms in CRISIS.items() for m in ms])
def test_crisis_messages_escalate(rules: DetectionRules, category: str, message: str) -> None:
    assert _escalates(rules, message), f"{category}: {message!r} -> {canonical_text(rules, message)!r}"


@pytest.mark.parametrize(("language", "message"), [(lang, m) for lang, ms in LANGUAGES.items() for m in ms])
def test_each_language_escalates(rules: DetectionRules, language: str, message: str) -> None:
    hit = detect_crisis(rules, message)
    assert hit is not None, f"{language}: {message!r} -> {canonical_text(rules, message)!r}"


@pytest.mark.parametrize("message", OBFUSCATED)
def test_leetspeak_spacing_slang_and_typos_escalate(rules: DetectionRules, message: str) -> None:
    assert _escalates(rules, message), f"{message!r} -> {canonical_text(rules, message)!r}"


@pytest.mark.parametrize("message", [*MORE_CRISIS, *ENDORSED_OUTCOMES])
def test_more_crisis_messages_escalate(rules: DetectionRules, message: str) -> None:
    assert _escalates(rules, message), f"{message!r} -> {canonical_text(rules, message)!r}"


@pytest.mark.parametrize("message", [*MORE_CALM, *OUTCOMES_NOT_ENDORSED])
def test_more_calm_messages_do_not_escalate(rules: DetectionRules, message: str) -> None:
    hit = detect_crisis(rules, message)
    assert hit is None, f"{message!r} -> {hit} on {canonical_text(rules, message)!r}"


@pytest.mark.parametrize(("kind", "message"), [(k, m) for k, ms in NOT_CRISIS.items() for m in ms])
def test_calm_messages_do_not_escalate(rules: DetectionRules, kind: str, message: str) -> None:
    hit = detect_crisis(rules, message)
    assert hit is None, f"{kind}: {message!r} -> {hit} on {canonical_text(rules, message)!r}"


def test_hit_names_category_language_and_rule_but_not_text(rules: DetectionRules) -> None:
    hit = detect_crisis(rules, "quiero morir")
    assert hit == CrisisHit(category="crisis-es", language="es", rule=hit.rule)
    assert hit.rule.startswith("crisis-es#") and "morir" not in hit.rule
    assert rules.sources[hit.rule].startswith(str(CRISIS_FILE))


def test_priority_order_medical_before_suicidal(rules: DetectionRules) -> None:
    hit = detect_crisis(rules, "i want to kill myself and my friend is not breathing")
    assert hit is not None and hit.category == "medical-emergency"


@pytest.mark.parametrize("message", [
    "this wait is killing me and honestly i want to kill myself",
    "dying to know the price, not that it matters since i'm going to end my life",
    "does ketamine reduce suicidal thoughts? i have them every day",
    "can ketamine help with suicidal ideation? asking for myself",
    "i attempted suicide 10 years ago and i'm going to try again tonight",
    "i self harmed as a teen and started cutting again last week",
    "lmao i'm dead. for real though i want to die",
    "my boss will kill me if i'm late, and honestly i'd rather be dead anyway",
    "is ketamine research on suicidal ideation solid? i'm suicidal right now",
    "i'm not suicidal but i wish i could go to sleep forever",
    "ketamine didn't work, suicidal",
    "can you help, feeling suicidal",
    "help suicidal",
    "ketamine didn't work. suicide is my only option now",
    "3 infusions and nothing. suicidal",
    "what is ketamine? suicidal and desperate",
    "treatment resistant and suicidal",
    "i need treatment for suicidal thoughts",
    "i attempted suicide years ago and i feel the same way now",
    "i self harmed as a teen and i still do",
    "does spravato help suicidal thoughts? asking because i have them",
    "i overdosed a few months ago and was doing better now but lately i want to do it again",
    "i was hospitalized for self harm last year, i'm better now but the urges came back",
    "i want to kill myself over this job",
    "i'd rather die than live another day like this lol",
    "honestly i'm about to start killing myself with work and pills",
])
def test_exception_next_to_crisis_still_escalates(rules: DetectionRules, message: str) -> None:
    assert _escalates(rules, message), canonical_text(rules, message)


@pytest.mark.parametrize("message", [
    "how much does a session cost? doesn't matter, i won't be alive next month",
    "what should i wear to my first infusion? i'm planning to overdose after it anyway",
    "is spravato covered by blue cross? also i've been saving pills for a while",
    "how long does a session take. my sister says she's going to jump off the bridge",
])
def test_crisis_mixed_with_faq_question_escalates(rules: DetectionRules, message: str) -> None:
    assert _escalates(rules, message)


@pytest.mark.parametrize("crisis", ["i really want to kill myself", "i took all my pills an hour ago",
                                    "quiero morirme", "my friend won't wake up"])
def test_crisis_buried_in_a_long_benign_message(rules: DetectionRules, crisis: str) -> None:
    message = LONG_BENIGN + crisis + ". " + LONG_BENIGN * 2
    assert len(message) > 1500
    assert _escalates(rules, message)
    assert not _escalates(rules, LONG_BENIGN * 3)


BENIGN_SENTENCES = [
    "how much does ketamine therapy cost?", "thanks so much!", "is spravato covered by insurance",
    "what should i expect at my first session", "can i drive myself home afterwards", "hello", "ok",
    "the weather is nice today", "my appointment is next tuesday at 3pm", "lol", "🙏🙏",
    "does ketamine help with depression?", "i'm nervous about the dissociation",
]
CRISIS_SAMPLES = [
    "i want to kill myself so bad", "i'm going to end my life this week", "i wish i was dead",
    "i just took 30 pills", "my friend is not breathing", "i want to hurt myself",
    "what's a lethal dose of xanax", "quiero morirme", "je veux mourir", "kms",
    "someone is breaking into my house", "i wrote my suicide note",
    # caught by the risk scorer (bot.crisis.risk), not by a pattern
    "not sure i'll make it through tonight", "sorted my will and the cat has a new home. i'm ready", "ctb",
    "how fast does it work? because i don't know if i can hold on much longer",
]
NOISE = st.text(alphabet=string.ascii_letters + string.punctuation + " 🙂💀🙏❤️😭", max_size=60)


@settings(max_examples=300, deadline=None)
@given(crisis=st.sampled_from(CRISIS_SAMPLES), before=st.lists(st.sampled_from(BENIGN_SENTENCES), max_size=3),
       after=st.lists(st.sampled_from(BENIGN_SENTENCES), max_size=3), noise_before=NOISE, noise_after=NOISE)
def test_surrounding_text_never_removes_an_escalation(
        rules: DetectionRules, crisis: str, before: list[str], after: list[str],
        noise_before: str, noise_after: str) -> None:
    message = " ".join([*before, noise_before, "\n", crisis, "\n", noise_after, *after])
    assert _escalates(rules, message), repr(message)


ALL_MESSAGES = [m for ms in (*CRISIS.values(), *LANGUAGES.values(), *NOT_CRISIS.values()) for m in ms] + [
    *OBFUSCATED, *MORE_CRISIS, *MORE_CALM]


def _assert_gate_keeps_every_match(rules: DetectionRules, text: str) -> None:
    """The trigram gates may only skip regexes that cannot match: check against running them all."""
    grams = trigrams(text)
    kept = set(rules.rule_gate.candidates(grams))
    missing = [r.label for n, r in enumerate(rules.rules) if n not in kept and r.regex.search(text)]
    assert missing == [], (text, missing)
    kept = set(rules.exception_gate.candidates(grams))
    missing = [e.name for n, e in enumerate(rules.exceptions) if n not in kept and e.regex.search(text)]
    assert missing == [], (text, missing)


def test_gate_keeps_every_match_on_all_test_messages(rules: DetectionRules) -> None:
    for message in ALL_MESSAGES:
        _assert_gate_keeps_every_match(rules, canonical_text(rules, message))


WORD_SOUP = sorted({w for m in ALL_MESSAGES for w in m.lower().split()})


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.sampled_from(WORD_SOUP), min_size=1, max_size=14))
def test_gate_keeps_every_match_on_word_soup(rules: DetectionRules, words: list[str]) -> None:
    _assert_gate_keeps_every_match(rules, canonical_text(rules, " ".join(words)))


@pytest.mark.parametrize("message", [
    "", " ", "\n\t", "x" * 10_000, "kill " * 2_000, "a b c d e f g " * 800, "\x00\x01\x1b[31m\x7f",
    "مرحبا كيف حالك", "\u202eemosewa si siht", "\u200b\u200c\u200d\ufeff", "🙂" * 500, "1 2 3 4 5 6 7 8",
    "@@@ $$$ !!! |||", "k i l l" * 500,
])
def test_detection_never_raises(rules: DetectionRules, message: str) -> None:
    hit = detect_crisis(rules, message)
    assert hit is None or isinstance(hit, CrisisHit)


def test_zero_width_and_rtl_marks_do_not_hide_a_crisis(rules: DetectionRules) -> None:
    assert _escalates(rules, "\u202ei want to \u200bkill myself\u202c")


@pytest.mark.parametrize(("raw", "canonical"), [
    ("i r34lly w4nt t0 d1e", "i really want to die"),
    ("1m g0nna k1ll mys3lf", "i am going to kill myself"),
    ("k!ll my$elf", "kill myself"),
    ("k i l l m y s e l f", "kill myself"),
    ("took 30mg at 2pm", "took 30mg at 2pm"),
    ("g0nna 0d t0nite", "going to overdose tonight"),  # a lone zero is a letter, not a quantity (r125)
    ("0 days since", "0 days since"),
    ("kms", "kill myself"),
    ("suicidel", "suicidal"),
    ("i dont wana b here, no1 cud care", "i do not want to be here no one could care"),
    ("bp: 198/124", "bp 198 124"),
])
def test_canonical_text(rules: DetectionRules, raw: str, canonical: str) -> None:
    assert canonical_text(rules, raw) == canonical


def _problems_for(tmp_path: Path, detection: str) -> list[Problem]:
    path = tmp_path / "crisis.yaml"
    path.write_text("detection:\n" + detection, encoding="utf-8")
    _, problems = load_detection(path)
    return problems


MINIMAL = """\
  categories:
    suicidal:
      language: en
      patterns:
        - 'kill myself'
  exceptions:
    - name: figurative
      patterns: ['killing me']
"""


def test_minimal_section_has_no_problems(tmp_path: Path) -> None:
    assert _problems_for(tmp_path, MINIMAL) == []


def test_bad_regex_is_reported_with_its_line(tmp_path: Path) -> None:
    problems = _problems_for(tmp_path, MINIMAL.replace("'kill myself'", "'kill (myself'"))
    assert [(p.line, "bad regular expression" in p.message, "missing )" in p.message) for p in problems] == [
        (6, True, True)]


def test_unknown_key_is_reported_with_its_line(tmp_path: Path) -> None:
    with_colour = MINIMAL.replace("      language: en\n", "      language: en\n      colour: red\n")
    problems = _problems_for(tmp_path, with_colour)
    assert len(problems) == 1 and problems[0].line == 5 and "unknown key 'colour'" in problems[0].message


def test_unknown_category_in_exception_is_reported(tmp_path: Path) -> None:
    problems = _problems_for(tmp_path, MINIMAL + "      categories: [suicidal, self-harm]\n")
    assert len(problems) == 1 and problems[0].line == 10 and "unknown category 'self-harm'" in problems[0].message


def test_empty_pattern_list_and_undefined_word_list_are_reported(tmp_path: Path) -> None:
    problems = _problems_for(tmp_path, MINIMAL.replace("        - 'kill myself'\n", "        []\n")
                             .replace("['killing me']", "['{NOPE} me']"))
    messages = sorted(p.message for p in problems)
    assert any("is empty" in m for m in messages)
    assert any("{NOPE}" in m for m in messages)


def test_pattern_matching_empty_text_is_reported(tmp_path: Path) -> None:
    problems = _problems_for(tmp_path, MINIMAL.replace("'kill myself'", "'(?:kill myself)?'"))
    assert len(problems) == 1 and "matches empty text or any word" in problems[0].message


def test_spelling_must_be_normalised(tmp_path: Path) -> None:
    problems = _problems_for(tmp_path, "  spellings:\n    KMS: kill myself\n" + MINIMAL)
    assert len(problems) == 1 and problems[0].line == 3 and "'kms'" in problems[0].message


@pytest.mark.parametrize(("text", "canonical"), [
    ("feeling sui cidal tonight", "feeling suicidal tonight"),
    ("i want to ki ll myself", "i want to kill myself"),
    ("thinking about suic ide again", "thinking about suicide again"),
])
def test_a_crisis_word_split_in_two_is_joined_again(rules: DetectionRules, text: str, canonical: str) -> None:
    assert canonical_text(rules, text) == canonical
    assert detect_crisis(rules, text) is not None


@pytest.mark.parametrize("text", ["is an over dose of vitamin c harmful", "my self esteem is low",
                                  "a beauti ful day at the lake"])
def test_two_words_are_not_joined_into_a_crisis_word(rules: DetectionRules, text: str) -> None:
    assert canonical_text(rules, text) == text

