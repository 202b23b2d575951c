"""The team's commands: households import/sheet, team add/list/code, push create/report/list,
outbox send/status, reminders run, helpdesk escalate. Registered into `camtay` by bot/cli.py."""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from datetime import datetime, timezone

from sqlalchemy import func, select

from bot.storage.staff import ROLE_COMMUNE, ROLE_PROVINCE, ROLE_TEAM


@contextlib.contextmanager
def _services(settings):
    """The services for one command, closed when it ends."""
    from bot.services import build_services
    from content.loader import load_catalog
    services = build_services(settings, load_catalog(settings.content_dir / "topics"))
    try:
        yield services
    finally:
        asyncio.run(services.aclose())


# `team add --role member` is the staff role "team" (a team member's villages), the word this command always had.
TEAM_ROLE_WORDS = {"member": ROLE_TEAM, ROLE_COMMUNE: ROLE_COMMUNE, ROLE_PROVINCE: ROLE_PROVINCE}


def _role_word(role: str) -> str:
    """How `team add` and `team list` name a staff role."""
    return next((word for word, value in TEAM_ROLE_WORDS.items() if value == role), role)


def _team_add(args, settings) -> int:
    from bot.people import team_members as team
    from bot.team.sheet import SheetError, bot_username, deep_link
    with _services(settings) as services:
        with services.sessions() as session:
            try:
                member, code = team.add_member(session, args.name, args.village or [], args.commune,
                                               TEAM_ROLE_WORDS.get(args.role, args.role), args.phone,
                                               datetime.now(timezone.utc), settings.team.link_code_days)
            except team.TeamError as exc:
                print(exc, file=sys.stderr)
                return 1
            session.commit()
            villages = ", ".join(v.name for v in member.villages) or "-"
            print(f"team member {member.id}: {member.name} ({_role_word(member.role)}; villages: {villages})")
            print(f"one-time link code (valid {settings.team.link_code_days} days): {code}")
            try:
                print(f"link: {deep_link(bot_username(settings), code)}")
            except SheetError:
                print(f"in Telegram, send the bot: /start {code}")
    return 0


def _team_list(args, settings) -> int:
    from bot.storage.staff import Staff, in_chat_team
    with _services(settings) as services:
        with services.sessions() as session:
            for member in session.scalars(select(Staff).where(in_chat_team()).order_by(Staff.id)):
                villages = ", ".join(v.name for v in member.villages) or "-"
                linked = "linked" if member.member_id else "not linked"
                print(f"{member.id}\t{member.name}\t{_role_word(member.role)}\t{villages}\t{linked}"
                      + ("" if member.active else "\tinactive"))
    return 0


def _team_code(args, settings) -> int:
    from bot.people import team_members as team
    from bot.storage.staff import Staff, in_chat_team
    with _services(settings) as services:
        with services.sessions() as session:
            member = session.scalars(select(Staff).where(Staff.id == args.id, in_chat_team())).first()
            if member is None:
                print(f"no team member {args.id}", file=sys.stderr)
                return 1
            code = team.issue_link_code(member, datetime.now(timezone.utc), settings.team.link_code_days)
            session.commit()
            print(f"one-time link code for {member.name}: {code}")
    return 0


def _push_create(args, settings) -> int:
    from actions.team import push
    from bot.people.team_members import TeamError, find_commune, find_village
    with _services(settings) as services:
        with services.sessions() as session:
            try:
                if args.village:
                    scope, scope_id = "village", find_village(session, args.village, args.commune).id
                elif args.commune:
                    scope, scope_id = "commune", find_commune(session, args.commune).id
                else:
                    scope, scope_id = "province", None
                created, new = push.create_push(
                    session, services.catalog, args.topic, args.audience.replace("-", "_"), scope, scope_id,
                    created_by=args.created_by, team_member=None, now=datetime.now(timezone.utc),
                    settings=settings.team)
            except (TeamError, push.PushError) as exc:
                print(exc, file=sys.stderr)
                return 1
            session.commit()
            report = push.report(session, services.catalog, created.id)
            if report is None:
                raise LookupError(f"push {created.id} was just created (committed) but has no report")
            result = report.as_dict()
        if not new:
            print(f"push {created.id} with the same topic, audience and place was made minutes ago; not again")
        print(json.dumps(result, ensure_ascii=False) if args.json else
              f"push {result['push_id']}: {result['queued']} queued ({result['skipped']} outside the Zalo window), "
              f"{result['not_joined']} household(s) not joined")
    return 0


def _push_report(args, settings) -> int:
    from actions.team import push
    with _services(settings) as services:
        with services.sessions() as session:
            result = push.report(session, services.catalog, args.id)
            if result is None:
                print(f"no push {args.id}", file=sys.stderr)
                return 1
            data = result.as_dict()
        if args.json:
            print(json.dumps(data, ensure_ascii=False))
        else:
            for key, value in data.items():
                print(f"{key}: {value}")
    return 0


