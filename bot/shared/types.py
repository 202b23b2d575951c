"""Plain data passed between channels, the dialogue and actions."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_TEXT_LENGTH = 4096


@dataclass(frozen=True)
class Incoming:
    """One thing a citizen did: typed text, pressed a button, or sent something we cannot read."""

    channel: str
    user_id: str
    text: str | None = None
    payload: str | None = None
    media: str | None = None  # sticker, photo, voice, location, ... when that is all there is
    display_name: str | None = None
    update_key: str | None = None  # the channel's delivery id, for dedupe
    client_address: str | None = None  # the web chat's client; Telegram and Zalo give none (join-code limits)


@dataclass(frozen=True)
class Button:
    """A button: `label` names an entry of content/templates/buttons.yml."""

    label: str
    payload: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    """A message as data: a template id and its context, button rows, an optional image."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    buttons: tuple[tuple[Button, ...], ...] = ()
    image: str | None = None


@dataclass(frozen=True)
class TurnResult:
    replies: list[Reply]
    address_form: str | None = None
    duplicate: bool = False
