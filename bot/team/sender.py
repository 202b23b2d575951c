"""A sender process of its own: the outbox's sender (bot/delivery/sender.py) over the channels' Senders,
without their update handling. Several may run at once on PostgreSQL.

    python -m bot.team.sender [--until-empty]      # or: camtay outbox send
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot.channels import zalo
from bot.delivery.sender import OutboxSender
from bot.services import build_services
from bot.settings import Settings
from bot.team.runtime import outbox_senders
from content.loader import load_catalog


async def run_standalone(settings: Settings, until_empty: bool = False,
                         sender_id: str | None = None) -> dict[str, int]:
    # Requests leave at their slot only if the event loop gets the GIL back quickly from the database threads.
    sys.setswitchinterval(0.001)
    services = build_services(settings, load_catalog(settings.content_dir / "topics"))
    telegram = None
    zalo_channel = None
    try:
        zalo_channel = await zalo.start_if_configured(services)
        senders, telegram = await outbox_senders(services)
        sender = OutboxSender(services.sessions, senders, settings.team, sender_id)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, sender.stop)
        await sender.run(until_empty=until_empty)
        return sender.counts
    finally:
        if telegram is not None:
            await telegram.application.shutdown()
        if zalo_channel is not None:
            await zalo_channel.stop()
        await services.aclose()


def command(args, settings: Settings) -> int:
    if not settings.telegram_bot_token and not settings.zalo_configured:
        print("No channel to send on: set TELEGRAM_BOT_TOKEN (or Zalo's settings).", file=sys.stderr)
        return 2
    counts = asyncio.run(run_standalone(settings, until_empty=args.until_empty, sender_id=args.sender_id))
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--until-empty", action="store_true", help="stop when nothing is left to send")
    parser.add_argument("--sender-id", help="a name for this sender in the outbox rows")


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(prog="python -m bot.team.sender", description="drain the outbox")
    add_arguments(parser)
    return command(parser.parse_args(argv), Settings.from_env())


if __name__ == "__main__":
    sys.exit(main())
