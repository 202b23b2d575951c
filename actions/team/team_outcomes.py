"""`/ketqua` from chat: after helping a household in person, a team member records what now works for it.

Household (from the member's villages, a page at a time, or typed: `/ketqua HH000012`), platform
(content/platforms.yml), then "Đã làm được". The row and its audit are written by bot/people/team_outcomes.py.
Buttons (bot/shared/payloads.py): res:l:<page>, res:h:<household>, res:p|ok:<household>:<platform>, res:x.
"""

from __future__ import annotations

from sqlalchemy import func, select

from actions.answers import button_unknown
from actions.context import ActionContext
from actions.team.replies import team_reply
from bot.people import team_members as team
from bot.people import team_outcomes
from bot.shared.payloads import ResultCancel, ResultHousehold, ResultPage, ResultPlatform
from bot.shared.types import Button, Reply
from bot.storage.households import Household
from bot.storage.outcomes import OUTCOME_DONE, Outcome
from bot.storage.staff import Staff

HOUSEHOLDS_PER_PAGE = 8
CANCEL = Button("result_cancel", ResultCancel().pack())
ResultButton = ResultPage | ResultHousehold | ResultPlatform | ResultCancel


def _villages(ctx: ActionContext) -> tuple[Staff, list[int]] | None:
    staff = team.team_member_of(ctx.session, ctx.member)
    return (staff, team.village_ids(ctx.session, staff)) if staff is not None else None


def start(ctx: ActionContext, argument: str) -> list[Reply]:
    """`/ketqua`: the households of the member's villages; `/ketqua <code>`: straight to that household."""
    found = _villages(ctx)
    if found is None:
        return [team_reply("not_team_member")]
    _, villages = found
    code = argument.strip().upper()
    if code:
        household = ctx.session.scalars(
            select(Household).where(Household.code == code, Household.village_id.in_(villages))
        ).first()
        if household is None:
            return [team_reply("result_no_household", {"code": code})]
        return _platforms(ctx, household)
    return _households(ctx, villages, 0)


def _households(ctx: ActionContext, villages: list[int], page: int) -> list[Reply]:
    where = Household.village_id.in_(villages)
    total = ctx.session.scalar(select(func.count()).select_from(Household).where(where)) or 0
    if not total:
        return [team_reply("result_no_household", {"code": None})]
    shown = ctx.session.scalars(
        select(Household)
        .where(where)
        .order_by(Household.head_name, Household.id)
        .offset(page * HOUSEHOLDS_PER_PAGE)
        .limit(HOUSEHOLDS_PER_PAGE)
    ).all()
    rows: list[tuple[Button, ...]] = [
        (Button("result_household", ResultHousehold(h.id).pack(), {"head": h.head_name, "code": h.code}),)
        for h in shown
    ]
    if (page + 1) * HOUSEHOLDS_PER_PAGE < total:
        rows.append((Button("session_more", ResultPage(page + 1).pack()),))
    rows.append((CANCEL,))
    return [team_reply("result_choose_household", {"households": total, "page": page}, buttons=tuple(rows))]


def _done_platforms(ctx: ActionContext, household: Household) -> set[str]:
    return {
        p
        for p in ctx.session.scalars(
            select(Outcome.platform).where(Outcome.household_id == household.id, Outcome.result == OUTCOME_DONE)
        )
        if p is not None
    }


def _platforms(ctx: ActionContext, household: Household) -> list[Reply]:
    has = _done_platforms(ctx, household)
    rows = tuple(
        (
            Button(
                "result_platform", ResultPlatform("p", household.id, p.id).pack(), {"name": p.name, "has": p.id in has}
            ),
        )
        for p in ctx.catalog.platforms.values()
        if team_outcomes.topic_for(ctx.catalog, p.id)
    )
    return [
        team_reply(
            "result_choose_platform", {"head": household.head_name, "code": household.code}, buttons=(*rows, (CANCEL,))
        )
    ]


def on_button(ctx: ActionContext, payload: ResultButton) -> list[Reply]:
    found = _villages(ctx)
    if found is None:
        return [team_reply("not_team_member")]
    staff, villages = found
    if isinstance(payload, ResultCancel):
        return [team_reply("result_cancelled")]
    if isinstance(payload, ResultPage):
        return _households(ctx, villages, payload.page)
    household = ctx.session.get(Household, payload.household_id)
    if household is None or household.village_id not in villages:
        return button_unknown(ctx)
    if isinstance(payload, ResultHousehold):
        return _platforms(ctx, household)
    platform = ctx.catalog.platforms.get(payload.platform)
    if platform is None:
        return button_unknown(ctx)
    facts = {"head": household.head_name, "code": household.code, "platform": platform.name}
    if payload.verb == "p":
        return [
            team_reply(
                "result_confirm",
                facts,
                buttons=(
                    (Button("result_done", ResultPlatform("ok", household.id, platform.id).pack()),),
                    (Button("result_back", ResultHousehold(household.id).pack()), CANCEL),
                ),
            )
        ]
    try:
        team_outcomes.record(ctx.session, ctx.catalog, household, platform.id, staff, ctx.now)
    except team_outcomes.OutcomeRefused as refused:
        return [team_reply("result_refused", {**facts, "reason": refused.key})]
    return [
        team_reply("result_recorded", facts, buttons=((Button("result_more", ResultHousehold(household.id).pack()),),))
    ]
