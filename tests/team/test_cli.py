"""The team's commands: team add/list/code, push create/report/list, outbox status, team-tick."""
from __future__ import annotations

import json

import pytest

from bot.cli import main
from tests.team.test_household_import import GOOD


@pytest.fixture
def env(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "camtay_bot")
    csv = tmp_path / "households.csv"
    csv.write_text(GOOD, encoding="utf-8")
    assert main(["households", "import", str(csv)]) == 0
    return tmp_path


def test_team_add_prints_a_link_code_and_deep_link(env, capsys):
    capsys.readouterr()
    assert main(["team", "add", "--name", "Trần Thị Lan", "--village", "Thôn Đồng Bằng"]) == 0
    out = capsys.readouterr().out
    assert "team member 1: Trần Thị Lan (member; villages: Thôn Đồng Bằng)" in out
    code = out.split("): ")[-1].split()[0]
    assert code.startswith("TV") and f"https://t.me/camtay_bot?start={code}" in out
    assert main(["team", "list"]) == 0
    assert "Trần Thị Lan\tmember\tThôn Đồng Bằng\tnot linked" in capsys.readouterr().out
    assert main(["team", "code", "1"]) == 0
    assert "one-time link code for Trần Thị Lan: TV" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--name", "A", "--village", "Thôn Không Có"], "no village 'Thôn Không Có'"),
    (["--name", "A"], "at least one village"),
    (["--name", "A", "--role", "commune"], "needs --commune"),
])
def test_team_add_errors_are_clear(env, capsys, args, message):
    assert main(["team", "add", *args]) == 1
    assert message in capsys.readouterr().err


def test_push_from_the_cli_and_its_report(env, capsys):
    capsys.readouterr()
    assert main(["push", "create", "--topic", "vneid-register", "--commune", "Xã Tân Lập", "--json"]) == 0
    created = json.loads(capsys.readouterr().out)
    # Three households, none has a chat yet: nothing to send, all reported as not joined.
    assert (created["households"], created["not_joined"], created["queued"]) == (3, 3, 0)
    assert main(["push", "report", str(created["push_id"]), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["push_id"] == created["push_id"]
    assert main(["push", "list"]) == 0
    assert "vneid-register\tall\tcommune:1" in capsys.readouterr().out
    assert main(["push", "create", "--topic", "faq-vneid-what"]) == 1
    assert "not a tutorial topic" in capsys.readouterr().err
    assert main(["outbox", "status"]) == 0
    assert main(["team-tick"]) == 0
    assert "escalated=0" in capsys.readouterr().out


def test_outbox_send_needs_a_channel(env, capsys, monkeypatch):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["outbox", "send", "--until-empty"]) == 2
    assert "No channel to send on" in capsys.readouterr().err


def test_admins_and_team_members_share_one_staff_table_and_each_command_lists_its_own(env, capsys, monkeypatch):
    import io

    from sqlalchemy import select

    from bot.settings import Settings
    from bot.storage.db import make_engine, session_factory
    from bot.storage.staff import ROLE_TEAM, Staff

    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["admin", "create-user", "lan", "--role", "team", "--commune", "Xã Tân Lập", "--village",
                 "Thôn Đồng Bằng", "--name", "Trần Thị Lan", "--password-stdin"]) == 0
    # The same name in the same commune: a row of its own, not merged into the admin login.
    assert main(["team", "add", "--name", "Trần Thị Lan", "--village", "Thôn Đồng Bằng", "--role", "member"]) == 0
    capsys.readouterr()
    engine = make_engine(Settings.from_env().database_url)
    with session_factory(engine)() as session:
        rows = session.scalars(select(Staff).order_by(Staff.id)).all()
        assert [(s.id, s.name, s.role, s.username) for s in rows] == [
            (1, "Trần Thị Lan", ROLE_TEAM, "lan"), (2, "Trần Thị Lan", ROLE_TEAM, None)]
        assert [v.name for v in rows[0].villages] == [v.name for v in rows[1].villages] == ["Thôn Đồng Bằng"]
    engine.dispose()
    assert main(["team", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["2\tTrần Thị Lan\tmember\tThôn Đồng Bằng\tnot linked"]
    assert main(["admin", "list-users"]) == 0
    assert capsys.readouterr().out.splitlines() == ["lan\tteam\tThôn Đồng Bằng\tactive"]
    assert main(["team", "code", "1"]) == 1  # an admin login is not a team member to link
    assert "no team member 1" in capsys.readouterr().err


def test_team_add_says_member_is_the_team_role(capsys):
    with pytest.raises(SystemExit):
        main(["team", "add", "--help"])
    assert "member (the staff role 'team'" in " ".join(capsys.readouterr().out.split())
