"""A citizen says once which household they belong to: join code, deep link or guest."""
from sqlalchemy import select

from bot.people.households import add_household
from bot.storage.households import Member
from bot.storage.progress import TutorialRun
from tests.helpers import payloads, templates, turn


def _household(services):
    with services.sessions() as session:
        household = add_household(session, commune="Xã Hòa Bình", village="Thôn Đông", head_name="Nguyễn Văn An")
        session.commit()
        return household.id, household.join_code


async def test_first_start_asks_for_the_household(services):
    result = await turn(services, text="/start")
    assert templates(result) == ["welcome_ask_household"]


async def test_deep_link_code_links_the_household(services):
    household_id, code = _household(services)
    result = await turn(services, text=f"/start {code}")
    assert templates(result) == ["household_linked", "ask_address_form"]
    # Issue 15: the head's initials and the village, never the full name, to whoever typed a code.
    assert result.replies[0].context == {"initials": "N. V. A.", "village": "Thôn Đông"}
    await turn(services, payload="topic:vneid-register")
    with services.sessions() as session:
        assert session.scalars(select(TutorialRun.household_id)).one() == household_id


async def test_typed_code_in_a_sentence_links_the_household(services):
    household_id, code = _household(services)
    await turn(services, payload="household:code")
    result = await turn(services, text=f"ma ho nha bac la {code.lower()} nhe")
    assert templates(result) == ["household_linked", "ask_address_form"]
    with services.sessions() as session:
        assert session.scalars(select(Member.household_id)).one() == household_id


async def test_unknown_code_offers_guest(services):
    result = await turn(services, text="/start ZZ99ZZ")
    assert templates(result) == ["household_code_unknown"]


async def test_guest_can_learn_without_a_household(services):
    assert templates(await turn(services, payload="household:guest")) == ["guest_welcome", "ask_address_form"]
    await turn(services, payload="topic:pay-electricity")
    with services.sessions() as session:
        member = session.scalars(select(Member)).one()
        run = session.scalars(select(TutorialRun)).one()
    assert member.is_guest and run.household_id is None
    # A greeting after onboarding does not ask for the household again.
    assert templates(await turn(services, text="/start")) == ["greet", "tutorial_paused"]


def test_join_codes_always_mix_letters_and_digits():
    from bot.shared.join_codes import JOIN_CODE_ALPHABET, code_candidates, new_join_code
    codes = [new_join_code() for _ in range(2000)]
    assert all(code_candidates(c) == [c] for c in codes)
    assert all(set(c) <= set(JOIN_CODE_ALPHABET) for c in codes)


async def test_form_of_address_is_asked_once_and_stored(services):
    result = await turn(services, payload="household:guest")
    assert "address:bác" in payloads(result)
    saved = await turn(services, payload="address:bác")
    assert templates(saved) == ["address_saved"] and saved.address_form == "bác"
    with services.sessions() as session:
        assert session.scalars(select(Member.address_form)).one() == "bác"
    # Linking a household later does not ask again; every reply carries the chosen form.
    household_id, code = _household(services)
    linked = await turn(services, text=f"/start {code}")
    assert templates(linked) == ["household_linked"] and linked.address_form == "bác"


async def test_unknown_form_of_address_asks_again(services):
    assert templates(await turn(services, payload="address:mày")) == ["ask_address_form"]
    assert templates(await turn(services, text="/xungho")) == ["ask_address_form"]
