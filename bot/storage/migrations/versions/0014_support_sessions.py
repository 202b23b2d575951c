"""In-person sessions: a village's sessions, who came and what worked, a team member's draft from chat

Revision ID: 0014
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "support_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("topic_ids", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["village_id"], ["villages.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_support_sessions_village_starts", "support_sessions", ["village_id", "starts_at"])
    op.create_index("ix_support_sessions_starts_at", "support_sessions", ["starts_at"])
    op.create_table(
        "support_session_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("platforms", sa.JSON(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["support_sessions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["staff.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "household_id"),
    )
    op.create_index("ix_support_session_attendance_household_id", "support_session_attendance", ["household_id"])
    op.create_table(
        "support_session_drafts",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("topic_ids", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["village_id"], ["villages.id"]),
        sa.PrimaryKeyConstraint("staff_id"),
    )


def downgrade() -> None:
    op.drop_table("support_session_drafts")
    op.drop_index("ix_support_session_attendance_household_id", table_name="support_session_attendance")
    op.drop_table("support_session_attendance")
    op.drop_index("ix_support_sessions_starts_at", table_name="support_sessions")
    op.drop_index("ix_support_sessions_village_starts", table_name="support_sessions")
    op.drop_table("support_sessions")
