"""A push report's failure reasons, from the errors the sender and the outbox record."""
from __future__ import annotations

import pytest

from actions.team.push import FAILURE_REASONS, failure_reason


@pytest.mark.parametrize("error, reason", [
    ("blocked: Forbidden: bot was blocked by the user", "blocked"),
    ("refused: Bad Request: chat not found", "refused"),
    ("unknown: NetworkError: httpx.ReadTimeout", "unknown"),
    ("interrupted: the sender stopped while sending; not sent again", "unknown"),
    ("expired: not sent in time (quiet hours)", "expired"),
    ("gave up: NetworkError: Bad Gateway", "gave_up"),
    ("ApiError: -213 user has not interacted in 48 hours", "refused"),
    ("TimedOut: something new", "other"),
    (None, "other"),
])
def test_failure_reasons(error, reason):
    assert failure_reason(error) == reason and reason in FAILURE_REASONS


def test_opened_counts_only_runs_touched_after_that_households_own_send(services):
    """Two pushes of one tutorial: the second is opened by the household that stepped after it reached
    them, not by the one that stepped between the first push and the second."""
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import select, update

    from actions.team import push
    from bot.storage.delivery import OutboxItem
    from bot.storage.households import Household, Member
    from bot.storage.progress import StepEvent, TutorialRun
    from devtools.pushing import seed

    seed(services.sessions, 2)
    now = datetime.now(timezone.utc)
    first_send, second_send = now - timedelta(hours=3), now - timedelta(hours=1)
    with services.sessions() as session:
        village_id = session.scalar(select(Household.village_id))
        first, _ = push.create_push(session, services.catalog, "vneid-register", "all", "village", village_id,
                                    "test", None, now - timedelta(hours=3))
        second, _ = push.create_push(session, services.catalog, "vneid-register", "all", "village", village_id,
                                     "test", None, now - timedelta(hours=1))
        for push_id, at in ((first.id, first_send), (second.id, second_send)):
            session.execute(update(OutboxItem).where(OutboxItem.push_id == push_id).values(
                status="sent", sent_at=at, sent_ts=at.timestamp()))
        late, early = session.execute(select(Member.id, Member.household_id).order_by(Member.id)).all()
        for (member_id, household_id), stepped in ((late, now - timedelta(minutes=30)),
                                                   (early, now - timedelta(hours=2))):
            run = TutorialRun(member_id=member_id, household_id=household_id, topic_id="vneid-register",
                              status="active", started_at=stepped, updated_at=stepped)
            session.add(run)
            session.flush()
            session.add(StepEvent(run_id=run.id, kind="shown", step_index=0, at=stepped))
        session.commit()
        assert push.report(session, services.catalog, second.id).opened == 1
        assert push.report(session, services.catalog, first.id).opened == 2
