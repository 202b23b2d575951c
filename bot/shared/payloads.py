"""Button payloads as typed values: one frozen dataclass per kind, `pack()` to the wire and `parse()` back.

The wire formats are those of the buttons already in citizens' chats (`tutorial:next:12:3`, `topic:<id>`,
`push:go:v:7:<topic>:n`, ...): a change here breaks buttons people still press. `parse` checks the shape
(prefix, verb, digits where digits belong); whether a topic, a run or a request exists is the action's job.

A kind says only its `PREFIX` and how each of its fields stands on the wire (`_wire(NUMBER)`, ...); packing,
parsing and the 64-byte check live once, in `_Payload`.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Self, Union

MAX_BYTES = 64  # Telegram's limit for callback_data
SEP = ":"


@dataclass(frozen=True)
class _Part:
    """How one field stands on the wire: `read` gives its value from the text (None: not this kind), `write` back."""

    read: Callable[[str], Any]
    write: Callable[[Any], str] = str


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None


TEXT = _Part(lambda text: text)  # any text without the separator, even none (the action checks it)
WORD = _Part(lambda text: text or None)  # a topic id: any non-empty text without the separator
NUMBER = _Part(_number)


def one_of(*words: str) -> _Part:
    """One of a few words, as it is."""
    return _Part(lambda text: text if text in words else None)


def coded(codes: Mapping[str, str]) -> _Part:
    """A value written as its code (`codes` maps a value to its code)."""
    values = {code: value for value, code in codes.items()}
    return _Part(values.get, codes.__getitem__)


def _wire(part: _Part) -> Any:
    """A payload's field, standing on the wire as `part` says."""
    return field(metadata={"wire": part})


@dataclass(frozen=True)
class _Payload:
    """`<PREFIX>:<field>:<field>...`, each field as its `_wire` part says, in the order they are declared."""

    PREFIX: ClassVar[str]

    def pack(self) -> str:
        """The wire text; ValueError beyond Telegram's 64 bytes."""
        text = SEP.join([self.PREFIX, *(f.metadata["wire"].write(getattr(self, f.name)) for f in fields(self))])
        if len(text.encode("utf-8")) > MAX_BYTES:
            raise ValueError(f"payload {text!r} is longer than {MAX_BYTES} bytes")
        return text

    @classmethod
    def parse(cls, text: str) -> Self | None:
        """The payload `text` carries when it is one of this kind, else None."""
        head, own, got = cls.PREFIX.split(SEP), fields(cls), text.split(SEP)
        if got[:len(head)] != head or len(got) != len(head) + len(own):
            return None
        values = [f.metadata["wire"].read(value) for f, value in zip(own, got[len(head):])]
        return None if any(value is None for value in values) else cls(*values)


class Menu(_Payload):
    """`menu`: the menu of topics."""

    PREFIX = "menu"


class Human(_Payload):
    """`human`: the citizen asks for a person."""

    PREFIX = "human"


@dataclass(frozen=True)
class HouseholdChoice(_Payload):
    """`household:guest|code`: go on as a guest, or type a household's join code."""

    PREFIX = "household"
    choice: str = _wire(one_of("guest", "code"))


@dataclass(frozen=True)
class AddressForm(_Payload):
    """`address:<form>`: how the citizen wants to be addressed (the action checks the form is one of ours)."""

    PREFIX = "address"
    form: str = _wire(TEXT)


@dataclass(frozen=True)
class TopicButton(_Payload):
    """`topic:<id>`: start a topic (a tutorial or an answer)."""

    PREFIX = "topic"
    topic_id: str = _wire(WORD)


@dataclass(frozen=True)
class ChosenTopic(_Payload):
    """`choose:<id>`: the citizen's pick when asked which of two topics they meant."""

    PREFIX = "choose"
    topic_id: str = _wire(WORD)


@dataclass(frozen=True)
class RunButton(_Payload):
    """`tutorial:<verb>:<run id>:<step index>`: a button under a tutorial's step, tied to the step it was shown on."""

    PREFIX = "tutorial"
    verb: str = _wire(one_of("next", "back", "repeat", "stop", "stuck", "resume", "restart"))
    run_id: int = _wire(NUMBER)
    step: int = _wire(NUMBER)


@dataclass(frozen=True)
class HelpButton(_Payload):
    """`help:take|pass|close:<request id>`: a team member's answer to a help request."""

    PREFIX = "help"
    verb: str = _wire(one_of("take", "pass", "close"))
    request_id: int = _wire(NUMBER)


