"""The admin's generated data (devtools/admin_data.py): ratings as the bot writes them, in plausible shares."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from bot.storage.households import Member
from bot.storage.progress import TutorialRun
from bot.storage.ratings import REASONS, Rating
from devtools.admin_data import Size, generate

NOW = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)  # SQLite gives naive UTC back


def test_ratings_follow_faq_answers_and_tutorial_ends(services, catalog):
    counts = generate(services.engine, catalog, Size(communes=2, villages_per_commune=3, households=1500,
                                                     logs=20_000, days=60), now=NOW)
    faqs = {t.id for t in catalog if not t.is_tutorial}
    with services.sessions() as session:
        ratings = list(session.scalars(select(Rating)))
        members = {m.id: m for m in session.scalars(select(Member))}
        completed = set(session.execute(select(TutorialRun.member_id, TutorialRun.topic_id)
                                        .where(TutorialRun.status == "completed")).all())
        assert counts["ratings"] == len(ratings) == session.scalar(select(func.count()).select_from(Rating))
    answers = [r for r in ratings if r.topic_id in faqs]
    ends = [r for r in ratings if r.topic_id not in faqs]
    assert answers and ends
    # A tutorial is rated at its end: by a member who completed it.
    assert all((r.member_id, r.topic_id) in completed for r in ends)
    # Mostly helpful, about one in five not; a reason only after "not helpful", and not always.
    not_helpful = [r for r in ratings if not r.helpful]
    assert 0.12 < len(not_helpful) / len(ratings) < 0.32
    assert all(r.reason is None for r in ratings if r.helpful)
    assert {r.reason for r in not_helpful} - {None} <= set(REASONS)
    assert 0.4 < sum(r.reason is not None for r in not_helpful) / len(not_helpful) < 0.9
    # The household is the member's own (guests have none), and no tap is in the future.
    assert all(r.household_id == members[r.member_id].household_id for r in ratings)
    assert any(r.household_id is None for r in answers)  # web-chat guests rate answers too
    assert all(_aware(r.at) <= NOW for r in ratings)
    # Ratings are a small share of the turns: under a fifth of the FAQ answers, a quarter of tutorial ends.
    assert 0.05 * counts["conversation_log"] > len(ratings) > 0.005 * counts["conversation_log"]

