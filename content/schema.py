"""The schema of one topic file; `camtay content check` and the loader enforce it."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationInfo, field_validator

TOPIC_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Source(Strict):
    url: HttpUrl
    title: str = Field(min_length=1)
    date: str | None = None


class Step(Strict):
    text: str = Field(min_length=1)
    tip: str | None = None
    warning: str | None = None
    image: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9_\-/]*\.png$")


# A topic's body field: the kind it belongs to, the error when that kind lacks it, the error when the other has it.
_BODIES = {
    "steps": ("tutorial", "a tutorial needs at least one step under 'steps'", "an faq has an 'answer', not 'steps'"),
    "answer": ("faq", "an faq needs an 'answer'", "a tutorial has 'steps', not 'answer'"),
}


class Topic(Strict):
    id: str = Field(pattern=TOPIC_ID)
    kind: Literal["tutorial", "faq"]
    # The platform a tutorial brings to a household (an id of content/platforms.yml); FAQs bring none.
    platform: str | None = Field(default=None, pattern=TOPIC_ID)
    title: str = Field(min_length=1, max_length=80)
    summary: str = Field(min_length=1)
    reviewed_on: dt.date
    examples: list[str] = Field(min_length=5)
    sources: list[Source] = Field(min_length=1)
    prepare: list[str] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list, validate_default=True)
    next_topic: str | None = Field(default=None, pattern=TOPIC_ID)
    answer: str | None = Field(default=None, validate_default=True)
    tutorial: str | None = Field(default=None, pattern=TOPIC_ID)
    # Topics citizens mix up with this one: when both are likely, the assistant asks which.
    confusable_with: list[str] = Field(default_factory=list)
    notes: str | None = None

    @field_validator("examples")
    @classmethod
    def _examples_not_blank(cls, examples: list[str]) -> list[str]:
        if any(not e.strip() for e in examples):
            raise ValueError("an example question is empty")
        return examples

    @field_validator("steps", "answer")
    @classmethod
    def _body_matches_kind(cls, body: list[Step] | str | None, info: ValidationInfo) -> list[Step] | str | None:
        """A tutorial's body is its steps, an faq's its answer: each needs its own and has not the other's."""
        if info.field_name is None:  # pydantic names the field of a field validator
            raise RuntimeError("a body validator was called without its field's name")
        owner, missing, misplaced = _BODIES[info.field_name]
        kind = info.data.get("kind")
        if kind == owner and not body:
            raise ValueError(missing)
        if kind not in (owner, None) and body:  # None: the kind itself is invalid
            raise ValueError(misplaced)
        return body

    @field_validator("platform")
    @classmethod
    def _platform_only_for_tutorials(cls, platform: str | None, info: ValidationInfo) -> str | None:
        if platform and info.data.get("kind") == "faq":
            raise ValueError("an faq brings no platform: only a tutorial declares 'platform'")
        return platform

    @property
    def is_tutorial(self) -> bool:
        return self.kind == "tutorial"


# Where a procedure is done: the national public-service portal, the VNeID app, in person, another official app.
Place = Literal["portal", "vneid", "office", "app"]


class Procedure(Strict):
    """A public procedure citizens ask about that no tutorial teaches yet: where it is done, and a source."""

    id: str = Field(pattern=TOPIC_ID)
    title: str = Field(min_length=1, max_length=80)
    where: str = Field(min_length=1)
    done_at: list[Place] = Field(min_length=1)
    source: str = Field(pattern=r"^https://\S+ — .+")  # "<url> — <page title>"
    reviewed_on: dt.date
    examples: list[Annotated[str, Field(min_length=1)]] = Field(min_length=5)

    @property
    def source_url(self) -> str:
        return self.source.split(" — ", 1)[0]


class ProcedureList(Strict):
    procedures: list[Procedure] = Field(min_length=1)


class Platform(Strict):
    """A digital platform a tutorial brings to a household (content/platforms.yml)."""

    id: str = Field(pattern=TOPIC_ID)
    name: str = Field(min_length=1, max_length=80)


class PlatformList(Strict):
    """content/platforms.yml: the vocabulary of a topic's `platform:`."""

    platforms: list[Platform] = Field(min_length=1)


class MenuTopics(Strict):
    """content/menu.yml: the topics the menu offers, in order."""

    topics: list[Annotated[str, Field(pattern=TOPIC_ID)]] = Field(min_length=1)
