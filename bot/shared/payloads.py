"""Button payloads as typed values: one frozen dataclass per kind, `pack()` to the wire and `parse()` back.

The wire formats are those of the buttons already in citizens' chats (`tutorial:next:12:3`, `topic:<id>`,
`push:go:v:7:<topic>:n`, ...): a change here breaks buttons people still press. `parse` checks the shape
(prefix, verb, digits where digits belong); whether a topic, a run or a request exists is the action's job.

A kind says only its prefix (`class TopicButton(_Payload, prefix="topic")`) and its fields, each annotated with
how it stands on the wire (`Number`, `Word`, `Annotated[str, one_of(...)]`, ...); making it a frozen dataclass,
packing, parsing and the 64-byte check live once, in `_Payload`.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Annotated, Any, ClassVar, Self, Union, dataclass_transform, get_type_hints

MAX_BYTES = 64  # Telegram's limit for callback_data
SEP = ":"


@dataclass(frozen=True)
class _Part:
    """How one field stands on the wire: `read` gives its value from the text (None: not this kind), `write` back."""

    read: Callable[[str], Any]
    write: Callable[[Any], str] = str


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None


def one_of(*words: str) -> _Part:
    """One of a few words, as it is."""
    return _Part(lambda text: text if text in words else None)


def coded(codes: Mapping[str, str]) -> _Part:
    """A value written as its code (`codes` maps a value to its code)."""
    values = {code: value for value, code in codes.items()}
    return _Part(values.get, codes.__getitem__)


Text = Annotated[str, _Part(lambda text: text)]  # any text without the separator, even none (the action checks it)
Word = Annotated[str, _Part(lambda text: text or None)]  # a topic id: any non-empty text without the separator
Number = Annotated[int, _Part(_number)]


@dataclass_transform(frozen_default=True)
class _Payload:
    """`<PREFIX>:<field>:<field>...`, each field as its annotation's `_Part` says, in the order they are declared.

    A subclass is made a frozen dataclass here, so that a kind is its prefix and its fields, nothing else.
    """

    PREFIX: ClassVar[str]
    _PARTS: ClassVar[tuple[tuple[str, _Part], ...]]

    def __init_subclass__(cls, prefix: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix is not None:
            cls.PREFIX = prefix
        dataclass(frozen=True)(cls)
        hints = get_type_hints(cls, include_extras=True)
        own = fields(cls)  # type: ignore[arg-type]  # a dataclass since the line above, which mypy cannot follow
        cls._PARTS = tuple((f.name, hints[f.name].__metadata__[0]) for f in own)

    def pack(self) -> str:
        """The wire text; ValueError beyond Telegram's 64 bytes."""
        text = SEP.join([self.PREFIX, *(part.write(getattr(self, name)) for name, part in self._PARTS)])
        if len(text.encode("utf-8")) > MAX_BYTES:
            raise ValueError(f"payload {text!r} is longer than {MAX_BYTES} bytes")
        return text

    @classmethod
    def parse(cls, text: str) -> Self | None:
        """The payload `text` carries when it is one of this kind, else None."""
        head, own, got = cls.PREFIX.split(SEP), cls._PARTS, text.split(SEP)
        if got[:len(head)] != head or len(got) != len(head) + len(own):
            return None
        values = [part.read(value) for (_, part), value in zip(own, got[len(head):])]
        return None if any(value is None for value in values) else cls(*values)


class Menu(_Payload, prefix="menu"):
    """`menu`: the menu of topics."""


class Human(_Payload, prefix="human"):
    """`human`: the citizen asks for a person."""


class HouseholdChoice(_Payload, prefix="household"):
    """`household:guest|code`: go on as a guest, or type a household's join code."""

    choice: Annotated[str, one_of("guest", "code")]


class AddressForm(_Payload, prefix="address"):
    """`address:<form>`: how the citizen wants to be addressed (the action checks the form is one of ours)."""

    form: Text


class TopicButton(_Payload, prefix="topic"):
    """`topic:<id>`: start a topic (a tutorial or an answer)."""

    topic_id: Word


class ChosenTopic(_Payload, prefix="choose"):
    """`choose:<id>`: the citizen's pick when asked which of two topics they meant."""

    topic_id: Word


class RunButton(_Payload, prefix="tutorial"):
    """`tutorial:<verb>:<run id>:<step index>`: a button under a tutorial's step, tied to the step it was shown on."""

    verb: Annotated[str, one_of("next", "back", "repeat", "stop", "stuck", "resume", "restart")]
    run_id: Number
    step: Number


