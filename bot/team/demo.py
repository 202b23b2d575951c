"""`camtay demo seed`: one demo commune with numbers on every admin page, for a newcomer (issue 14 part 7).

Everything it writes is clearly demo: the commune is "Xã Demo (dữ liệu mẫu)", heads of household are named
"Hộ mẫu …", members "Người mẫu …", no phone number is stored, chat ids are "demo-…" (no real chat has them).
It refuses a database that already holds households or staff, before writing anything. The admin login is a
province account with a random password, printed once; its second factor is enrolled at the first login.
What happened is a seeded random choice (the same every time); the password and the join codes are not.
"""
from __future__ import annotations

import random
import secrets
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, func, inspect, select
from sqlalchemy import table as table_clause
from sqlalchemy.orm import Session

from bot.admin.auth import create_user
from bot.people.households import add_household
from bot.storage.consent import Consent
from bot.storage.conversations import ConversationLog
from bot.storage.db import make_engine, migrate, session_factory
from bot.storage.delivery import FAILED, SENT, OutboxItem, Push
from bot.storage.help import HELP_CLOSED, HELP_OPEN, HELP_TAKEN, HelpEvent, HelpRequest
from bot.storage.households import Household, Member
from bot.storage.outcomes import OUTCOME_DONE, OUTCOME_FAILED, OUTCOME_LATER, SOURCE_CITIZEN, SOURCE_TEAM, Outcome
from bot.storage.places import Village
from bot.storage.progress import RUN_ABANDONED, RUN_ACTIVE, RUN_COMPLETED, RUN_PAUSED, StepEvent, TutorialRun
from bot.storage.ratings import REASONS, Rating
from bot.storage.sessions import SessionAttendance, SupportSession
from bot.storage.staff import ROLE_TEAM, Staff
from content.loader import Catalog, ContentInvalid, load_catalog
from content.privacy import privacy
from content.schema import Topic
from nlu.intents import topic_intent

COMMUNE = "Xã Demo (dữ liệu mẫu)"
VILLAGES = ("Thôn Đông", "Thôn Đoài", "Thôn Trung", "Xóm Bến")
HOUSEHOLDS = 40
ADMIN_USERNAME = "demo-tinh"
GIVEN = ("An", "Bình", "Cường", "Dung", "Hoa", "Lan", "Mai", "Nam", "Phúc", "Quang", "Thảo", "Tuấn")
NOT_UNDERSTOOD = ("cho hỏi cái app này là gì", "sao ko nhan dc ma", "điện thoại bị đơ", "tra cứu phạt nguội")


@dataclass(frozen=True)
class Seeded:
    username: str
    password: str
    counts: dict[str, int]


class NotEmpty(Exception):
    """The database already holds households or staff: demo data would mix with real rows."""

    def __init__(self, held: dict[str, int]) -> None:
        rows = ", ".join(f"{n} in {table}" for table, n in held.items())
        super().__init__(f"this database already holds rows ({rows}): demo data is only written into an empty "
                         "database; nothing was written")


# The tables whose rows are real people (admin_users and team_members before migration 0011 merged them).
PEOPLE_TABLES = ("households", "staff", "admin_users", "team_members")


def rows_held(engine: Engine) -> dict[str, int]:
    """The tables of PEOPLE_TABLES that hold rows, with their counts (read only; any schema version)."""
    present = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        counts = {table: connection.scalar(select(func.count()).select_from(table_clause(table))) or 0
                  for table in PEOPLE_TABLES if table in present}
    return {table: n for table, n in counts.items() if n}


def refuse_unless_empty(session: Session) -> None:
    held = {table: n for table, n in (("households", session.scalar(select(func.count()).select_from(Household))),
                                      ("staff", session.scalar(select(func.count()).select_from(Staff)))) if n}
    if held:
        raise NotEmpty(held)


