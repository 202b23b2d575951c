"""Button payloads: each kind packs to the wire format already in citizens' chats and parses back."""
from __future__ import annotations

import pytest

from bot.shared import payloads as p

ROUND_TRIPS = [
    (p.Menu(), "menu"),
    (p.Human(), "human"),
    (p.HouseholdChoice("guest"), "household:guest"),
    (p.HouseholdChoice("code"), "household:code"),
    (p.AddressForm("chị"), "address:chị"),
    (p.TopicButton("vneid-register"), "topic:vneid-register"),
    (p.ChosenTopic("vneid-level2"), "choose:vneid-level2"),
    (p.RunButton("next", 12, 3), "tutorial:next:12:3"),
    (p.RunButton("back", 1, 0), "tutorial:back:1:0"),
    (p.RunButton("repeat", 1, 0), "tutorial:repeat:1:0"),
    (p.RunButton("stop", 1, 0), "tutorial:stop:1:0"),
    (p.RunButton("stuck", 1, 0), "tutorial:stuck:1:0"),
    (p.RunButton("resume", 7, 2), "tutorial:resume:7:2"),
    (p.RunButton("restart", 7, 2), "tutorial:restart:7:2"),
    (p.HelpButton("take", 5), "help:take:5"),
    (p.HelpButton("pass", 5), "help:pass:5"),
    (p.HelpButton("close", 5), "help:close:5"),
    (p.RemindersChoice("off"), "reminders:off"),
    (p.RemindersChoice("on"), "reminders:on"),
    (p.PrivacyChoice("agree"), "privacy:agree"),
    (p.OutcomeAnswer("done", 12), "outcome:done:12"),
    (p.OutcomeAnswer("failed", 12), "outcome:failed:12"),
    (p.OutcomeAnswer("later", 12), "outcome:later:12"),
    (p.OutcomeStep(12, 3), "outcome:step:12:3"),
    (p.OutcomeHelp(12, 3), "outcome:help:12:3"),
    (p.RatingButton("up", "faq-vneid-what"), "rate:up:faq-vneid-what"),
    (p.RatingButton("down", "vneid-level2"), "rate:down:vneid-level2"),
    (p.RatingReason(40, "unclear"), "rate:why:40:unclear"),
    (p.PushCancel(), "push:x"),
    (p.PushReport(9), "push:r:9"),
    (p.PushPlace("province", 0), "push:s:p:0"),
    (p.PushPlace("commune", 4), "push:s:c:4"),
    (p.PushPlace("village", 17), "push:s:v:17"),
    (p.PushTopic("village", 17, "pay-electricity"), "push:t:v:17:pay-electricity"),
    (p.PushAudience("a", "commune", 4, "pay-electricity", "not_started"), "push:a:c:4:pay-electricity:n"),
    (p.PushAudience("go", "village", 17, "pay-electricity", "all"), "push:go:v:17:pay-electricity:a"),
    (p.PushAudience("go", "province", 0, "pay-electricity", "unfinished"), "push:go:p:0:pay-electricity:u"),
    (p.PushVillagePage(2), "push:vp:2"),
    (p.SessionVillage(3), "sess:v:3"),
    (p.SessionWhen(202612150800), "sess:w:202612150800"),
    (p.SessionTopic("vneid-level2"), "sess:t:vneid-level2"),
    (p.SessionStep("ok"), "sess:ok"),
    (p.SessionStep("go"), "sess:go"),
    (p.SessionStep("x"), "sess:x"),
    (p.SessionAttend(12, 0), "sess:a:12:0"),
    (p.SessionHousehold(12, 340), "sess:h:12:340"),
    (p.SessionPlatform(99999, 999999, "online-electricity-payment"), "sess:p:99999:999999:online-electricity-payment"),
    (p.GuestCommune(3, 0, 0), "guest:c:3:0:0"),
    (p.GuestVillage(12, 4501, 3), "guest:v:12:4501:3"),
    (p.ResultPage(2), "res:l:2"),
    (p.ResultHousehold(340), "res:h:340"),
    (p.ResultPlatform("p", 340, "vneid-level2"), "res:p:340:vneid-level2"),
    (p.ResultPlatform("ok", 999999, "online-electricity-payment"), "res:ok:999999:online-electricity-payment"),
    (p.ResultCancel(), "res:x"),
    (p.SessionUpcoming(12), "sess:u:12"),
    (p.SessionCancel("ask", 12), "sess:c:ask:12"),
    (p.SessionCancel("go", 12), "sess:c:go:12"),
    (p.SessionCancel("keep", 999999), "sess:c:keep:999999"),
    (p.GuestCommunePage(1, 0, 0), "guest:cp:1:0:0"),
    (p.GuestVillagePage(12, 2, 4501, 3), "guest:vp:12:2:4501:3"),
    (p.SessionVillagePage(3), "sess:vp:3"),
]


