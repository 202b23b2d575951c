"""Links in topics: citizen-facing text links only to official https sites; sources are http(s)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from pydantic import HttpUrl, TypeAdapter, ValidationError

from content import CONTENT_DIR
from content.schema import Topic

OFFICIAL_DOMAINS_FILE = CONTENT_DIR / "official_domains.yml"

_SCHEME_URL = re.compile(r"(?<![\w.+-])[a-z][a-z0-9+.-]*://[^\s<>\"“”]+", re.IGNORECASE)
# Labels may hold any letters, so a lookalike with Cyrillic or accented letters is still caught.
_BARE_DOMAIN = re.compile(r"(?<![\w.-])(?:[\w-]+\.)+[a-z]{2,63}(?![\w-])(?:[/?#][^\s<>\"“”]*)?",
                          re.IGNORECASE)
_TRAILING = ".,;:!?)]}»”’'\""
# "giấy.pdf" names a file, not a site.
_FILE_EXTENSIONS = {"pdf", "jpg", "jpeg", "png", "gif", "doc", "docx", "xls", "xlsx", "txt", "htm", "html",
                    "aspx", "php"}
_HTTP_URL = TypeAdapter(HttpUrl)


@dataclass(frozen=True)
class OfficialDomains:
    """The allow-list of content/official_domains.yml; an entry covers itself and its subdomains."""

    domains: tuple[str, ...]

    @classmethod
    def load(cls, path: Path = OFFICIAL_DOMAINS_FILE) -> "OfficialDomains":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(tuple(str(d).lower() for d in data["domains"]))

    def allows(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return host.isascii() and any(host == d or host.endswith("." + d) for d in self.domains)


@dataclass(frozen=True)
class LinkProblem:
    """What is wrong with one link, and where in the topic it is (a pydantic-style location)."""

    loc: tuple[str | int, ...]
    link: str
    message: str


def citizen_texts(topic: Topic) -> list[tuple[tuple[str | int, ...], str]]:
    """(location, text) of every field a citizen reads."""
    texts: list[tuple[tuple[str | int, ...], str]] = [(("title",), topic.title), (("summary",), topic.summary)]
    texts += [(("prepare", i), item) for i, item in enumerate(topic.prepare)]
    for i, step in enumerate(topic.steps):
        texts += [(("steps", i, name), getattr(step, name)) for name in ("text", "tip", "warning")
                  if getattr(step, name)]
    if topic.answer:
        texts.append((("answer",), topic.answer))
    return texts


def find_links(text: str) -> list[str]:
    """Every URL (any scheme) and bare domain in the text, as written, without trailing punctuation."""
    found = [m.group().rstrip(_TRAILING) for m in _SCHEME_URL.finditer(text)]
    rest = _SCHEME_URL.sub(" ", text)
    for match in _BARE_DOMAIN.finditer(rest):
        link = match.group().rstrip(_TRAILING)
        if _host_of_bare(link).rsplit(".", 1)[-1].lower() not in _FILE_EXTENSIONS:
            found.append(link)
    return found


def _host_of_bare(link: str) -> str:
    return re.split(r"[/?#]", link, maxsplit=1)[0]


def link_problem(link: str, official: OfficialDomains) -> str | None:
    """Why a link in citizen-facing text is not allowed, or None."""
    if "://" in link:
        parts = urlsplit(link)
        if parts.scheme.lower() != "https":
            return f"link {link!r} must start with https://"
        try:
            host = parts.hostname or ""
        except ValueError:
            host = ""
        if not host:
            return f"link {link!r} has no site name"
    else:
        host = _host_of_bare(link)
    if not official.allows(host):
        return (f"link {link!r}: {host.lower()} is not an official domain "
                f"(allowed: {', '.join(official.domains)}; see content/official_domains.yml)")
    return None


def http_urls_listed(facts_text: str) -> set[str]:
    """The http:// (not https) URLs the fact brief lists, normalised like Source.url."""
    listed = set()
    for match in re.finditer(r"http://[^\s<>\"“”]+", facts_text):
        try:
            listed.add(str(_HTTP_URL.validate_python(match.group().rstrip(_TRAILING))))
        except ValidationError:
            continue
    return listed


def topic_link_problems(topic: Topic, official: OfficialDomains,
                        http_sources: set[str] | None = None) -> list[LinkProblem]:
    """Links of one topic that break the rules; sources are checked when the fact brief's http URLs are given."""
    problems = []
    for loc, text in citizen_texts(topic):
        for link in find_links(text):
            message = link_problem(link, official)
            if message:
                problems.append(LinkProblem(loc, link, message))
    if http_sources is not None:
        for i, source in enumerate(topic.sources):
            url = str(source.url)
            if source.url.scheme == "http" and url not in http_sources:
                problems.append(LinkProblem(("sources", i, "url"), url,
                                            f"source {url!r} is http, but the fact brief does not list it "
                                            "that way: use https://"))
    return problems
