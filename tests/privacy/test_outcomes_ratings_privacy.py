"""Outcomes and ratings are personal data: /dulieu lists them, /xoa and a household's deletion remove them."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.admin.privacy import delete_household, export_household
from bot.people.households import add_household
from bot.people.member_data import export_member
from bot.storage.households import Member
from bot.storage.outcomes import Outcome
from bot.storage.ratings import Rating
from tests.helpers import payload_starting, templates, turn


async def _linked_citizen_with_an_outcome_and_a_rating(services, catalog, user: str = "u1") -> int:
    with services.sessions() as session:
        household = add_household(session, commune="Xã Tân Lập", village="Thôn Đông", head_name="Nguyễn Văn An")
        session.commit()
        household_id, code = household.id, household.join_code
    await turn(services, user, text=f"/start {code}")
    await turn(services, user, payload="address:bác")
    result = await turn(services, user, payload="topic:vneid-register")
    while templates(result) != ["tutorial_completed"]:
        result = await turn(services, user, payload=payload_starting(result, "tutorial:next:"))
    done = await turn(services, user, payload=payload_starting(result, "outcome:done:"))
    await turn(services, user, payload=payload_starting(done, "rate:down:"))
    return household_id


def _count(session, table, **where) -> int:
    query = select(func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(getattr(table, column) == value)
    return session.scalar(query) or 0


async def test_dulieu_lists_the_outcome_and_counts_the_ratings(services, catalog):
    await _linked_citizen_with_an_outcome_and_a_rating(services, catalog)
    result = await turn(services, text="/dulieu")
    data = result.replies[0].context
    assert data["outcomes"] == [{"title": catalog["vneid-register"].title, "result": "done",
                                 "date": data["outcomes"][0]["date"],
                                 "platform": catalog.platforms["vneid-level1"].name}]
    assert data["rating_count"] == 1
    with services.sessions() as session:
        member = session.scalars(select(Member)).one()
        exported = export_member(session, member, catalog, b"k" * 32)
    assert [(o["topic_id"], o["platform"], o["result"]) for o in exported["outcomes"]] == \
        [("vneid-register", "vneid-level1", "done")]
    assert [(r["topic_id"], r["helpful"]) for r in exported["ratings"]] == [("vneid-register", False)]


async def test_xoa_removes_the_members_outcomes_and_ratings_only(services, catalog):
    await _linked_citizen_with_an_outcome_and_a_rating(services, catalog, "u1")
    await _linked_citizen_with_an_outcome_and_a_rating(services, catalog, "u2")
    await turn(services, "u1", text="/xoa")
    assert templates(await turn(services, "u1", payload="privacy:erase")) == ["privacy_erased"]
    with services.sessions() as session:
        erased, kept = session.scalars(select(Member).order_by(Member.id)).all()
        assert _count(session, Outcome, member_id=erased.id) == 0 and _count(session, Rating, member_id=erased.id) == 0
        assert _count(session, Outcome, member_id=kept.id) == 1 and _count(session, Rating, member_id=kept.id) == 1


async def test_deleting_the_household_deletes_its_outcomes_and_ratings(services, catalog):
    household_id = await _linked_citizen_with_an_outcome_and_a_rating(services, catalog)
    with services.sessions() as session:
        exported = export_household(session, household_id)
        assert [o["platform"] for o in exported["outcomes"]] == ["vneid-level1"]
        assert len(exported["ratings"]) == 1
        counts = delete_household(session, household_id)
        session.commit()
    assert counts["outcomes"] == 1 and counts["ratings"] == 1
    with services.sessions() as session:
        assert _count(session, Outcome) == 0 and _count(session, Rating) == 0
