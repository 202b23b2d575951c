"""Socket options for the bot's own HTTP clients (the Bot API through python-telegram-bot, the NLU server)."""
from __future__ import annotations

import socket

# Small requests go out at once. httpx writes a request's head and body separately; without TCP_NODELAY the
# body waits in Nagle's buffer for the ACK of the head, which the server delays by up to 40 ms. asyncio's own
# loop sets TCP_NODELAY on every TCP connection, uvloop's (bot/runner.py) leaves it to the caller: on uvloop a
# free-text turn took 89 ms instead of 22 ms (docs/BENCHMARKS.md).
NO_DELAY: list[tuple[int, int, int]] = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