class HelpButton(_Payload, prefix="help"):
    """`help:take|pass|close:<request id>`: a team member's answer to a help request."""

    verb: Annotated[str, one_of("take", "pass", "close")]
    request_id: Number


class RemindersChoice(_Payload, prefix="reminders"):
    """`reminders:on|off`: the citizen turns reminders on or off."""

    choice: Annotated[str, one_of("on", "off")]


class PrivacyChoice(_Payload, prefix="privacy"):
    """`privacy:agree|later|more|erase|keep`: the answer to the privacy notice, or to "delete my data?"."""

    choice: Annotated[str, one_of("agree", "later", "more", "erase", "keep")]


class OutcomeAnswer(_Payload, prefix="outcome"):
    """`outcome:done|failed|later:<run id>`: did the tutorial just finished work for the citizen."""

    verb: Annotated[str, one_of("done", "failed", "later")]
    run_id: Number


class _AtStep(_Payload):
    """`<prefix>:<run id>:<step index>`: a step of a finished tutorial."""

    run_id: Number
    step: Number


class OutcomeStep(_AtStep, prefix="outcome:step"):
    """`outcome:step:<run id>:<step index>`: the step at which it did not work."""


class OutcomeHelp(_AtStep, prefix="outcome:help"):
    """`outcome:help:<run id>:<step index>`: ask a person, the request carrying the step where it did not work."""


class RatingButton(_Payload, prefix="rate"):
    """`rate:up|down:<topic id>`: was this answer or tutorial helpful."""

    verb: Annotated[str, one_of("up", "down")]
    topic_id: Word


class RatingReason(_Payload, prefix="rate:why"):
    """`rate:why:<rating id>:<reason code>`: why it was not helpful (the action checks the code is one of ours)."""

    rating_id: Number
    reason: Word


# /push from chat. On the wire a scope and an audience are one letter each, to stay under 64 bytes.
SCOPE_CODES = {"village": "v", "commune": "c", "province": "p"}
AUDIENCE_CODES = {"all": "a", "not_started": "n", "unfinished": "u"}
Scope = Annotated[str, coded(SCOPE_CODES)]
Audience = Annotated[str, coded(AUDIENCE_CODES)]


class PushCancel(_Payload, prefix="push:x"):
    """`push:x`: leave /push; nothing is sent."""


class PushReport(_Payload, prefix="push:r"):
    """`push:r:<push id>`: the report of a push."""

    push_id: Number


class PushPlace(_Payload, prefix="push:s"):
    """`push:s:<scope>:<id>`: the place chosen (a province's id is 0)."""

    scope: Scope
    place_id: Number


class PushTopic(_Payload, prefix="push:t"):
    """`push:t:<scope>:<id>:<topic>`: the tutorial chosen for the place."""

    scope: Scope
    place_id: Number
    topic_id: Word


class PushAudience(_Payload, prefix="push"):
    """`push:a|go:<scope>:<id>:<topic>:<audience>`: confirm the push (`a`), or queue it (`go`)."""

    verb: Annotated[str, one_of("a", "go")]
    scope: Scope
    place_id: Number
    topic_id: Word
    audience: Audience


# /buoihotro and /diemdanh from chat (actions/team/sessions.py): schedule an in-person session, record who came.
class SessionVillage(_Payload, prefix="sess:v"):
    """`sess:v:<village id>`: the village a session is for."""

    village_id: Number


class SessionWhen(_Payload, prefix="sess:w"):
    """`sess:w:<yyyymmddhhmm>`: a day and time offered as a button (the team's time zone)."""

    when: Number


class SessionTopic(_Payload, prefix="sess:t"):
    """`sess:t:<topic id>`: a topic of the session, chosen or taken back."""

    topic_id: Word


class SessionStep(_Payload, prefix="sess"):
    """`sess:ok|go|x`: the topics are chosen (to confirm), schedule it, or leave without scheduling."""

    verb: Annotated[str, one_of("ok", "go", "x")]


class SessionAttend(_Payload, prefix="sess:a"):
    """`sess:a:<session id>:<page>`: the village's households, to tap those who came."""

    session_id: Number
    page: Number


class SessionHousehold(_Payload, prefix="sess:h"):
    """`sess:h:<session id>:<household id>`: this household came."""

    session_id: Number
    household_id: Number


class SessionPlatform(_Payload, prefix="sess:p"):
    """`sess:p:<session id>:<household id>:<platform id>`: this worked for the household at the session."""

    session_id: Number
    household_id: Number
    platform: Word


