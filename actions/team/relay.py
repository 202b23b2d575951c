"""The relay of a taken help request: what one side writes goes to the other side through the outbox.

The dialogue looks up the member's `peer` once per message: a chat in a relayed conversation has its text
and media passed on here instead of read by the NLU.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sqlalchemy.orm import Session

from actions.context import ActionContext
from actions.team.helpdesk import close_button, in_relay, name_of_request, relay_peer, taker
from actions.team.replies import team_reply
from bot.delivery.outbox import PRIORITY_PERSON, enqueue
from bot.redact import redact
from bot.shared.types import Reply
from bot.storage.help import HelpRequest
from bot.storage.households import Member

Peer = tuple[str, HelpRequest]  # ('citizen' | 'helper', the request), as helpdesk.relay_peer finds it


def peer(ctx: ActionContext) -> Peer | None:
    """The side this chat takes in a relayed conversation, and its request; None outside one."""
    return relay_peer(ctx.session, ctx.member)


def is_relaying(session: Session, channel: str, user_id: str) -> bool:
    """Whether this chat's free text goes to a person rather than to the NLU."""
    return in_relay(session, channel, user_id)


def relay_text(ctx: ActionContext, peer: Peer, text: str) -> list[Reply]:
    """Free text in a relayed conversation goes to the other side."""
    side, request = peer
    if side == "citizen":
        masked = redact(text)
        _pass_on(ctx, side, request, lambda sender: team_reply("relay_from_citizen", {"name": sender, "text": masked}))
        # Numbers that look like an OTP or an ID were masked: say so, so the citizen knows why.
        return [team_reply("relay_redacted")] if masked != text else []
    # The citizen gets the helper's words as typed (a hotline's number must arrive whole): the outbox keeps
    # them only until the row is final, then blanks them (bot/delivery/outbox.py). The citizen's own words are
    # masked before they reach the helper: an OTP or ID number is not for a helper to see.
    _pass_on(ctx, side, request, lambda sender: team_reply("relay_from_helper", {"helper_name": sender, "text": text}))
    return []


def relay_media(ctx: ActionContext, peer: Peer, what: str) -> list[Reply]:
    """A photo, voice message or file in a relayed conversation: the assistant cannot pass it on, so the
    other side hears that one came and the sender is asked to write it."""
    side, request = peer
    _pass_on(ctx, side, request, lambda sender: team_reply("relay_media_notice", {"sender": sender, "what": what}))
    return [team_reply("relay_media", {"what": what, "to_helper": side == "citizen"})]


def _pass_on(ctx: ActionContext, side: str, request: HelpRequest, reply_from: Callable[[str], Reply]) -> None:
    """Queue `reply_from(the sender's name)` for the other side of the conversation; the helper's copy
    carries the button that ends it."""
    helper = taker(ctx.session, request)
    if side == "citizen":
        other = ctx.session.get(Member, helper.member_id)
        reply = replace(reply_from(name_of_request(ctx.session, request)), buttons=((close_button(request),),))
    else:
        other = ctx.session.get(Member, request.member_id)
        reply = reply_from(helper.name)
    if other is not None:
        enqueue(ctx.session, other, reply, "relay", priority=PRIORITY_PERSON)
