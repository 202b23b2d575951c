"""The admin pages' figures on seeded data, for each scope."""
import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from bot.admin.period import Month
from bot.admin.privacy import delete_household, export_household
from bot.admin.queries.content import ContentChecker
from bot.admin.queries.funnel import funnels
from bot.admin.queries.help import median_answer_seconds
from bot.admin.queries.households import HouseholdFilter, household_detail, list_households
from bot.admin.queries.log import Cursor, LogFilter, log_page, log_rows
from bot.admin.queries.overview import overview
from bot.admin.queries.places import places
from bot.admin.queries.pushes import pushes
from bot.admin.queries.report import monthly
from bot.admin.queries.unknown import groups
from bot.admin.scope import Scope
from bot.storage.conversations import ConversationLog
from bot.storage.households import Household, Member
from bot.storage.progress import StepEvent, TutorialRun
from tests.admin.conftest import seed_data
from tests.helpers import turn


def _commune(seed):
    return Scope(frozenset({seed.village_a1, seed.village_a2}), frozenset({seed.commune_a}))


# 15:00 in Vietnam: everything seeded "hours ago" falls on the same local day, whenever the test runs.
AFTERNOON = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def test_overview_counts_activity_messages_tutorials_and_help(services):
    seed = seed_data(services, AFTERNOON)
    with services.sessions() as session:
        everything = overview(session, Scope.all(), seed.now)
        commune = overview(session, _commune(seed), seed.now)
    today = {a.days: a for a in everything.active}
    assert (today[7].members, today[7].households) == (5, 3)  # and the guest, without a household
    assert (today[1].members, today[1].households) == (4, 3)  # the guest came 2 days ago
    assert everything.messages == 10 and everything.text_messages == 9
    assert everything.not_understood == 6
    assert everything.completions[7] == 2 and everything.starts[30] == 3
    assert (everything.households, everything.households_linked) == (4, 3)
    assert everything.help_open == 1
    assert commune.messages == 7 and commune.completions[7] == 1 and commune.households == 3
    assert len(everything.days) == 30


def test_funnel_counts_runs_reaching_each_step(services, seed, catalog):
    with services.sessions() as session:
        rows = {f.topic_id: f for f in funnels(session, Scope.all(), catalog, None)}
    pay = rows["pay-electricity"]
    steps = len(catalog["pay-electricity"].steps)
    assert pay.reached == [3, 3] + [2] * (steps - 2) and pay.completed == 2
    assert pay.worst_step == 2
    assert rows["vneid-register"].started == 0
    assert all(topic.is_tutorial for topic in (catalog[t] for t in rows))


def test_help_answer_time_is_from_request_to_a_team_member_taking_it(services, seed):
    since = seed.now - timedelta(days=30)
    with services.sessions() as session:
        assert median_answer_seconds(session, Scope.all(), since, seed.now) == 25 * 60
        assert median_answer_seconds(session, _commune(seed), since, seed.now) is None
        figures = overview(session, Scope.all(), seed.now)
    assert (figures.help_open, figures.help_taken, figures.help_median_seconds) == (1, 0, 25 * 60)


def test_pushes_count_queued_sent_failed_opened_completed_in_scope(services, seed):
    def counts(scope):
        with services.sessions() as session:
            return [(r.title, r.place, r.queued, r.pending, r.sent, r.failed, r.opened, r.completed)
                    for r in pushes(session, scope, services.catalog, seed.now - timedelta(days=30))]

    title = services.catalog["pay-electricity"].title
    assert counts(Scope.all()) == [(title, "toàn tỉnh", 3, 0, 2, 1, 2, 2)]
    assert counts(_commune(seed)) == [(title, "toàn tỉnh", 2, 0, 1, 1, 1, 1)]
    # A team member of a village no push reached sees none.
    assert counts(Scope(frozenset({seed.village_a2}), frozenset({seed.commune_a}))) == []
    with services.sessions() as session:
        assert pushes(session, Scope.all(), services.catalog, seed.now - timedelta(days=1)) == []


def test_places_aggregate_households_completions_stuck_and_help(services, seed):
    with services.sessions() as session:
        communes = {c.name: c for c in places(session, Scope.all(), seed.now)}
        scoped = places(session, _commune(seed), seed.now)
    tan_lap = communes["Xã Tân Lập"]
    assert (tan_lap.households, tan_lap.linked, tan_lap.completed, tan_lap.stuck) == (3, 2, 1, 1)
    assert (tan_lap.help_open, tan_lap.help_total) == (1, 1)
    assert [v.name for v in tan_lap.villages] == ["Thôn 1", "Thôn 2"]
    assert communes["Xã Hòa Bình"].completed_share == 1.0
    assert [c.name for c in scoped] == ["Xã Tân Lập"]


