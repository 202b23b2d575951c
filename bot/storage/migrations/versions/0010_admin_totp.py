"""Admin second factor: TOTP secret and last used step on admin_users, recovery codes, pending sessions

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database of an early build lacks the admin tables (0003 was a placeholder then): nothing to alter,
    # and bot.storage.db.migrate names the missing tables and the fix.
    tables = set(sa.inspect(op.get_bind()).get_table_names())
    if "admin_users" in tables:
        with op.batch_alter_table("admin_users") as batch:
            batch.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
            batch.add_column(sa.Column("totp_enabled_at", sa.DateTime(timezone=True), nullable=True))
            batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    if "admin_sessions" in tables:
        with op.batch_alter_table("admin_sessions") as batch:
            batch.add_column(sa.Column("pending", sa.String(length=8), nullable=True))
    op.create_table(
        "admin_recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["admin_users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_admin_recovery_codes_user_id", "admin_recovery_codes", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_admin_recovery_codes_user_id", table_name="admin_recovery_codes")
    op.drop_table("admin_recovery_codes")
    with op.batch_alter_table("admin_sessions") as batch:
        batch.drop_column("pending")
    with op.batch_alter_table("admin_users") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_enabled_at")
        batch.drop_column("totp_secret")
