"""One tap after an answer or at a tutorial's end: helpful or not; "not helpful" offers a reason from buttons,
then a person. Only the tap is kept (topic, rating, reason code, member, time), never a typed word.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from actions.answers import button_unknown
from actions.buttons import HUMAN, MENU
from actions.context import ActionContext
from bot.shared.payloads import RatingButton, RatingReason
from bot.shared.types import Button, Reply
from bot.storage.ratings import REASONS, Rating

# A second tap on the same topic this soon changes the first rating rather than adding one.
SAME_RATING_WINDOW = timedelta(hours=1)


def _reason_rows(rating: Rating) -> tuple[tuple[Button, ...], ...]:
    """The reasons, two a row (their labels are short: buttons.yml `rate_reason_<code>`)."""
    buttons = [Button(f"rate_reason_{code.replace('-', '_')}", RatingReason(rating.id, code).pack())
               for code in REASONS]
    return tuple(tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2))


def rate(ctx: ActionContext, payload: RatingButton) -> list[Reply]:
    """Keep the tap; after "not helpful", ask why (optional) and offer a person."""
    if payload.topic_id not in ctx.catalog.topics:
        return button_unknown(ctx)
    helpful = payload.verb == "up"
    rating = ctx.session.scalars(select(Rating).where(
        Rating.member_id == ctx.member.id, Rating.topic_id == payload.topic_id,
        Rating.at >= ctx.now - SAME_RATING_WINDOW).order_by(Rating.id.desc()).limit(1)).first()
    if rating is None:
        rating = Rating(member_id=ctx.member.id, topic_id=payload.topic_id)
        ctx.session.add(rating)
    rating.household_id, rating.helpful, rating.at = ctx.member.household_id, helpful, ctx.now
    rating.reason = None
    ctx.session.flush()
    if helpful:
        return [Reply("rating_thanks", {"helpful": True}, buttons=((MENU,),))]
    title = ctx.catalog[payload.topic_id].title
    return [Reply("rating_ask_reason", {"title": title}, buttons=_reason_rows(rating) + ((HUMAN,), (MENU,)))]


def reason(ctx: ActionContext, payload: RatingReason) -> list[Reply]:
    """Why it was not helpful, from the buttons; then the offer of a person."""
    rating = ctx.session.scalars(select(Rating).where(
        Rating.id == payload.rating_id, Rating.member_id == ctx.member.id)).first()
    if rating is None or rating.helpful or payload.reason not in REASONS:
        return button_unknown(ctx)
    rating.reason = payload.reason
    return [Reply("rating_thanks", {"helpful": False}, buttons=((HUMAN,), (MENU,)))]
