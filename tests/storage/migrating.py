"""What the migration upgrade tests share: moving a database to a revision, on the test's own connection, and
a database upgraded over rows that were there before."""
from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData
from sqlalchemy.engine import Engine

from bot.storage.db import alembic_config, make_engine


def move(engine, url: str, revision: str, down: bool = False) -> None:
    """Upgrade (or downgrade) the database at url to revision."""
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def revision_before(revision: str) -> str:
    """The revision the given one follows in the chain (migrations may land out of number order)."""
    down = ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(revision).down_revision
    assert isinstance(down, str), f"migration {revision} follows one revision, not {down!r}"
    return down


@contextmanager
def upgraded_over(url: str, revision: str, rows: list[tuple[str, dict]]) -> Iterator[Engine]:
    """The database at `url` at the revision before `revision`, holding `rows` (table, values; inserted in
    order), then upgraded to `revision`; disposed afterwards."""
    engine = make_engine(url)
    move(engine, url, revision_before(revision))
    tables = MetaData()
    tables.reflect(engine)
    with engine.begin() as connection:
        for name, values in rows:
            connection.execute(tables.tables[name].insert(), values)
    move(engine, url, revision)
    try:
        yield engine
    finally:
        engine.dispose()


def differences_touching(connection, names, later: tuple[str, ...] = ()) -> list:
    """The differences between the database and the models that name one of `names` (tables or columns):
    what a migration under test left unlike the models, whatever later migrations add elsewhere. `later`: the
    columns a later migration adds to those very tables (not there yet, and rightly so)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.storage.schema import metadata

    return [d for d in compare_metadata(MigrationContext.configure(connection), metadata)
            if any(name in repr(d) for name in names)
            and not (d[0] == "add_column" and d[3].name in later)]