def test_household_filters(services, seed):
    def codes(**kwargs):
        with services.sessions() as session:
            return [r.code for r in list_households(session, Scope.all(), HouseholdFilter(**kwargs), seed.now).rows]

    assert codes() == ["HA1", "HA2", "HA3", "HB1"]
    assert codes(status="completed") == ["HA1", "HB1"]
    assert codes(status="stuck") == ["HA2"]
    assert codes(status="help") == ["HA2"]
    assert codes(status="not_started") == ["HA3"]
    assert codes(status="unlinked") == ["HA3"]
    assert codes(status="active") == ["HA1", "HA2", "HB1"]
    assert codes(commune_id=seed.commune_b) == ["HB1"]
    assert codes(village_id=seed.village_a2) == ["HA3"]
    assert codes(q="hoa") == ["HA1"] and codes(q="%") == [] and codes(q="HB") == ["HB1"]


def test_household_detail_has_members_progress_and_timeline(services, seed, catalog):
    with services.sessions() as session:
        detail = household_detail(session, seed.households["HA1"], catalog)
    assert [m.display_name for m in detail.members] == ["Hoa", "Cháu Hoa"]
    assert [(p.topic_id, p.status) for p in detail.progress] == [("pay-electricity", "completed")]
    kinds = [item.kind for item in detail.timeline]
    assert kinds.count("message") == 3 and "step" in kinds
    assert [(i.topic_id, i.event) for i in detail.timeline if i.kind == "push"] == [("pay-electricity", "sent")]
    assert detail.timeline == sorted(detail.timeline, key=lambda i: i.at, reverse=True)


def test_log_filters_and_pagination(services, seed):
    def page(**kwargs):
        with services.sessions() as session:
            return log_page(session, Scope.all(), LogFilter(**kwargs))

    assert page().total == 10
    assert page(not_understood=True).total == 6
    assert page(topic="pay-electricity").total == 1
    assert page(intent="greet").total == 1
    assert page(channel="zalo").total == 4
    assert page(min_confidence=0.9).total == 3
    assert page(max_confidence=0.5, not_understood=True).total == 4
    assert page(household="HA1").total == 3
    assert page(start=date.today() + timedelta(days=2)).total == 0
    first = page().rows
    assert first == sorted(first, key=lambda r: (r.at, r.id), reverse=True)
    with services.sessions() as session:
        scoped = log_page(session, _commune(seed), LogFilter())
        assert scoped.total == 7 and {r.household_code for r in scoped.rows} == {"HA1", "HA2"}
        assert len(list(log_rows(session, Scope.all(), LogFilter(not_understood=True)))) == 6


def test_log_pages_beyond_the_first(services, seed):
    with services.sessions() as session:
        member = session.scalars(select(Member)).first()
        session.add_all([ConversationLog(at=seed.now - timedelta(minutes=i), channel="web", member_id=member.id,
                                         household_id=member.household_id, text=f"câu {i}", understood=True)
                         for i in range(120)])
        session.commit()
        pages = [log_page(session, Scope.all(), LogFilter(page=n)) for n in (1, 2, 3, 99)]
    assert [len(p.rows) for p in pages] == [50, 50, 30, 30] and pages[3].page == 3
    ids = [r.id for p in pages[:3] for r in p.rows]
    assert len(set(ids)) == 130


