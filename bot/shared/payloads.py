"""Button payloads as typed values: one frozen dataclass per kind, `pack()` to the wire and `parse()` back.

The wire formats are those of the buttons already in citizens' chats (`tutorial:next:12:3`, `topic:<id>`,
`push:go:v:7:<topic>:n`, ...): a change here breaks buttons people still press. `parse` checks the shape
(prefix, verb, digits where digits belong); whether a topic, a run or a request exists is the action's job.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self, Union

MAX_BYTES = 64  # Telegram's limit for callback_data
SEP = ":"


def _checked(text: str) -> str:
    """`text` when it fits in a callback; ValueError beyond Telegram's 64 bytes."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"payload {text!r} is longer than {MAX_BYTES} bytes")
    return text


def _fields(text: str, prefix: str, count: int) -> list[str] | None:
    """What follows `prefix:` when it is exactly `count` fields, else None."""
    head, *rest = text.split(SEP)
    return rest if head == prefix and len(rest) == count else None


def _number(field: str) -> int | None:
    return int(field) if field.isascii() and field.isdigit() else None


def _word(field: str) -> str | None:
    """A topic id or a form of address: any non-empty text without the separator."""
    return field or None


@dataclass(frozen=True)
class _Fixed:
    """A payload that is always the same text."""

    WIRE: ClassVar[str]

    def pack(self) -> str:
        return self.WIRE

    @classmethod
    def parse(cls, text: str) -> Self | None:
        return cls() if text == cls.WIRE else None


class Menu(_Fixed):
    """`menu`: the menu of topics."""

    WIRE = "menu"


class Human(_Fixed):
    """`human`: the citizen asks for a person."""

    WIRE = "human"


@dataclass(frozen=True)
class _Choice:
    """`<prefix>:<choice>`, the choice one of a few words."""

    choice: str
    PREFIX: ClassVar[str]
    CHOICES: ClassVar[frozenset[str]]

    def pack(self) -> str:
        return _checked(f"{self.PREFIX}:{self.choice}")

    @classmethod
    def parse(cls, text: str) -> Self | None:
        fields = _fields(text, cls.PREFIX, 1)
        return cls(fields[0]) if fields and fields[0] in cls.CHOICES else None


class HouseholdChoice(_Choice):
    """`household:guest|code`: go on as a guest, or type a household's join code."""

    PREFIX = "household"
    CHOICES = frozenset({"guest", "code"})


@dataclass(frozen=True)
class AddressForm:
    """`address:<form>`: how the citizen wants to be addressed (the action checks the form is one of ours)."""

    form: str

    def pack(self) -> str:
        return _checked(f"address:{self.form}")

    @classmethod
    def parse(cls, text: str) -> AddressForm | None:
        fields = _fields(text, "address", 1)
        return cls(fields[0]) if fields is not None else None


@dataclass(frozen=True)
class _Topic:
    """`<prefix>:<topic id>`."""

    topic_id: str
    PREFIX: ClassVar[str]

    def pack(self) -> str:
        return _checked(f"{self.PREFIX}:{self.topic_id}")

    @classmethod
    def parse(cls, text: str) -> Self | None:
        fields = _fields(text, cls.PREFIX, 1)
        return cls(fields[0]) if fields and _word(fields[0]) else None


class TopicButton(_Topic):
    """`topic:<id>`: start a topic (a tutorial or an answer)."""

    PREFIX = "topic"


class ChosenTopic(_Topic):
    """`choose:<id>`: the citizen's pick when asked which of two topics they meant."""

    PREFIX = "choose"


@dataclass(frozen=True)
class RunButton:
    """`tutorial:<verb>:<run id>:<step index>`: a button under a tutorial's step, tied to the step it was shown on."""

    verb: str
    run_id: int
    step: int
    VERBS: ClassVar[frozenset[str]] = frozenset({"next", "back", "repeat", "stop", "stuck", "resume", "restart"})

    def pack(self) -> str:
        return _checked(f"tutorial:{self.verb}:{self.run_id}:{self.step}")

    @classmethod
    def parse(cls, text: str) -> RunButton | None:
        fields = _fields(text, "tutorial", 3)
        if fields is None or fields[0] not in cls.VERBS:
            return None
        run_id, step = _number(fields[1]), _number(fields[2])
        return cls(fields[0], run_id, step) if run_id is not None and step is not None else None


@dataclass(frozen=True)
class HelpButton:
    """`help:take|pass|close:<request id>`: a team member's answer to a help request."""

    verb: str
    request_id: int
    VERBS: ClassVar[frozenset[str]] = frozenset({"take", "pass", "close"})

    def pack(self) -> str:
        return _checked(f"help:{self.verb}:{self.request_id}")

    @classmethod
    def parse(cls, text: str) -> HelpButton | None:
        fields = _fields(text, "help", 2)
        if fields is None or fields[0] not in cls.VERBS:
            return None
        request_id = _number(fields[1])
        return cls(fields[0], request_id) if request_id is not None else None