def seed(session: Session, catalog: Catalog, now: datetime | None = None, random_seed: int = 14) -> Seeded:
    """Fill an empty, migrated database with the demo commune; the caller commits. NotEmpty when not empty."""
    refuse_unless_empty(session)
    rng = random.Random(random_seed)
    now = now or datetime.now(timezone.utc)
    tutorials = [t for t in catalog if t.is_tutorial and t.steps]
    counts = dict.fromkeys(("households", "members", "tutorial_runs", "outcomes", "ratings", "help_requests",
                            "pushes", "support_sessions", "conversation_log"), 0)

    households = []
    for number in range(1, HOUSEHOLDS + 1):
        village = VILLAGES[number % len(VILLAGES)]
        households.append(add_household(session, commune=COMMUNE, village=village, code=f"DEMO-{number:03d}",
                                        head_name=f"Hộ mẫu {rng.choice(GIVEN)} {number:02d}",
                                        address=f"Số {number}, {village} (địa chỉ mẫu)"))
    counts["households"] = len(households)
    villages = list(session.scalars(select(Village).where(Village.id.in_({h.village_id for h in households})).order_by(Village.id)))
    password = secrets.token_urlsafe(12)
    admin = create_user(session, ADMIN_USERNAME, password, "province", display_name="Cán bộ tỉnh (mẫu)")
    # A tech team member of the first two villages, with no login and no chat linked: they took the help
    # requests, scheduled the sessions and recorded who came.
    team = Staff(name="Tổ công nghệ số (mẫu)", role=ROLE_TEAM, commune_id=villages[0].commune_id,
                 villages=villages[:2])
    session.add(team)
    session.flush()

    members: list[Member] = []
    for household in households[:34]:  # a few households have not joined yet
        for index in range(rng.choice((1, 1, 2))):
            joined = now - timedelta(days=rng.randint(5, 60), hours=rng.randint(0, 23))
            member = Member(channel=rng.choice(("telegram", "zalo", "web")), external_id=f"demo-{household.id}-{index}",
                            display_name=f"Người mẫu {rng.choice(GIVEN)}", household_id=household.id,
                            address_form=rng.choice(("bac", "co", "chu", "anh")), created_at=joined,
                            last_seen_at=min(now, joined + timedelta(days=rng.randint(0, 5))))
            session.add(member)
            members.append(member)
    session.flush()
    # They agreed to the privacy notice when they joined: what they typed is kept (redacted), as for a real chat.
    version = privacy().version
    session.add_all(Consent(member_id=m.id, notice_version=version, asked_at=m.created_at, given_at=m.created_at)
                    for m in members)
    counts["members"] = len(members)

    for member in members:
        for topic in rng.sample(tutorials, k=rng.choice((1, 1, 2, 3))):
            last = len(topic.steps) - 1
            started = member.created_at + timedelta(hours=rng.randint(1, 72))
            status = rng.choice((RUN_COMPLETED, RUN_COMPLETED, RUN_COMPLETED, RUN_PAUSED, RUN_ACTIVE, RUN_ABANDONED))
            reached = last if status == RUN_COMPLETED else rng.randint(0, last)
            done_at = started + timedelta(minutes=5 + 3 * reached)
            run = TutorialRun(member_id=member.id, household_id=member.household_id, topic_id=topic.id,
                              step_index=reached, status=status, started_at=started, updated_at=done_at,
                              completed_at=done_at if status == RUN_COMPLETED else None)
            session.add(run)
            session.flush()
            counts["tutorial_runs"] += 1
            session.add(StepEvent(run_id=run.id, kind="started", step_index=0, at=started))
            for step in range(reached + 1):
                session.add(StepEvent(run_id=run.id, kind="step_shown", step_index=step, at=started))
                if step < reached or status == RUN_COMPLETED:
                    session.add(StepEvent(run_id=run.id, kind="step_done", step_index=step, at=started))
            if status == RUN_COMPLETED:
                session.add(StepEvent(run_id=run.id, kind="completed", step_index=reached, at=done_at))
                result = rng.choice((OUTCOME_DONE, OUTCOME_DONE, OUTCOME_DONE, OUTCOME_FAILED, OUTCOME_LATER))
                session.add(Outcome(member_id=member.id, household_id=member.household_id, run_id=run.id,
                                    topic_id=topic.id, platform=topic.platform, result=result,
                                    step_index=rng.randint(0, last) if result == OUTCOME_FAILED else None,
                                    source=SOURCE_CITIZEN, at=done_at))
                counts["outcomes"] += 1
                helpful = rng.random() < 0.75
                session.add(Rating(member_id=member.id, household_id=member.household_id, topic_id=topic.id,
                                   helpful=helpful, reason=None if helpful else rng.choice(REASONS), at=done_at))
                counts["ratings"] += 1
            elif rng.random() < 0.35:
                _help_request(session, rng, member, topic.id, reached, done_at, now, team)
                counts["help_requests"] += 1
            counts["conversation_log"] += _logs(session, rng, member, topic, started)

    counts["pushes"] = _push(session, rng, tutorials[0], villages[0], households, members, team, now)
    counts["support_sessions"] = _sessions(session, rng, catalog, villages, households, members, team, now)
    session.flush()
    counts["outcomes"] = session.scalar(select(func.count()).select_from(Outcome)) or 0
    return Seeded(admin.username or ADMIN_USERNAME, password, counts)


