"""admin web tables

Admin users and their villages, sessions, login attempts, the audit log; indexes for the admin pages.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# (table, index name, columns) on the core tables, for the admin pages' queries.
CORE_INDEXES = [
    ("households", "ix_households_village_id", ["village_id"]),
    ("members", "ix_members_household_id", ["household_id"]),
    ("members", "ix_members_last_seen_at_household_id", ["last_seen_at", "household_id"]),
    ("conversation_log", "ix_conversation_log_household_at_understood",
     ["household_id", "at", "understood", "payload"]),
    ("conversation_log", "ix_conversation_log_understood_payload_at", ["understood", "payload", "at"]),
    ("conversation_log", "ix_conversation_log_topic_id_at", ["topic_id", "at"]),
    ("tutorial_runs", "ix_tutorial_runs_completed_at", ["completed_at"]),
    ("tutorial_runs", "ix_tutorial_runs_started_at", ["started_at"]),
    ("tutorial_runs", "ix_tutorial_runs_status_updated_at", ["status", "updated_at"]),
    ("tutorial_runs", "ix_tutorial_runs_household_status_topic", ["household_id", "status", "topic_id", "updated_at"]),
    ("step_events", "ix_step_events_run_id_step_index", ["run_id", "step_index"]),
    ("help_requests", "ix_help_requests_household_id", ["household_id"]),
    ("help_requests", "ix_help_requests_status_created_at", ["status", "created_at"]),
]


def upgrade() -> None:
    op.create_table(
        "admin_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["commune_id"], ["communes.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "admin_user_villages",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["admin_users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["village_id"], ["villages.id"]),
        sa.PrimaryKeyConstraint("user_id", "village_id"),
    )
    op.create_table(
        "admin_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["admin_users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("admin_sessions") as batch_op:
        batch_op.create_index("ix_admin_sessions_user_id", ["user_id"], unique=False)
        batch_op.create_index("ix_admin_sessions_expires_at", ["expires_at"], unique=False)
    op.create_table(
        "admin_login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("admin_login_attempts") as batch_op:
        batch_op.create_index("ix_admin_login_attempts_username_at", ["username", "at"], unique=False)
        batch_op.create_index("ix_admin_login_attempts_ip_at", ["ip", "at"], unique=False)
    op.create_table(
        "admin_audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["admin_users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("admin_audit_log") as batch_op:
        batch_op.create_index("ix_admin_audit_log_at", ["at"], unique=False)
    for table, name, columns in CORE_INDEXES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    for table, name, _ in reversed(CORE_INDEXES):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(name)
    op.drop_table("admin_audit_log")
    op.drop_table("admin_login_attempts")
    op.drop_table("admin_sessions")
    op.drop_table("admin_user_villages")
    op.drop_table("admin_users")