@dataclass(frozen=True)
class RemindersChoice(_Payload):
    """`reminders:on|off`: the citizen turns reminders on or off."""

    PREFIX = "reminders"
    choice: str = _wire(one_of("on", "off"))


@dataclass(frozen=True)
class PrivacyChoice(_Payload):
    """`privacy:agree|later|more|erase|keep`: the answer to the privacy notice, or to "delete my data?"."""

    PREFIX = "privacy"
    choice: str = _wire(one_of("agree", "later", "more", "erase", "keep"))


@dataclass(frozen=True)
class OutcomeAnswer(_Payload):
    """`outcome:done|failed|later:<run id>`: did the tutorial just finished work for the citizen."""

    PREFIX = "outcome"
    verb: str = _wire(one_of("done", "failed", "later"))
    run_id: int = _wire(NUMBER)


@dataclass(frozen=True)
class _AtStep(_Payload):
    """`<prefix>:<run id>:<step index>`: a step of a finished tutorial."""

    run_id: int = _wire(NUMBER)
    step: int = _wire(NUMBER)


@dataclass(frozen=True)
class OutcomeStep(_AtStep):
    """`outcome:step:<run id>:<step index>`: the step at which it did not work."""

    PREFIX = "outcome:step"


@dataclass(frozen=True)
class OutcomeHelp(_AtStep):
    """`outcome:help:<run id>:<step index>`: ask a person, the request carrying the step where it did not work."""

    PREFIX = "outcome:help"


@dataclass(frozen=True)
class RatingButton(_Payload):
    """`rate:up|down:<topic id>`: was this answer or tutorial helpful."""

    PREFIX = "rate"
    verb: str = _wire(one_of("up", "down"))
    topic_id: str = _wire(WORD)


@dataclass(frozen=True)
class RatingReason(_Payload):
    """`rate:why:<rating id>:<reason code>`: why it was not helpful (the action checks the code is one of ours)."""

    PREFIX = "rate:why"
    rating_id: int = _wire(NUMBER)
    reason: str = _wire(WORD)


# /push from chat. On the wire a scope and an audience are one letter each, to stay under 64 bytes.
SCOPE_CODES = {"village": "v", "commune": "c", "province": "p"}
AUDIENCE_CODES = {"all": "a", "not_started": "n", "unfinished": "u"}
SCOPE = coded(SCOPE_CODES)
AUDIENCE = coded(AUDIENCE_CODES)


class PushCancel(_Payload):
    """`push:x`: leave /push; nothing is sent."""

    PREFIX = "push:x"


@dataclass(frozen=True)
class PushReport(_Payload):
    """`push:r:<push id>`: the report of a push."""

    PREFIX = "push:r"
    push_id: int = _wire(NUMBER)


@dataclass(frozen=True)
class PushPlace(_Payload):
    """`push:s:<scope>:<id>`: the place chosen (a province's id is 0)."""

    PREFIX = "push:s"
    scope: str = _wire(SCOPE)
    place_id: int = _wire(NUMBER)


@dataclass(frozen=True)
class PushTopic(_Payload):
    """`push:t:<scope>:<id>:<topic>`: the tutorial chosen for the place."""

    PREFIX = "push:t"
    scope: str = _wire(SCOPE)
    place_id: int = _wire(NUMBER)
    topic_id: str = _wire(WORD)


@dataclass(frozen=True)
class PushAudience(_Payload):
    """`push:a|go:<scope>:<id>:<topic>:<audience>`: confirm the push (`a`), or queue it (`go`)."""

    PREFIX = "push"
    verb: str = _wire(one_of("a", "go"))
    scope: str = _wire(SCOPE)
    place_id: int = _wire(NUMBER)
    topic_id: str = _wire(WORD)
    audience: str = _wire(AUDIENCE)


# /buoihotro and /diemdanh from chat (actions/team/sessions.py): schedule an in-person session, record who came.
@dataclass(frozen=True)
class SessionVillage(_Payload):
    """`sess:v:<village id>`: the village a session is for."""

    PREFIX = "sess:v"
    village_id: int = _wire(NUMBER)


@dataclass(frozen=True)
class SessionWhen(_Payload):
    """`sess:w:<yyyymmddhhmm>`: a day and time offered as a button (the team's time zone)."""

    PREFIX = "sess:w"
    when: int = _wire(NUMBER)


@dataclass(frozen=True)
class SessionTopic(_Payload):
    """`sess:t:<topic id>`: a topic of the session, chosen or taken back."""

    PREFIX = "sess:t"
    topic_id: str = _wire(WORD)


