"""The day before an in-person session: one reminder to each household of the village that is stuck midway
or asked for help, never in quiet hours (Asia/Ho_Chi_Minh), and exactly once: across ticks, across workers
that lost the session's mark, and across a sender killed mid-send (as tests/team/test_push_exactly_once.py)."""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from actions.team import periodic, session_reminders
from bot.delivery.clock import LocalTime
from bot.delivery.outbox import OutboxStore
from bot.people import support_sessions
from bot.people.households import village_of
from bot.services import build_services
from bot.shared.team_settings import TeamSettings
from bot.storage.admin_access import AdminAuditLog
from bot.storage.delivery import OutboxItem
from bot.storage.help import HelpRequest
from bot.storage.households import Household, Member
from bot.storage.progress import RUN_COMPLETED, RUN_PAUSED, TutorialRun
from bot.storage.sessions import SupportSession
from content.loader import load_catalog
from devtools.fakes.telegram_api import FakeTelegramApi
from devtools.pushing import NEVER_QUIET, TOKEN, pending, per_chat, sender_env, statuses
from tests.team.helpers import queue_due
from tests.team.senders import chats_database, killed_halfway_and_restarted

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
SETTINGS = TeamSettings()
LOCAL = LocalTime.of(SETTINGS)
COMMUNE, VILLAGE = "Xã Tân Lập", "Thôn Đồng Bằng"


def local(*args) -> datetime:
    return datetime(*args, tzinfo=ZONE).astimezone(timezone.utc)


def households(sessions, channel: str = "telegram") -> dict[str, int]:
    """Five households of the village: stuck midway, asked for help, finished, stuck but reminders off, none."""
    made = {}
    with sessions() as session:
        village = village_of(session, COMMUNE, VILLAGE)
        seen = local(2027, 3, 9, 10, 0)
        for n, name in enumerate(("stuck", "asked", "finished", "off", "nothing")):
            household = Household(village_id=village.id, code=f"H{n}", join_code=f"J{n:05d}", head_name=name)
            session.add(household)
            session.flush()
            member = Member(channel=channel, external_id=str(100 + n), household_id=household.id,
                            address_form="bác", last_seen_at=seen, reminders_off=name == "off")
            session.add(member)
            session.flush()
            if name in ("stuck", "off", "finished"):
                session.add(TutorialRun(member_id=member.id, household_id=household.id, topic_id="vneid-register",
                                        step_index=2, status=RUN_COMPLETED if name == "finished" else RUN_PAUSED,
                                        updated_at=seen))
            if name == "asked":
                session.add(HelpRequest(member_id=member.id, household_id=household.id, created_at=seen))
            made[name] = household.id
        session.commit()
    return made


def session_at(sessions, catalog, starts_at: datetime, now: datetime) -> int:
    with sessions() as session:
        village = village_of(session, COMMUNE, VILLAGE)
        row = support_sessions.schedule(session, catalog, village.id, starts_at, "Nhà văn hóa thôn Đông",
                                        ["vneid-level2", "pay-electricity"], None, now)
        session.commit()
        return row.id


def tick(services, now: datetime, settings: TeamSettings = SETTINGS) -> int:
    return queue_due(services, session_reminders.send_due, now, settings)


def reminders(services) -> list[OutboxItem]:
    with services.sessions() as session:
        return list(session.scalars(select(OutboxItem).where(OutboxItem.kind == "reminder").order_by(OutboxItem.id)))


def test_the_day_before_each_stuck_or_asking_household_once(services):
    made = households(services.sessions)
    session_id = session_at(services.sessions, services.catalog, local(2027, 3, 11, 8, 0), local(2027, 3, 1, 9, 0))
    assert tick(services, local(2027, 3, 10, 7, 59)) == 0  # not yet a day before
    assert tick(services, local(2027, 3, 10, 8, 0)) == 2
    assert tick(services, local(2027, 3, 10, 8, 1)) == 0
    items = reminders(services)
    assert {i.household_id for i in items} == {made["stuck"], made["asked"]}
    assert {i.dedupe_key for i in items} == {f"session:{session_id}:{made['stuck']}",
                                             f"session:{session_id}:{made['asked']}"}
    # Sent before quiet hours begin that evening (21:00), or not at all.
    assert {LOCAL.local(datetime.fromtimestamp(i.not_after or 0, timezone.utc)).hour for i in items} == {21}
    stuck = json.loads(next(i.reply for i in items if i.household_id == made["stuck"]))
    assert stuck["template"] == "team/session_reminder"
    assert stuck["context"]["place"] == "Nhà văn hóa thôn Đông" and stuck["context"]["time"] == "08:00"
    assert stuck["context"]["tomorrow"] is True and stuck["context"]["tutorial"]
    buttons = [b["payload"] for row in stuck["buttons"] for b in row]
    assert buttons[0].startswith("tutorial:resume:") and buttons[-1] == "reminders:off"


