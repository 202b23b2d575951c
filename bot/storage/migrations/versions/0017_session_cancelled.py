"""An in-person session can be cancelled before it begins: support_sessions.cancelled_at

Revision ID: 0017
Revises: 0016

A plain nullable column, added and dropped in place: a batch copy of support_sessions on SQLite would drop a
table that support_session_attendance points at (ON DELETE CASCADE), taking its rows with it.
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("support_sessions", sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("support_sessions", "cancelled_at")
