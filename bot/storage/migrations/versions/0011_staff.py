"""One people-and-roles model: admin_users and team_members become staff, their villages staff_villages

team_members is renamed to staff, so its rows keep their ids and the tables pointing at it (help requests and
their events, pushes) follow the rename on both SQLite and PostgreSQL without copying a parent table. The
admin web's columns are added to it, admin_users rows are copied in with their ids shifted by
max(team_members.id), and the tables pointing at admin_users (sessions, recovery codes, audit log) are
re-pointed with their ids shifted alike. The role "member" becomes "team". No rows are merged: a person who
had both an admin login and a team member row has two staff rows.

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# SQLite keeps foreign keys unnamed: named by this convention, a batch can drop the old one.
SQLITE_FK_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}

LOGIN_COLUMNS: list[tuple[str, sa.types.TypeEngine]] = [
    ("username", sa.String(length=64)),
    ("password_hash", sa.String(length=200)),
    ("last_login_at", sa.DateTime(timezone=True)),
    ("totp_secret", sa.String(length=64)),
    ("totp_enabled_at", sa.DateTime(timezone=True)),
    ("totp_last_step", sa.Integer()),
]


def _tables() -> set[str]:
    return set(sa.inspect(op.get_bind()).get_table_names())


def _staff_from_team_members(postgres: bool) -> None:
    op.rename_table("team_members", "staff")
    with op.batch_alter_table("staff") as batch:  # columns added only: no copy of the table on SQLite
        for name, type_ in LOGIN_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    op.execute("UPDATE staff SET role = 'team' WHERE role = 'member'")
    if postgres:  # the names PostgreSQL gave at creation say team_members: renamed for whoever reads them
        bind = op.get_bind()
        op.execute("ALTER SEQUENCE IF EXISTS team_members_id_seq RENAME TO staff_id_seq")
        op.execute("ALTER INDEX IF EXISTS team_members_pkey RENAME TO staff_pkey")
        inspector = sa.inspect(bind)
        for constraint in inspector.get_unique_constraints("staff"):
            name = constraint["name"] or ""
            if name.startswith("team_members_"):
                op.execute(f'ALTER TABLE staff RENAME CONSTRAINT "{name}" '
                           f'TO "{name.replace("team_members_", "staff_", 1)}"')
        for table in inspector.get_table_names():
            for fk in inspector.get_foreign_keys(table):
                if fk["referred_table"] == "staff" and fk["name"] and "team_members" in fk["name"]:
                    op.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{fk["name"]}" '
                               f'TO "{fk["name"].replace("team_members", "staff")}"')


def _staff_created() -> None:
    """A database of an early build has no team_members (0004 was a placeholder then)."""
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("link_code_hash", sa.String(length=64), nullable=True),
        sa.Column("link_code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *[sa.Column(name, type_, nullable=True) for name, type_ in LOGIN_COLUMNS],
        sa.ForeignKeyConstraint(["commune_id"], ["communes.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("link_code_hash"),
        sa.UniqueConstraint("member_id"),
    )


def _repoint(table: str, column: str, ondelete: str | None, offset: int, sqlite: bool) -> None:
    """Point table.column at staff instead of admin_users, its ids shifted by offset."""
    if sqlite:
        with op.batch_alter_table(table, naming_convention=SQLITE_FK_NAMES) as batch:
            batch.drop_constraint(f"fk_{table}_{column}_admin_users", type_="foreignkey")
    else:
        for fk in sa.inspect(op.get_bind()).get_foreign_keys(table):
            if fk["referred_table"] == "admin_users" and fk["name"]:
                op.drop_constraint(fk["name"], table, type_="foreignkey")
    if offset:
        op.execute(sa.text(f'UPDATE "{table}" SET "{column}" = "{column}" + :offset WHERE "{column}" IS NOT NULL')
                   .bindparams(offset=offset))
    with op.batch_alter_table(table) as batch:
        batch.create_foreign_key(f"fk_{table}_{column}_staff", "staff", [column], ["id"], ondelete=ondelete)


def upgrade() -> None:
    bind = op.get_bind()
    sqlite, postgres = bind.dialect.name == "sqlite", bind.dialect.name == "postgresql"
    tables = _tables()
    if "team_members" in tables:
        _staff_from_team_members(postgres)
    else:
        _staff_created()
    op.create_index("ix_staff_username", "staff", ["username"], unique=True)
    op.create_table(
        "staff_villages",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["village_id"], ["villages.id"]),
        sa.PrimaryKeyConstraint("staff_id", "village_id"),
    )
    if "team_member_villages" in tables:
        op.execute("INSERT INTO staff_villages (staff_id, village_id) "
                   "SELECT team_member_id, village_id FROM team_member_villages")
        op.drop_table("team_member_villages")

    offset = bind.execute(sa.text("SELECT COALESCE(MAX(id), 0) FROM staff")).scalar_one()
    if "admin_users" in tables:
        op.execute(sa.text(
            "INSERT INTO staff (id, name, role, commune_id, active, created_at, username, password_hash, "
            "last_login_at, totp_secret, totp_enabled_at, totp_last_step) "
            "SELECT id + :offset, COALESCE(display_name, username), role, commune_id, active, created_at, "
            "username, password_hash, last_login_at, totp_secret, totp_enabled_at, totp_last_step "
            "FROM admin_users").bindparams(offset=offset))
    if "admin_user_villages" in tables:
        op.execute(sa.text("INSERT INTO staff_villages (staff_id, village_id) "
                           "SELECT user_id + :offset, village_id FROM admin_user_villages").bindparams(offset=offset))
        op.drop_table("admin_user_villages")
    inspector = sa.inspect(bind)
    pointing = [(table, fk) for table in sorted(inspector.get_table_names())
                for fk in inspector.get_foreign_keys(table) if fk["referred_table"] == "admin_users"]
    if pointing and "admin_users" not in tables:
        # An early build's admin_recovery_codes points at an admin_users it never had: an empty one lets the
        # batch reflect it.
        op.create_table("admin_users", sa.Column("id", sa.Integer(), primary_key=True))
    for table, fk in pointing:
        [column] = fk["constrained_columns"]
        _repoint(table, column, (fk.get("options") or {}).get("ondelete"), offset, sqlite)
    if pointing or "admin_users" in tables:
        op.drop_table("admin_users")
    if postgres:  # admin rows came with their own ids: the next one is past them
        op.execute("SELECT setval(pg_get_serial_sequence('staff', 'id'), COALESCE((SELECT MAX(id) FROM staff), 0) + 1, "
                   "false)")


def downgrade() -> None:
    raise NotImplementedError(
        "0011 joined admin_users and team_members into staff and has no downgrade: a staff row may now hold both "
        "a login and a chat link. Restore a backup taken before upgrading to 0011 instead.")
