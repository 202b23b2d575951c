"""The data layer on both SQLite and PostgreSQL: migrations, constraints, a whole tutorial."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from bot.people.households import add_household
from bot.services import build_services
from bot.storage.db import make_engine, migrate, session_factory
from bot.storage.households import Member
from bot.storage.progress import TutorialRun
from bot.storage.schema import metadata
from tests.helpers import payload_starting, templates, turn


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


def test_migrations_create_every_table_and_match_the_models(engine):
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_migrating_twice_changes_nothing(engine):
    migrate(engine)
    assert "alembic_version" in inspect(engine).get_table_names()


def test_a_chat_identity_is_one_member(engine):
    sessions = session_factory(engine)
    with sessions() as session:
        session.add(Member(channel="telegram", external_id="42"))
        session.commit()
        session.add(Member(channel="telegram", external_id="42"))
        with pytest.raises(IntegrityError):
            session.commit()


def test_households_get_unique_codes(engine):
    sessions = session_factory(engine)
    with sessions() as session:
        first = add_household(session, commune="Xã A", village="Thôn 1", head_name="Lê Thị Hoa")
        second = add_household(session, commune="Xã A", village="Thôn 1", head_name="Trần Văn Bình")
        session.commit()
        assert first.village_id == second.village_id
        assert first.join_code != second.join_code and first.code != second.code


async def test_a_whole_tutorial_is_stored(database_url, catalog, settings):
    services = build_services(settings.with_(database_url=database_url), catalog)
    try:
        with services.sessions() as session:
            household = add_household(session, commune="Xã B", village="Thôn 2", head_name="Phạm Văn Cường")
            session.commit()
        await turn(services, text=f"/start {household.join_code}")
        result = await turn(services, payload="topic:pay-electricity")
        while templates(result) != ["tutorial_completed"]:
            result = await turn(services, payload=payload_starting(result, "tutorial:next:"))
        with services.sessions() as session:
            run = session.scalars(select(TutorialRun)).one()
        assert (run.status, run.household_id) == ("completed", household.id)
    finally:
        await services.aclose()



def early_database(tmp_path) -> str:
    """A database as early builds left it: 0002-0004 were placeholders, marked done, creating nothing."""
    from alembic import command

    from bot.storage.db import alembic_config

    url = f"sqlite:///{tmp_path / 'early.sqlite3'}"
    engine = make_engine(url)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        command.stamp(config, "0004")
    engine.dispose()
    return url


def test_a_database_stamped_past_migrations_that_created_nothing_is_a_clear_error(tmp_path):
    from bot.storage.db import SchemaMismatch

    engine = make_engine(early_database(tmp_path))
    with pytest.raises(SchemaMismatch, match="lacks the tables .*outbox"):
        migrate(engine)
    engine.dispose()


def test_the_cli_names_the_database_and_the_fix(tmp_path, capsys, monkeypatch):
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", early_database(tmp_path))
    code = main(["households", "add", "--commune", "Xã A", "--village", "Thôn 1", "--head", "Nguyễn Văn A"])
    assert code == 1
    error = capsys.readouterr().err
    assert "early.sqlite3" in error and "lacks the tables" in error and "Move it aside" in error
