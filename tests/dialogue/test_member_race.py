"""A new citizen's first two messages at once both create the member: the turn that loses the race runs again."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.storage.households import Member
from tests.helpers import templates, turn, turns_logged


async def test_the_turn_that_loses_the_race_for_a_new_member_is_run_again_and_answered(services):
    dialogue = services.dialogue
    looked_up = dialogue._member
    raced = []

    def member_created_meanwhile(session, incoming):
        if not raced:
            raced.append(True)
            # The other turn commits the same new member between this turn's look-up and its insert.
            with services.sessions() as other:
                other.add(Member(channel=incoming.channel, external_id=incoming.user_id))
                other.commit()
            member = Member(channel=incoming.channel, external_id=incoming.user_id)
            session.add(member)
            session.flush()  # IntegrityError: (channel, external_id) is taken
            return member
        return looked_up(session, incoming)

    dialogue._member = member_created_meanwhile
    result = await turn(services, "new-citizen", text="/start")
    assert raced and "welcome_ask_household" in templates(result)
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Member).where(
            Member.external_id == "new-citizen")) == 1
    assert turns_logged(services) == 1