class RemindersChoice(_Choice):
    """`reminders:on|off`: the citizen turns reminders on or off."""

    PREFIX = "reminders"
    CHOICES = frozenset({"on", "off"})


class PrivacyChoice(_Choice):
    """`privacy:agree|later|more|erase|keep`: the answer to the privacy notice, or to "delete my data?"."""

    PREFIX = "privacy"
    CHOICES = frozenset({"agree", "later", "more", "erase", "keep"})


# /push from chat. On the wire a scope and an audience are one letter each, to stay under 64 bytes.
SCOPE_CODES = {"village": "v", "commune": "c", "province": "p"}
AUDIENCE_CODES = {"all": "a", "not_started": "n", "unfinished": "u"}
_SCOPES = {code: scope for scope, code in SCOPE_CODES.items()}
_AUDIENCES = {code: audience for audience, code in AUDIENCE_CODES.items()}


def _place(fields: list[str]) -> tuple[str, int] | None:
    """(scope, place id) from a push payload's `<scope code>:<id>`."""
    scope, place_id = _SCOPES.get(fields[0]), _number(fields[1])
    return (scope, place_id) if scope is not None and place_id is not None else None


class PushCancel(_Fixed):
    """`push:x`: leave /push; nothing is sent."""

    WIRE = "push:x"


@dataclass(frozen=True)
class PushReport:
    """`push:r:<push id>`: the report of a push."""

    push_id: int

    def pack(self) -> str:
        return _checked(f"push:r:{self.push_id}")

    @classmethod
    def parse(cls, text: str) -> PushReport | None:
        fields = _fields(text, "push", 2)
        push_id = _number(fields[1]) if fields and fields[0] == "r" else None
        return cls(push_id) if push_id is not None else None


@dataclass(frozen=True)
class PushPlace:
    """`push:s:<scope>:<id>`: the place chosen (a province's id is 0)."""

    scope: str
    place_id: int

    def pack(self) -> str:
        return _checked(f"push:s:{SCOPE_CODES[self.scope]}:{self.place_id}")

    @classmethod
    def parse(cls, text: str) -> PushPlace | None:
        fields = _fields(text, "push", 3)
        place = _place(fields[1:]) if fields and fields[0] == "s" else None
        return cls(*place) if place else None


@dataclass(frozen=True)
class PushTopic:
    """`push:t:<scope>:<id>:<topic>`: the tutorial chosen for the place."""

    scope: str
    place_id: int
    topic_id: str

    def pack(self) -> str:
        return _checked(f"push:t:{SCOPE_CODES[self.scope]}:{self.place_id}:{self.topic_id}")

    @classmethod
    def parse(cls, text: str) -> PushTopic | None:
        fields = _fields(text, "push", 4)
        place = _place(fields[1:3]) if fields and fields[0] == "t" else None
        return cls(*place, fields[3]) if place and _word(fields[3]) else None


@dataclass(frozen=True)
class PushAudience:
    """`push:a|go:<scope>:<id>:<topic>:<audience>`: confirm the push (`a`), or queue it (`go`)."""

    verb: str
    scope: str
    place_id: int
    topic_id: str
    audience: str
    VERBS: ClassVar[frozenset[str]] = frozenset({"a", "go"})

    def pack(self) -> str:
        return _checked(f"push:{self.verb}:{SCOPE_CODES[self.scope]}:{self.place_id}:{self.topic_id}:"
                        f"{AUDIENCE_CODES[self.audience]}")

    @classmethod
    def parse(cls, text: str) -> PushAudience | None:
        fields = _fields(text, "push", 5)
        if fields is None or fields[0] not in cls.VERBS or fields[4] not in _AUDIENCES:
            return None
        place = _place(fields[1:3])
        return cls(fields[0], *place, fields[3], _AUDIENCES[fields[4]]) if place and _word(fields[3]) else None


Payload = Union[Menu, Human, HouseholdChoice, AddressForm, TopicButton, ChosenTopic, RunButton, HelpButton,
                RemindersChoice, PrivacyChoice, PushCancel, PushReport, PushPlace, PushTopic, PushAudience]
KINDS: tuple[type[Payload], ...] = (Menu, Human, HouseholdChoice, AddressForm, TopicButton, ChosenTopic, RunButton,
                                    HelpButton, RemindersChoice, PrivacyChoice, PushCancel, PushReport, PushPlace,
                                    PushTopic, PushAudience)


def parse(text: str) -> Payload | None:
    """The payload a button press carries, or None when no kind reads it (an old, forged or broken button)."""
    for kind in KINDS:
        parsed = kind.parse(text)
        if parsed is not None:
            return parsed
    return None