def _help_request(session: Session, rng: random.Random, member: Member, topic_id: str, step: int,
                  at: datetime, now: datetime, team: Staff) -> None:
    status = rng.choice((HELP_OPEN, HELP_TAKEN, HELP_CLOSED, HELP_CLOSED))
    created = min(at, now - timedelta(hours=1))
    taken = None if status == HELP_OPEN else created + timedelta(minutes=rng.randint(5, 240))
    request = HelpRequest(member_id=member.id, household_id=member.household_id, topic_id=topic_id,
                          step_index=step, status=status, created_at=created,
                          taken_by_id=team.id if taken else None, taken_at=taken,
                          closed_at=taken + timedelta(minutes=30) if status == HELP_CLOSED and taken else None,
                          closed_by="helper" if status == HELP_CLOSED else None)
    session.add(request)
    session.flush()
    session.add(HelpEvent(help_request_id=request.id, kind="opened", at=created))
    if taken:
        session.add(HelpEvent(help_request_id=request.id, kind="taken", team_member_id=team.id, at=taken))
    if request.closed_at:
        session.add(HelpEvent(help_request_id=request.id, kind="closed", team_member_id=team.id,
                              at=request.closed_at))


def _logs(session: Session, rng: random.Random, member: Member, topic: Topic, at: datetime) -> int:
    """The question that started a tutorial (one of its topic's examples), sometimes one not understood before."""
    rows = [ConversationLog(at=at, channel=member.channel, member_id=member.id, household_id=member.household_id,
                            text=rng.choice(topic.examples), intent=topic_intent(topic.id), confidence=0.9,
                            topic_id=topic.id, understood=True, replies="tutorial_intro,tutorial_step",
                            latency_ms=60.0)]
    if rng.random() < 0.3:
        rows.append(ConversationLog(at=at - timedelta(minutes=2), channel=member.channel, member_id=member.id,
                                    household_id=member.household_id, text=rng.choice(NOT_UNDERSTOOD),
                                    intent="nlu_fallback", confidence=0.3, understood=False,
                                    replies="clarify", latency_ms=70.0))
    session.add_all(rows)
    return len(rows)


def _push(session: Session, rng: random.Random, topic: Topic, village: Village, households: list[Household],
          members: list[Member], team: Staff, now: datetime) -> int:
    """A tutorial the team pushed to the first village a week ago: sent or failed, never queued (nothing to send)."""
    in_village = {h.id for h in households if h.village_id == village.id}
    reached = {m.household_id: m for m in members if m.household_id in in_village and m.channel != "web"}
    created = now - timedelta(days=7)
    push = Push(topic_id=topic.id, audience="all", scope="village", scope_id=village.id, team_member_id=team.id,
                created_by=team.name, created_at=created, households=len(in_village),
                not_joined=len(in_village) - len(reached))
    session.add(push)
    session.flush()
    for household_id, member in reached.items():
        sent = rng.random() < 0.9
        session.add(OutboxItem(kind="push", channel=member.channel, external_id=member.external_id,
                               chat_key=f"{member.channel}:{member.external_id}", member_id=member.id,
                               household_id=household_id, push_id=push.id, reply="{}",
                               status=SENT if sent else FAILED, attempts=1,
                               error=None if sent else "blocked: the user blocked the bot", created_at=created,
                               sent_at=created + timedelta(minutes=2) if sent else None,
                               dedupe_key=f"push:{push.id}:{household_id}"))
    return 1


