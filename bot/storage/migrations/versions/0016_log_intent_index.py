"""The log by intent and time: the admin's content gaps seek the procedures' rows instead of reading the period

Revision ID: 0016
Revises: 0013
"""
from alembic import op

revision = "0016"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_conversation_log_intent_at", "conversation_log", ["intent", "at"])


def downgrade() -> None:
    op.drop_index("ix_conversation_log_intent_at", table_name="conversation_log")
