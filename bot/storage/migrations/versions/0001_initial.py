"""The first schema: chat state, feedback, the unanswered inbox, daily counts.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "chat_state",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("region", sa.String(8), nullable=True),
        sa.Column("footer_until", sa.DateTime(timezone=False), nullable=True),
        sa.Column("updated_on", sa.Date(), nullable=False),
    )
    op.create_table(
        "feedback",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.String(100), nullable=False),
        sa.Column("knowledge_version", sa.String(16), nullable=False),
        sa.Column("vote", sa.String(4), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
    )
    op.create_index("ix_feedback_entry_id", "feedback", ["entry_id"])
    op.create_table(
        "unanswered",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("text", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("nearest", sa.String(400), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("knowledge_version", sa.String(16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
    )
    op.create_index("ix_unanswered_day", "unanswered", ["day"])
    op.create_table(
        "daily_count",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("name", sa.String(120), primary_key=True),
        sa.Column("count", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    for table in ("daily_count", "unanswered", "feedback", "chat_state"):
        op.drop_table(table)
