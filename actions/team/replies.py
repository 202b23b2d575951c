"""Replies of the team feature: templates under content/templates/team/."""
from __future__ import annotations

from typing import Any

from bot.shared.types import Button, Reply


def team_reply(template: str, context: dict[str, Any] | None = None,
               buttons: tuple[tuple[Button, ...], ...] = ()) -> Reply:
    """A reply from content/templates/team/<template>.j2."""
    return Reply(f"team/{template}", context or {}, buttons=buttons)
