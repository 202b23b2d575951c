"""admin: the conversation log's order as one index, for keyset pagination

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_conversation_log_at_id", "conversation_log", ["at", "id"])


def downgrade() -> None:
    op.drop_index("ix_conversation_log_at_id", table_name="conversation_log")
