"""The `camtay` command: run, ask, train, content check, households add; the feature modules' commands."""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

from bot.admin import cli as admin_cli
from bot.settings import Settings
from bot.storage.db import SchemaMismatch
from bot.team import cli as team_cli
from bot.team import demo


def _content_check(args, settings: Settings) -> int:
    from content.loader import CATALOG_SPEC, check_catalog
    catalog, errors = check_catalog(settings.content_dir / "topics", spec=CATALOG_SPEC)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        print(f"{len(errors)} error(s) in content.", file=sys.stderr)
        return 1
    print(f"content ok: {len(catalog)} topics")
    return 0


def _load_catalog_or_exit(settings: Settings):
    from content.loader import ContentInvalid, load_catalog
    try:
        return load_catalog(settings.content_dir / "topics")
    except ContentInvalid as exc:
        print(exc, file=sys.stderr)
        print("Fix the content errors above (see `camtay content check`).", file=sys.stderr)
        raise SystemExit(1)


def _train(args, settings: Settings) -> int:
    from nlu.training import TrainingFailed, train
    catalog = _load_catalog_or_exit(settings)
    try:
        model, trained = train(catalog, settings.models_dir, settings.rasa_venv,
                               settings.models_dir.parent / "build", quiet=not args.verbose)
    except TrainingFailed as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{'trained' if trained else 'up to date'}: {model}")
    return 0


def _ask(args, settings: Settings) -> int:
    from nlu.client import NluClient, NluUnavailable
    from nlu.local import answering_nlu
    from nlu.meaning import catalog_reader

    catalog = _load_catalog_or_exit(settings)
    reader = catalog_reader(catalog, settings.nlu_confidence, settings.nlu_ask_margin)

    async def run() -> None:
        async with answering_nlu(settings.nlu_url, settings.nlu_token, catalog, settings.models_dir,
                                 settings.rasa_venv) as (url, token):
            client = NluClient(url, token, settings.nlu_timeout)
            try:
                for line in sys.stdin:
                    question = line.rstrip("\n")
                    if not question.strip():
                        continue
                    try:
                        understanding = await client.parse(question)
                    except NluUnavailable as exc:
                        print(f"NLU unavailable: {exc}", file=sys.stderr)
                        raise SystemExit(2)
                    meaning = reader.read(understanding.intent, understanding.confidence, understanding.ranking)
                    topic_id = meaning.starts
                    topic = catalog.get(topic_id)
                    row = {"text": question, "topic": topic_id, "kind": topic.kind if topic else None,
                           "intent": understanding.intent, "confidence": round(understanding.confidence, 4),
                           "procedure": meaning.procedure_id, "choices": list(meaning.choices)}
                    if args.json:
                        print(json.dumps(row, ensure_ascii=False), flush=True)
                    else:
                        print(f"{topic_id or '-'}\t{understanding.intent}\t{understanding.confidence:.2f}\t{question}",
                              flush=True)
            finally:
                await client.aclose()

    asyncio.run(run())
    return 0


def _run(args, settings: Settings) -> int:
    from bot.runner import run_loop, serve
    catalog = _load_catalog_or_exit(settings)
    run_loop(serve(settings, catalog))
    return 0


def _households_add(args, settings: Settings) -> int:
    from bot.people.households import add_household
    from bot.storage.db import make_engine, migrate, session_factory
    engine = make_engine(settings.database_url)
    migrate(engine)
    with session_factory(engine)() as session:
        household = add_household(session, commune=args.commune, village=args.village,
                                  head_name=args.head, address=args.address, code=args.code)
        session.commit()
        print(f"{household.code}\tjoin code: {household.join_code}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="camtay", description="Cầm tay chỉ việc: the digital-skills assistant.")
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="web chat, admin and webhooks; Telegram when TELEGRAM_BOT_TOKEN is set")
    ask = commands.add_parser("ask", help="classify questions read from stdin, one per line")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    train = commands.add_parser("train", help="train the NLU model (skips when nothing changed)")
    train.add_argument("--verbose", action="store_true")
    content = commands.add_parser("content", help="content tools")
    content_commands = content.add_subparsers(dest="content_command", required=True)
    content_commands.add_parser("check", help="validate content/topics/*.yml, procedures.yml and menu.yml")
    households = commands.add_parser("households", help="households and their join codes")
    household_commands = households.add_subparsers(dest="households_command", required=True)
    add = household_commands.add_parser("add", help="add one household and print its join code")
    add.add_argument("--commune", required=True)
    add.add_argument("--village", required=True)
    add.add_argument("--head", required=True, help="head of household")
    add.add_argument("--address")
    add.add_argument("--code", help="household code (generated when empty)")
    admin_cli.register(commands)
    team_cli.register(commands, household_commands)
    demo.register(commands)
    return top


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    args = parser().parse_args(argv)
    settings = Settings.from_env()
    handlers = {"run": _run, "ask": _ask, "train": _train}
    try:
        if hasattr(args, "handler"):  # commands registered by feature modules
            return args.handler(args, settings)
        if args.command == "content":
            return _content_check(args, settings)
        if args.command == "households":
            return _households_add(args, settings)
        return handlers[args.command](args, settings)
    except SchemaMismatch as exc:
        print(f"camtay: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
