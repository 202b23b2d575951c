"""What every action gets: the open database session, the member, the catalog, the team's settings."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.shared.team_settings import TeamSettings
from bot.storage.base import utcnow
from bot.storage.households import Member
from bot.storage.progress import TutorialRun
from content.loader import Catalog


@dataclass
class ActionContext:
    session: Session
    member: Member
    catalog: Catalog
    settings: TeamSettings  # as configured: quiet hours, time zone, the Zalo window, ...
    now: datetime
    client_address: str | None = None  # the web chat's client, for the join-code limits; None elsewhere

    @classmethod
    def open(cls, session: Session, member: Member, catalog: Catalog, settings: TeamSettings,
             client_address: str | None = None) -> "ActionContext":
        return cls(session=session, member=member, catalog=catalog, settings=settings, now=utcnow(),
                   client_address=client_address)

    def active_run(self) -> TutorialRun | None:
        """The member's tutorial in progress, if any."""
        return self.session.scalars(
            select(TutorialRun)
            .where(TutorialRun.member_id == self.member.id, TutorialRun.status == "active")
            .order_by(TutorialRun.updated_at.desc()).limit(1)
        ).first()

    def latest_unfinished_run(self, topic_id: str | None = None) -> TutorialRun | None:
        query = select(TutorialRun).where(
            TutorialRun.member_id == self.member.id,
            TutorialRun.status.in_(("active", "paused")),
        )
        if topic_id:
            query = query.where(TutorialRun.topic_id == topic_id)
        return self.session.scalars(query.order_by(TutorialRun.updated_at.desc()).limit(1)).first()

    def menu_topic_ids(self) -> list[str]:
        """The menu's topics (content/menu.yml) that the catalog has."""
        return [t for t in self.catalog.menu if t in self.catalog.topics]
