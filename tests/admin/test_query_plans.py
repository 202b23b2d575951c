"""Every admin page's SQL reads the big tables through indexes (EXPLAIN QUERY PLAN on SQLite)."""
import re

import pytest
from sqlalchemy import event

from bot.admin.auth import create_user
from bot.storage.places import Commune
from devtools.admin_data import Size, generate
from tests.admin.conftest import PASSWORD, enrolled, login

# Tables that grow with use. help_requests is left out: a person answers each one, so they stay few.
BIG_TABLES = ("conversation_log", "step_events", "tutorial_runs", "members", "households", "ratings")
PAGES = ["/admin/", "/admin/funnel", "/admin/funnel?period=all&topic=vneid-register", "/admin/households",
         "/admin/households?status=stuck", "/admin/households/5", "/admin/places", "/admin/places/1",
         "/admin/log", "/admin/log?not_understood=1", "/admin/log?topic=vneid-register&page=3",
         "/admin/log?household=HH000005",
         "/admin/log?page=2&after=1764000000000000.100", "/admin/log?page=2&before=1760000000000000.100",
         "/admin/log?page=59", "/admin/unknown", "/admin/report", "/admin/pushes?period=all",
         "/admin/adoption", "/admin/adoption.csv", "/admin/report?month=2026-01", "/admin/ratings",
         "/admin/ratings?period=7"]


@pytest.fixture
def generated(services):
    generate(services.engine, services.catalog, Size(communes=2, villages_per_commune=3, households=300,
                                                     logs=3000, days=40))
    with services.sessions() as session:
        enrolled(create_user(session, "tinh", PASSWORD, "province"))
        enrolled(create_user(session, "xa", PASSWORD, "commune", commune=session.get(Commune, 1)))
        session.commit()


def _full_scans(connection, statement: str, parameters) -> list[str]:
    plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters or ()).fetchall()
    return [row[3] for row in plan
            if re.match(rf"SCAN ({'|'.join(BIG_TABLES)})\b", row[3]) and "INDEX" not in row[3]]


@pytest.mark.parametrize("role", ["tinh", "xa"])
async def test_pages_read_big_tables_through_indexes(services, generated, client, role):
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    await login(client, role)
    event.listen(services.engine, "before_cursor_execute", capture)
    try:
        for path in PAGES:
            response = await client.get(path)
            assert response.status_code in (200, 403), path
    finally:
        event.remove(services.engine, "before_cursor_execute", capture)
    assert len(statements) > 40
    with services.engine.connect() as connection:
        scans = {statement: found for statement, parameters in statements
                 if (found := _full_scans(connection, statement, parameters))}
    assert scans == {}, "\n\n".join(f"{s}\n-> {f}" for s, f in scans.items())
