"""The admin's words that Python puts on a page, by key (bot/admin/templates/messages.yml)."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from jinja2 import Environment, StrictUndefined, Template

MESSAGES_FILE = Path(__file__).resolve().parent / "templates" / "messages.yml"
# Plain text: the page that shows a message escapes it.
_ENV = Environment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False)


@cache
def catalogue() -> dict[str, Template]:
    entries = yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))
    return {key: _ENV.from_string(text) for key, text in entries.items()}


def message(key: str, **fields) -> str:
    """The entry `key`, rendered with `fields`; KeyError for a key the catalogue lacks."""
    return catalogue()[key].render(**fields)
