"""The tables, as SQLAlchemy 2 declarative models; ``migrations/`` creates and changes them.

What is stored, and what is deliberately not:

* ``chat_state``: a chat's hotline region and when its hotline footer expires, keyed by a keyed
  hash of the chat id (never the id). No message, no crisis category, no history: an expired
  footer is purged. ``updated_on`` lets idle rows age out.
* ``feedback``: one row per 👍/👎: entry, knowledge version, vote, day. No chat, no time of day.
* ``unanswered``: the opt-in inbox: a redacted text of at most 300 characters, the decision and
  the nearest entries, by day. No chat, no time of day.
* ``daily_count``: counters by day (messages, decisions, answers per entry) for ``/stats`` and
  the review's decision mix. Numbers only.

Times are naive UTC (``timestamp without time zone``) on both backends, so comparisons in SQL
behave the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dtm

from sqlalchemy import BigInteger, Date, DateTime, Float, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

KEY_LENGTH = 64  # hex HMAC-SHA256
MAX_UNANSWERED_CHARS = 300
UP, DOWN = "up", "down"

# BIGINT row ids on PostgreSQL; SQLite only auto-increments an INTEGER PRIMARY KEY.
RowId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """The metadata every migration is checked against."""


class ChatState(Base):
    __tablename__ = "chat_state"

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    region: Mapped[str | None] = mapped_column(String(8))
    footer_until: Mapped[dtm.datetime | None] = mapped_column(DateTime(timezone=False))
    updated_on: Mapped[dtm.date] = mapped_column(Date)


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(100), index=True)
    knowledge_version: Mapped[str] = mapped_column(String(16))
    vote: Mapped[str] = mapped_column(String(4))
    day: Mapped[dtm.date] = mapped_column(Date)


class Unanswered(Base):
    __tablename__ = "unanswered"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(String(MAX_UNANSWERED_CHARS))
    kind: Mapped[str] = mapped_column(String(16))
    nearest: Mapped[str] = mapped_column(String(400))  # entry ids, comma-separated, best first
    score: Mapped[float] = mapped_column(Float)
    knowledge_version: Mapped[str] = mapped_column(String(16))
    day: Mapped[dtm.date] = mapped_column(Date, index=True)


class DailyCount(Base):
    __tablename__ = "daily_count"

    day: Mapped[dtm.date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