def _push_list(args, settings) -> int:
    from bot.storage.delivery import Push
    with _services(settings) as services:
        with services.sessions() as session:
            for row in session.scalars(select(Push).order_by(Push.id.desc()).limit(args.limit)):
                print(f"{row.id}\t{row.created_at:%Y-%m-%d %H:%M}\t{row.topic_id}\t{row.audience}\t"
                      f"{row.scope}:{row.scope_id or '-'}\t{row.households} households\tby {row.created_by}")
    return 0


def _outbox_send(args, settings) -> int:
    from bot.team import sender
    return sender.command(args, settings)


def _outbox_status(args, settings) -> int:
    from bot.storage.delivery import OutboxItem
    with _services(settings) as services:
        with services.sessions() as session:
            rows = session.execute(select(OutboxItem.kind, OutboxItem.status, func.count())
                                   .group_by(OutboxItem.kind, OutboxItem.status).order_by(OutboxItem.kind)).all()
        for kind, status, count in rows:
            print(f"{kind}\t{status}\t{count}")
    return 0


def _tick(args, settings) -> int:
    from actions.team.periodic import tick
    with _services(settings) as services:
        print(" ".join(f"{k}={v}" for k, v in tick(services.sessions, services.catalog, settings.team).items()))
    return 0


def _households_import(args, settings) -> int:
    from bot.team import household_import
    return household_import.command(args, settings)


def _households_sheet(args, settings) -> int:
    from bot.team import sheet
    return sheet.command(args, settings)


def register(commands: argparse._SubParsersAction, household_commands: argparse._SubParsersAction) -> None:
    imp = household_commands.add_parser("import", help="import households from a CSV file (all rows or none)")
    imp.add_argument("file", help="CSV: commune, village, code (optional), head, address, phone (optional)")
    imp.add_argument("--skip-invalid", action="store_true", help="import the valid rows even if some are not")
    imp.set_defaults(handler=_households_import)
    sheet = household_commands.add_parser("sheet", help="printable join cards of a village (HTML and PDF)")
    sheet.add_argument("--village", required=True)
    sheet.add_argument("--commune", help="when the village name is in several communes")
    sheet.add_argument("--out", default="sheets", help="folder for the files (default: sheets/)")
    sheet.add_argument("--no-pdf", action="store_true", help="only the HTML page")
    sheet.set_defaults(handler=_households_sheet)

    team = commands.add_parser("team", help="community tech team members").add_subparsers(
        dest="team_command", required=True)
    add = team.add_parser("add", help="register a member (prints a one-time link code for their chat)")
    add.add_argument("--name", required=True)
    add.add_argument("--village", action="append", help="a village they look after (repeat for several)")
    add.add_argument("--commune", help="their commune (needed when a village name is ambiguous, or for --role commune)")
    add.add_argument("--role", choices=tuple(TEAM_ROLE_WORDS), default="member",
                     help="member (the staff role 'team', as in `admin create-user --role team`): their villages; "
                          "commune: the commune's admin (escalations); province")
    add.add_argument("--phone")
    add.set_defaults(handler=_team_add)
    team.add_parser("list", help="every member, their villages, linked or not").set_defaults(handler=_team_list)
    code = team.add_parser("code", help="a new one-time link code for a member")
    code.add_argument("id", type=int)
    code.set_defaults(handler=_team_code)

    pushes = commands.add_parser("push", help="push a tutorial to households").add_subparsers(
        dest="push_command", required=True)
    create = pushes.add_parser("create", help="queue a tutorial for the households of a place")
    create.add_argument("--topic", required=True, help="a tutorial topic id, e.g. vneid-register")
    create.add_argument("--audience", choices=("all", "not-started", "unfinished"), default="all")
    create.add_argument("--village")
    create.add_argument("--commune", help="the whole commune (or the village's commune)")
    create.add_argument("--created-by", default="admin (CLI)")
    create.add_argument("--json", action="store_true")
    create.set_defaults(handler=_push_create)
    report = pushes.add_parser("report", help="queued, sent, failed (why), skipped, opened, completed")
    report.add_argument("id", type=int)
    report.add_argument("--json", action="store_true")
    report.set_defaults(handler=_push_report)
    listing = pushes.add_parser("list", help="the latest pushes")
    listing.add_argument("--limit", type=int, default=20)
    listing.set_defaults(handler=_push_list)

    outbox = commands.add_parser("outbox", help="the durable outbox of unsolicited messages").add_subparsers(
        dest="outbox_command", required=True)
    send = outbox.add_parser("send", help="run a sender (several may run at once on PostgreSQL)")
    from bot.team.sender import add_arguments
    add_arguments(send)
    send.set_defaults(handler=_outbox_send)
    outbox.add_parser("status", help="rows by kind and status").set_defaults(handler=_outbox_status)
    commands.add_parser("team-tick", help="once: escalate untaken help requests, queue due reminders "
                                          "(camtay run does it every minute)").set_defaults(handler=_tick)
