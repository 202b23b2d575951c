"""Join-code attempts: wrong codes counted per chat identity and per client address

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "join_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity_hash", sa.String(length=64), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_join_attempts_identity_hash_at", "join_attempts", ["identity_hash", "at"])
    op.create_index("ix_join_attempts_address_hash_at", "join_attempts", ["address_hash", "at"])
    op.create_index("ix_join_attempts_at", "join_attempts", ["at"])


def downgrade() -> None:
    op.drop_index("ix_join_attempts_at", table_name="join_attempts")
    op.drop_index("ix_join_attempts_address_hash_at", table_name="join_attempts")
    op.drop_index("ix_join_attempts_identity_hash_at", table_name="join_attempts")
    op.drop_table("join_attempts")
