"""The schema of one topic file; `camtay content check` and the loader enforce it."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

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


class Topic(Strict):
    id: str = Field(pattern=TOPIC_ID)
    kind: Literal["tutorial", "faq"]
    title: str = Field(min_length=1, max_length=80)
    summary: str = Field(min_length=1)
    reviewed_on: dt.date
    examples: list[str] = Field(min_length=5)
    sources: list[Source] = Field(min_length=1)
    prepare: list[str] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)
    next_topic: str | None = Field(default=None, pattern=TOPIC_ID)
    answer: str | None = None
    tutorial: str | None = Field(default=None, pattern=TOPIC_ID)
    notes: str | None = None

    @field_validator("examples")
    @classmethod
    def _examples_not_blank(cls, examples: list[str]) -> list[str]:
        if any(not e.strip() for e in examples):
            raise ValueError("an example question is empty")
        return examples

    @model_validator(mode="after")
    def _kind_fields(self) -> "Topic":
        if self.kind == "tutorial":
            if not self.steps:
                raise ValueError("a tutorial needs at least one step under 'steps'")
            if self.answer:
                raise ValueError("a tutorial has 'steps', not 'answer'")
        else:
            if not self.answer:
                raise ValueError("an faq needs an 'answer'")
            if self.steps:
                raise ValueError("an faq has an 'answer', not 'steps'")
        return self

    @property
    def is_tutorial(self) -> bool:
        return self.kind == "tutorial"
