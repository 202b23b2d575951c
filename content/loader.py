"""Load topic files into a Catalog; every error names the file and line."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import ValidationError

from content import CONTENT_DIR
from content.links import (
    OFFICIAL_DOMAINS_FILE,
    OfficialDomains,
    find_links,
    http_urls_listed,
    link_problem,
    topic_link_problems,
)
from content.schema import MenuTopics, Platform, PlatformList, Procedure, ProcedureList, Topic
from content.screen_checks import check_screens

TOPICS_DIR = CONTENT_DIR / "topics"
PROCEDURES_NAME = "procedures.yml"  # beside topics/
PROCEDURES_FILE = CONTENT_DIR / PROCEDURES_NAME
MENU_NAME = "menu.yml"  # beside topics/: the topics the menu offers
PLATFORMS_NAME = "platforms.yml"  # beside topics/ (else content's own): the platforms a tutorial may bring
PLATFORMS_FILE = CONTENT_DIR / PLATFORMS_NAME
SCREENS_NAME = "screens.yml"  # beside topics/: the step images' descriptions (a content without one has none)
CATALOG_SPEC = CONTENT_DIR.parent.parent / "shared" / "spec" / "topics.yml"
FACTS_NAME = "content-facts.md"  # the fact brief, beside the catalog spec


@dataclass(frozen=True)
class ContentError:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentInvalid(Exception):
    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


# A topic file is a few levels deep; far deeper nesting is an error (and would exhaust Python's stack).
MAX_NESTING = 50


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping key and sequence item."""

    _depth = 0
    line_maps: list[tuple[object, dict, int]]  # (a mapping or list, its keys' lines, its own line); set per parse

    def compose_node(self, parent, index):
        if self._depth >= MAX_NESTING:
            raise yaml.composer.ComposerError(
                None, None, f"nested more than {MAX_NESTING} levels deep", self.peek_event().start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = {}
    lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        lines[key] = key_node.start_mark.line + 1
    loader.line_maps.append((mapping, lines, node.start_mark.line + 1))
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> list:
    items = [loader.construct_object(child, deep=True) for child in node.value]
    loader.line_maps.append((items, {i: c.start_mark.line + 1 for i, c in enumerate(node.value)},
                             node.start_mark.line + 1))
    return items


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
# Dates stay strings until pydantic parses them, so errors read the same everywhere.
_LineLoader.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _parse_with_lines(text: str):
    loader = _LineLoader(text)
    loader.line_maps = []
    try:
        data = loader.get_single_data()
    finally:
        loader.dispose()
    by_id = {id(obj): (lines, start) for obj, lines, start in loader.line_maps}
    return data, by_id


def _line_of(data, by_id, loc: tuple) -> int:
    """The line of the deepest part of `loc` that exists in the parsed YAML."""
    line = 1
    node = data
    for part in loc:
        info = by_id.get(id(node))
        if info is None:
            break
        lines, start = info
        line = lines.get(part, start)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return line


def _yaml_error_line(text: str, exc: yaml.YAMLError) -> int:
    """The line a person should look at: where an unclosed quote opened, else where YAML gave up."""
    context, problem = getattr(exc, "context_mark", None), getattr(exc, "problem_mark", None)
    if isinstance(exc, yaml.scanner.ScannerError) and context is not None \
            and "quoted scalar" in (getattr(exc, "context", None) or ""):
        return context.line + 1
    if isinstance(exc, yaml.parser.ParserError) and problem is not None:
        # A quote closed lines later swallows the lines between; point at where it opened.
        last_quoted = None
        try:
            for token in yaml.scan(text):
                if token.start_mark.index >= problem.index:
                    break
                if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"') \
                        and token.end_mark.line > token.start_mark.line:
                    last_quoted = token
        except yaml.YAMLError:
            pass
        if last_quoted is not None:
            return last_quoted.start_mark.line + 1
    mark = problem or context
    return mark.line + 1 if mark else 1


def _load_validated(path: Path, model, what: str):
    """A pydantic model from one YAML file, or ContentInvalid naming the file and lines.

    Returns the model and a function giving the line of a field path, for later checks.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentInvalid([ContentError(path, 1, f"cannot read the file as UTF-8: {exc}")])
    try:
        data, by_id = _parse_with_lines(text)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentInvalid([ContentError(path, _yaml_error_line(text, exc), f"not valid YAML: {problem}")])
    if not isinstance(data, dict):
        raise ContentInvalid([ContentError(path, 1, f"expected a mapping of {what}")])
    try:
        loaded = model.model_validate(data)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            where = ".".join(str(p) for p in loc) or "topic"
            errors.append(ContentError(path, _line_of(data, by_id, loc), f"{where}: {err['msg']}"))
        raise ContentInvalid(errors)
    return loaded, lambda loc: _line_of(data, by_id, loc)


def load_topic_file(path: Path) -> Topic:
    """One topic from one file, or ContentInvalid naming the file and lines."""
    topic, line_of = _load_validated(path, Topic, "topic fields (id, kind, title, ...)")
    if topic.id != path.stem:
        raise ContentInvalid([ContentError(path, line_of(("id",)),
                                           f"id {topic.id!r} must match the file name {path.stem!r}")])
    return topic


_Listed = TypeVar("_Listed", Procedure, Platform)


def _by_id(items: list[_Listed], path: Path, line_of, key: str,
           noun: str) -> tuple[dict[str, _Listed], list[ContentError]]:
    """A file's list (under `key`) by id, the last of a repeated id kept, and an error for each repetition."""
    by_id: dict[str, _Listed] = {}
    errors = []
    for index, item in enumerate(items):
        if item.id in by_id:
            errors.append(ContentError(path, line_of((key, index, "id")), f"{noun} {item.id!r} is listed twice"))
        by_id[item.id] = item
    return by_id, errors


def load_procedures(path: Path = PROCEDURES_FILE) -> dict[str, Procedure]:
    """The procedures without a tutorial yet, by id; none when the file is absent."""
    if not path.exists():
        return {}
    listed, line_of = _load_validated(path, ProcedureList, "procedures (a 'procedures:' list)")
    procedures, errors = _by_id(listed.procedures, path, line_of, "procedures", "procedure id")
    if errors:
        raise ContentInvalid(errors)
    return procedures


@dataclass
class Catalog:
    """All topics by id, in file-name order."""

    topics: dict[str, Topic] = field(default_factory=dict)
    # Procedures citizens ask about that have no tutorial yet (content/procedures.yml).
    procedures: dict[str, Procedure] = field(default_factory=dict)
    # The topics the menu offers, in order (content/menu.yml).
    menu: tuple[str, ...] = ()
    # The platforms a tutorial may bring to a household, by id, in file order (content/platforms.yml).
    platforms: dict[str, Platform] = field(default_factory=dict)

    def __getitem__(self, topic_id: str) -> Topic:
        return self.topics[topic_id]

    def get(self, topic_id: str | None) -> Topic | None:
        return self.topics.get(topic_id) if topic_id else None

    def __iter__(self):
        return iter(self.topics.values())

    def __len__(self) -> int:
        return len(self.topics)

    def confusable_pairs(self) -> frozenset[frozenset[str]]:
        """Topics citizens mix up: each FAQ with its tutorial, and what `confusable_with` declares."""
        pairs = {frozenset((t.id, t.tutorial)) for t in self if t.tutorial in self.topics}
        pairs |= {frozenset((t.id, other)) for t in self for other in t.confusable_with if other in self.topics}
        return frozenset(p for p in pairs if len(p) == 2)


def _load_menu(path: Path, catalog: Catalog) -> tuple[tuple[str, ...], list[ContentError]]:
    """The menu's topic ids (none when the file is absent) and what is wrong with them."""
    if not path.exists():
        return (), []
    try:
        menu, line_of = _load_validated(path, MenuTopics, "the menu (a 'topics:' list)")
    except ContentInvalid as exc:
        return (), exc.errors
    errors, seen = [], set()
    for index, topic_id in enumerate(menu.topics):
        if topic_id in seen:
            errors.append(ContentError(path, line_of(("topics", index)), f"topic {topic_id!r} is listed twice"))
        elif topic_id not in catalog.topics:
            errors.append(ContentError(path, line_of(("topics", index)), f"no topic {topic_id!r} in topics/"))
        seen.add(topic_id)
    return tuple(menu.topics), errors


def _load_platforms(path: Path) -> tuple[dict[str, Platform], list[ContentError]]:
    """The platforms by id, and what is wrong with the file."""
    try:
        listed, line_of = _load_validated(path, PlatformList, "platforms (a 'platforms:' list)")
    except ContentInvalid as exc:
        return {}, exc.errors
    return _by_id(listed.platforms, path, line_of, "platforms", "platform")


def catalog_spec_ids(spec: Path = CATALOG_SPEC) -> list[str]:
    """The topic ids the catalog must cover, from shared/spec/topics.yml."""
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    return [t["id"] for t in data["topics"]]


def check_catalog(topics_dir: Path = TOPICS_DIR, spec: Path | None = None) -> tuple[Catalog, list[ContentError]]:
    """Load every topic file, collecting all errors rather than stopping at the first."""
    catalog = Catalog()
    errors: list[ContentError] = []
    for path in sorted(topics_dir.glob("*.yml")):
        try:
            topic = load_topic_file(path)
        except ContentInvalid as exc:
            errors.extend(exc.errors)
            continue
        catalog.topics[topic.id] = topic
    procedures_file = topics_dir.parent / PROCEDURES_NAME
    try:
        catalog.procedures = load_procedures(procedures_file)
    except ContentInvalid as exc:
        errors.extend(exc.errors)
    catalog.menu, menu_errors = _load_menu(topics_dir.parent / MENU_NAME, catalog)
    errors.extend(menu_errors)
    platforms_file = topics_dir.parent / PLATFORMS_NAME
    catalog.platforms, platform_errors = _load_platforms(
        platforms_file if platforms_file.is_file() else PLATFORMS_FILE)
    errors.extend(platform_errors)
    errors.extend(_cross_checks(catalog, topics_dir))
    errors.extend(_screen_checks(catalog, topics_dir))
    errors.extend(_procedure_checks(catalog, procedures_file))
    facts = spec.with_name(FACTS_NAME) if spec is not None else None
    errors.extend(_link_checks(catalog, topics_dir, facts))
    if spec is not None and spec.exists():
        known = set(catalog_spec_ids(spec))
        for topic in catalog:
            if topic.id not in known:
                errors.append(ContentError(topics_dir / f"{topic.id}.yml", 1,
                                           f"topic {topic.id!r} is not in {spec.name}"))
        broken = {p.stem for p in topics_dir.glob("*.yml")}
        for topic_id in sorted(known - set(catalog.topics) - broken):
            errors.append(ContentError(spec, _line_containing(spec, f"id: {topic_id}"),
                                       f"topic {topic_id!r} has no file {topic_id}.yml in {topics_dir}"))
    return catalog, errors


def _line_containing(path: Path, needle: str, after: str | None = None) -> int:
    """The first line of the file that mentions `needle`, below the line mentioning `after`."""
    searching = after is None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if after is not None and not searching:  # (with no `after`, searching from the start)
            searching = line.lstrip().startswith(after)
            continue
        if needle in line:
            return number
    return 1


def _key_line(path: Path, key: str) -> int:
    """The line of a top-level key (1 when absent)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    return 1


def _cross_checks(catalog: Catalog, topics_dir: Path) -> list[ContentError]:
    errors = []
    seen: dict[str, str] = {}
    for topic in catalog:
        path = topics_dir / f"{topic.id}.yml"
        for ref_name in ("next_topic", "tutorial"):
            ref = getattr(topic, ref_name)
            if ref and ref not in catalog.topics:
                errors.append(ContentError(path, _key_line(path, ref_name),
                                           f"{ref_name}: unknown topic {ref!r}"))
            elif ref_name == "tutorial" and ref and not catalog[ref].is_tutorial:
                errors.append(ContentError(path, _key_line(path, "tutorial"),
                                           f"tutorial: {ref!r} is not a tutorial"))
        if topic.platform and topic.platform not in catalog.platforms:
            errors.append(ContentError(path, _key_line(path, "platform"),
                                       f"platform: unknown platform {topic.platform!r} (see {PLATFORMS_NAME})"))
        for other in topic.confusable_with:
            if other not in catalog.topics or other == topic.id:
                errors.append(ContentError(path, _line_containing(path, other, after="confusable_with:"),
                                           f"confusable_with: unknown topic {other!r}"))
        for step in topic.steps:
            if step.image and not (topics_dir.parent / "images" / step.image).is_file():
                errors.append(ContentError(path, _line_containing(path, step.image),
                                           f"image {step.image!r} not found under content/images/"))
        for example in topic.examples:
            key = " ".join(example.lower().split())
            if key in seen and seen[key] != topic.id:
                errors.append(ContentError(path, _line_containing(path, example, after="examples:"),
                                           f"example {example!r} is also under topic {seen[key]!r}"))
            seen.setdefault(key, topic.id)
    return errors


def _screen_checks(catalog: Catalog, topics_dir: Path) -> list[ContentError]:
    """A step that says to tap a quoted label shows a screen highlighting it; every screen is shown."""
    screens_file = topics_dir.parent / SCREENS_NAME
    if not screens_file.is_file():
        return []
    try:
        problems = check_screens(list(catalog), topics_dir, screens_file)
    except (ValueError, yaml.YAMLError) as exc:  # pydantic's ValidationError is a ValueError
        return [ContentError(screens_file, 1, f"screens: {exc}")]
    errors = []
    for problem in problems:
        if problem.loc:
            data, by_id = _parse_with_lines(problem.path.read_text(encoding="utf-8"))
            line = _line_of(data, by_id, problem.loc)
        else:
            line = _line_containing(problem.path, problem.near)
        errors.append(ContentError(problem.path, line, problem.message))
    return errors


def _procedure_checks(catalog: Catalog, path: Path) -> list[ContentError]:
    """A procedure is not a topic: its id and its example questions belong to no topic."""
    errors = []
    topic_examples = {" ".join(e.lower().split()): t.id for t in catalog for e in t.examples}
    seen: dict[str, str] = {}
    for procedure in catalog.procedures.values():
        if procedure.id in catalog.topics:
            errors.append(ContentError(path, _line_containing(path, f"id: {procedure.id}"),
                                       f"procedure {procedure.id!r} has the id of a topic"))
        for example in procedure.examples:
            key = " ".join(example.lower().split())
            owner = topic_examples.get(key) or (seen.get(key) if seen.get(key) != procedure.id else None)
            if owner:
                errors.append(ContentError(path, _line_containing(path, example, after=f"- id: {procedure.id}"),
                                           f"example {example!r} is also under {owner!r}"))
            seen.setdefault(key, procedure.id)
    return errors


def _procedure_link_checks(catalog: Catalog, path: Path, official: OfficialDomains) -> list[ContentError]:
    """What a citizen is told about a procedure links only to official https sites, as topics do."""
    errors = []
    for procedure in catalog.procedures.values():
        for link in find_links(f"{procedure.title} {procedure.where}"):
            problem = link_problem(link, official)
            if problem:
                line = _line_containing(path, link, after=f"- id: {procedure.id}")
                errors.append(ContentError(path, line, f"{procedure.id}: {problem}"))
    return errors


def _link_checks(catalog: Catalog, topics_dir: Path, facts: Path | None) -> list[ContentError]:
    """Citizen-facing links go to official https sites; http sources only as the fact brief lists them."""
    domains_file = topics_dir.parent / OFFICIAL_DOMAINS_FILE.name
    official = OfficialDomains.load(domains_file if domains_file.is_file() else OFFICIAL_DOMAINS_FILE)
    http_sources = http_urls_listed(facts.read_text(encoding="utf-8")) if facts and facts.is_file() else None
    errors = _procedure_link_checks(catalog, topics_dir.parent / PROCEDURES_NAME, official)
    for topic in catalog:
        problems = topic_link_problems(topic, official, http_sources)
        if not problems:
            continue
        path = topics_dir / f"{topic.id}.yml"
        text = path.read_text(encoding="utf-8")
        data, by_id = _parse_with_lines(text)
        lines = text.splitlines()
        for problem in problems:
            start = _line_of(data, by_id, problem.loc)
            line = next((n for n in _field_lines(lines, start) if problem.link in lines[n - 1]), start)
            errors.append(ContentError(path, line, problem.message))
    return errors


def _field_lines(lines: list[str], start: int):
    """The line numbers of the field whose key is on line `start`: a folded text continues below it."""
    indent = re.match(r"\s*(?:-\s+)*", lines[start - 1])
    if indent is None:  # the pattern matches the empty string, so never
        raise RuntimeError(f"no indentation found on line {start}")
    column = len(indent.group())
    yield start
    for number in range(start + 1, len(lines) + 1):
        line = lines[number - 1]
        if line.strip() and len(line) - len(line.lstrip()) <= column:
            return
        yield number


def load_catalog(topics_dir: Path = TOPICS_DIR) -> Catalog:
    """The catalog for running the assistant; refuses to start on invalid content."""
    catalog, errors = check_catalog(topics_dir)
    if errors:
        raise ContentInvalid(errors)
    return catalog
