"""One dialogue turn: dedupe, understand, act, log; committed before any reply is sent."""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from actions import answers, onboarding, privacy
from actions.context import ActionContext
from actions.team import relay, sessions
from bot.delivery.clock import aware
from bot.dialogue import routing
from bot.dialogue.admission import Admission, running_for
from bot.redact import redact
from bot.shared.team_settings import TeamSettings
from bot.shared.types import MAX_TEXT_LENGTH, Incoming, Reply, TurnResult
from bot.storage.base import utcnow
from bot.storage.conversations import log_turn, record_delivery
from bot.storage.db import unreachable
from bot.storage.households import Member
from content.loader import Catalog
from nlu import intents
from nlu.client import NluClient, NluUnavailable, Understanding
from nlu.meaning import catalog_reader

log = logging.getLogger(__name__)
# Waits before trying a turn again when the database could not be reached (a restart, a failover).
RETRY_DELAYS = (0.25, 1.0)
LAST_SEEN_STEP = timedelta(minutes=1)


@dataclass
class _Outcome:
    replies: list[Reply]
    understood: bool = True
    intent: str | None = None
    confidence: float | None = None
    topic_id: str | None = None


def _free_text(incoming: Incoming) -> str | None:
    """The message's text, stripped, when it is free text for the NLU; else None."""
    text = (incoming.text or "").strip()
    free = bool(text) and not text.startswith("/") and len(text) <= MAX_TEXT_LENGTH \
        and incoming.payload is None and incoming.media is None
    return text if free else None


