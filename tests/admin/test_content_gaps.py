"""The "not understood" page's content gaps (procedures with no tutorial, by count) and citizens' picks."""
from datetime import timedelta

from bot.admin.queries.unknown import content_gaps, topic_choices
from bot.admin.scope import Scope
from bot.storage.base import utcnow
from bot.storage.conversations import ConversationLog, TopicChoice
from bot.storage.households import Member
from tests.admin.conftest import login


def _ask(session, member, text, intent, at, replies="not_covered"):
    row = ConversationLog(at=at, channel=member.channel, member_id=member.id, household_id=member.household_id,
                          text=text, intent=intent, confidence=0.9, understood=True, replies=replies)
    session.add(row)
    session.flush()
    return row


def _gap_rows(services, seed):
    now = utcnow()
    with services.sessions() as session:
        members = {m.household_id: m for m in session.query(Member).filter(Member.household_id.is_not(None))}
        in_a, in_b = members[seed.households["HA1"]], members[seed.households["HB1"]]
        for text in ("làm hộ chiếu ở đâu", "làm hộ chiếu ở đâu", "lam ho chieu", "hộ chiếu hết hạn"):
            _ask(session, in_a, text, "procedure_passport", now - timedelta(hours=1))
        _ask(session, in_b, "đăng ký xe máy mới", "procedure_vehicle_registration", now - timedelta(hours=2))
        _ask(session, in_b, "đăng ký xe cũ", "procedure_vehicle_registration", now - timedelta(days=40))
        asked = _ask(session, in_a, "kích hoạt tài khoản", "topic_vneid_level2", now, replies="choose_topic")
        session.add(TopicChoice(log_id=asked.id, topic_id="vneid-level2", at=now))
        session.commit()
    return now


def test_gaps_are_counted_by_procedure_most_asked_first(services, seed):
    now = _gap_rows(services, seed)
    with services.sessions() as session:
        asked = ("procedure_passport", "procedure_vehicle_registration")
        gaps = content_gaps(session, Scope.all(), now - timedelta(days=30), asked)
        every = content_gaps(session, Scope.all(), None, asked)
        commune_b = content_gaps(session, Scope(frozenset({seed.village_b1}), frozenset({seed.commune_b})), None,
                                 asked)
    assert [(g.intent, g.count) for g in gaps] == [("procedure_passport", 4), ("procedure_vehicle_registration", 1)]
    assert gaps[0].wordings[0] == "làm hộ chiếu ở đâu" and len(gaps[0].wordings) == 3
    assert dict((g.intent, g.count) for g in every)["procedure_vehicle_registration"] == 2
    assert [g.intent for g in commune_b] == ["procedure_vehicle_registration"]


def test_picks_are_grouped_by_wording(services, seed):
    now = _gap_rows(services, seed)
    with services.sessions() as session:
        [choice] = topic_choices(session, Scope.all(), now - timedelta(days=1))
    assert (choice.text, choice.topic_id, choice.count) == ("kích hoạt tài khoản", "vneid-level2", 1)


async def test_the_page_shows_gaps_and_picks_with_a_learn_form(services, seed, users, client, catalog):
    _gap_rows(services, seed)
    await login(client, "tinh")
    html = (await client.get("/admin/unknown")).text
    gaps = html[html.index('id="gaps"'):html.index('id="choices"')]
    assert catalog.procedures["passport"].title in gaps and "4" in gaps
    assert catalog.procedures["vehicle-registration"].title in gaps
    picks = html[html.index('id="choices"'):]
    assert "kích hoạt tài khoản" in picks and catalog["vneid-level2"].title in picks
    assert 'value="vneid-level2" selected' in picks  # the citizen's pick is offered as the example's topic


def test_a_pick_is_exported_and_deleted_with_the_household(services, seed):
    from sqlalchemy import func, select

    from bot.admin.privacy import delete_household, export_household
    _gap_rows(services, seed)
    with services.sessions() as session:
        data = export_household(session, seed.households["HA1"])
        assert [c["picked_topic"] for c in data["conversation"] if "picked_topic" in c] == ["vneid-level2"]
        counts = delete_household(session, seed.households["HA1"])
        session.commit()
        assert counts["topic_choices"] == 1
        assert session.scalar(select(func.count()).select_from(TopicChoice)) == 0
