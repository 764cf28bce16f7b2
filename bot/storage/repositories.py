"""Reading and writing the tables: one batch of changes in one transaction, and the operators' reads.

The bot never waits for a write: ``bot.runtime.writebehind`` collects changes and hands them
here as a :class:`Batch`. Upserts use each backend's ``INSERT ... ON CONFLICT`` so two
instances writing the same chat or the same day's counter never fail on each other.
"""

from __future__ import annotations

import datetime as dtm
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import DOWN, UP, ChatState, DailyCount, Feedback, Unanswered


@dataclass
class ChatChange:
    """What changed for one chat since the last write: deleted first, then these columns set."""

    delete: bool = False
    values: dict[str, Any] = field(default_factory=dict)  # "region" and/or "footer_until"
    touch: bool = False  # only mark the row as in use (``updated_on``), so it does not age out

    def merge(self, later: ChatChange) -> None:
        if later.delete:
            self.delete, self.values, self.touch = True, {}, False
        self.values.update(later.values)
        self.touch = (self.touch or later.touch) and not self.delete


@dataclass(frozen=True)
class Vote:
    entry_id: str
    knowledge_version: str
    up: bool
    day: dtm.date


@dataclass(frozen=True)
class Question:
    """An unanswered question, already redacted and capped by ``bot.runtime.inbox``."""

    text: str
    kind: str
    nearest: tuple[str, ...]
    score: float
    knowledge_version: str
    day: dtm.date


@dataclass
class Batch:
    chats: dict[str, ChatChange] = field(default_factory=dict)
    votes: list[Vote] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    counts: dict[tuple[dtm.date, str], int] = field(default_factory=dict)  # (day, counter) -> increment

    def __bool__(self) -> bool:
        return bool(self.chats or self.votes or self.questions or self.counts)


@dataclass(frozen=True)
class StoredChat:
    region: str | None
    footer_until: dtm.datetime | None
    updated_on: dtm.date


async def read_chat(session: AsyncSession, key: str) -> StoredChat | None:
    query = select(ChatState.region, ChatState.footer_until, ChatState.updated_on).where(ChatState.key == key)
    row = (await session.execute(query)).first()
    return StoredChat(row.region, row.footer_until, row.updated_on) if row is not None else None


async def write(session: AsyncSession, batch: Batch, today: dtm.date) -> None:
    """Apply a batch; the caller commits (all of it, or none of it)."""
    insert = _insert_for(session)
    for key, change in batch.chats.items():
        if change.delete:
            await session.execute(delete(ChatState).where(ChatState.key == key))
        if change.values or change.touch:
            values = {**change.values, "updated_on": today}
            await session.execute(insert(ChatState).values(key=key, **values)
                                  .on_conflict_do_update(index_elements=[ChatState.key], set_=values))
    if batch.votes:
        await session.execute(insert(Feedback), [
            {"entry_id": v.entry_id, "knowledge_version": v.knowledge_version, "vote": UP if v.up else DOWN,
             "day": v.day} for v in batch.votes])
    if batch.questions:
        await session.execute(insert(Unanswered), [
            {"text": q.text, "kind": q.kind, "nearest": ",".join(q.nearest), "score": q.score,
             "knowledge_version": q.knowledge_version, "day": q.day} for q in batch.questions])
    for (day, name), increment in sorted(batch.counts.items()):
        statement = insert(DailyCount).values(day=day, name=name, count=increment)
        await session.execute(statement.on_conflict_do_update(
            index_elements=[DailyCount.day, DailyCount.name],
            set_={"count": DailyCount.count + statement.excluded["count"]}))


async def purge(session: AsyncSession, now: dtm.datetime, retention_days: int, idle_days: int) -> int:
    """Remove what may no longer be kept; the number of rows removed or cleared.

    Expired footers are cleared (a row left with no region is deleted): no crisis history.
    Unanswered questions older than ``retention_days`` go (all of them when it is 0, the inbox
    being off). Chat rows untouched for ``idle_days`` go, which also clears rows orphaned by a
    new ``STATE_SECRET``.
    """
    removed = 0
    expired = ChatState.footer_until.is_not(None) & (ChatState.footer_until <= now)
    removed += _count(await session.execute(delete(ChatState).where(expired & ChatState.region.is_(None))))
    removed += _count(await session.execute(update(ChatState).where(expired).values(footer_until=None)))
    removed += _count(await session.execute(
        delete(ChatState).where(ChatState.updated_on < now.date() - dtm.timedelta(days=idle_days))))
    oldest_kept = now.date() - dtm.timedelta(days=max(retention_days - 1, 0))
    inbox = delete(Unanswered) if retention_days <= 0 else delete(Unanswered).where(Unanswered.day < oldest_kept)
    removed += _count(await session.execute(inbox))
    return removed


# --- the operators' reads -----------------------------------------------------------------------


async def count_totals(session: AsyncSession, since: dtm.date | None = None) -> Counter[str]:
    """Every counter summed over all days (or since ``since``)."""
    query: Select[Any] = select(DailyCount.name, func.sum(DailyCount.count)).group_by(DailyCount.name)
    if since is not None:
        query = query.where(DailyCount.day >= since)
    return Counter({name: int(total) for name, total in await session.execute(query)})


async def first_day(session: AsyncSession) -> dtm.date | None:
    return (await session.execute(select(func.min(DailyCount.day)))).scalar()


async def feedback_totals(session: AsyncSession) -> dict[str, dict[str, int]]:
    """Entry id -> ``{"up": n, "down": n}``."""
    totals: dict[str, dict[str, int]] = {}
    query = select(Feedback.entry_id, Feedback.vote, func.count()).group_by(Feedback.entry_id, Feedback.vote)
    for entry_id, vote, number in await session.execute(query):
        totals.setdefault(entry_id, {UP: 0, DOWN: 0})[vote] = int(number)
    return totals


async def unanswered_since(session: AsyncSession, since: dtm.date) -> list[Question]:
    rows = await session.execute(select(Unanswered).where(Unanswered.day >= since).order_by(Unanswered.id))
    return [Question(r.text, r.kind, tuple(filter(None, r.nearest.split(","))), r.score, r.knowledge_version, r.day)
            for r in rows.scalars()]


async def remove_unanswered(session: AsyncSession, texts: Mapping[str, object]) -> int:
    """Remove inbox rows whose text is one of ``texts`` (taken into the knowledge), whatever its letters' case: an
    operator retypes the question review showed ("Is there WiFi ..." for "is there wifi ...")."""
    wanted = [text.lower() for text in texts]
    return _count(await session.execute(delete(Unanswered).where(func.lower(Unanswered.text).in_(wanted))))


def _insert_for(session: AsyncSession) -> Any:
    """The backend's INSERT that knows ``ON CONFLICT``."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _count(result: Any) -> int:
    return max(int(getattr(result, "rowcount", 0) or 0), 0)
