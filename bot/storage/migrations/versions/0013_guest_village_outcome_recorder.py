"""A guest's help request names the village they chose; a team member's outcome names who recorded it

Revision ID: 0013
Revises: 0014

0013 was reserved for this change while 0014 (in-person sessions) landed first: it follows 0014, so a
database already at 0014 still gets it.
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("help_requests") as batch:
        batch.add_column(sa.Column("village_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_help_requests_village_id_villages", "villages", ["village_id"], ["id"])
        batch.create_index("ix_help_requests_village_id", ["village_id"])
    with op.batch_alter_table("outcomes") as batch:
        batch.add_column(sa.Column("recorded_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_outcomes_recorded_by_id_staff", "staff", ["recorded_by_id"], ["id"],
                                 ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("outcomes") as batch:
        batch.drop_constraint("fk_outcomes_recorded_by_id_staff", type_="foreignkey")
        batch.drop_column("recorded_by_id")
    with op.batch_alter_table("help_requests") as batch:
        batch.drop_index("ix_help_requests_village_id")
        batch.drop_constraint("fk_help_requests_village_id_villages", type_="foreignkey")
        batch.drop_column("village_id")
