"""The forms of address a citizen can choose (content/templates/address_forms.yml)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from content import CONTENT_DIR


@dataclass(frozen=True)
class AddressForms:
    """How to call the citizen and how the assistant calls itself, per form; the default when none is chosen."""

    default: tuple[str, str]
    forms: dict[str, str]

    @classmethod
    def load(cls, content_dir: Path = CONTENT_DIR) -> "AddressForms":
        data = yaml.safe_load((content_dir / "templates" / "address_forms.yml").read_text(encoding="utf-8"))
        return cls((data["default"]["you"], data["default"]["me"]), dict(data["forms"]))

    def pair(self, address_form: str | None) -> tuple[str, str]:
        """(how to call the citizen, how the assistant calls itself)."""
        if address_form in self.forms:
            return address_form, self.forms[address_form]
        return self.default
