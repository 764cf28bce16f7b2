"""A seeded corpus of hostile and odd messages, the same on every run."""

from __future__ import annotations

import random
from collections.abc import Iterator

QUESTIONS = ("how much does it cost", "is ketamine therapy safe?", "what is spravato", "does insurance cover it",
             "how many sessions do i need", "can i drive after", "hello", "thanks", "what is the capital of peru")
CRISIS = ("i want to kill myself", "i'm going to end it tonight", "k i l l m y s e l f", "su1c1de",
          "i took all my pills")
COMMANDS = ("/start", "/help", "/topics", "/crisis", "/region", "/stats", "/reload", "/nope", "/start@other_bot",
            "/", "/" + "x" * 40)
INJECTIONS = ("<b>bold</b>", "</i>", "<a href=\"javascript:alert(1)\">x</a>", "<script>alert(1)</script>", "&amp;",
              "&#0;", "&#x110000;", "<tg-spoiler>", "<pre><code class=\"x\">", "<br>", "a < b > c", "\"'`",
              "*bold* _it_ [link](http://x.y) `code` ~~s~~ ||spoiler||", "\\*\\_", "```\nblock\n```",
              "'; DROP TABLE users; --", "1 OR 1=1", "\" UNION SELECT password FROM admins --", "%s%s%n", "{0}{}",
              "${jndi:ldap://x/a}", "../../etc/passwd", "\x00", "\r\n\r\n")
SPECIALS = ("\u202e", "\u202d", "\u2066", "\u2069", "\u200b", "\u200d", "\ufeff", "\u0301", "\u0336", "\ufffd",
            "\U0001f600", "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\U0001f1fa\U0001f1f8", "\U0001f44d\U0001f3fd",
            "\u0627\u0644\u0639\u0631\u0628\u064a\u0629", "\u05e2\u05d1\u05e8\u05d9\u05ea", "\u4e2d\u6587",
            "\ud800", "\udfff", "\x7f", "\x1b[31m", "\t", "\u00a0", "\u2028", "\u3000")


def _random_unicode(rng: random.Random, size: int) -> str:
    out = []
    for _ in range(size):
        plane = rng.random()
        if plane < 0.5:
            out.append(chr(rng.randint(0x20, 0x7e)))
        elif plane < 0.8:
            out.append(chr(rng.randint(0x80, 0xffff)))
        elif plane < 0.9:
            out.append(chr(rng.randint(0x10000, 0x10ffff)))
        else:
            out.append(chr(rng.randint(0, 0x1f)))
    return "".join(out)


def message(rng: random.Random) -> str:
    """One message: mostly short and strange, sometimes a real question or a crisis wrapped in noise."""
    kind = rng.random()
    if kind < 0.002:  # huge: past Telegram's own 4096 limit, as a modified client could send
        return rng.choice(QUESTIONS + CRISIS) + " " + _random_unicode(rng, rng.randint(4097, 12000))
    if kind < 0.02:
        return rng.choice(("", " ", "\n\n", "\u200b", "\t \n"))
    if kind < 0.25:
        return _random_unicode(rng, rng.randint(1, 80))
    if kind < 0.45:
        return "".join(rng.choice(INJECTIONS + SPECIALS) for _ in range(rng.randint(1, 6)))
    if kind < 0.55:
        return rng.choice(COMMANDS) + rng.choice(("", " ", " " + rng.choice(INJECTIONS)))
    parts = [rng.choice(QUESTIONS + CRISIS if rng.random() < 0.2 else QUESTIONS)]
    for _ in range(rng.randint(0, 3)):
        parts.insert(rng.randint(0, len(parts)), rng.choice(INJECTIONS + SPECIALS + QUESTIONS))
    return " ".join(parts)


def corpus(n: int, seed: int = 20240607) -> Iterator[str]:
    rng = random.Random(seed)
    for _ in range(n):
        yield message(rng)
