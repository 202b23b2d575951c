"""The privacy notice's version and who is responsible (content/privacy.yml); the words are templates."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from content import CONTENT_DIR

PRIVACY_FILE = CONTENT_DIR / "privacy.yml"


@dataclass(frozen=True)
class Privacy:
    version: str
    responsible: str

    @classmethod
    def load(cls, path: Path = PRIVACY_FILE) -> Privacy:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in ("version", "responsible"):
            if not str(data.get(key) or "").strip():
                raise ValueError(f"{path}: `{key}` is missing; add it (see the comment at the top of the file)")
        version = str(data["version"]).strip()
        if len(version) > 32:
            raise ValueError(f"{path}: `version` {version!r} is longer than 32 characters; shorten it")
        return cls(version, str(data["responsible"]).strip())


@cache
def privacy() -> Privacy:
    return Privacy.load()
