"""Sending on Zalo: one rendered reply becomes the OA messages Zalo accepts (images, text, buttons)."""
from __future__ import annotations

import asyncio
import functools
import logging
from pathlib import Path
from urllib.parse import quote

import httpx

from bot.channels import upload_key
from bot.channels.zalo import wire
from bot.channels.zalo.api import ZaloApi
from bot.channels.zalo.tokens import TokenError, TokenStore
from bot.delivery.senders import Outcome, classify_common, reason_of
from bot.render import RenderedMessage, Renderer
from bot.shared.types import Reply

log = logging.getLogger(__name__)
SEND_ERRORS = (wire.ApiError, TokenError, httpx.HTTPError)


def classify(exc: BaseException) -> Outcome:
    """What a failed send means for the outbox: Zalo answered no (final), or there was no token to send
    with (tried again: the operator may fix it meanwhile); the network's errors as for any channel."""
    if isinstance(exc, wire.ApiError):
        return Outcome("failed", reason_of(exc))
    if isinstance(exc, TokenError):
        return Outcome("retry", reason_of(exc))
    return classify_common(exc)


def outgoing(user_id: str, message: RenderedMessage, image: dict | None = None) -> list[dict]:
    """The message bodies for one rendered reply: the image, the text (split if long), the buttons."""
    bodies = [image] if image is not None else []
    buttons = [(b.label, b.payload) for row in message.buttons for b in row]
    groups = [buttons[i:i + wire.MAX_BUTTONS] for i in range(0, len(buttons), wire.MAX_BUTTONS)]
    texts = wire.split_text(message.text) if message.text.strip() else []
    if groups and not texts:
        texts = [wire.MORE_BUTTONS_TEXT]
    for number, text in enumerate(texts, start=1):
        # The buttons go with the last piece of text, read last.
        bodies.append(wire.text_message(user_id, text, groups[0] if groups and number == len(texts) else None))
    bodies += [wire.text_message(user_id, wire.MORE_BUTTONS_TEXT, group) for group in groups[1:]]
    return bodies


class ZaloSender:
    """Renders replies and sends them with a fresh access token; step images by URL or uploaded once."""

    def __init__(self, api: ZaloApi, tokens: TokenStore, renderer: Renderer, public_base_url: str | None):
        self.api = api
        self.tokens = tokens
        self.renderer = renderer
        self.public_base_url = public_base_url
        self._uploads: dict[tuple, str] = {}

    async def send(self, user_id: str, reply: Reply, address_form: str | None = None) -> None:
        """Render and send one reply; raises wire.ApiError, TokenError or httpx.HTTPError."""
        message = self.renderer.render(reply, address_form)
        image, upload = None, None
        if message.image is not None and message.image_name is not None:  # the renderer sets both or neither
            image, upload = await self._image(user_id, message.image, message.image_name, message.image_alt)
        for body in outgoing(user_id, message, image):
            try:
                await self._with_token(functools.partial(self.api.send, body=body))
            except wire.ApiError:
                if body is image and upload is not None:
                    self._uploads.pop(upload, None)  # perhaps expired at Zalo: upload again next time
                raise

    async def _image(self, user_id: str, path: Path, name: str, alt: str | None) -> tuple[dict, tuple | None]:
        """The image message (captioned with what it shows) and its upload key: by URL when PUBLIC_BASE_URL
        is set, else uploaded once per file."""
        if self.public_base_url:
            url = f"{self.public_base_url}/images/{quote(name)}"
            return wire.image_message(user_id, url=url, caption=alt), None
        key = upload_key(path)
        if key not in self._uploads:
            self._uploads[key] = await self._with_token(functools.partial(self.api.upload_image, path=path))
        return wire.image_message(user_id, attachment_id=self._uploads[key], caption=alt), key

    async def _with_token(self, call):
        """call(access_token); when Zalo says the token is invalid or expired, refresh and try once more."""
        token = await asyncio.to_thread(self.tokens.access_token)
        try:
            return await call(token)
        except wire.ApiError as exc:
            if exc.code not in wire.TOKEN_ERRORS:
                raise
            log.info("Zalo refused the access token (%s); refreshing", exc.code)
            return await call(await asyncio.to_thread(self.tokens.access_token, token))