def test_a_worker_that_lost_the_mark_still_queues_nothing_twice(services):
    households(services.sessions)
    session_at(services.sessions, services.catalog, local(2027, 3, 11, 8, 0), local(2027, 3, 1, 9, 0))
    assert tick(services, local(2027, 3, 10, 9, 0)) == 2
    with services.sessions() as session:
        session.execute(update(SupportSession).values(reminded_at=None))
        session.commit()
    assert tick(services, local(2027, 3, 10, 9, 1)) == 0  # the dedupe keys hold
    assert len(reminders(services)) == 2


def test_the_team_tick_queues_them(services):
    households(services.sessions)
    session_at(services.sessions, services.catalog, local(2027, 3, 11, 8, 0), local(2027, 3, 1, 9, 0))
    result = periodic.tick(services.sessions, services.catalog, SETTINGS, local(2027, 3, 10, 9, 0))
    assert result["session_reminders"] == 2


@pytest.mark.parametrize("starts, expected", [
    ((2027, 3, 11, 8, 0), (2027, 3, 10, 8, 0)),  # a day before
    ((2027, 3, 11, 6, 30), (2027, 3, 10, 7, 0)),  # 06:30 the day before is quiet: 07:00 that day
    ((2027, 3, 11, 22, 0), (2027, 3, 11, 7, 0)),  # 22:00 the day before is quiet: 07:00 on the day
    ((2027, 3, 11, 21, 0), (2027, 3, 11, 7, 0)),  # 21:00 is quiet already
    ((2027, 3, 11, 20, 59), (2027, 3, 10, 20, 59)),
])
def test_the_moment_of_the_reminder_is_never_in_quiet_hours(starts, expected):
    moment = session_reminders.remind_at(LOCAL, local(*starts))
    assert moment == local(*expected) and not LOCAL.is_quiet(moment) and moment < local(*starts)


def test_a_day_before_in_quiet_hours_waits_for_the_first_allowed_time(services):
    made = households(services.sessions)
    session_at(services.sessions, services.catalog, local(2027, 3, 11, 22, 0), local(2027, 3, 1, 9, 0))
    for quiet in (local(2027, 3, 10, 22, 0), local(2027, 3, 11, 2, 0), local(2027, 3, 11, 6, 59)):
        assert tick(services, quiet) == 0
    assert tick(services, local(2027, 3, 11, 7, 0)) == 2
    items = reminders(services)
    assert {i.household_id for i in items} == {made["stuck"], made["asked"]}
    # The session is at 22:00, after quiet hours begin: the reminder goes before 21:00 or not at all.
    assert {LOCAL.local(datetime.fromtimestamp(i.not_after or 0, timezone.utc)).hour for i in items} == {21}
    assert json.loads(items[0].reply)["context"]["tomorrow"] is False  # "Sắp có buổi…", the same day


def test_the_sender_holds_them_in_quiet_hours(services):
    households(services.sessions)
    session_at(services.sessions, services.catalog, datetime.now(timezone.utc) + timedelta(hours=20),
               datetime.now(timezone.utc))
    assert tick(services, datetime.now(timezone.utc), SETTINGS.with_(quiet_hours=NEVER_QUIET)) == 2
    store = OutboxStore(services.sessions, "test", lease=60, chat_interval=1.0)
    assert store.claim("telegram", 10, time.time(), quiet=True) == []
    assert len(store.claim("telegram", 10, time.time(), quiet=False)) == 2