def test_log_pages_are_sought_from_a_cursor_in_both_directions(services, seed):
    with services.sessions() as session:
        member = session.scalars(select(Member)).first()
        # Rows sharing one instant: the id settles their order, no row is shown twice or skipped.
        session.add_all([ConversationLog(at=seed.now - timedelta(minutes=i // 3), channel="web", member_id=member.id,
                                         household_id=member.household_id, text=f"câu {i}", understood=True)
                         for i in range(120)])
        session.commit()
        walked, page = [], log_page(session, Scope.all(), LogFilter())
        while True:
            walked.append(page)
            if page.page == page.pages:
                break
            page = log_page(session, Scope.all(), LogFilter(page=page.page + 1, after=page.last))
        by_number = [log_page(session, Scope.all(), LogFilter(page=n)) for n in (1, 2, 3)]
        back = log_page(session, Scope.all(), LogFilter(page=2, before=walked[2].first))
        top = log_page(session, Scope.all(), LogFilter(page=1, before=walked[1].first))
        filtered = log_page(session, Scope.all(), LogFilter(channel="zalo", page=2, after=walked[0].last))
    assert [(p.page, len(p.rows)) for p in walked] == [(1, 50), (2, 50), (3, 30)]
    assert [[r.id for r in p.rows] for p in walked] == [[r.id for r in p.rows] for p in by_number]
    assert [r.id for r in back.rows] == [r.id for r in walked[1].rows] and back.page == 2
    assert [r.id for r in top.rows] == [r.id for r in walked[0].rows] and top.page == 1
    assert filtered.total == 4 and all(r.channel == "zalo" for r in filtered.rows)


def test_log_cursor_round_trips_and_refuses_garbage():
    cursor = Cursor.of(datetime(2026, 11, 24, 3, 4, 5, 678901, tzinfo=timezone.utc), 42)
    assert Cursor.parse(str(cursor)) == cursor
    for raw in ("", "1.", ".1", "abc.1", "1.2.3", "-5.1", "9" * 30 + ".1"):
        with pytest.raises(ValueError):
            Cursor.parse(raw)


def test_not_understood_questions_are_grouped_by_normalized_text(services, seed):
    with services.sessions() as session:
        rows, read = groups(session, Scope.all(), seed.now - timedelta(days=30))
        scoped, _ = groups(session, Scope(frozenset({seed.village_b1}), frozenset({seed.commune_b})), None)
    top = rows[0]
    assert (top.key, top.count, top.guess) == ("cho hoi cai app nay la gi", 3, "faq-vneid-what")
    assert top.text in ("Cho hỏi cái app này là gì?", "cho hoi cai app nay la gi", "cho hỏi cái app này là gì")
    assert read == 6 and len(rows) == 4
    # Stored text is shown redacted again: a number that slipped through is masked.
    assert [g.text for g in scoped] == ["mã OTP [MÃ SỐ] của tôi"]


def test_monthly_report_per_commune(services, seed, catalog):
    month = Month.of(seed.now - timedelta(days=3))
    with services.sessions() as session:
        reports = {r.name: r for r in monthly(session, Scope.all(), catalog, month)}
        only_b = monthly(session, Scope.all(), catalog, month, commune_id=seed.commune_b)
        next_month = monthly(session, Scope.all(), catalog, month.next().next())
    tan_lap = reports["Xã Tân Lập"]
    assert tan_lap.households == 3 and tan_lap.linked == 2
    assert tan_lap.help_open == 1
    taken_in_month = month.start <= seed.now - timedelta(days=2, minutes=-25) < month.end
    assert reports["Xã Hòa Bình"].help_median_seconds == (25 * 60 if taken_in_month else None)
    assert tan_lap.help_median_seconds is None
    assert [r.name for r in only_b] == ["Xã Hòa Bình"]
    assert all(r.completions == 0 and r.reached == 0 for r in next_month)
    both = sum(r.completions for r in reports.values())
    assert both in (1, 2)  # the month boundary may fall between the two completions


def test_content_status_flags_old_reviews_and_errors(tmp_path):
    topics = tmp_path / "topics"
    topics.mkdir()
    source = (ContentChecker.__module__ and __import__("content").CONTENT_DIR) / "topics"
    for name in ("pay-electricity.yml", "scam-safety.yml"):
        (topics / name).write_text((source / name).read_text(encoding="utf-8"), encoding="utf-8")
    old = (topics / "scam-safety.yml").read_text(encoding="utf-8")
    import re
    (topics / "scam-safety.yml").write_text(re.sub(r"reviewed_on: .*", "reviewed_on: 2020-01-15", old),
                                            encoding="utf-8")
    (topics / "broken.yml").write_text("id: broken\nkind: tutorial\n", encoding="utf-8")
    checker = ContentChecker(topics, spec=None)
    status = checker.status(date(2026, 11, 25))
    by_file = {t.file: t for t in status.topics}
    assert by_file["scam-safety.yml"].review_due and not by_file["pay-electricity.yml"].review_due
    assert not by_file["broken.yml"].ok and by_file["broken.yml"].errors[0].startswith("dòng ")
    assert status.review_due == 1 and status.error_count >= 1
    assert [t.ok for t in status.topics] == sorted(t.ok for t in status.topics)  # errors first
    assert checker.check() is checker.check()  # cached while files are unchanged


def test_export_holds_the_household_and_delete_removes_it_all(services, seed):
    household_id = seed.households["HA1"]
    with services.sessions() as session:
        data = export_household(session, household_id)
        json.dumps(data)
        assert data["household"]["code"] == "HA1" and len(data["members"]) == 2
        assert len(data["conversation"]) == 3 and data["tutorial_runs"][0]["events"]
        assert [(m["kind"], m["status"], m["topic_id"]) for m in data["messages_sent"]] == [
            ("push", "sent", "pay-electricity")]
        runs = [r["id"] for r in data["tutorial_runs"]]
        counts = delete_household(session, household_id)
        session.commit()
        assert counts["households"] == 1 and counts["members"] == 2 and counts["conversation_log"] == 3
        assert counts["outbox"] == 1  # nothing queued for them is sent after the delete
        assert session.get(Household, household_id) is None
        assert session.scalar(select(func.count()).select_from(StepEvent).where(StepEvent.run_id.in_(runs))) == 0
        assert session.scalar(select(func.count()).select_from(TutorialRun).where(
            TutorialRun.household_id == household_id)) == 0
        assert session.scalar(select(func.count()).select_from(Household)) == 3


async def test_real_chats_show_up_in_the_figures(services, seed):
    """A citizen chats through the real dialogue (no NLU here): the overview and log count it."""
    with services.sessions() as session:
        join_code = session.get(Household, seed.households["HA3"]).join_code
    await turn(services, "citizen-9", text=f"/start {join_code}", channel="web")
    await turn(services, "citizen-9", text="số tôi 0912345678, OTP 123456", channel="web")
    with services.sessions() as session:
        page = log_page(session, Scope.all(), LogFilter(household="HA3"))
        figures = overview(session, Scope.all(), page.rows[0].at)
    texts = [r.text for r in page.rows]
    assert "số tôi [SĐT], OTP [MÃ SỐ]" in texts
    assert figures.households_linked == 4
