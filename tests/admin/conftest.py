"""Fixtures for the admin web: settings with their own secret and learned-examples file, seeded data, users."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import httpx
import pyotp
import pytest

from bot.admin.auth import create_user
from bot.people.households import add_household
from bot.storage.conversations import ConversationLog
from bot.storage.delivery import OutboxItem, Push
from bot.storage.help import HelpRequest
from bot.storage.households import Member
from bot.storage.places import Village
from bot.storage.progress import StepEvent, TutorialRun
from bot.web.app import create_app

PASSWORD = "mat-khau-du-dai-1"
# The second factor of the seeded province and commune users (enrolled by the `users` fixture).
TOTP_SECRETS = {"tinh": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "xa": "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"}
SCRIPT_TEXT = "<script>document.title='hacked'</script> app này là gì"


@pytest.fixture(autouse=True)
def fast_password_hashes(monkeypatch):
    """argon2id with small costs: the tests check behaviour, not hashing cost (tested apart)."""
    from argon2 import PasswordHasher
    monkeypatch.setattr("bot.admin.auth._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def settings(settings, tmp_path):
    """The shared test settings, with the admin's secret and a learned-examples file of this test."""
    return settings.with_(admin_secret_key="test-secret-" + "k" * 40,
                          learned_examples_path=tmp_path / "nlu-data" / "learned.yml")


@dataclass
class Seed:
    now: datetime
    commune_a: int
    commune_b: int
    village_a1: int
    village_a2: int
    village_b1: int
    households: dict[str, int]  # code -> id


def _log(session, at, member, text=None, payload=None, intent=None, confidence=None, topic_id=None,
         understood=True, replies="menu"):
    session.add(ConversationLog(at=at, channel=member.channel, member_id=member.id,
                                household_id=member.household_id, text=text, payload=payload, intent=intent,
                                confidence=confidence, topic_id=topic_id, understood=understood,
                                replies=replies, latency_ms=50.0))


def _run(session, member, topic_id, reached, status, started, completed=False):
    run = TutorialRun(member_id=member.id, household_id=member.household_id, topic_id=topic_id,
                      step_index=reached, status=status, started_at=started, updated_at=started,
                      completed_at=started + timedelta(minutes=10) if completed else None)
    session.add(run)
    session.flush()
    session.add(StepEvent(run_id=run.id, kind="started", step_index=0, at=started))
    for step in range(reached + 1):
        session.add(StepEvent(run_id=run.id, kind="step_shown", step_index=step, at=started))
    if completed:
        session.add(StepEvent(run_id=run.id, kind="completed", step_index=reached, at=started))
    return run


