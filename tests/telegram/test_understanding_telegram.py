"""Understanding through the real python-telegram-bot stack: the issue's examples, and replies that keep
flowing while a knowledge edit is re-embedded and re-fitted off the event loop."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.runtime.store import ResponderStore
from tests.support.telegram_harness import ADMIN_ID, Harness, running_bot


def entry_ids(record: dict[str, Any]) -> set[str]:
    rows = (record.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["callback_data"][2:] for row in rows for b in row if b.get("callback_data", "").startswith("a:")}


@pytest.fixture
async def bot(knowledge_copy: Path) -> AsyncIterator[Harness]:
    async with running_bot(ResponderStore(knowledge_copy)) as harness:
        yield harness


@pytest.mark.parametrize(("text", "right"), [
    ("how long does one infusion appointment take?", {"session-experience"}),
    ("can i come with him to the appointments", {"after-session", "session-experience"}),
    ("what are the long term effects", {"side-effects", "addiction-risk", "safety", "maintenance"}),
    ("how much time does a session take", {"session-experience"}),
    ("<b>hi</b> <script>alert(1)</script> how much does it cost", {"cost"}),
    ("ketamine", {"what-is-ketamine-therapy"}),
    ("is there a risk of overdose", {"safety", "addiction-risk", "side-effects"}),
])
async def test_issue_examples_answer_or_offer_the_entry(bot: Harness, text: str, right: set[str]) -> None:
    [reply] = await bot.say(text)
    knowledge = bot.store.current.knowledge
    answered = {e.id for e in knowledge.entries if reply["plain_text"].startswith(e.answer.strip()[:60])}
    assert (answered | entry_ids(reply)) & right, (reply["plain_text"][:80], entry_ids(reply))
    if answered:
        assert answered <= right


async def test_replies_keep_flowing_while_a_reload_refits(knowledge_copy: Path) -> None:
    store = ResponderStore(knowledge_copy)
    first = store.current
    # A new phrasing changes what the classifier reads: the reload embeds it and fits every fold again.
    faq = knowledge_copy / "faq" / "cost-access.yaml"
    added = f"      - what does a round of infusions cost {time.time()}\n"
    source = faq.read_text(encoding="utf-8")
    faq.write_text(source.replace("      - ketamine price\n", f"      - ketamine price\n{added}", 1), encoding="utf-8")
    reloading = threading.Event()
    original = store.reload

    def noticed_reload() -> Any:
        reloading.set()
        return original()

    store.reload = noticed_reload  # type: ignore[method-assign]
    async with running_bot(store) as harness:
        harness.emu.user_message("/reload", user_id=ADMIN_ID, chat_id=ADMIN_ID)
        while not reloading.is_set():
            await asyncio.sleep(0.01)
        answered_during = 0
        for n in range(5):
            started = time.monotonic()
            harness.emu.user_message("how much does it cost", chat_id=5000 + n, user_id=5000 + n)
            [reply] = await harness.emu.wait_for_sent(1, timeout=5, chat_id=5000 + n)
            assert reply["plain_text"].startswith(first.knowledge.by_id["cost"].answer.strip()[:40])
            assert time.monotonic() - started < 2.0
            answered_during += store.current is first
        assert answered_during >= 3  # most replies came while the new version was still being fitted
        # A refit took 30-40 s on an idle 2-core machine and over 60 s on a loaded one (CI beside other work):
        # how long it takes is the benchmark's to show; here only that it ends and replies flowed meanwhile.
        [done] = await harness.emu.wait_for_sent(1, timeout=240, chat_id=ADMIN_ID)
        assert done["plain_text"].startswith("Reloaded knowledge version")
        assert store.current is not first