# A citizen of no household asks for a person (actions/team/guest_help.py): which commune, then which village.
# The run and step the request is about ride along (run 0: none).
class GuestCommune(_Payload, prefix="guest:c"):
    """`guest:c:<commune id>:<run id>:<step index>`: the commune a guest asking for a person is in."""

    commune_id: Number
    run_id: Number
    step: Number


class GuestVillage(_Payload, prefix="guest:v"):
    """`guest:v:<village id>:<run id>:<step index>`: the village, so its team gets the request."""

    village_id: Number
    run_id: Number
    step: Number


# /ketqua from chat (actions/team/team_outcomes.py): a team member records what worked for a household in person.
class ResultPage(_Payload, prefix="res:l"):
    """`res:l:<page>`: a page of the member's villages' households."""

    page: Number


class ResultHousehold(_Payload, prefix="res:h"):
    """`res:h:<household id>`: the household helped; its platforms to choose from."""

    household_id: Number


class ResultPlatform(_Payload, prefix="res"):
    """`res:p|ok:<household id>:<platform id>`: the platform chosen (to confirm), or "it works" (record it)."""

    verb: Annotated[str, one_of("p", "ok")]
    household_id: Number
    platform: Word


class ResultCancel(_Payload, prefix="res:x"):
    """`res:x`: leave /ketqua; nothing is recorded."""


# /huybuoi from chat (actions/team/sessions.py): a team member cancels one of their villages' next sessions.
class SessionUpcoming(_Payload, prefix="sess:u"):
    """`sess:u:<session id>`: one of the member's next sessions, with "Huỷ buổi này"."""

    session_id: Number


class SessionCancel(_Payload, prefix="sess:c"):
    """`sess:c:ask|go|keep:<session id>`: "cancel it?" (to confirm), cancel it, or keep it."""

    verb: Annotated[str, one_of("ask", "go", "keep")]
    session_id: Number


# Long lists of places as pages of buttons ("Xem thêm", "Quay lại"): a guest's communes and villages
# (actions/team/guest_help.py), a team member's villages for /buoihotro (actions/team/sessions.py).
class GuestCommunePage(_Payload, prefix="guest:cp"):
    """`guest:cp:<page>:<run id>:<step index>`: a page of the communes a guest asking for a person picks from."""

    page: Number
    run_id: Number
    step: Number


class GuestVillagePage(_Payload, prefix="guest:vp"):
    """`guest:vp:<commune id>:<page>:<run id>:<step index>`: a page of the commune's villages."""

    commune_id: Number
    page: Number
    run_id: Number
    step: Number


class SessionVillagePage(_Payload, prefix="sess:vp"):
    """`sess:vp:<page>`: a page of the member's villages to schedule a session for."""

    page: Number


class PushVillagePage(_Payload, prefix="push:vp"):
    """`push:vp:<page>`: a page of the villages a team member may push to (actions/team/push_menu.py)."""

    page: Number


Payload = Union[Menu, Human, HouseholdChoice, AddressForm, TopicButton, ChosenTopic, RunButton, HelpButton,
                RemindersChoice, PrivacyChoice, OutcomeAnswer, OutcomeStep, OutcomeHelp, RatingButton, RatingReason,
                PushCancel, PushReport, PushPlace, PushTopic, PushAudience, SessionVillage, SessionWhen, SessionTopic,
                SessionStep, SessionAttend, SessionHousehold, SessionPlatform, GuestCommune, GuestVillage, ResultPage,
                ResultHousehold, ResultPlatform, ResultCancel, SessionUpcoming, SessionCancel, GuestCommunePage,
                GuestVillagePage, SessionVillagePage, PushVillagePage]
KINDS: tuple[type[Payload], ...] = (Menu, Human, HouseholdChoice, AddressForm, TopicButton, ChosenTopic, RunButton,
                                    HelpButton, RemindersChoice, PrivacyChoice, OutcomeAnswer, OutcomeStep,
                                    OutcomeHelp, RatingButton, RatingReason, PushCancel, PushReport, PushPlace,
                                    PushTopic, PushAudience, SessionVillage, SessionWhen, SessionTopic, SessionStep,
                                    SessionAttend, SessionHousehold, SessionPlatform, GuestCommune, GuestVillage,
                                    ResultPage, ResultHousehold, ResultPlatform, ResultCancel, SessionUpcoming,
                                    SessionCancel, GuestCommunePage, GuestVillagePage, SessionVillagePage,
                                    PushVillagePage)


def parse(text: str) -> Payload | None:
    """The payload a button press carries, or None when no kind reads it (an old, forged or broken button)."""
    for kind in KINDS:
        parsed = kind.parse(text)
        if parsed is not None:
            return parsed
    return None
