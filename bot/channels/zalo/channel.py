"""Zalo Official Account: signed webhook events in, rendered replies out through the OA message API.

The webhook stores the event in the inbox (inbox.py) and answers at once (Zalo wants an answer within
2 seconds, and never resends an event it got 200 for); the turn runs afterwards in a task, from the inbox,
and events a crash left there are handled at the next start. One user's events are handled in the order
they arrived. Wire details live in wire.py.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels.limits import BodyTooLarge, read_body, too_large
from bot.channels.services import Services
from bot.channels.zalo import send as zalo_send
from bot.channels.zalo import wire
from bot.channels.zalo.api import ZaloApi
from bot.channels.zalo.inbox import ZaloInbox
from bot.channels.zalo.send import SEND_ERRORS, ZaloSender
from bot.channels.zalo.tokens import TokenError, TokenStore
from bot.delivery.senders import Outcome
from bot.dialogue.admission import Busy
from bot.shared.types import Incoming, Reply
from bot.storage.db import unreachable

log = logging.getLogger(__name__)
CHANNEL = "zalo"
WEBHOOK_PATH = "/zalo/webhook"
MAX_WEBHOOK_BYTES = 1024 * 1024
KEEPALIVE_SECONDS = 600  # checks the access token this often, so the refresh chain never lapses
RECOVER_SECONDS = 30     # looks this often for inbox events whose worker died (after the lease ran out)
BUSY_RECOVER_SECONDS = 1  # ... and this often while events wait in it because the worker was full


def incoming_from_event(event: wire.Event) -> Incoming | None:
    """Plain data from a parsed event; None for events that are not a citizen talking to us."""
    key = event.delivery_id
    if event.kind not in ("text", "payload", "media", "follow"):
        return None
    user_id = _given(event, event.user_id, "user id")
    if event.kind == "text":
        # NUL means nothing in a chat message, and PostgreSQL refuses it in text columns.
        text = _given(event, event.text, "text").replace("\x00", "")
        return Incoming(channel=CHANNEL, user_id=user_id, text=text, update_key=key)
    if event.kind == "payload":
        payload = _given(event, event.payload, "payload").replace("\x00", "")
        return Incoming(channel=CHANNEL, user_id=user_id, payload=payload, update_key=key)
    if event.kind == "media":
        return Incoming(channel=CHANNEL, user_id=user_id, media=event.media, update_key=key)
    # Following the OA is Zalo's "start": welcome them as Telegram's /start does.
    return Incoming(channel=CHANNEL, user_id=user_id, text="/start", update_key=key)


def _given(event: wire.Event, value: str | None, what: str) -> str:
    """A field wire.parse_event always sets for this kind of event."""
    if value is None:
        raise wire.WireError(f"a {event.kind} event ({event.name}) without its {what}")
    return value


class _KeyedLocks:
    """One asyncio lock per user while they have events in flight (asyncio locks are first come, first served)."""

    def __init__(self) -> None:
        self._locks: dict[str, list] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str):
        entry = self._locks.setdefault(key, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:
                yield
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                del self._locks[key]


class ZaloChannel:
    """Wires the dialogue to one Zalo OA; registers itself as the "zalo" sender."""

    def __init__(self, services: Services, api: ZaloApi | None = None):
        settings = services.settings
        app_id, app_secret, oa_secret_key = settings.zalo_app_id, settings.zalo_app_secret, settings.zalo_oa_secret_key
        if not (app_id and app_secret and oa_secret_key):
            raise ValueError("ZaloChannel needs ZALO_APP_ID, ZALO_APP_SECRET and ZALO_OA_SECRET_KEY")
        self.services = services
        self.settings = settings
        self._app_id, self._oa_secret_key = app_id, oa_secret_key
        self.api = api or ZaloApi(settings.zalo_api_url, settings.zalo_oauth_url, app_id, app_secret)
        self.tokens = TokenStore(services.sessions, app_id, settings.zalo_refresh_token,
                                 self.api.refresh)
        self.sender = ZaloSender(self.api, self.tokens, services.renderer, settings.public_base_url)
        self.inbox = ZaloInbox(services.sessions)
        self._tasks: set[asyncio.Task] = set()
        self._in_flight: set[int] = set()  # inbox ids this worker is handling
        self._locks = _KeyedLocks()
        self._left_waiting = False  # events wait in the inbox because the worker was full: look again soon
        self._left_count = 0  # events left to wait so far (tells recover whether one came while it read)
        self._chained: set[str] = set()  # users whose events recover is handing to turns, in order
        self._background: list[asyncio.Task] = []
        services.senders[CHANNEL] = self

    # --- lifecycle
    async def start(self) -> None:
        """Hand the events a crash or a restart left in the inbox to turns; then keep the token fresh."""
        try:
            await self.recover()
        except SQLAlchemyError:
            log.exception("Zalo: could not read the inbox at start; will try again")
        self._background = [
            asyncio.create_task(self._keep_token_fresh(), name="zalo-token-keepalive"),
            asyncio.create_task(self._keep_recovering(), name="zalo-inbox-recovery"),
        ]

    async def stop(self) -> None:
        """Finish the turns in flight (the webhook already said 200 for them), then close."""
        for task in self._background:
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        await self.drained(timeout=10)
        await self.api.aclose()

    async def drained(self, timeout: float = 10) -> None:
        """Wait until every accepted event has been handled."""
        while self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
            if pending:
                log.warning("%d Zalo events still in flight after %s s", len(pending), timeout)
                return

    async def _keep_token_fresh(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.tokens.access_token)
            except TokenError as exc:
                log.error("Zalo: %s", exc)
            except Exception:
                log.exception("Zalo: could not check the access token")
            await asyncio.sleep(KEEPALIVE_SECONDS)

    async def _keep_recovering(self) -> None:
        while True:
            await asyncio.sleep(BUSY_RECOVER_SECONDS if self._left_waiting else RECOVER_SECONDS)
            try:
                await self.recover()
                await asyncio.to_thread(self.inbox.prune)
            except Exception:
                log.exception("Zalo: could not go through the inbox")

    async def recover(self) -> int:
        """Hand the inbox events nobody is handling to turns, one user's in order; returns how many."""
        by_user: dict[str, list[int]] = {}
        left_before = self._left_count
        for event_id, user_id in await asyncio.to_thread(self.inbox.due):
            if event_id not in self._in_flight:
                by_user.setdefault(user_id, []).append(event_id)
        if self._left_count == left_before:  # none was left while the inbox was read: all of them are here
            self._left_waiting = False
        for user_id, event_ids in by_user.items():
            self._chained.add(user_id)
            self._spawn(self._process_in_order(user_id, event_ids))
        started = sum(map(len, by_user.values()))
        if started:
            log.warning("Zalo: %d accepted events found unhandled in the inbox; handling them now", started)
        return started

    async def _process_in_order(self, user_id: str, event_ids: list[int]) -> None:
        # Stops at the first event another worker holds (that worker goes on with the rest, in order) or
        # that found this worker full (the next look at the inbox hands it out again, still first).
        try:
            for event_id in event_ids:
                if not await self._process(event_id, user_id):
                    return
        finally:
            self._chained.discard(user_id)

    def _leave_waiting(self) -> None:
        """An event stays in the inbox for want of room: the inbox is looked at again within a second."""
        self._left_waiting = True
        self._left_count += 1

    # --- webhook
    async def accept(self, raw: bytes, signature: str | None, client: object = None) -> Response:
        """Check one webhook delivery and answer at once; the turn runs afterwards."""
        try:
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise wire.WireError("not a JSON object")
            timestamp = wire.event_timestamp(body)
        except (ValueError, RecursionError) as exc:  # RecursionError: JSON nested thousands deep
            return JSONResponse({"error": f"body must be a Zalo event: {exc}"}, status_code=400)
        if not wire.signature_matches(signature, self._app_id, raw, timestamp, self._oa_secret_key):
            log.warning("Zalo webhook with a bad signature (event %r) from %s", body.get("event_name"), client)
            return JSONResponse({"error": "bad signature"}, status_code=401)
        try:
            event = wire.parse_event(body)
        except wire.WireError as exc:
            log.warning("Zalo webhook: malformed %r event: %s", body.get("event_name"), exc)
            return JSONResponse({"error": str(exc)}, status_code=400)
        incoming = incoming_from_event(event)
        if incoming is not None:
            # Stored before the 200: Zalo never resends an event it got 200 for. Unstored, it gets 503
            # and Zalo tries again later.
            try:
                event_id = await asyncio.to_thread(self.inbox.add, incoming)
            except SQLAlchemyError as exc:
                if unreachable(exc):
                    log.error("Zalo webhook: could not store the %r event, asking Zalo to retry: %s", event.name,
                              exc)
                    return JSONResponse({"error": "try again later"}, status_code=503)
                # Not the database being away but this event: a retry would fail the same way, and Zalo
                # disables a webhook that keeps failing, so it is logged and dropped.
                log.exception("Zalo webhook: the %r event %s could not be stored; dropped", event.name,
                              event.delivery_id)
                return Response(status_code=200)
            if event_id is None:
                log.info("Zalo webhook: %r event %s delivered again, ignored", event.name, event.delivery_id)
            elif self.services.dialogue.admission.accepting() and not self._left_waiting \
                    and incoming.user_id not in self._chained:
                self._spawn(self._process(event_id, incoming.user_id))
            else:
                # The worker is full, or earlier events wait in the inbox: this one waits behind them and
                # the inbox hands them out in order, one user's after the other.
                self._leave_waiting()
        elif event.kind == "unknown":
            log.warning("Zalo webhook: unknown event %r ignored", event.name)
        elif event.kind == "unfollow":
            log.info("Zalo user %s unfollowed the OA", event.user_id)
        return Response(status_code=200)

    def _spawn(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _process(self, event_id: int, user_id: str) -> bool:
        """One inbox event: claim it, run the turn, send the replies, mark it handled; False if not claimed."""
        self._in_flight.add(event_id)
        try:
            with self.services.dialogue.admission.ticket():
                async with self._locks.hold(user_id):
                    incoming = await asyncio.to_thread(self.inbox.claim, event_id)
                    if incoming is None:
                        return False  # handled already, or another worker has it
                    await self._handle(incoming)
                    await asyncio.to_thread(self.inbox.done, event_id)
                    return True
        except Busy:
            self._leave_waiting()  # unclaimed, so the inbox hands it out again: in order, soon
            return False
        except SQLAlchemyError as exc:
            log.error("Zalo event %s stays in the inbox for another try: %s", event_id, exc)
            return False
        finally:
            self._in_flight.discard(event_id)

    async def _handle(self, incoming: Incoming) -> None:
        try:
            result = await self.services.dialogue.handle(incoming)
        except Exception:
            log.exception("error while handling a Zalo event")
            await self._send_logged(incoming.user_id, Reply("error_generic"))
            return
        for reply in result.replies:
            if not await self._send_logged(incoming.user_id, reply, result.address_form):
                return

    async def _send_logged(self, user_id: str, reply: Reply, address_form: str | None = None) -> bool:
        try:
            await self.send_to(user_id, reply, address_form)
            return True
        except SEND_ERRORS as exc:
            log.error("could not send a Zalo message (%s) to %s: %s", reply.template, user_id, exc)
        except Exception:
            log.exception("could not send a Zalo message (%s) to %s", reply.template, user_id)
        return False

    # --- sending
    async def send_to(self, external_id: str, reply: Reply, address_form: str | None = None) -> None:
        """The Sender protocol (the external id is the user's id for this OA); raises wire.ApiError,
        TokenError or httpx.HTTPError."""
        await self.sender.send(external_id, reply, address_form)

    def classify(self, exc: BaseException) -> Outcome:
        """The Sender protocol: what a failed send_to means for the outbox."""
        return zalo_send.classify(exc)


async def webhook(request: Request) -> Response:
    channel = request.app.state.services.senders.get(CHANNEL)
    if not isinstance(channel, ZaloChannel):
        return JSONResponse({"error": "zalo is not configured"}, status_code=404)
    try:
        raw = await read_body(request, MAX_WEBHOOK_BYTES)
    except BodyTooLarge:
        return too_large()
    return await channel.accept(raw, request.headers.get(wire.SIGNATURE_HEADER), request.client)


def routes() -> list[Route]:
    return [Route(WEBHOOK_PATH, webhook, methods=["POST"])]


async def start_if_configured(services: Services) -> ZaloChannel | None:
    """For `camtay run`: a started channel when ZALO_APP_ID, ZALO_APP_SECRET and ZALO_OA_SECRET_KEY are set."""
    settings = services.settings
    if not settings.zalo_configured:
        given = [settings.zalo_app_id, settings.zalo_app_secret, settings.zalo_oa_secret_key]
        if any(given):
            log.warning("Zalo is off: set all of ZALO_APP_ID, ZALO_APP_SECRET and ZALO_OA_SECRET_KEY")
        return None
    channel = ZaloChannel(services)
    await channel.start()
    log.info("Zalo: webhook at %s%s", settings.public_base_url or "", WEBHOOK_PATH)
    return channel