def test_nobody_on_the_web_chat_or_in_another_village(services):
    households(services.sessions, channel="web")
    session_at(services.sessions, services.catalog, local(2027, 3, 11, 8, 0), local(2027, 3, 1, 9, 0))
    assert tick(services, local(2027, 3, 10, 9, 0)) == 0
    with services.sessions() as session:
        other = village_of(session, COMMUNE, "Thôn Khác")
        session.commit()
        other_id = other.id
    with services.sessions() as session:
        support_sessions.schedule(session, services.catalog, other_id, local(2027, 3, 12, 8, 0), "Nhà văn hóa",
                                  ["vneid-level2"], None, local(2027, 3, 1, 9, 0))
        session.commit()
    assert tick(services, local(2027, 3, 11, 9, 0)) == 0


@pytest.fixture
async def both(both_databases_settings, catalog):
    """Services on SQLite, then on PostgreSQL: cancelling takes rows back by their keys."""
    built = build_services(both_databases_settings, catalog)
    yield built
    await built.aclose()


def cancel(services, session_id: int, now: datetime) -> bool:
    with services.sessions() as session:
        done = support_sessions.cancel(session, session.get(SupportSession, session_id), None, now)
        session.commit()
        return done


def test_a_session_cancelled_before_its_day_reminds_nobody(both):
    households(both.sessions)
    session_id = session_at(both.sessions, both.catalog, local(2027, 3, 11, 8, 0), local(2027, 3, 1, 9, 0))
    assert cancel(both, session_id, local(2027, 3, 5, 9, 0))
    assert tick(both, local(2027, 3, 10, 9, 0)) == 0 and reminders(both) == []


def test_cancelling_drops_the_reminders_still_waiting_and_a_claimed_one_is_not_sent(both):
    households(both.sessions)
    now = datetime.now(timezone.utc)
    session_id = session_at(both.sessions, both.catalog, now + timedelta(hours=20), now)
    other_id = session_at(both.sessions, both.catalog, now + timedelta(hours=21), now)
    assert tick(both, now, SETTINGS.with_(quiet_hours=NEVER_QUIET)) == 4
    store = OutboxStore(both.sessions, "test", lease=60, chat_interval=0.0)
    claimed = store.claim("telegram", 10, time.time())[0]  # one per chat: the first chat's first row
    with both.sessions() as session:
        claimed_key = session.get(OutboxItem, claimed.id).dedupe_key
        mine = session_id if (claimed_key or "").startswith(f"session:{session_id}:") else other_id
    assert cancel(both, mine, now)
    by_session = {key: [i for i in reminders(both) if i.dedupe_key.startswith(f"session:{key}:")]
                  for key in (session_id, other_id)}
    assert {(i.status, i.error) for i in by_session[mine]} == {("skipped", support_sessions.CANCELLED)}
    assert {i.status for i in by_session[other_id if mine == session_id else session_id]} <= {"queued", "claimed"}
    # The sender that claimed one before the cancel cannot start sending it.
    assert not store.start_sending(claimed.id, "telegram", time.time())
    assert {c.id for c in store.claim("telegram", 10, time.time())}.isdisjoint({i.id for i in by_session[mine]})
    # What the member is told: how many households the reminder reached (sent, in flight or unknown).
    with both.sessions() as session:
        assert support_sessions.reminded(session, mine) == 0
        kept = other_id if mine == session_id else session_id
        session.execute(update(OutboxItem).where(OutboxItem.dedupe_key.startswith(f"session:{kept}:"))
                        .values(status="sent"))
        session.commit()
        assert support_sessions.reminded(session, kept) == 2


