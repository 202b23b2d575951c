"""bot/admin/templates/messages.yml: every key the admin's code names exists, every entry is used, no words in Python."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.admin.messages import MESSAGES_FILE, catalogue, message

ADMIN = Path(__file__).resolve().parents[2] / "bot" / "admin"
SOURCES = sorted(ADMIN.rglob("*.py"))
# Letters only Vietnamese uses here (with a diacritic, or đ): a word of the admin's in a Python string.
VIETNAMESE = re.compile(r"[À-ÃÈ-ÊÌÍÒ-ÕÙÚÝà-ãè-êìíò-õùúýĂăĐđĨĩŨũƠơƯưẠ-ỹ]")


def _calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name) and node.func.id == "message"]


def _keys_in_code() -> dict[str, str]:
    keys = {}
    for path in SOURCES:
        for call in _calls(path):
            first = call.args[0] if call.args else None
            assert isinstance(first, ast.Constant) and isinstance(first.value, str), \
                f"{path.relative_to(ADMIN)}:{call.lineno}: message() takes a literal key, so that a grep finds it"
            keys[first.value] = f"{path.relative_to(ADMIN)}:{call.lineno}"
    return keys


def _keys_in_templates() -> set[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ADMIN / "templates").rglob("*.html"))
    return set(re.findall(r"""message\(\s*["']([\w.]+)["']""", text))


def test_every_key_used_exists():
    used = _keys_in_code() | {key: "templates" for key in _keys_in_templates()}
    missing = {key: where for key, where in used.items() if key not in catalogue()}
    assert missing == {}


def test_every_entry_is_used():
    used = set(_keys_in_code()) | _keys_in_templates()
    assert sorted(set(catalogue()) - used) == []


def test_no_admin_words_in_python():
    found = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)
                      and isinstance(node.body[0].value, ast.Constant)}
        found += [f"{path.relative_to(ADMIN)}:{node.lineno}: {node.value[:40]!r}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in docstrings and VIETNAMESE.search(node.value)]
    assert found == []


@pytest.mark.parametrize("key, fields, text", [
    ("filters.repeated", {"name": "page"}, "Tham số “page” xuất hiện nhiều lần."),
    ("filters.integer", {"name": "page", "minimum": 1, "maximum": 500}, "“page” phải là số nguyên từ 1 đến 500."),
    ("learned.entity_marks", {}, "Câu hỏi có ký hiệu ']( ', ']{' hoặc '][' mà dữ liệu huấn luyện hiểu là thực thể."),
    ("duration.hours_minutes", {"hours": 2, "minutes": 5}, "2 giờ 5 phút"),
    ("charts.dropped", {"lost": "1.234", "share": "12"}, "rời bỏ 1.234 (12%)"),
])
def test_an_entry_renders_as_plain_text(key, fields, text):
    assert message(key, **fields) == text


def test_a_missing_field_is_an_error_not_an_empty_word():
    with pytest.raises(Exception, match="name"):
        message("filters.repeated")


def test_the_catalogue_is_a_flat_mapping_of_text():
    assert MESSAGES_FILE.is_file()
    assert all(isinstance(key, str) and "." in key for key in catalogue())