@pytest.mark.parametrize("payload, wire", ROUND_TRIPS, ids=[w for _, w in ROUND_TRIPS])
def test_pack_and_parse_round_trip(payload, wire):
    assert payload.pack() == wire
    assert type(payload).parse(wire) == payload
    assert p.parse(wire) == payload


def test_every_kind_has_a_round_trip():
    assert {type(payload) for payload, _ in ROUND_TRIPS} == set(p.KINDS)


@pytest.mark.parametrize("payload", [
    p.TopicButton("x" * 59),  # "topic:" + 59 = 65 bytes
    p.ChosenTopic("x" * 58),
    p.AddressForm("ị" * 20),  # 3 bytes a letter: 8 + 60 = 68 bytes, though only 28 characters
    p.PushAudience("go", "village", 123456, "t" * 60, "all"),
    p.RunButton("restart", 10 ** 30, 10 ** 30),
    p.RatingButton("down", "t" * 55),  # "rate:down:" + 55 = 65 bytes
    p.OutcomeHelp(10 ** 30, 10 ** 30),
])
def test_pack_refuses_more_than_64_bytes(payload):
    with pytest.raises(ValueError, match="64 bytes"):
        payload.pack()


def test_pack_allows_exactly_64_bytes():
    assert len(p.TopicButton("x" * 58).pack().encode()) == 64


@pytest.mark.parametrize("wire", [
    "", ":", ":::", "nonsense", "menu:x", "human:1", "Menu",
    "household:", "household:member", "household:guest:1",
    "address", "address:a:b",
    "topic", "topic:", "topic:a:b", "choose:", "choose:a:b",
    "tutorial:next", "tutorial:next:1", "tutorial:next:abc:0", "tutorial:next:1:x", "tutorial:fly:1:0",
    "tutorial:next:1:0:extra", "tutorial:next:-1:0", "tutorial:next:١:0", "tutorial::1:0",
    "help:take", "help:take:x", "help:eat:1", "help:take:1:2",
    "reminders:", "reminders:maybe",
    "outcome", "outcome:done", "outcome:maybe:1", "outcome:done:x", "outcome:done:1:2",
    "outcome:step:1", "outcome:step:1:x", "outcome:help:1", "outcome:help:x:1",
    "rate", "rate:up", "rate:up:", "rate:meh:topic", "rate:up:a:b", "rate:why:x:unclear", "rate:why:1:",
    "push", "push:", "push:x:1", "push:r", "push:r:abc", "push:q:v:1",
    "push:s:z:1", "push:s:v:abc", "push:s:v", "push:s:v:1:extra",
    "push:t:v:1", "push:t:v:1:", "push:t:q:1:topic", "push:t:v:x:topic",
    "push:a:v:1:topic", "push:a:v:1:topic:z", "push:go:v:1::a", "push:go:v:1:topic:a:more", "push:s:v:1:topic:a",
    "push:vp", "push:vp:", "push:vp:x", "push:vp:1:2",
])
def test_malformed_payloads_parse_to_none(wire):
    assert p.parse(wire) is None


def test_a_kind_reads_only_its_own_prefix():
    assert p.TopicButton.parse("choose:vneid-register") is None
    assert p.PushPlace.parse("push:t:v:1:topic") is None
