"""bot/admin/audit.py and templates/audit.html: every action the audit names has its words on the audit page."""
from __future__ import annotations

import re
from pathlib import Path

from bot.admin import audit

TEMPLATE = Path(audit.__file__).parent / "templates" / "audit.html"


def _labels() -> dict[str, str]:
    table = TEMPLATE.read_text(encoding="utf-8").split("{% set actions = {")[1].split("} %}")[0]
    return dict(re.findall(r'"(\w+)": "([^"]+)"', table))


def test_every_audited_action_has_a_vietnamese_label():
    actions = {value for name, value in vars(audit).items() if name.isupper() and isinstance(value, str)}
    labels = _labels()
    assert sorted(actions - set(labels)) == []
    assert labels[audit.CANCEL_SESSION] == "Huỷ buổi hỗ trợ"
