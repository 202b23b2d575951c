"""The import contract: layers in one direction, no cycle between packages (docs/ARCHITECTURE.md draws LAYERS).

Every module of bot/, actions/, nlu/ and content/ is parsed, imports inside functions included. A module may
import its own layer and the layers below it, never one above nor one its layer says it never imports; no two
packages of the table may import each other, however indirectly; only the channels import a platform's library.
"""
from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.settings import ROOT

SOURCES = ("bot", "actions", "nlu", "content")


@dataclass(frozen=True)
class Layer:
    name: str
    what: str
    packages: tuple[str, ...]  # packages or modules; a module belongs to the longest that names it
    never: tuple[str, ...] = ()  # layers below this one that it must not import all the same


# From the top. The one table the test and docs/ARCHITECTURE.md follow.
LAYERS = (
    Layer("roots", "composition roots and operator tools: what a process starts or an operator runs",
          ("bot.cli", "bot.runner", "bot.services", "bot.team", "bot.web")),
    Layer("channels", "Telegram, Zalo, web chat, admin web; rendering; what a channel is handed",
          ("bot.admin", "bot.channels", "bot.render"), never=("actions",)),
    Layer("dialogue", "one turn: dedupe, understand, route, log",
          ("bot.dialogue",)),
    Layer("actions", "everything the assistant does; the team's chat actions in actions.team",
          ("actions", "actions.team")),
    Layer("services", "NLU client, content, storage, delivery (outbox, sender, clock), people and places",
          ("bot.delivery", "bot.people", "bot.storage", "content", "nlu")),
    Layer("shared", "shared types and settings",
          ("bot.redact", "bot.settings", "bot.shared")),
)
# A platform's library is the channel's business: its errors included (each channel's Sender sorts its own).
PLATFORM_LIBRARIES = {"telegram": "bot.channels"}


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    source: str  # the importing module
    target: str  # the imported module (or a name in it)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for top in SOURCES for p in sorted((ROOT / top).rglob("*.py"))}


def imports(path: Path) -> list[Import]:
    """First-party imports of a module, at any depth of its code."""
    source = module_name(path)
    package = source if path.name == "__init__.py" else source.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found += [Import(path, node.lineno, source, t) for t in targets
                  if t.split(".")[0] in SOURCES or t.split(".")[0] in PLATFORM_LIBRARIES]
    return found


def package_of(module: str) -> str | None:
    """The table's package a module belongs to: the longest one naming it."""
    named = [p for layer in LAYERS for p in layer.packages if module == p or module.startswith(p + ".")]
    return max(named, key=len, default=None)


def layer_of(package: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if package in layer.packages)


def _where(item: Import) -> str:
    return f"{item.path.relative_to(ROOT)}:{item.line}"


def edges() -> list[tuple[str, str, Import]]:
    """(importing package, imported package, the import) between two packages of the table."""
    found = []
    for path in modules().values():
        for item in imports(path):
            source, target = package_of(item.source), package_of(item.target)  # None: a platform library
            if source and target and source != target:
                found.append((source, target, item))
    return found


def upward_imports() -> list[str]:
    broken = []
    for source, target, item in edges():
        above, below = LAYERS[layer_of(source)], LAYERS[layer_of(target)]
        if layer_of(target) < layer_of(source):
            broken.append(f"{_where(item)}: {item.source} ({above.name}) imports {item.target} ({below.name}): "
                          "a layer imports only its own and the ones below it")
        elif below.name in above.never:
            broken.append(f"{_where(item)}: {item.source} ({above.name}) imports {item.target} ({below.name}): "
                          f"{above.name} never import {below.name}")
    return broken


def platform_imports() -> list[str]:
    return [f"{_where(item)}: {item.source} imports {item.target}: only {owner} imports {library}"
            for path in modules().values() for item in imports(path)
            for library, owner in PLATFORM_LIBRARIES.items()
            if item.target.split(".")[0] == library and package_of(item.source) != owner]


def package_cycles() -> list[str]:
    """Each pair of packages that reach each other, with an import of each direction to start from."""
    graph: dict[str, dict[str, Import]] = {}
    for source, target, item in edges():
        graph.setdefault(source, {}).setdefault(target, item)

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), {}):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    reachable = {p: reach(p) for p in graph}
    broken = []
    for source, targets in sorted(graph.items()):
        for target, item in sorted(targets.items()):
            if source in reachable.get(target, ()) and source < target:
                back = next(i for t, i in graph[target].items() if source in reachable.get(t, set()) | {t})
                broken.append(f"{_where(item)} and {_where(back)}: {source} and {target} import each other "
                              "(a package cycle)")
    return broken


