"""A guest's help request (a citizen of no household who chose their commune and village, help_requests.village_id)
counts in that village as a household's request does: the overview's help figures for a commune or a team's
villages, the villages page (per village and commune), and the monthly report per commune."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.admin.period import Month
from bot.admin.queries.help import median_answer_seconds, open_count, taken_count
from bot.admin.queries.overview import overview
from bot.admin.queries.places import places
from bot.admin.queries.report import monthly
from bot.admin.scope import Scope
from bot.storage.help import HelpRequest
from bot.storage.households import Member


@pytest.fixture
def settings(settings, both_databases_url):
    """Each test on SQLite and on PostgreSQL: the suite's services are built on either."""
    return settings.with_(database_url=both_databases_url)


def _scopes(seed) -> dict[str, Scope]:
    return {"province": Scope.all(),
            "commune": Scope(frozenset({seed.village_a1, seed.village_a2}), frozenset({seed.commune_a})),
            "village 1": Scope(frozenset({seed.village_a1}), frozenset({seed.commune_a})),
            "village 2": Scope(frozenset({seed.village_a2}), frozenset({seed.commune_a})),
            "other commune": Scope(frozenset({seed.village_b1}), frozenset({seed.commune_b}))}


@pytest.fixture
def requests(services, seed):
    """In Thôn 1 of Xã Tân Lập, an hour ago: a household's request and a guest's, both taken 10 minutes later,
    and a guest's still open; a guest's that named no village (before the places were imported)."""
    made, taken = seed.now - timedelta(hours=1), seed.now - timedelta(minutes=50)
    with services.sessions() as session:
        hoa = session.scalars(select(Member).where(Member.household_id == seed.households["HA1"])).first()
        guest = session.scalars(select(Member).where(Member.is_guest.is_(True))).one()
        session.add_all([
            HelpRequest(member_id=hoa.id, household_id=hoa.household_id, status="taken", created_at=made,
                        taken_at=taken),
            HelpRequest(member_id=guest.id, village_id=seed.village_a1, status="taken", created_at=made,
                        taken_at=taken),
            HelpRequest(member_id=guest.id, village_id=seed.village_a1, status="open", created_at=made),
            HelpRequest(member_id=guest.id, status="open", created_at=made)])
        session.commit()
    return made


def test_the_overviews_help_figures_count_a_guests_request_in_its_village(services, seed, requests):
    # Seeded before: HA2's request in Thôn 1 (open), HB1's in Thôn Đông (closed).
    expected = {"province": (3, 2), "commune": (2, 2), "village 1": (2, 2), "village 2": (0, 0),
                "other commune": (0, 0)}
    with services.sessions() as session:
        for name, scope in _scopes(seed).items():
            assert (open_count(session, scope), taken_count(session, scope)) == expected[name], name
            figures = overview(session, scope, seed.now)
            assert (figures.help_open, figures.help_taken) == expected[name], name
        # Both taken 10 minutes after they were made: the guest's is among the village's answer times.
        since = seed.now - timedelta(days=1)
        assert median_answer_seconds(session, _scopes(seed)["village 1"], since, seed.now) == 10 * 60
        assert median_answer_seconds(session, _scopes(seed)["village 2"], since, seed.now) is None


def test_the_monthly_report_counts_a_guests_request_in_its_villages_commune(services, seed, catalog, requests):
    month = Month.of(requests)
    with services.sessions() as session:
        before = {r.name: r for r in monthly(session, Scope.all(), catalog, month)}
        scoped = {r.name: r for r in monthly(session, _scopes(seed)["village 1"], catalog, month)}
        elsewhere = {r.name: r for r in monthly(session, _scopes(seed)["village 2"], catalog, month)}
        # The same figures with the guests' requests taken out: what a household-only count gave.
        for row in session.scalars(select(HelpRequest).where(HelpRequest.household_id.is_(None))):
            session.delete(row)
        session.flush()
        households_only = {r.name: r for r in monthly(session, Scope.all(), catalog, month)}
        session.rollback()
    tan_lap, alone = before["Xã Tân Lập"], households_only["Xã Tân Lập"]
    # Two guests' requests of Thôn 1 made in the month (one taken, one open); the one of no village is no commune's.
    assert tan_lap.help_created - alone.help_created == 2
    assert tan_lap.help_answered - alone.help_answered == 1
    assert tan_lap.help_open - alone.help_open == 1 and tan_lap.help_open == 2
    assert tan_lap.help_median_seconds == 10 * 60
    assert before["Xã Hòa Bình"].help_created == households_only["Xã Hòa Bình"].help_created
    assert (scoped["Xã Tân Lập"].help_created, scoped["Xã Tân Lập"].help_open) == (
        tan_lap.help_created, tan_lap.help_open)  # every request of the commune here is of Thôn 1
    assert (elsewhere["Xã Tân Lập"].help_created, elsewhere["Xã Tân Lập"].help_open) == (0, 0)


def test_the_villages_page_counts_a_guests_request_in_its_village_and_commune(services, seed, requests):
    # Thôn 1: HA2's (open, seeded), HA1's (taken), a guest's taken and a guest's open; the one of no village
    # is no village's. Thôn Đông: HB1's (closed).
    with services.sessions() as session:
        pages = {name: {c.name: c for c in places(session, scope, seed.now)} for name, scope in _scopes(seed).items()}
    tan_lap = pages["province"]["Xã Tân Lập"]
    assert {v.name: (v.help_open, v.help_total) for v in tan_lap.villages} == {"Thôn 1": (2, 4), "Thôn 2": (0, 0)}
    assert (tan_lap.help_open, tan_lap.help_total) == (2, 4)
    assert (pages["province"]["Xã Hòa Bình"].help_open, pages["province"]["Xã Hòa Bình"].help_total) == (0, 1)
    assert (pages["village 1"]["Xã Tân Lập"].help_open, pages["village 1"]["Xã Tân Lập"].help_total) == (2, 4)
    assert (pages["village 2"]["Xã Tân Lập"].help_open, pages["village 2"]["Xã Tân Lập"].help_total) == (0, 0)
    assert (pages["other commune"]["Xã Hòa Bình"].help_open, pages["other commune"]["Xã Hòa Bình"].help_total) == (
        0, 1)
