"""Admission: a worker holds at most `running + waiting` updates; turns run `running` at a time, in arrival order."""
from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import create_engine

from bot.dialogue.admission import WAITING, Admission, Busy, running_for


def test_tickets_stop_at_the_limit_and_come_back_when_an_update_is_done():
    admission = Admission(running=1, waiting=2)
    with admission.ticket(), admission.ticket(), admission.ticket():
        assert not admission.accepting()
        with pytest.raises(Busy) as refused, admission.ticket():
            pass
        assert refused.value.retry_after >= 1
        assert admission.refused == 1 and admission.held == 3
    assert admission.held == 0 and admission.accepting()
    with admission.ticket():
        assert admission.held == 1
    admission.close()


def test_a_ticket_is_given_back_when_its_update_fails():
    admission = Admission(running=1, waiting=0)
    with pytest.raises(RuntimeError), admission.ticket():
        raise RuntimeError("the turn failed")
    assert admission.held == 0 and admission.accepting()
    admission.close()


async def test_turns_run_at_most_running_at_once_and_in_arrival_order():
    admission = Admission(running=2)
    lock = threading.Lock()
    state = {"now": 0, "most": 0}
    order: list[int] = []

    def turn(number: int) -> int:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        threading.Event().wait(0.01)
        with lock:
            state["now"] -= 1
            order.append(number)
        return number * 10

    results = await asyncio.gather(*(admission.run(turn, n) for n in range(12)))
    assert results == [n * 10 for n in range(12)]
    assert state["most"] == 2
    # Two run side by side, so neighbours may swap; nobody overtakes by more than that.
    assert all(abs(position - number) <= 1 for position, number in enumerate(order))
    admission.close()


def test_the_default_queue_is_short_and_the_same_whatever_runs():
    admission = Admission(running=3)
    assert admission.limit == 3 + WAITING
    admission.close()
    with pytest.raises(ValueError):
        Admission(running=0)


def test_sqlite_runs_one_turn_at_a_time(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'one.sqlite3'}")
    assert running_for(engine) == 1
    assert running_for(None) == 1
    engine.dispose()


def test_a_server_database_runs_as_many_turns_as_its_pool_holds_but_two_per_core_at_most():
    import os

    from bot.storage.db import make_engine
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # never connected to
    cores = len(os.sched_getaffinity(0))
    assert running_for(engine) == min(engine.pool.size(), 2 * cores)
    engine.dispose()


def test_the_more_are_refused_in_a_second_the_longer_they_are_told_to_wait():
    admission = Admission(running=1, waiting=1)
    waits = []
    with admission.ticket(), admission.ticket():
        for _ in range(10):
            try:
                with admission.ticket():
                    pass
            except Busy as refused:
                waits.append(refused.retry_after)
    assert waits[0] == 1 and waits == sorted(waits) and waits[-1] == 1 + 10 // 2
    assert admission.refused == 10
    admission.close()
