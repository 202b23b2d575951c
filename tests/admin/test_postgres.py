"""Every admin page on PostgreSQL, with the same figures as on SQLite."""
import httpx
import pytest

from bot.admin.auth import create_user
from bot.admin.queries.overview import overview
from bot.admin.scope import Scope
from bot.services import build_services
from bot.storage.places import Commune
from bot.web.app import create_app
from tests.admin import conftest
from tests.admin.conftest import login

pytestmark = pytest.mark.postgres
PAGES = ["/admin/", "/admin/funnel?period=all", "/admin/households", "/admin/households?status=stuck",
         "/admin/households/{HA1}", "/admin/places", "/admin/places/{commune_a}", "/admin/log",
         "/admin/log?not_understood=1&page=2", "/admin/log.csv?channel=zalo", "/admin/unknown?period=all",
         "/admin/content", "/admin/report", "/admin/audit", "/admin/pushes?period=all",
         "/admin/log?page=2&after=1764000000000000.100", "/admin/log?page=2&before=1760000000000000.100",
         "/admin/adoption", "/admin/adoption.csv", "/admin/adoption?platform=vssid"]


@pytest.fixture
async def pg_services(settings, catalog, postgres_url):
    built = build_services(settings.with_(database_url=postgres_url), catalog)
    yield built
    await built.aclose()


async def test_every_page_on_postgresql(pg_services):
    seed = conftest.seed_data(pg_services)
    with pg_services.sessions() as session:
        conftest.enrolled(create_user(session, "tinh", conftest.PASSWORD, "province"))
        conftest.enrolled(create_user(session, "xa", conftest.PASSWORD, "commune",
                                      commune=session.get(Commune, seed.commune_a)))
        session.commit()
    values = {"HA1": seed.households["HA1"], "commune_a": seed.commune_a}
    app = create_app(pg_services)
    for username in ("tinh", "xa"):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://pg.test") as client:
            await login(client, username)
            for path in PAGES:
                response = await client.get(path.format(**values))
                expected = 403 if username == "xa" and path == "/admin/audit" else 200
                assert response.status_code == expected, (username, path, response.text[:500])
    with pg_services.sessions() as session:
        figures = overview(session, Scope.all(), seed.now)
        scoped = overview(session, Scope(frozenset({seed.village_a1, seed.village_a2}),
                                         frozenset({seed.commune_a})), seed.now)
    assert (figures.messages, figures.text_messages, figures.not_understood) == (10, 9, 6)
    assert scoped.messages == 7 and sum(d.messages for d in scoped.days) == 7