def test_households_reminded_of_a_cancelled_session_are_told_once_that_it_is_off(both):
    made = households(both.sessions)
    session_id = session_at(both.sessions, both.catalog, local(2027, 3, 11, 8, 0), local(2027, 3, 1, 9, 0))
    assert tick(both, local(2027, 3, 10, 8, 0)) == 2
    with both.sessions() as session:  # the stuck household's went; the other's still waits
        session.execute(update(OutboxItem).where(OutboxItem.household_id == made["stuck"]).values(status="sent"))
        session.commit()
    assert cancel(both, session_id, local(2027, 3, 10, 20, 0))
    assert tick(both, local(2027, 3, 10, 22, 0)) == 0  # quiet hours: nothing queued
    assert tick(both, local(2027, 3, 11, 7, 0)) == 1
    assert tick(both, local(2027, 3, 11, 7, 1)) == 0  # once
    by_key = {i.dedupe_key: i for i in reminders(both)}
    notice = by_key[f"session-off:{session_id}:{made['stuck']}"]
    assert by_key[f"session:{session_id}:{made['asked']}"].status == "skipped"
    assert f"session-off:{session_id}:{made['asked']}" not in by_key  # never reminded, nothing to take back
    assert notice.not_after == local(2027, 3, 11, 8, 0).timestamp()  # pointless once the session's time came
    reply = json.loads(notice.reply)
    assert reply["template"] == "team/session_called_off_notice"
    assert (reply["context"]["time"], reply["context"]["place"]) == ("08:00", "Nhà văn hóa thôn Đông")
    assert [b["payload"] for row in reply["buttons"] for b in row] == ["topic:faq-community-tech-team"]
    with both.sessions() as session:
        assert support_sessions.reminded(session, session_id) == 1


def test_no_word_of_a_cancelled_session_once_its_time_has_come(both):
    households(both.sessions)
    session_id = session_at(both.sessions, both.catalog, local(2027, 3, 11, 8, 0), local(2027, 3, 1, 9, 0))
    assert tick(both, local(2027, 3, 10, 8, 0)) == 2
    with both.sessions() as session:
        session.execute(update(OutboxItem).values(status="sent"))
        session.commit()
    assert cancel(both, session_id, local(2027, 3, 10, 20, 0))
    assert tick(both, local(2027, 3, 11, 8, 0)) == 0
    assert not [i for i in reminders(both) if (i.dedupe_key or "").startswith("session-off:")]


def test_a_session_begun_or_cancelled_already_is_not_cancelled(services):
    session_id = session_at(services.sessions, services.catalog, local(2027, 3, 11, 8, 0), local(2027, 3, 1, 9, 0))
    assert not cancel(services, session_id, local(2027, 3, 11, 8, 0))  # it has begun
    assert cancel(services, session_id, local(2027, 3, 11, 7, 59))
    assert not cancel(services, session_id, local(2027, 3, 11, 7, 59, 30))
    with services.sessions() as session:
        row = session.get(SupportSession, session_id)
        assert row.cancelled_at is not None
        [audit] = session.scalars(select(AdminAuditLog).where(AdminAuditLog.action == "cancel_session")).all()
        assert (audit.target, audit.username) == (f"session:{session_id}", "(chat)")


HOUSEHOLDS = 300
FAST = 400.0


@pytest.mark.slow
def test_killed_sender_restarts_and_every_household_is_reminded_exactly_once(both_databases_url, tmp_path):
    catalog = load_catalog()
    settings = SETTINGS.with_(quiet_hours=NEVER_QUIET)  # the sender's quiet hours are the test above
    with FakeTelegramApi(TOKEN) as api:
        engine, sessions, chats = chats_database(both_databases_url, HOUSEHOLDS, api)
        now = datetime.now(timezone.utc)
        with sessions() as session:
            for member in session.scalars(select(Member)):
                session.add(TutorialRun(member_id=member.id, household_id=member.household_id,
                                        topic_id="vneid-register", step_index=1, status=RUN_PAUSED))
            session.commit()
        # Its day-before moment came a minute ago.
        session_at(sessions, catalog, now + timedelta(days=1) - timedelta(minutes=1), now)
        with sessions() as session:
            assert session_reminders.send_due(session, catalog, settings, now) == HOUSEHOLDS
            session.commit()
        env = sender_env(both_databases_url, api.url, telegram_rate_limit=FAST, outbox_lease_seconds=4,
                         outbox_poll_seconds=0.05)
        in_flight = killed_halfway_and_restarted(api, env, tmp_path, HOUSEHOLDS)
        counts = per_chat(api)
        assert set(counts) == set(chats) and set(counts.values()) == {1}, "a household reminded twice or never"
        assert pending(sessions) == 0
        final = statuses(sessions)
        # In flight when the sender died: delivered, but nobody could know; `unknown`, never sent again.
        assert final["sent"] + final["unknown"] == HOUSEHOLDS and final["unknown"] >= in_flight
        with sessions() as session:  # later ticks queue nothing more
            assert session_reminders.send_due(session, catalog, settings, now + timedelta(minutes=5)) == 0
        engine.dispose()
