"""A turn whose commit went through but whose answer was lost (the database connection dropped after
the commit) is tried again: the second try finds it done and must still give the citizen a reply."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.dialogue import turn as turn_module
from bot.storage.progress import StepEvent
from tests.helpers import payload_starting, templates, turn


async def test_a_retried_turn_that_was_already_done_still_answers(services, monkeypatch):
    await turn(services, "lan", text="/start", key="1")
    await turn(services, "lan", payload="household:guest", key="2")
    started = await turn(services, "lan", payload="topic:vneid-register", key="3")
    next_step = payload_starting(started, "tutorial:next:")

    dialogue = services.dialogue
    original = dialogue._turn
    calls = []

    def commit_then_drop(*args):
        calls.append(args)
        result = original(*args)
        if len(calls) == 1:
            raise OperationalError("COMMIT", {}, ConnectionResetError("connection reset by peer"))
        return result

    monkeypatch.setattr(dialogue, "_turn", commit_then_drop)
    monkeypatch.setattr(turn_module, "RETRY_DELAYS", (0.01,))
    result = await turn(services, "lan", payload=next_step, key="4")

    assert len(calls) == 2
    assert templates(result) == ["error_generic"] and not result.duplicate
    with services.sessions() as session:  # the press counted once
        assert session.scalar(select(func.count()).select_from(StepEvent).where(StepEvent.kind == "step_done")) == 1
