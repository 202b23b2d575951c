"""Topic choices: which of two close topics a citizen picked when asked back (candidate training examples)

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "topic_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("log_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["log_id"], ["conversation_log.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("log_id", name="uq_topic_choices_log_id"),
    )
    op.create_index("ix_topic_choices_at", "topic_choices", ["at"])


def downgrade() -> None:
    op.drop_index("ix_topic_choices_at", table_name="topic_choices")
    op.drop_table("topic_choices")
