"""`camtay admin ...`: create admin users, reset a password or a second factor, list users."""
from __future__ import annotations

import argparse
import getpass
import sys
from contextlib import contextmanager

from sqlalchemy import select

from bot.settings import Settings
from bot.storage.staff import ROLES


def register(commands) -> None:
    """Add the `admin` command to the top-level subparsers of bot/cli.py."""
    admin = commands.add_parser("admin", help="admin web users")
    sub = admin.add_subparsers(dest="admin_command", required=True)
    create = sub.add_parser("create-user", help="create a user of the admin web")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=ROLES,
                        help="province: everything; commune: one commune; team: some villages")
    create.add_argument("--commune", help="the commune (commune admins and team members)")
    create.add_argument("--village", action="append", default=[],
                        help="a village of --commune (team members; repeat for several)")
    create.add_argument("--name", help="the person's name, shown in the admin web")
    create.add_argument("--create-places", action="store_true",
                        help="create the commune and villages when they do not exist yet")
    create.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    create.set_defaults(handler=create_user)
    password = sub.add_parser("set-password", help="set a user's password (logs their browsers out)")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true")
    password.set_defaults(handler=set_password)
    reset = sub.add_parser("reset-totp", help="forget a user's second factor (a lost phone): they enrol again "
                                               "at their next login; logs their browsers out")
    reset.add_argument("username")
    reset.set_defaults(handler=reset_totp)
    listing = sub.add_parser("list-users", help="list the admin web's users")
    listing.set_defaults(handler=list_users)


@contextmanager
def _session(settings: Settings):
    """A session on the migrated database; the engine is disposed afterwards."""
    from bot.storage.db import make_engine, migrate, session_factory
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


NO_TERMINAL = ("there is no terminal to type the password in; pipe it in with --password-stdin, "
               "e.g. printf '%s\\n' \"$PASSWORD\" | camtay admin ... --password-stdin")


def _read_password(from_stdin: bool) -> str:
    """The password from stdin (--password-stdin) or typed twice at the terminal; ValueError when neither can be."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ValueError(NO_TERMINAL)
    try:
        first = getpass.getpass("Password: ")
        again = getpass.getpass("Password again: ")
    except EOFError:
        raise ValueError(NO_TERMINAL) from None
    if again != first:
        raise ValueError("the passwords differ")
    return first


def _places(session, args):
    """The commune and villages named on the command line, or an error naming what is missing."""
    from bot.storage.places import Commune, Village
    if args.role == "province":
        if args.commune or args.village:
            raise ValueError("a province admin sees every commune: leave out --commune and --village")
        return None, []
    if not args.commune:
        raise ValueError(f"a {args.role} user needs --commune")
    if args.role == "commune" and args.village:
        raise ValueError("a commune admin sees the whole commune: leave out --village")
    if args.role == "team" and not args.village:
        raise ValueError("a team member needs at least one --village")
    name = args.commune.strip()
    commune = session.scalars(select(Commune).where(Commune.name == name)).first()
    if commune is None:
        if not args.create_places:
            known = ", ".join(session.scalars(select(Commune.name).order_by(Commune.name))) or "none yet"
            raise ValueError(f"no commune {name!r} (known: {known}); add --create-places to create it")
        commune = Commune(name=name)
        session.add(commune)
        session.flush()
    villages = []
    for village_name in (v.strip() for v in args.village):
        village = session.scalars(select(Village).where(
            Village.commune_id == commune.id, Village.name == village_name)).first()
        if village is None:
            if not args.create_places:
                raise ValueError(f"no village {village_name!r} in {name!r}; add --create-places to create it")
            village = Village(commune_id=commune.id, name=village_name)
            session.add(village)
            session.flush()
        villages.append(village)
    return commune, villages


def create_user(args, settings: Settings) -> int:
    from bot.admin import audit
    from bot.admin.auth import AccountError
    from bot.admin.auth import create_user as create
    with _session(settings) as session:
        try:
            commune, villages = _places(session, args)
            password = _read_password(args.password_stdin)
            user = create(session, args.username, password, args.role, commune=commune, villages=villages,
                          display_name=args.name)
        except (AccountError, ValueError) as exc:
            print(f"camtay admin create-user: {exc}", file=sys.stderr)
            return 1
        audit.record(session, audit.CREATE_USER, username="(cli)", target=user.username,
                     detail={"role": user.role, "commune": commune.name if commune else None,
                             "villages": [v.name for v in villages]})
        session.commit()
        scope = {"province": "every commune", "commune": f"commune {commune.name if commune else ''}",
                 "team": "villages " + ", ".join(v.name for v in villages)}[user.role]
        print(f"created {user.username} ({user.role}: {scope}); log in at /admin/login")
    return 0


def _user_named(session, username: str):
    """The admin user of that name, or AccountError saying where to look."""
    from bot.admin.auth import AccountError, clean_username
    from bot.storage.staff import Staff
    name = clean_username(username)
    user = session.scalars(select(Staff).where(Staff.username == name)).first()
    if user is None:
        raise AccountError(f"no user {name!r}; see `camtay admin list-users`")
    return user


def set_password(args, settings: Settings) -> int:
    from bot.admin import audit
    from bot.admin.auth import AccountError
    from bot.admin.auth import set_password as change
    with _session(settings) as session:
        try:
            user = _user_named(session, args.username)
            change(session, user, _read_password(args.password_stdin))
        except (AccountError, ValueError) as exc:
            print(f"camtay admin set-password: {exc}", file=sys.stderr)
            return 1
        audit.record(session, audit.SET_PASSWORD, username="(cli)", target=user.username)
        session.commit()
        print(f"password of {user.username} changed; their sessions were closed")
    return 0


def reset_totp(args, settings: Settings) -> int:
    from bot.admin import audit, totp
    from bot.admin.auth import AccountError
    with _session(settings) as session:
        try:
            user = _user_named(session, args.username)
        except AccountError as exc:
            print(f"camtay admin reset-totp: {exc}", file=sys.stderr)
            return 1
        had = user.totp_enabled
        totp.reset(session, user)
        audit.record(session, audit.TOTP_RESET, username="(cli)", target=user.username, detail={"had_totp": had})
        session.commit()
        print(f"second factor of {user.username} reset; they set up a new one at their next login")
    return 0


def list_users(args, settings: Settings) -> int:
    from bot.storage.staff import Staff, logs_in
    with _session(settings) as session:
        for user in session.scalars(select(Staff).where(logs_in()).order_by(Staff.username)):
            where = user.commune.name if user.commune else ", ".join(v.name for v in user.villages) or "-"
            print(f"{user.username}\t{user.role}\t{where}\t{'active' if user.active else 'disabled'}")
    return 0


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - for `python -m bot.admin.cli`
    top = argparse.ArgumentParser(prog="camtay")
    register(top.add_subparsers(dest="command", required=True))
    args = top.parse_args(argv)
    return args.handler(args, Settings.from_env())
