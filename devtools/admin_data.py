"""Generated data for the admin web: communes, villages, households, members, tutorials, help, logs, pushes,
outcomes, ratings.

Deterministic (seeded), written with bulk inserts; used by bench/admin.py and by tests that need volume.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, insert, text

from bot.storage.conversations import ConversationLog
from bot.storage.delivery import OutboxItem, Push
from bot.storage.help import HelpRequest
from bot.storage.households import Household, Member
from bot.storage.outcomes import Outcome
from bot.storage.places import Commune, Village
from bot.storage.progress import StepEvent, TutorialRun
from bot.storage.ratings import REASONS, Rating
from content.loader import Catalog
from nlu.intents import topic_intent

CHANNELS = ("telegram", "zalo", "web")
UNDERSTOOD = [
    "cài vneid thế nào", "cai vneid the nao", "làm sao đăng ký định danh mức 2", "dang ky muc 2 o dau",
    "trả tiền điện qua điện thoại", "tra tien dien online", "quên mật khẩu vneid", "quen mat khau vneid",
    "đổi bằng lái xe online", "lý lịch tư pháp làm ở đâu", "xin chào", "cảm ơn cháu", "tiếp", "xong rồi",
]
NOT_UNDERSTOOD = [
    "cho hỏi cái app này là gì", "cho hoi cai app nay la gi", "Cho hỏi cái app này là gì?",
    "sao không nhận được mã", "sao ko nhan dc ma", "điện thoại bị đơ", "dien thoai bi do",
    "tôi muốn hỏi về lương hưu", "đóng bảo hiểm xe máy", "mạng yếu quá", "số của tôi là [SĐT]",
    "mã otp là [MÃ SỐ] đúng không", "căn cước số [SỐ GIẤY TỜ] bị lỗi", "đăng ký khai sinh cho cháu nội",
    "xem điểm thi của con", "tra cứu phạt nguội", "làm lại thẻ bhyt bị mất", "ông ơi giúp với",
]


@dataclass(frozen=True)
class Size:
    communes: int = 5
    villages_per_commune: int = 10
    households: int = 10_000
    logs: int = 200_000
    days: int = 90


def _batched(engine: Engine, table, rows: list[dict], size: int = 5000) -> None:
    with engine.begin() as connection:
        for start in range(0, len(rows), size):
            connection.execute(insert(table), rows[start:start + size])


def generate(engine: Engine, catalog: Catalog, size: Size = Size(), seed: int = 7,
             now: datetime | None = None, statistics: bool = False) -> dict[str, int]:
    """Fill an empty, migrated database; returns row counts per table.

    `statistics` runs what a live server has run by itself: autovacuum on PostgreSQL. A live SQLite file
    has no statistics unless someone runs ANALYZE, so the benchmark leaves SQLite without.
    """
    rng = random.Random(seed)
    now = now or datetime.now(timezone.utc)
    first = now - timedelta(days=size.days)

    def moment() -> datetime:
        return first + timedelta(seconds=rng.random() * size.days * 86400)

    communes = [{"id": i + 1, "name": f"Xã {name}"} for i, name in enumerate(
        ["Tân Lập", "Hòa Bình", "Thanh Sơn", "Phú Mỹ", "Đông Hưng", "Yên Thế", "Bình Minh", "An Phú"]
        [:size.communes])]
    villages = [{"id": c["id"] * 100 + v + 1, "commune_id": c["id"], "name": f"Thôn {v + 1}"}
                for c in communes for v in range(size.villages_per_commune)]
    households, members = [], []
    surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
    given = ["Văn An", "Thị Hoa", "Văn Bình", "Thị Lan", "Minh Tuấn", "Thị Mai", "Văn Cường", "Thu Hà"]
    member_id = 0
    for h in range(1, size.households + 1):
        village = villages[rng.randrange(len(villages))]
        created = moment()
        households.append({"id": h, "village_id": village["id"], "code": f"HH{h:06d}", "join_code": f"J{h:07d}",
                           "head_name": f"{rng.choice(surnames)} {rng.choice(given)}", "address": None,
                           "created_at": created})
        if rng.random() < 0.85:
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                member_id += 1
                joined = created + timedelta(hours=rng.random() * 48)
                members.append({"id": member_id, "channel": rng.choice(CHANNELS), "external_id": f"u{member_id}",
                                "display_name": f"{rng.choice(given)}", "household_id": h, "is_guest": False,
                                "address_form": rng.choice(("bac", "co", "chu", "anh", None)),
                                "created_at": joined, "last_seen_at": min(now, joined + timedelta(days=rng.random() * 60))})
    guests = []
    for _ in range(size.households // 10):
        member_id += 1
        joined = moment()
        guests.append({"id": member_id, "channel": "web", "external_id": f"g{member_id}", "display_name": None,
                       "household_id": None, "is_guest": True, "address_form": None, "created_at": joined,
                       "last_seen_at": joined})
    tutorials = [t for t in catalog if t.is_tutorial]
    runs, events, helps = [], [], []
    run_id = event_id = 0
    for member in members:
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            topic = rng.choice(tutorials)
            steps = len(topic.steps)
            started = max(member["created_at"], moment())
            run_id += 1
            # Each step loses some people; the drop grows with step count.
            reached = 0
            while reached < steps - 1 and rng.random() < 0.82:
                reached += 1
            finished = reached == steps - 1 and rng.random() < 0.85
            at = started
            event_id += 1
            events.append({"id": event_id, "run_id": run_id, "kind": "started", "step_index": 0, "at": at})
            for step in range(reached + 1):
                at += timedelta(seconds=30 + rng.random() * 300)
                event_id += 1
                events.append({"id": event_id, "run_id": run_id, "kind": "step_shown", "step_index": step, "at": at})
                if step < reached or finished:
                    event_id += 1
                    events.append({"id": event_id, "run_id": run_id, "kind": "step_done", "step_index": step, "at": at})
            if finished:
                event_id += 1
                events.append({"id": event_id, "run_id": run_id, "kind": "completed", "step_index": reached, "at": at})
            status = "completed" if finished else rng.choice(("active", "paused", "paused", "abandoned"))
            runs.append({"id": run_id, "member_id": member["id"], "household_id": member["household_id"],
                         "topic_id": topic.id, "step_index": reached, "status": status, "started_at": started,
                         "updated_at": min(at, now), "completed_at": at if finished else None})
            if not finished and rng.random() < 0.12:
                created = min(at, now)
                status = rng.choice(("open", "taken", "closed", "closed"))
                taken = None if status == "open" else min(now, created + timedelta(minutes=2 + rng.random() * 600))
                helps.append({"member_id": member["id"], "household_id": member["household_id"],
                              "topic_id": topic.id, "step_index": reached, "status": status, "created_at": created,
                              "taken_at": taken, "closed_at": taken if status == "closed" else None,
                              "closed_by": "helper" if status == "closed" else None})
    everyone = members + guests
    logs = []
    topic_ids = [t.id for t in catalog]
    for _ in range(size.logs):
        member = everyone[rng.randrange(len(everyone))]
        at = max(member["created_at"], moment())
        if rng.random() < 0.45:
            payload = rng.choice(("tutorial:next:1:0", "menu", "topic:vneid-register", "tutorial:stuck:1:2"))
            row = {"text": None, "payload": payload, "intent": None, "confidence": None, "topic_id": None,
                   "understood": True}
        elif rng.random() < 0.28:
            guess = rng.choice(topic_ids)
            row = {"text": rng.choice(NOT_UNDERSTOOD), "payload": None, "intent": topic_intent(guess),
                   "confidence": round(rng.random() * 0.55, 3), "topic_id": None, "understood": False}
        else:
            topic = rng.choice(topic_ids)
            row = {"text": rng.choice(UNDERSTOOD), "payload": None, "intent": topic_intent(topic),
                   "confidence": round(0.6 + rng.random() * 0.4, 3), "topic_id": topic, "understood": True}
        row.update(at=at, channel=member["channel"], member_id=member["id"], household_id=member["household_id"],
                   replies="clarify" if not row["understood"] else "tutorial_step", latency_ms=40 + rng.random() * 400)
        logs.append(row)
    pushes, outbox = _pushes(rng, catalog, tutorials, communes, villages, households, members, now, size.days)
    # A generator of its own, so that adding outcomes left every row above as it was.
    outcomes = _outcomes(random.Random(seed + 1), catalog, runs, now)
    ratings = _ratings(random.Random(seed + 2), catalog, logs, runs, outcomes, now)
    _batched(engine, Commune.__table__, communes)
    _batched(engine, Village.__table__, villages)
    _batched(engine, Household.__table__, households)
    _batched(engine, Member.__table__, members + guests)
    _batched(engine, TutorialRun.__table__, runs)
    _batched(engine, StepEvent.__table__, events)
    _batched(engine, HelpRequest.__table__, helps)
    _batched(engine, ConversationLog.__table__, logs)
    _batched(engine, Push.__table__, pushes)
    _batched(engine, OutboxItem.__table__, outbox)
    _batched(engine, Outcome.__table__, outcomes)
    _batched(engine, Rating.__table__, ratings)
    if statistics:
        analyze(engine)
    return {"communes": len(communes), "villages": len(villages), "households": len(households),
            "members": len(members) + len(guests), "tutorial_runs": len(runs), "step_events": len(events),
            "help_requests": len(helps), "conversation_log": len(logs), "pushes": len(pushes), "outbox": len(outbox),
            "outcomes": len(outcomes), "ratings": len(ratings)}


def _pushes(rng, catalog, tutorials, communes, villages, households, members, now, days):
    """Tutorials pushed by team members: to villages, to communes, twice to the whole province (one recent)."""
    village_of = {h["id"]: h["village_id"] for h in households}
    commune_of = {v["id"]: v["commune_id"] for v in villages}
    reachable = {}
    for m in members:
        if m["channel"] in ("telegram", "zalo"):
            reachable[m["household_id"]] = m  # the last one wins, like actions/team/push.py's latest-seen member
    plans = ([("village", rng.choice(villages)["id"]) for _ in range(20)]
             + [("commune", rng.choice(communes)["id"]) for _ in range(8)] + [("province", None)] * 2)
    pushes, outbox = [], []
    for push_id, (scope, scope_id) in enumerate(plans, start=1):
        created = now - timedelta(days=5 if push_id == len(plans) else rng.random() * days)
        chosen = [h for h in reachable if scope == "province" or (scope == "village" and village_of[h] == scope_id)
                  or (scope == "commune" and commune_of[village_of[h]] == scope_id)]
        pushes.append({"id": push_id, "topic_id": rng.choice(tutorials).id, "audience": "all", "scope": scope,
                       "scope_id": scope_id, "team_member_id": None, "created_by": "Tổ công nghệ số",
                       "created_at": created, "households": len(chosen) + len(chosen) // 6,
                       "not_joined": len(chosen) // 6})
        for h in chosen:
            m = reachable[h]
            status = rng.choices(("sent", "failed", "skipped", "queued"), (90, 4, 4, 2))[0]
            sent = created + timedelta(seconds=rng.random() * 3600) if status == "sent" else None
            outbox.append({"kind": "push", "channel": m["channel"], "external_id": m["external_id"],
                           "chat_key": f"{m['channel']}:{m['external_id']}", "member_id": m["id"],
                           "household_id": h, "push_id": push_id, "reply": "{}", "address_form": None,
                           "priority": 0, "status": status, "attempts": 1 if sent else 0, "not_before": 0.0,
                           "dedupe_key": f"push:{push_id}:{h}", "created_at": created, "sent_at": sent,
                           "sent_ts": sent.timestamp() if sent else None,
                           "error": "blocked: bot blocked" if status == "failed" else None})
    return pushes, outbox


def _outcomes(rng, catalog, runs, now) -> list[dict]:
    """"Did it work?" after completed tutorials (mostly "done"), and some results recorded by the team."""
    rows = []
    for run in runs:
        topic = catalog.get(run["topic_id"])
        platform = topic.platform if topic else None
        if run["status"] == "completed" and rng.random() < 0.8:
            result = rng.choices(("done", "failed", "later"), (70, 15, 15))[0]
            rows.append({"member_id": run["member_id"], "household_id": run["household_id"], "run_id": run["id"],
                         "topic_id": run["topic_id"], "platform": platform, "result": result,
                         "step_index": run["step_index"] if result == "failed" else None, "source": "citizen",
                         "recorded_by_id": None, "at": min(now, run["completed_at"] + timedelta(minutes=1))})
        elif platform and rng.random() < 0.05:  # helped in person afterwards
            rows.append({"member_id": run["member_id"], "household_id": run["household_id"], "run_id": None,
                         "topic_id": run["topic_id"], "platform": platform, "result": "done", "step_index": None,
                         "source": "team", "recorded_by_id": None,
                         "at": min(now, run["updated_at"] + timedelta(days=rng.random() * 10))})
    return rows


# The share of the turns that carry 👍 / 👎 which someone taps: an answer is read and left more often than a
# tutorial's end, where the buttons stand alone after the last step.
RATE_ANSWER, RATE_TUTORIAL_END = 0.15, 0.25
# "Not helpful" is about one tap in five, more for some topics than others (so that some are "worst rated"),
# and most after a tutorial whose citizen then said it did not work.
NOT_HELPFUL, NOT_HELPFUL_AFTER_FAILED = 0.2, 0.6
# A reason is optional: some close the question instead. Weights per REASONS code, answers and tutorials apart
# ("not what I asked" fits an answer; "too long" a ten-step tutorial).
GAVE_REASON = 0.65
REASON_WEIGHTS = {"answer": {"unclear": 30, "wrong": 15, "not-asked": 35, "too-long": 10, "other": 10},
                  "tutorial": {"unclear": 30, "wrong": 30, "not-asked": 5, "too-long": 25, "other": 10}}


def _ratings(rng, catalog, logs, runs, outcomes, now) -> list[dict]:
    """👍 / 👎 taps after FAQ answers (the log's understood FAQ questions) and at completed tutorials' ends."""
    assert set(REASON_WEIGHTS["answer"]) == set(REASON_WEIGHTS["tutorial"]) == set(REASONS)
    faqs = {t.id for t in catalog if not t.is_tutorial}
    # Each topic's own leaning, around NOT_HELPFUL on average.
    leaning = {t.id: rng.uniform(0.4, 1.6) for t in catalog}
    failed = {o["run_id"] for o in outcomes if o["run_id"] is not None and o["result"] == "failed"}
    rows = []

    def rate(member_id, household_id, topic_id, at, kind: str, chance: float) -> None:
        helpful = rng.random() >= chance
        reason = None
        if not helpful and rng.random() < GAVE_REASON:
            weights = REASON_WEIGHTS[kind]
            reason = rng.choices(list(weights), list(weights.values()))[0]
        rows.append({"member_id": member_id, "household_id": household_id, "topic_id": topic_id,
                     "helpful": helpful, "reason": reason, "at": min(now, at)})

    for log in logs:
        if log["understood"] and log["topic_id"] in faqs and rng.random() < RATE_ANSWER:
            rate(log["member_id"], log["household_id"], log["topic_id"],
                 log["at"] + timedelta(seconds=15 + rng.random() * 120), "answer",
                 NOT_HELPFUL * leaning[log["topic_id"]])
    for run in runs:
        if run["status"] == "completed" and rng.random() < RATE_TUTORIAL_END:
            chance = NOT_HELPFUL_AFTER_FAILED if run["id"] in failed else NOT_HELPFUL * leaning[run["topic_id"]]
            rate(run["member_id"], run["household_id"], run["topic_id"],
                 run["completed_at"] + timedelta(seconds=5 + rng.random() * 60), "tutorial", chance)
    rows.sort(key=lambda r: r["at"])  # ids in time order, as a live table's
    return rows


def analyze(engine: Engine) -> None:
    """Planner statistics (and PostgreSQL's visibility map), as autovacuum keeps them on a live server."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
        return
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
