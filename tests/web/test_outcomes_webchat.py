"""Issue 14 in the web chat over real HTTP: "Chưa được" at a step and the help request carrying it, "Đã làm được"
counted for the household, a FAQ rated "not helpful" with a reason."""
from __future__ import annotations

from sqlalchemy import select

from bot.admin.queries.outcomes import household_platforms
from bot.people.households import add_household
from bot.storage.help import HelpRequest
from bot.storage.ratings import Rating
from tests.web.test_webchat_e2e import _buttons, web_chat


def _one(messages: list[dict], prefix: str) -> str:
    return next(p for p in _buttons(messages) if p.startswith(prefix))


async def test_outcomes_and_a_rating_in_the_web_chat(services, catalog):
    with services.sessions() as session:
        household = add_household(session, commune="Xã Tân Lập", village="Thôn Đông", head_name="Trần Thị Lan")
        session.commit()
        household_id, code = household.id, household.join_code
    async with web_chat(services) as send:
        number = 0

        async def say(**body) -> list[dict]:
            nonlocal number
            number += 1
            return await send(number, **body)

        linked = await say(text=f"/start {code}")
        if any(p.startswith("address:") for p in _buttons(linked)):
            await say(payload=_one(linked, "address:"))

        async def finish(topic_id: str) -> list[dict]:
            messages = await say(payload=f"topic:{topic_id}")
            for _ in catalog[topic_id].steps:
                messages = await say(payload=_one(messages, "tutorial:next:"))
            assert "Chúc mừng" in messages[0]["text"]
            return messages

        end = await finish("dvc-login")
        which = await say(payload=_one(end, "outcome:failed:"))
        assert [b["label"] for b in which[0]["buttons"][0]] == ["Bước 1", "Bước 2", "Bước 3", "Bước 4"]
        second = next(p for p in _buttons(which) if p.startswith("outcome:step:") and p.endswith(":1"))
        failed = await say(payload=second)
        helped = await say(payload=_one(failed, "outcome:help:"))
        assert "bước 2" in helped[0]["text"]

        end = await finish("vneid-register")
        done = await say(payload=_one(end, "outcome:done:"))
        assert catalog.platforms["vneid-level1"].name in done[0]["text"]

        answer = await say(payload="topic:faq-dvc-what")
        asked = await say(payload=_one(answer, "rate:down:"))
        await say(payload=next(p for p in _buttons(asked) if p.endswith(":too-long")))
    with services.sessions() as session:
        [request] = session.scalars(select(HelpRequest)).all()
        assert (request.topic_id, request.step_index) == ("dvc-login", 1)
        assert [p.platform for p in household_platforms(session, household_id)] == ["vneid-level1"]
        [rating] = session.scalars(select(Rating)).all()
        assert (rating.topic_id, rating.helpful, rating.reason, rating.household_id) == \
            ("faq-dvc-what", False, "too-long", household_id)
