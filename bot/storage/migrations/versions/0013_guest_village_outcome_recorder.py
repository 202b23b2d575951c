"""A guest's help request names the village they chose; a team member's outcome names who recorded it

Revision ID: 0013
Revises: 0014

0013 was reserved for this change while 0014 (in-person sessions) landed first: it follows 0014, so a
database already at 0014 still gets it. Downgrading on SQLite copies help_requests, which SQLite refuses while
help_request_events rows point at it (foreign keys on), as for the downgrades before it.
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # ADD COLUMN with its REFERENCES in place: a batch copy of help_requests would have to drop a table
        # that help_request_events points at, which SQLite refuses with foreign keys on.
        op.execute("ALTER TABLE help_requests ADD COLUMN village_id INTEGER REFERENCES villages (id)")
    else:
        op.add_column("help_requests", sa.Column("village_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_help_requests_village_id_villages", "help_requests", "villages",
                              ["village_id"], ["id"])
    # Nothing points at outcomes, so SQLite may copy it (its ON DELETE then stands where it is read back).
    with op.batch_alter_table("outcomes") as batch:
        batch.add_column(sa.Column("recorded_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_outcomes_recorded_by_id_staff", "staff", ["recorded_by_id"], ["id"],
                                 ondelete="SET NULL")
    op.create_index("ix_help_requests_village_id", "help_requests", ["village_id"])


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_index("ix_help_requests_village_id", table_name="help_requests")
    with op.batch_alter_table("outcomes") as batch:
        batch.drop_constraint("fk_outcomes_recorded_by_id_staff", type_="foreignkey")
        batch.drop_column("recorded_by_id")
    if not sqlite:  # on SQLite the batch copy leaves the column's unnamed REFERENCES behind with it
        op.drop_constraint("fk_help_requests_village_id_villages", "help_requests", type_="foreignkey")
    with op.batch_alter_table("help_requests") as batch:
        batch.drop_column("village_id")