class Dialogue:
    """Channel-independent: adapters hand in an Incoming and render the replies."""

    def __init__(self, sessions: sessionmaker, catalog: Catalog, nlu: NluClient | None, settings: TeamSettings,
                 confidence_threshold: float = 0.6, ask_margin: float = 0.0):
        self.sessions = sessions
        # SQLite lets one transaction write at a time and makes the others wait in its busy handler,
        # which sleeps in steps of up to 100 ms: turns queue on a lock instead, in arrival order.
        bind = sessions.kw.get("bind")
        self._one_writer = threading.Lock() if bind is not None and bind.dialect.name == "sqlite" else None
        # Channels take a ticket per update (refusing a crowd past the queue); turns run in its slots.
        self.admission = Admission(running_for(bind))
        self.catalog = catalog
        self.settings = settings
        self.nlu = nlu
        self.reader = catalog_reader(catalog, confidence_threshold, ask_margin)

    async def handle(self, incoming: Incoming) -> TurnResult:
        started = time.perf_counter()
        understanding: Understanding | None = None
        # Text relayed to a person in a help conversation is never sent to the NLU.
        text = _free_text(incoming)
        if text is not None and self.nlu is not None and not await self.admission.run(self._relaying, incoming):
            try:
                understanding = await self.nlu.parse(text)
            except NluUnavailable as exc:
                log.warning("NLU unavailable: %s", exc)
        for attempt, delay in enumerate((*RETRY_DELAYS, None)):
            try:
                result = await self.admission.run(self._turn, incoming, understanding, started)
            except (DBAPIError, PoolTimeout) as exc:
                if not unreachable(exc):
                    raise
                # Only a turn with a delivery id is retried: its dedupe row makes a second try harmless
                # even when the first one's commit went through and only its answer was lost.
                if delay is None or not incoming.update_key:
                    log.error("database unreachable; the citizen gets an error reply: %s", exc)
                    return TurnResult([Reply("error_generic")])
                log.warning("database unreachable, trying the turn again in %.2f s: %s", delay, exc)
                await asyncio.sleep(delay)
                continue
            if attempt and result.duplicate:
                # The earlier try was committed and only its answer was lost: the citizen must not
                # be left without a reply. Their progress is saved; they are asked to go on.
                return TurnResult([Reply("error_generic")])
            return result
        raise AssertionError("unreachable: the last try (delay None) returns or raises")

    def _turn(self, incoming: Incoming, understanding: Understanding | None, started: float) -> TurnResult:
        try:
            return self._turn_once(incoming, understanding, started)
        except IntegrityError:
            # A unique row raced another turn's: a new citizen's first two messages at once both create
            # the member. The other turn has committed it; this one, rolled back whole, runs again and finds
            # it. (Two deliveries of one update never get here: the second finds the delivery recorded.)
            return self._turn_once(incoming, understanding, started)

    def _turn_once(self, incoming: Incoming, understanding: Understanding | None, started: float) -> TurnResult:
        if self._one_writer is None:
            return self._turn_in_session(incoming, understanding, started)
        with self._one_writer:
            return self._turn_in_session(incoming, understanding, started)

    def _turn_in_session(self, incoming: Incoming, understanding: Understanding | None,
                         started: float) -> TurnResult:
        with self.sessions() as session:
            if incoming.update_key and not record_delivery(session, incoming.channel, incoming.update_key,
                                                           utcnow()):
                return TurnResult([], duplicate=True)
            member = self._member(session, incoming)
            ctx = ActionContext.open(session, member, self.catalog, self.settings, incoming.client_address)
            outcome = self._act(ctx, incoming, understanding)
            notice, consented = privacy.close_turn(
                ctx, may_show_notice=not (incoming.payload or "").startswith("privacy:"))
            outcome.replies = outcome.replies + notice
            # Without consent only what the turn was about is kept (intent, topic): never the words.
            said = redact(incoming.text[:MAX_TEXT_LENGTH]) if incoming.text else None
            log_turn(
                session, at=ctx.now, channel=incoming.channel, member_id=member.id,
                household_id=member.household_id,
                text=(said if consented else None) or incoming.media,
                payload=(incoming.payload or "")[:64] or None,
                intent=outcome.intent, confidence=outcome.confidence, topic_id=outcome.topic_id,
                understood=outcome.understood,
                replies=",".join(r.template for r in outcome.replies)[:300],
                latency_ms=(time.perf_counter() - started) * 1000,
            )
            session.commit()
            return TurnResult(outcome.replies, address_form=member.address_form)

    def _relaying(self, incoming: Incoming) -> bool:
        try:
            with self.sessions() as session:
                return relay.is_relaying(session, incoming.channel, incoming.user_id)
        except (DBAPIError, PoolTimeout) as exc:
            if not unreachable(exc):
                raise
            # The turn itself retries or answers with an error; the text is understood meanwhile.
            return False

    def _member(self, session: Session, incoming: Incoming) -> Member:
        member = session.scalars(select(Member).where(
            Member.channel == incoming.channel, Member.external_id == incoming.user_id)).first()
        if member is None:
            member = Member(channel=incoming.channel, external_id=incoming.user_id,
                            display_name=(incoming.display_name or "")[:200] or None)
            session.add(member)
            session.flush()
        return member

    def _act(self, ctx: ActionContext, incoming: Incoming, understanding: Understanding | None) -> _Outcome:
        # To the minute: the Zalo window and the reminders count in hours, and a press saves an UPDATE.
        if ctx.member.last_seen_at is None or ctx.now - aware(ctx.member.last_seen_at) >= LAST_SEEN_STEP:
            ctx.member.last_seen_at = ctx.now
        if incoming.payload is not None:
            replies = routing.route_payload(ctx, incoming.payload)
            return _Outcome(replies, understood=replies[0].template != "button_unknown")
        if incoming.media is not None:
            peer = relay.peer(ctx)
            if peer is not None:
                return _Outcome(relay.relay_media(ctx, peer, answers.media_word(incoming.media)), intent="relay")
            return _Outcome(answers.unsupported_media(ctx, incoming.media), understood=False)
        text = (incoming.text or "").strip()
        if not text:
            return _Outcome(answers.message_empty(ctx), understood=False)
        if len(text) > MAX_TEXT_LENGTH:
            return _Outcome(answers.message_too_long(ctx), understood=False)
        if text.startswith("/"):
            replies, intent, understood = routing.route_command(ctx, text)
            return _Outcome(replies, understood=understood, intent=intent)
        # A team member scheduling a session (/buoihotro) types its day and time, then its place.
        scheduling = sessions.typed(ctx, text)
        if scheduling is not None:
            return _Outcome(scheduling, intent="team_session_typed")
        peer = relay.peer(ctx)
        if peer is not None:
            return _Outcome(relay.relay_text(ctx, peer, text), intent="relay")
        if ctx.member.household_id is None:
            joined = onboarding.code_in_text(ctx, text)
            if joined is not None:
                return _Outcome(joined, intent="household_code")
        if understanding is None:
            return _Outcome(answers.nlu_unavailable(ctx), understood=False)
        meaning = self.reader.read(understanding.intent, understanding.confidence, understanding.ranking)
        replies, understood = routing.route_meaning(ctx, meaning)
        return _Outcome(replies, understood=understood, intent=understanding.intent,
                        confidence=understanding.confidence,
                        topic_id=intents.topic_of_intent(understanding.intent, self.catalog.topics.keys()))