def _sessions(session: Session, rng: random.Random, catalog: Catalog, villages: list[Village],
              households: list[Household], members: list[Member], team: Staff, now: datetime) -> int:
    """Two past sessions with attendance (and the team's outcomes of what worked), one coming per village."""
    with_platform = [t for t in catalog if t.is_tutorial and t.platform]
    member_of = {m.household_id: m for m in members}
    made = 0
    for village in villages[:2]:
        past = SupportSession(village_id=village.id, starts_at=now - timedelta(days=10, hours=rng.randint(0, 5)),
                              place=f"Nhà văn hóa {village.name}", topic_ids=[t.id for t in with_platform[:2]],
                              created_by_id=team.id, created_at=now - timedelta(days=15), reminded_at=now - timedelta(days=11))
        session.add(past)
        session.flush()
        for household in [h for h in households if h.village_id == village.id][:5]:
            topic = rng.choice(with_platform)
            session.add(SessionAttendance(session_id=past.id, household_id=household.id,
                                          platforms=[topic.platform], recorded_by_id=team.id,
                                          recorded_at=past.starts_at + timedelta(hours=2)))
            member = member_of.get(household.id)
            if member is not None:
                session.add(Outcome(member_id=member.id, household_id=household.id, topic_id=topic.id,
                                    platform=topic.platform, result=OUTCOME_DONE, source=SOURCE_TEAM,
                                    recorded_by_id=team.id, at=past.starts_at + timedelta(hours=2)))
        made += 1
    for village in villages:
        session.add(SupportSession(village_id=village.id, starts_at=now + timedelta(days=rng.randint(2, 12), hours=2),
                                   place=f"Nhà văn hóa {village.name}", topic_ids=[with_platform[0].id],
                                   created_by_id=team.id, created_at=now - timedelta(days=1)))
        made += 1
    return made


def register(commands) -> None:
    demo = commands.add_parser("demo", help="demo data").add_subparsers(dest="demo_command", required=True)
    fill = demo.add_parser("seed", help="fill an empty database (DATABASE_URL) with a demo commune; "
                                        "prints an admin login once")
    fill.set_defaults(handler=seed_command)


def seed_command(args, settings) -> int:
    try:
        catalog = load_catalog(settings.content_dir / "topics")
    except ContentInvalid as exc:
        print(exc, file=sys.stderr)
        return 1
    engine = make_engine(settings.database_url)
    try:
        held = rows_held(engine)  # before migrating: an older real database is not even upgraded
        if held:
            print(f"camtay demo seed: {NotEmpty(held)}", file=sys.stderr)
            return 1
        migrate(engine)
        with session_factory(engine)() as session:
            try:
                seeded = seed(session, catalog)
            except NotEmpty as exc:
                session.rollback()
                print(f"camtay demo seed: {exc}", file=sys.stderr)
                return 1
            session.commit()
    finally:
        engine.dispose()
    where = engine.url.render_as_string(hide_password=True)
    print(f"demo data written to {where}: " + ", ".join(f"{n} {k}" for k, n in seeded.counts.items()))
    print(f"admin web login (province, shown only now): username {seeded.username}  password {seeded.password}")
    print("at the first login a page shows a QR code: scan it with an authenticator app (Google Authenticator, "
          "Microsoft Authenticator, …) and type its code; then keep the 8 recovery codes shown")
    print(f"a new password later: DATABASE_URL={where} .venv/bin/camtay admin set-password {seeded.username}")
    return 0