@dataclass(frozen=True)
class SessionStep(_Payload):
    """`sess:ok|go|x`: the topics are chosen (to confirm), schedule it, or leave without scheduling."""

    PREFIX = "sess"
    verb: str = _wire(one_of("ok", "go", "x"))


@dataclass(frozen=True)
class SessionAttend(_Payload):
    """`sess:a:<session id>:<page>`: the village's households, to tap those who came."""

    PREFIX = "sess:a"
    session_id: int = _wire(NUMBER)
    page: int = _wire(NUMBER)


@dataclass(frozen=True)
class SessionHousehold(_Payload):
    """`sess:h:<session id>:<household id>`: this household came."""

    PREFIX = "sess:h"
    session_id: int = _wire(NUMBER)
    household_id: int = _wire(NUMBER)


@dataclass(frozen=True)
class SessionPlatform(_Payload):
    """`sess:p:<session id>:<household id>:<platform id>`: this worked for the household at the session."""

    PREFIX = "sess:p"
    session_id: int = _wire(NUMBER)
    household_id: int = _wire(NUMBER)
    platform: str = _wire(WORD)


# A citizen of no household asks for a person (actions/team/guest_help.py): which commune, then which village.
# The run and step the request is about ride along (run 0: none).
@dataclass(frozen=True)
class GuestCommune(_Payload):
    """`guest:c:<commune id>:<run id>:<step index>`: the commune a guest asking for a person is in."""

    PREFIX = "guest:c"
    commune_id: int = _wire(NUMBER)
    run_id: int = _wire(NUMBER)
    step: int = _wire(NUMBER)


@dataclass(frozen=True)
class GuestVillage(_Payload):
    """`guest:v:<village id>:<run id>:<step index>`: the village, so its team gets the request."""

    PREFIX = "guest:v"
    village_id: int = _wire(NUMBER)
    run_id: int = _wire(NUMBER)
    step: int = _wire(NUMBER)


# /ketqua from chat (actions/team/team_outcomes.py): a team member records what worked for a household in person.
@dataclass(frozen=True)
class ResultPage(_Payload):
    """`res:l:<page>`: a page of the member's villages' households."""

    PREFIX = "res:l"
    page: int = _wire(NUMBER)


@dataclass(frozen=True)
class ResultHousehold(_Payload):
    """`res:h:<household id>`: the household helped; its platforms to choose from."""

    PREFIX = "res:h"
    household_id: int = _wire(NUMBER)


@dataclass(frozen=True)
class ResultPlatform(_Payload):
    """`res:p|ok:<household id>:<platform id>`: the platform chosen (to confirm), or "it works" (record it)."""

    PREFIX = "res"
    verb: str = _wire(one_of("p", "ok"))
    household_id: int = _wire(NUMBER)
    platform: str = _wire(WORD)


class ResultCancel(_Payload):
    """`res:x`: leave /ketqua; nothing is recorded."""

    PREFIX = "res:x"


Payload = Union[Menu, Human, HouseholdChoice, AddressForm, TopicButton, ChosenTopic, RunButton, HelpButton,
                RemindersChoice, PrivacyChoice, OutcomeAnswer, OutcomeStep, OutcomeHelp, RatingButton, RatingReason,
                PushCancel, PushReport, PushPlace, PushTopic, PushAudience, SessionVillage, SessionWhen, SessionTopic,
                SessionStep, SessionAttend, SessionHousehold, SessionPlatform, GuestCommune, GuestVillage, ResultPage,
                ResultHousehold, ResultPlatform, ResultCancel]
KINDS: tuple[type[Payload], ...] = (Menu, Human, HouseholdChoice, AddressForm, TopicButton, ChosenTopic, RunButton,
                                    HelpButton, RemindersChoice, PrivacyChoice, OutcomeAnswer, OutcomeStep,
                                    OutcomeHelp, RatingButton, RatingReason, PushCancel, PushReport, PushPlace,
                                    PushTopic, PushAudience, SessionVillage, SessionWhen, SessionTopic, SessionStep,
                                    SessionAttend, SessionHousehold, SessionPlatform, GuestCommune, GuestVillage,
                                    ResultPage, ResultHousehold, ResultPlatform, ResultCancel)


def parse(text: str) -> Payload | None:
    """The payload a button press carries, or None when no kind reads it (an old, forged or broken button)."""
    for kind in KINDS:
        parsed = kind.parse(text)
        if parsed is not None:
            return parsed
    return None
