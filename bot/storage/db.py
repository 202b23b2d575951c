"""Engine, sessions and migrations for any SQLAlchemy URL (SQLite file or PostgreSQL)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets its folder created, WAL and foreign keys.

    Errors never quote the statement's values (`hide_parameters`): they hold what citizens typed,
    and error messages end up in logs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True)


def unreachable(exc: Exception) -> bool:
    """The database could not be reached or dropped the connection (as opposed to a bug in a query)."""
    return isinstance(exc, (OperationalError, InterfaceError, PoolTimeout)) \
        or getattr(exc, "connection_invalidated", False)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class SchemaMismatch(RuntimeError):
    """The database says it is migrated, yet tables of the models are missing."""


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent); SchemaMismatch if tables are still missing."""
    from bot.storage.schema import metadata  # every model module, so that every table is known

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        missing = sorted(set(metadata.tables) - set(inspect(connection).get_table_names()))
    if missing:
        # Early builds shipped migrations 0002-0004 as placeholders that created nothing; a database
        # made then is stamped past them without their tables.
        raise SchemaMismatch(
            f"the database {engine.url.render_as_string(hide_password=True)} is marked as migrated but lacks "
            f"the tables {', '.join(missing)}: it was made by an early build of camtay. Move it aside (for "
            f"SQLite, rename the file under data/) and start again, or set DATABASE_URL to a new database.")


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)
