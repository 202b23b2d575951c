"""Join codes cannot be guessed at scale: one code a message, wrong codes limited, no full name shown."""
from datetime import timedelta

from sqlalchemy import select

from bot.people.households import add_household
from bot.shared.join_codes import check_character, format_code, new_join_code
from bot.shared.types import Incoming
from bot.storage.households import Household, Member
from bot.storage.join_attempts import JoinAttempt
from tests.helpers import templates, turn


def _household(services, code: str | None = None) -> str:
    with services.sessions() as session:
        household = add_household(session, commune="Xã Hòa Bình", village="Thôn Đông", head_name="Nguyễn Văn An")
        if code is not None:
            household.join_code = code
        session.commit()
        return household.join_code


def _wrong_code() -> str:
    return new_join_code()  # valid check character, held by no household


async def _web(services, session_id: str, text: str, address: str):
    return await services.dialogue.handle(Incoming(channel="web", user_id=session_id, text=text,
                                                   client_address=address))


def _linked(services) -> list[int | None]:
    with services.sessions() as session:
        return list(session.scalars(select(Member.household_id)))


async def test_a_message_with_many_codes_links_nothing(services):
    # As in issue 15: 584 six-character tokens, the household's old code among them (4,087 characters).
    code = _household(services, code="AB3K7Q")
    many = " ".join([new_join_code()[:6] for _ in range(300)] + [code] + [new_join_code()[:6] for _ in range(283)])
    result = await turn(services, text=many)
    assert templates(result) == ["household_code_one_at_a_time"]
    assert _linked(services) == [None]


async def test_after_the_limit_even_the_right_code_waits(services):
    code = _household(services)
    for _ in range(services.settings.team.join_code_max_wrong_per_chat):
        assert templates(await turn(services, text=f"/start {_wrong_code()}")) == ["household_code_unknown"]
    waited = await turn(services, text=f"/start {code}")
    assert templates(waited) == ["join_code_wait"]
    assert waited.replies[0].context["time"]  # names when, in the team's local time
    assert _linked(services) == [None]
    # Typed in free text too.
    assert templates(await turn(services, text=f"ma nha toi la {format_code(code)}")) == ["join_code_wait"]
    # An hour later the right code links.
    with services.sessions() as session:
        for attempt in session.scalars(select(JoinAttempt)):
            attempt.at = attempt.at - timedelta(minutes=61)
        session.commit()
    assert templates(await turn(services, text=f"/start {code}"))[0] == "household_linked"


async def test_the_limit_per_address_spans_chat_identities(services):
    code = _household(services)
    per_address = services.settings.team.join_code_max_wrong_per_address
    per_chat = services.settings.team.join_code_max_wrong_per_chat
    for i in range(per_address):
        session_id = f"session-{i // per_chat:04d}-abcdefgh"  # a new identity before each one's limit
        result = await _web(services, session_id, _wrong_code(), "203.0.113.7")
        assert templates(result) == ["household_code_unknown"]
    fresh = await _web(services, "fresh-session-abcdefgh", code, "203.0.113.7")
    assert templates(fresh) == ["join_code_wait"]
    other = await _web(services, "other-session-abcdefgh", code, "198.51.100.4")
    assert templates(other)[0] == "household_linked"
    with services.sessions() as session:  # hashes only: no raw address kept
        rows = session.scalars(select(JoinAttempt)).all()
    assert len(rows) == per_address and all("203.0.113.7" not in (r.address_hash or "") for r in rows)


async def test_a_mistyped_check_character_gets_its_own_reply_and_is_not_counted(services):
    code = _household(services)
    wrong_check = code[:-1] + next(c for c in "ABCDEFGH" if c != code[-1])
    swapped = code[1] + code[0] + code[2:] if code[0] != code[1] else code[:1] + code[2] + code[1] + code[3:]
    for typo in (wrong_check, swapped) * 5:
        if typo != code:
            assert templates(await turn(services, text=f"/start {typo}")) == ["household_code_mistyped"]
    assert templates(await turn(services, text=f"/start {code.lower()}"))[0] == "household_linked"


async def test_an_old_six_character_code_still_links(services):
    _household(services, code="AB3K7Q")
    result = await turn(services, text="ma ho la ab3k7q")
    assert templates(result)[0] == "household_linked"


async def test_the_link_reply_names_initials_and_village_not_the_full_name(services):
    code = _household(services)
    result = await turn(services, text=f"/start {format_code(code)}")
    assert result.replies[0].context == {"initials": "N. V. A.", "village": "Thôn Đông"}
    text = services.renderer.render(result.replies[0], None).text
    assert "N. V. A." in text and "Thôn Đông" in text and "Nguyễn Văn An" not in text


async def test_grouped_spaced_lower_case_codes_are_read(services):
    code = _household(services)
    spaced = f"{code[:4].lower()} {code[4:8]} {code[8].lower()}"
    assert templates(await turn(services, text=f"ma cua toi: {spaced}"))[0] == "household_linked"


async def test_team_link_codes_share_the_limit(services):
    for _ in range(services.settings.team.join_code_max_wrong_per_chat):
        assert templates(await turn(services, text="/team TVAAAAAAAA")) == ["team/link_code_unknown"]
    assert templates(await turn(services, text="/team TVAAAAAAAA")) == ["join_code_wait"]


async def test_the_same_limit_on_telegram_and_zalo_identities(services):
    code = _household(services)
    for channel in ("telegram", "zalo"):
        for _ in range(services.settings.team.join_code_max_wrong_per_chat):
            await turn(services, user="42", channel=channel, text=f"/start {_wrong_code()}")
        assert templates(await turn(services, user="42", channel=channel, text=f"/start {code}")) == \
            ["join_code_wait"]


def test_new_codes_have_a_fitting_check_character():
    code = new_join_code()
    assert len(code) == 9 and check_character(code[:8]) == code[8]
    with_household = Household  # the model keeps codes of up to 16 characters
    assert with_household.__table__.c.join_code.type.length >= len(code)