def diagram() -> str:
    """The layers as docs/ARCHITECTURE.md draws them."""
    width = max(len(layer.name) for layer in LAYERS) + 2
    rows = []
    for number, layer in enumerate(LAYERS):
        if number:
            rows += [" " * (width // 2) + "│", " " * (width // 2) + "▼"]
        never = f"   (never {', '.join(layer.never)})" if layer.never else ""
        rows.append(f"{layer.name:<{width}}{'  '.join(layer.packages)}{never}")
    return "\n".join(rows)


def test_every_module_is_in_a_layer():
    unplaced = [str(path.relative_to(ROOT)) for name, path in modules().items()
                if name not in SOURCES and package_of(name) is None]
    assert not unplaced, "modules in no layer (add them to LAYERS in tests/test_architecture.py):\n" + \
        "\n".join(unplaced)


def test_no_import_goes_up_a_layer():
    broken = upward_imports()
    assert not broken, "\n".join(broken)


def test_only_the_channels_import_a_platforms_library():
    broken = platform_imports()
    assert not broken, "\n".join(broken)


def test_no_two_packages_import_each_other():
    broken = package_cycles()
    assert not broken, "\n".join(broken)


def test_the_contract_catches_an_upward_import_and_a_cycle(monkeypatch):
    """The checks themselves: storage importing the dialogue (up, and a cycle), a channel importing an action,
    delivery importing Telegram's errors."""
    planted = {
        ROOT / "bot" / "storage" / "places.py": Import(ROOT / "bot" / "storage" / "places.py", 1,
                                                         "bot.storage.places", "bot.dialogue.turn.Dialogue"),
        ROOT / "bot" / "channels" / "webchat.py": Import(ROOT / "bot" / "channels" / "webchat.py", 2,
                                                           "bot.channels.webchat", "actions.answers.menu"),
        ROOT / "bot" / "delivery" / "sender.py": Import(ROOT / "bot" / "delivery" / "sender.py", 3,
                                                          "bot.delivery.sender", "telegram.error"),
    }
    real = imports
    monkeypatch.setattr(sys.modules[__name__], "imports",
                        lambda p: real(p) + ([planted[p]] if p in planted else []))
    upward = upward_imports()
    assert any("bot/storage/places.py:1: bot.storage.places (services) imports bot.dialogue.turn.Dialogue "
               "(dialogue)" in line for line in upward)
    assert any("bot/channels/webchat.py:2:" in line and "channels never import actions" in line for line in upward)
    assert any("bot/delivery/sender.py:3:" in line for line in platform_imports())
    assert any("bot.dialogue and bot.storage import each other" in line for line in package_cycles())


# Tests and benchmarks share what they both need through devtools/, so neither imports the other.
APART = {"tests": "bench", "bench": "tests", "devtools": ("tests", "bench")}


def crossing_imports() -> list[str]:
    """Imports from tests/ into bench/, bench/ into tests/, or devtools/ into either (imports in functions too)."""
    broken = []
    for top, banned in APART.items():
        banned = (banned,) if isinstance(banned, str) else banned
        for path in sorted((ROOT / top).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    names = [node.module or ""]
                else:
                    continue
                broken += [f"{path.relative_to(ROOT)}:{node.lineno}: {top} imports {name}: what both need "
                           "belongs in devtools/" for name in names if name.split(".")[0] in banned]
    return broken


def test_tests_and_bench_do_not_import_each_other():
    broken = crossing_imports()
    assert not broken, "\n".join(broken)


def test_the_check_catches_tests_and_bench_importing_each_other(monkeypatch, tmp_path):
    for top, code in {"tests": "def f():\n    import bench.run\n", "bench": "from tests.helpers import serving\n",
                      "devtools": "from devtools import figures\n"}.items():
        (tmp_path / top).mkdir()
        (tmp_path / top / "planted.py").write_text(code, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert crossing_imports() == [
        "tests/planted.py:2: tests imports bench.run: what both need belongs in devtools/",
        "bench/planted.py:1: bench imports tests.helpers: what both need belongs in devtools/"]


def test_the_architecture_doc_draws_these_layers():
    doc = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert diagram() in doc, "docs/ARCHITECTURE.md must hold the picture tests/test_architecture.py draws:\n" + \
        diagram()
