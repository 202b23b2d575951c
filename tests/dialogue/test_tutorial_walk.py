"""Walking a tutorial with buttons: next, back, repeat, pause, resume, completion, stale buttons."""
from sqlalchemy import select

from bot.storage.progress import StepEvent, TutorialRun
from tests.helpers import payload_starting, payloads, templates, turn

TOPIC = "vneid-register"


async def test_buttons_walk_a_tutorial_to_completion(services, catalog):
    steps = len(catalog[TOPIC].steps)
    result = await turn(services, payload=f"topic:{TOPIC}")
    assert templates(result) == ["tutorial_intro", "tutorial_step"]
    for number in range(2, steps + 1):
        result = await turn(services, payload=payload_starting(result, "tutorial:next:"))
        assert templates(result) == ["tutorial_step"]
        assert result.replies[0].context["number"] == number
    result = await turn(services, payload=payload_starting(result, "tutorial:next:"))
    assert templates(result) == ["tutorial_completed"]
    assert f"topic:{catalog[TOPIC].next_topic}" in payloads(result)
    with services.sessions() as session:
        run = session.scalars(select(TutorialRun)).one()
        kinds = [e.kind for e in session.scalars(select(StepEvent).where(StepEvent.run_id == run.id))]
    assert run.status == "completed" and run.completed_at is not None
    assert kinds[0] == "started" and kinds[-1] == "completed"
    assert kinds.count("step_done") == steps


async def test_back_and_repeat_move_within_the_run(services):
    result = await turn(services, payload=f"topic:{TOPIC}")
    result = await turn(services, payload=payload_starting(result, "tutorial:next:"))
    assert result.replies[0].context["number"] == 2
    result = await turn(services, payload=payload_starting(result, "tutorial:repeat:"))
    assert result.replies[0].context["number"] == 2
    result = await turn(services, payload=payload_starting(result, "tutorial:back:"))
    assert result.replies[0].context["number"] == 1
    result = await turn(services, payload=payload_starting(result, "tutorial:back:"))
    assert result.replies[0].context["number"] == 1  # never before the first step


async def test_pause_then_resume_where_left(services):
    result = await turn(services, payload=f"topic:{TOPIC}")
    result = await turn(services, payload=payload_starting(result, "tutorial:next:"))
    paused = await turn(services, payload=payload_starting(result, "tutorial:stop:"))
    assert templates(paused) == ["tutorial_paused"]
    # Asking for the same topic again resumes at step 2 rather than starting over.
    again = await turn(services, payload=f"topic:{TOPIC}")
    assert templates(again) == ["tutorial_resumed", "tutorial_step"]
    assert again.replies[1].context["number"] == 2
    resumed = await turn(services, payload=payload_starting(paused, "tutorial:resume:"))
    assert resumed.replies[-1].context["number"] == 2


async def test_restart_abandons_the_old_run(services):
    result = await turn(services, payload=f"topic:{TOPIC}")
    result = await turn(services, payload=payload_starting(result, "tutorial:next:"))
    paused = await turn(services, payload=payload_starting(result, "tutorial:stop:"))
    restarted = await turn(services, payload=payload_starting(paused, "tutorial:restart:"))
    assert templates(restarted) == ["tutorial_intro", "tutorial_step"]
    with services.sessions() as session:
        statuses = sorted(r.status for r in session.scalars(select(TutorialRun)))
    assert statuses == ["abandoned", "active"]


async def test_second_click_on_an_old_button_shows_the_current_step(services):
    result = await turn(services, payload=f"topic:{TOPIC}")
    old_next = payload_starting(result, "tutorial:next:")
    await turn(services, payload=old_next)
    stale = await turn(services, payload=old_next)
    assert templates(stale) == ["button_stale", "tutorial_step"]
    assert stale.replies[-1].context["number"] == 2
    with services.sessions() as session:
        assert session.scalars(select(TutorialRun)).one().step_index == 1  # not advanced twice


async def test_starting_another_tutorial_pauses_the_first(services):
    await turn(services, payload=f"topic:{TOPIC}")
    await turn(services, payload="topic:pay-electricity")
    with services.sessions() as session:
        by_topic = {r.topic_id: r.status for r in session.scalars(select(TutorialRun))}
    assert by_topic == {TOPIC: "paused", "pay-electricity": "active"}


async def test_buttons_of_another_member_are_refused(services):
    result = await turn(services, user="alice", payload=f"topic:{TOPIC}")
    stolen = payload_starting(result, "tutorial:next:")
    assert templates(await turn(services, user="mallory", payload=stolen)) == ["button_unknown"]


async def test_faq_offers_its_tutorial(services, catalog):
    result = await turn(services, payload="topic:faq-vneid-what")
    assert templates(result) == ["faq_answer"]
    assert f"topic:{catalog['faq-vneid-what'].tutorial}" in payloads(result)


async def test_button_presses_never_call_the_nlu(services):
    import httpx

    from nlu.client import NluClient

    calls = []
    services.dialogue.nlu = NluClient("http://127.0.0.1:9", transport=httpx.MockTransport(
        lambda request: calls.append(request.url.path) or httpx.Response(503)))
    result = await turn(services, payload=f"topic:{TOPIC}")
    for prefix in ("tutorial:next:", "tutorial:back:", "tutorial:repeat:", "tutorial:stop:"):
        result = await turn(services, payload=payload_starting(result, prefix))
    assert calls == []
    await turn(services, text="tiếp theo")  # free text does go to the NLU
    assert calls == ["/model/parse"]
    await services.dialogue.nlu.aclose()
