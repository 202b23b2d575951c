"""Outcomes (did a tutorial work, so which platforms a household has) and ratings (was an answer helpful)

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("topic_id", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=64), nullable=True),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"]),
        sa.ForeignKeyConstraint(["run_id"], ["tutorial_runs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_outcomes_member_id", "outcomes", ["member_id"])
    op.create_index("ix_outcomes_run_id", "outcomes", ["run_id"])
    op.create_index("ix_outcomes_household_result_platform", "outcomes", ["household_id", "result", "platform"])
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("topic_id", sa.String(length=64), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ratings_member_id", "ratings", ["member_id"])
    op.create_index("ix_ratings_at_topic", "ratings", ["at", "topic_id"])
    op.create_index("ix_ratings_household_id", "ratings", ["household_id"])


def downgrade() -> None:
    op.drop_index("ix_ratings_household_id", table_name="ratings")
    op.drop_index("ix_ratings_at_topic", table_name="ratings")
    op.drop_index("ix_ratings_member_id", table_name="ratings")
    op.drop_table("ratings")
    op.drop_index("ix_outcomes_household_result_platform", table_name="outcomes")
    op.drop_index("ix_outcomes_run_id", table_name="outcomes")
    op.drop_index("ix_outcomes_member_id", table_name="outcomes")
    op.drop_table("outcomes")
