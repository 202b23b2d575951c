"""Content status: each topic file's check result and how long ago it was reviewed."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.admin.messages import message
from bot.admin.period import add_months
from content.loader import CATALOG_SPEC, Catalog, ContentError, check_catalog

REVIEW_EVERY_MONTHS = 6


@dataclass(frozen=True)
class TopicStatus:
    file: str
    topic_id: str
    title: str | None
    kind: str | None
    steps: int
    examples: int
    reviewed_on: date | None
    errors: list[str] = field(default_factory=list)
    review_due: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ContentStatus:
    topics: list[TopicStatus]
    other_errors: list[str]

    @property
    def error_count(self) -> int:
        return sum(len(t.errors) for t in self.topics) + len(self.other_errors)

    @property
    def review_due(self) -> int:
        return sum(1 for t in self.topics if t.review_due)


class ContentChecker:
    """Runs `check_catalog` again only when a topic file changed (the page stays fast)."""

    def __init__(self, topics_dir: Path, spec: Path | None = CATALOG_SPEC):
        self.topics_dir = topics_dir
        self.spec = spec
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._result: tuple[Catalog, list[ContentError]] | None = None

    def _fingerprint(self) -> tuple:
        files = [self.topics_dir, *sorted(self.topics_dir.glob("*.yml"))]
        if self.spec is not None and self.spec.exists():
            files.append(self.spec)
        stamps = []
        for path in files:
            try:
                stat = path.stat()
            except OSError:
                continue
            stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(stamps)

    def check(self) -> tuple[Catalog, list[ContentError]]:
        with self._lock:
            stamp = self._fingerprint()
            if stamp != self._stamp or self._result is None:
                self._result = check_catalog(self.topics_dir, spec=self.spec)
                self._stamp = stamp
            return self._result

    def status(self, today: date) -> ContentStatus:
        catalog, errors = self.check()
        by_file: dict[str, list[str]] = {}
        other = []
        for error in errors:
            path = Path(error.path)
            if path.parent.resolve() == self.topics_dir.resolve():
                by_file.setdefault(path.name, []).append(
                    message("content.error_line", line=error.line, message=error.message))
            else:
                other.append(f"{path.name}:{error.line}: {error.message}")
        due_before = add_months(today, -REVIEW_EVERY_MONTHS)
        topics = []
        seen = set()
        for topic in catalog:
            name = f"{topic.id}.yml"
            seen.add(name)
            topics.append(TopicStatus(name, topic.id, topic.title, topic.kind, len(topic.steps),
                                      len(topic.examples), topic.reviewed_on, by_file.get(name, []),
                                      topic.reviewed_on < due_before))
        for name, messages in sorted(by_file.items()):
            if name not in seen:  # the file did not load at all
                topics.append(TopicStatus(name, Path(name).stem, None, None, 0, 0, None, messages))
        topics.sort(key=lambda t: (t.ok, not t.review_due, t.file))
        return ContentStatus(topics, other)
