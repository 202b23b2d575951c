"""The Zalo Official Account channel: channel.py wires it (webhook, inbox, sender), api.py makes the HTTP calls,
inbox.py keeps accepted events until handled, send.py renders replies and sorts send errors, tokens.py keeps
the OAuth token chain, wire.py holds the wire format (pure functions, no I/O)."""
from __future__ import annotations

from bot.channels.zalo.channel import ZaloChannel, routes, start_if_configured

__all__ = ["ZaloChannel", "routes", "start_if_configured"]
