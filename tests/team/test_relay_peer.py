"""Who a chat talks to in a relayed conversation, found in one query: as the citizen first, else as the helper."""
from __future__ import annotations

from sqlalchemy import event

from actions.team.helpdesk import in_relay, relay_peer
from bot.storage.help import HELP_CLOSED, HELP_OPEN, HELP_TAKEN, HelpRequest
from bot.storage.households import Member
from bot.storage.staff import Staff


def add(session, model):
    session.add(model)
    session.flush()
    return model


def counted(engine):
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    return statements


def test_the_side_and_request_of_a_relay_in_one_query(services):
    with services.sessions() as session:
        citizen = add(session, Member(channel="telegram", external_id="100"))
        helper_chat = add(session, Member(channel="telegram", external_id="200"))
        stranger = add(session, Member(channel="telegram", external_id="300"))
        helper = add(session, Staff(name="Chị Lan", member_id=helper_chat.id))
        add(session, HelpRequest(member_id=citizen.id, status=HELP_CLOSED, taken_by_id=helper.id))
        add(session, HelpRequest(member_id=stranger.id, status=HELP_OPEN))
        assert relay_peer(session, citizen) is None and not in_relay(session, "telegram", "100")

        taken = add(session, HelpRequest(member_id=citizen.id, status=HELP_TAKEN, taken_by_id=helper.id))
        statements = counted(services.engine)
        assert relay_peer(session, citizen) == ("citizen", taken)
        assert relay_peer(session, helper_chat) == ("helper", taken)
        assert relay_peer(session, stranger) is None
        assert len(statements) == 3  # one query each
        assert in_relay(session, "telegram", "100") and in_relay(session, "telegram", "200")
        assert not in_relay(session, "telegram", "300") and not in_relay(session, "telegram", "nobody")

        # A team member who asked for help themselves talks as the citizen in their own request.
        own = add(session, HelpRequest(member_id=helper_chat.id, status=HELP_TAKEN, taken_by_id=None))
        assert relay_peer(session, helper_chat) == ("citizen", own)
        own.status = HELP_CLOSED
        helper.active = False  # a team member no longer active relays nothing as a helper
        session.flush()
        assert relay_peer(session, helper_chat) is None and not in_relay(session, "telegram", "200")
        assert relay_peer(session, citizen) == ("citizen", taken)
