"""Hot reload in the running bot: edits on disk are picked up; refused ones, and the fix, reach the admins."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.runtime.store import ResponderStore, summarize
from tests.support.telegram_harness import ADMIN_ID, running_bot


async def wait_until(condition, timeout: float = 60.0) -> None:  # a reload may re-fit the classifiers
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_edits_on_disk_are_served_and_refused_edits_reach_admins(knowledge_copy: Path) -> None:
    store = ResponderStore(knowledge_copy)
    faq = knowledge_copy / "faq" / "cost-access.yaml"
    original = faq.read_text(encoding="utf-8")
    async with running_bot(store, knowledge_poll_seconds=0.2) as harness:
        first = store.current
        faq.write_text(original.replace("related: [", "related: [no-such-entry, ", 1), encoding="utf-8")
        await wait_until(lambda: harness.emu.messages_to(ADMIN_ID))
        [alert] = harness.emu.messages_to(ADMIN_ID)
        assert "Knowledge edit refused: 1 problem(s)" in alert["plain_text"]
        assert f"{faq}:" in alert["plain_text"] and "related id 'no-such-entry' does not exist" in alert["plain_text"]
        assert store.current is first  # still serving the last good version
        [reply] = await harness.say("how much does it cost")
        assert reply["plain_text"].startswith(first.knowledge.by_id["cost"].answer.strip())

        faq.write_text(original.replace("between $400 and $800", "between $400 and $800 (edited)", 1),
                       encoding="utf-8")
        # a new version refits the classifier: seconds when its fit is not in data/cache yet
        await wait_until(lambda: len(harness.emu.messages_to(ADMIN_ID)) == 2, timeout=60)
        [_, recovered] = harness.emu.messages_to(ADMIN_ID)
        assert store.current is not first
        assert recovered["plain_text"] == (f"Knowledge edit fixed: recovered, version {store.current.knowledge.version}"
                                           f" serving ({summarize(store.current)}).")
        [reply] = await harness.say("how much does it cost")
        assert "(edited)" in reply["plain_text"]
    assert harness.services.watching is None  # stopped with the bot