def seed_data(services, now: datetime | None = None) -> Seed:
    """Two communes; households with members, tutorials (done, stuck), help requests and chat logs."""
    now = now or datetime.now(timezone.utc)
    catalog = services.catalog
    steps = len(catalog["pay-electricity"].steps)
    with services.sessions() as session:
        codes = {}
        for code, commune, village, head in [
            ("HA1", "Xã Tân Lập", "Thôn 1", "Lê Thị Hoa"), ("HA2", "Xã Tân Lập", "Thôn 1", "Trần Văn Bình"),
            ("HA3", "Xã Tân Lập", "Thôn 2", "Phạm Văn Cường"), ("HB1", "Xã Hòa Bình", "Thôn Đông", "Vũ Thị Mai"),
        ]:
            codes[code] = add_household(session, commune=commune, village=village, head_name=head, code=code).id
        villages = {(v.commune.name, v.name): v for v in session.query(Village)}
        members = {}
        for code, channel, name in [("HA1", "telegram", "Hoa"), ("HA1", "web", "Cháu Hoa"), ("HA2", "zalo", "Bình"),
                                    ("HB1", "telegram", "Mai")]:
            member = Member(channel=channel, external_id=f"{code}-{channel}", display_name=name,
                            household_id=codes[code], created_at=now - timedelta(days=20),
                            last_seen_at=now - timedelta(hours=1))
            session.add(member)
            session.flush()
            members.setdefault(code, member)
        guest = Member(channel="web", external_id="guest-1", is_guest=True, created_at=now - timedelta(days=2),
                       last_seen_at=now - timedelta(days=2))
        session.add(guest)
        session.flush()
        hoa, binh, mai = members["HA1"], members["HA2"], members["HB1"]
        # HA1 completed pay-electricity; HA2 stuck at step 2 of it for 10 days; HB1 completed it too.
        _run(session, hoa, "pay-electricity", steps - 1, "completed", now - timedelta(days=3), completed=True)
        _run(session, binh, "pay-electricity", 1, "paused", now - timedelta(days=10))
        _run(session, mai, "pay-electricity", steps - 1, "completed", now - timedelta(days=1), completed=True)
        session.add(HelpRequest(member_id=binh.id, household_id=binh.household_id, topic_id="pay-electricity",
                                step_index=1, status="open", created_at=now - timedelta(days=9)))
        # HB1's request was taken by a team member 25 minutes after it was made, then closed.
        session.add(HelpRequest(member_id=mai.id, household_id=mai.household_id, topic_id="pay-electricity",
                                step_index=2, status="closed", created_at=now - timedelta(days=2),
                                taken_at=now - timedelta(days=2) + timedelta(minutes=25),
                                closed_at=now - timedelta(days=2) + timedelta(hours=1), closed_by="helper"))
        # pay-electricity pushed province-wide 4 days ago: HA1 and HB1 got it (and then did it), HA2's failed.
        push = Push(topic_id="pay-electricity", audience="all", scope="province", scope_id=None,
                    created_by="Tổ công nghệ tỉnh", created_at=now - timedelta(days=4), households=4, not_joined=1)
        session.add(push)
        session.flush()
        for member, status in [(hoa, "sent"), (binh, "failed"), (mai, "sent")]:
            session.add(OutboxItem(kind="push", channel=member.channel, external_id=member.external_id,
                                   chat_key=f"{member.channel}:{member.external_id}", member_id=member.id,
                                   household_id=member.household_id, push_id=push.id, reply="{}", status=status,
                                   error="blocked: the user blocked the bot" if status == "failed" else None,
                                   created_at=push.created_at,
                                   sent_at=push.created_at + timedelta(minutes=1) if status == "sent" else None))
        _log(session, now - timedelta(hours=5), hoa, text="trả tiền điện", intent="topic_pay_electricity",
             confidence=0.93, topic_id="pay-electricity", replies="tutorial_intro,tutorial_step")
        _log(session, now - timedelta(hours=4), hoa, payload="tutorial:next:1:0", replies="tutorial_step")
        _log(session, now - timedelta(hours=3), hoa, text="số tôi là [SĐT] nhé", intent="out_of_scope",
             confidence=0.8, understood=False, replies="out_of_scope")
        for hours, text in [(6, "Cho hỏi cái app này là gì?"), (7, "cho hoi cai app nay la gi"),
                            (8, "cho hỏi  cái app này là gì")]:
            _log(session, now - timedelta(hours=hours), binh, text=text, intent="topic_faq_vneid_what",
                 confidence=0.41, topic_id="faq-vneid-what", understood=False, replies="clarify")
        _log(session, now - timedelta(hours=2), binh, text=SCRIPT_TEXT, intent="nlu_fallback", confidence=0.3,
             understood=False, replies="out_of_scope")
        # A number the dialogue should have redacted but did not (an older version): shown redacted anyway.
        _log(session, now - timedelta(hours=2), mai, text="mã OTP 483920 của tôi", intent="out_of_scope",
             confidence=0.7, understood=False, replies="out_of_scope")
        _log(session, now - timedelta(days=1), mai, text="đăng ký vneid", intent="topic_vneid_register",
             confidence=0.9, topic_id="vneid-register", replies="tutorial_intro,tutorial_step")
        _log(session, now - timedelta(days=2), guest, text="xin chào", intent="greet", confidence=0.99,
             replies="greet")
        session.commit()
        return Seed(now, villages[("Xã Tân Lập", "Thôn 1")].commune_id, villages[("Xã Hòa Bình", "Thôn Đông")].commune_id,
                    villages[("Xã Tân Lập", "Thôn 1")].id, villages[("Xã Tân Lập", "Thôn 2")].id,
                    villages[("Xã Hòa Bình", "Thôn Đông")].id, codes)


@pytest.fixture
def seed(services) -> Seed:
    return seed_data(services)


def enrolled(user):
    """The user with the second factor of TOTP_SECRETS set up (as if enrolled yesterday)."""
    user.totp_secret = TOTP_SECRETS[user.username]
    user.totp_enabled_at = datetime.now(timezone.utc) - timedelta(days=1)
    return user


@pytest.fixture
def users(services, seed):
    """province / commune (Xã Tân Lập) / team (Thôn 2 of Xã Tân Lập); the first two enrolled in TOTP."""
    from bot.storage.places import Commune
    with services.sessions() as session:
        commune = session.get(Commune, seed.commune_a)
        for user in (create_user(session, "tinh", PASSWORD, "province", display_name="Cán bộ tỉnh"),
                     create_user(session, "xa", PASSWORD, "commune", commune=commune,
                                 display_name="Cán bộ xã Tân Lập")):
            enrolled(user)
        create_user(session, "to", PASSWORD, "team", commune=commune,
                    villages=[session.get(Village, seed.village_a2)], display_name="Tổ Thôn 2")
        session.commit()
    return {"province": "tinh", "commune": "xa", "team": "to"}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


_used_steps: dict[tuple[int, str], int] = {}


def fresh_code(secret: str, key: tuple) -> str:
    """A code of a time step not used before by this client: the server refuses a replayed one."""
    totp = pyotp.TOTP(secret)
    step = max(totp.timecode(datetime.now(timezone.utc)), _used_steps.get(key, -1) + 1)
    while step > totp.timecode(datetime.now(timezone.utc)) + 1:  # both allowed steps used: wait for the next
        time.sleep(1)
    _used_steps[key] = step
    return totp.generate_otp(step)


async def login(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    """Password, then the TOTP code when asked for it; the last response (a redirect when logged in)."""
    page = await client.get("/admin/login")
    response = await client.post("/admin/login", data={"username": username, "password": password,
                                                       "csrf": csrf_of(page.text), "next": "/admin/"})
    if response.status_code != 303 or not response.headers["location"].startswith("/admin/login/code"):
        return response
    step = await client.get(response.headers["location"])
    code = fresh_code(TOTP_SECRETS[username], (id(client), username))
    return await client.post("/admin/login/code", data={"code": code, "csrf": csrf_of(step.text),
                                                        "next": "/admin/"})


@pytest.fixture
async def client(services):
    """An HTTP client on the whole web app (the admin mounted at /admin), in process."""
    app = create_app(services)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("10.1.2.3", 5000)),
                                 base_url="http://admin.test") as http:
        yield http
