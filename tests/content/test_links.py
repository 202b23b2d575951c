"""Links: citizen-facing text links only to official https sites; http sources only as the fact brief lists them."""
from __future__ import annotations

import pytest

from content.links import OfficialDomains, citizen_texts, find_links, link_problem
from content.loader import CATALOG_SPEC, FACTS_NAME, check_catalog
from tests.content.samples import VALID_TOPIC

OFFICIAL = OfficialDomains.load()
FACTS = CATALOG_SPEC.with_name(FACTS_NAME)


def case(case_id: str, *values):
    return pytest.param(*values, id=case_id)


# (text, the links found in it, words of the problem with the first link; None = allowed)
TEXT_CASES = [
    case("bare-official", "Vào trang dichvucong.gov.vn rồi đăng nhập.", ["dichvucong.gov.vn"], None),
    case("bare-official-end-of-sentence", "Mở dichvucong.bocongan.gov.vn.", ["dichvucong.bocongan.gov.vn"], None),
    case("https-official-with-path", "Mở https://dichvucong.gov.vn/p/home/dvc-trang-chu.html, rồi bấm.",
         ["https://dichvucong.gov.vn/p/home/dvc-trang-chu.html"], None),
    case("https-uppercase", "HTTPS://DICHVUCONG.GOV.VN", ["HTTPS://DICHVUCONG.GOV.VN"], None),
    case("gov-vn-subdomain", "Xem baohiemxahoi.gov.vn", ["baohiemxahoi.gov.vn"], None),
    case("gov-vn-deep-subdomain", "https://gplx.csgt.bocongan.gov.vn", ["https://gplx.csgt.bocongan.gov.vn"], None),
    case("www-official", "www.dichvucong.gov.vn", ["www.dichvucong.gov.vn"], None),
    case("evn-regional", "Hà Nội: trang cskh.evnhanoi.com.vn.", ["cskh.evnhanoi.com.vn"], None),
    case("http-official", "Mở http://dichvucong.gov.vn", ["http://dichvucong.gov.vn"], "must start with https://"),
    case("other-scheme", "Bấm zalo://qr/p/abc", ["zalo://qr/p/abc"], "must start with https://"),
    case("lookalike-suffix", "Vào gov.vn.example.com", ["gov.vn.example.com"], "example.com"),
    case("lookalike-official-prefix", "Vào dichvucong.gov.vn.dangnhap.com", ["dichvucong.gov.vn.dangnhap.com"],
         "dichvucong.gov.vn.dangnhap.com is not an official domain"),
    case("lookalike-hyphen", "Vào dichvucong-gov.vn", ["dichvucong-gov.vn"], "dichvucong-gov.vn is not an official"),
    case("lookalike-glued", "Vào dichvucongov.vn", ["dichvucongov.vn"], "is not an official"),
    case("lookalike-cyrillic-o", "Vào dichvuc\u043eng.gov.vn", ["dichvuc\u043eng.gov.vn"], "is not an official"),
    case("userinfo-trick", "https://dichvucong.gov.vn@dangnhap.example",
         ["https://dichvucong.gov.vn@dangnhap.example"], "dangnhap.example is not an official"),
    case("https-unofficial", "Tải ở https://vneid-app.com/tai", ["https://vneid-app.com/tai"], "vneid-app.com"),
    case("evn-parent-not-in-facts", "Xem evn.com.vn", ["evn.com.vn"], "evn.com.vn is not an official"),
    case("email-domain", "Gửi về hotro@gmail.com", ["gmail.com"], "gmail.com is not an official"),
    case("no-link-words", 'Bấm "Tiếp tục". Sau đó chờ 1.000 đồng, phiên bản 2.1.0, v.v.', [], None),
    case("no-link-file-name", "Chụp ảnh chân dung.jpg và bản scan.pdf", [], None),
]


@pytest.mark.parametrize("text, links, words", TEXT_CASES)
def test_link_in_text(text, links, words):
    assert find_links(text) == links
    problems = [link_problem(link, OFFICIAL) for link in links]
    if words is None:
        assert problems == [None] * len(links)
    else:
        assert problems[0] is not None and words in problems[0], problems


_STEP_1 = '  - text: "Mở ứng dụng."\n'
_TIP_1 = '    tip: "Tìm biểu tượng trên màn hình chính."\n'
_WARNING_2 = '    warning: "Không gửi mã OTP cho ai."\n'
_SUMMARY = 'summary: "Một bài tập nhỏ để kiểm tra."\n'
_PREPARE = '  - "Điện thoại có mạng."\n'
_ANSWER_FAQ = (VALID_TOPIC.replace("kind: tutorial", "kind: faq")
               .replace(VALID_TOPIC[VALID_TOPIC.index("steps:"):VALID_TOPIC.index("next_topic:")], ""))


def _with(old: str, new: str, text: str = VALID_TOPIC) -> str:
    assert old in text
    return text.replace(old, new, 1)


# (file text, [(line, words)] of the expected errors; [] = no error). Lines as in samples.VALID_TOPIC.
FILE_CASES = [
    case("official-https-in-step", _with(_STEP_1, '  - text: "Mở https://dichvucong.gov.vn."\n'), []),
    case("gov-vn-subdomain-in-tip", _with(_TIP_1, '    tip: "Hoặc vào vneid.gov.vn."\n'), []),
    case("unofficial-domain-in-step", _with(_STEP_1, '  - text: "Mở trang dichvucong-gov.vn."\n'),
         [(9, "'dichvucong-gov.vn': dichvucong-gov.vn is not an official domain")]),
    case("http-link-in-tip", _with(_TIP_1, '    tip: "Hoặc mở http://dichvucong.gov.vn"\n'),
         [(10, "must start with https://")]),
    case("lookalike-in-warning", _with(_WARNING_2, '    warning: "Đừng vào gov.vn.example.com"\n'),
         [(12, "gov.vn.example.com is not an official domain")]),
    case("unofficial-in-prepare", _with(_PREPARE, '  - "Mở sẵn trang vneid.com"\n'), [(7, "vneid.com")]),
    case("unofficial-in-folded-summary",
         _with(_SUMMARY, "summary: >-\n  Một bài tập nhỏ,\n  xem thêm ở huongdan.example.org.\n"),
         [(6, "huongdan.example.org")]),
    case("same-link-in-two-steps-named-twice",
         _with(_WARNING_2, '    warning: "Không vào vneid.com"\n',
               _with(_STEP_1, '  - text: "Không vào vneid.com"\n')),
         [(9, "vneid.com"), (12, "vneid.com")]),
    case("unofficial-in-title", _with('title: "Cài thử ứng dụng"', 'title: "Vào vneid.app"'),
         [(3, "vneid.app")]),
    case("unofficial-in-faq-answer",
         _with("next_topic: null", 'answer: "Xem ở\n  https://dvc.example.vn/huong-dan"', _ANSWER_FAQ),
         [(9, "dvc.example.vn is not an official domain")]),
    case("press-source-not-restricted", VALID_TOPIC, []),
    case("ftp-source", _with("url: https://example.org/huong-dan", "url: ftp://example.org/huong-dan"),
         [(22, "sources.0.url: URL scheme should be 'http' or 'https'")]),
]


@pytest.mark.parametrize("text, expected", FILE_CASES)
def test_link_errors_are_named_by_line(topics_dir, text, expected):
    path = topics_dir / "demo-topic.yml"
    path.write_text(text, encoding="utf-8")
    _, errors = check_catalog(topics_dir)
    assert [e.line for e in errors] == [line for line, _ in expected], [str(e) for e in errors]
    for error, (line, words) in zip(errors, expected):
        assert str(error).startswith(f"{path}:{line}: ") and words in error.message, str(error)


LISTED_HTTP = "http://tin.example.vn/bai-1.html"
# (source url, fact brief text, words of the error; None = allowed)
SOURCE_CASES = [
    case("https-not-in-brief", "https://bao.example.vn/bai", "Nothing here.", None),
    case("http-listed-as-http", LISTED_HTTP, f"- A fact ({LISTED_HTTP}, 2024).", None),
    case("http-listed-with-trailing-punctuation", LISTED_HTTP, f"- A fact ({LISTED_HTTP}).", None),
    case("http-listed-only-as-https", LISTED_HTTP, f"- A fact ({LISTED_HTTP.replace('http', 'https')}).",
         "is http, but the fact brief does not list it that way"),
    case("http-not-in-brief", LISTED_HTTP, "- A fact (https://other.example.vn).",
         "is http, but the fact brief does not list it that way"),
]


@pytest.mark.parametrize("url, facts, words", SOURCE_CASES)
def test_http_source_only_as_the_fact_brief_lists_it(tmp_path, topics_dir, url, facts, words):
    spec = tmp_path / "topics.yml"
    spec.write_text("topics:\n  - id: demo-topic\n    kind: tutorial\n", encoding="utf-8")
    (tmp_path / FACTS_NAME).write_text(facts, encoding="utf-8")
    path = topics_dir / "demo-topic.yml"
    path.write_text(_with("url: https://example.org/huong-dan", f"url: {url}"), encoding="utf-8")
    _, errors = check_catalog(topics_dir, spec=spec)
    if words is None:
        assert [str(e) for e in errors] == []
    else:
        assert len(errors) == 1 and str(errors[0]).startswith(f"{path}:22: ") and words in errors[0].message, \
            [str(e) for e in errors]


@pytest.mark.parametrize("domain", OFFICIAL.domains)
def test_official_domain_is_named_in_the_fact_brief(domain):
    assert "." in domain and domain not in {"com.vn", "net.vn", "org.vn", "edu.vn"}, "a public suffix, not a site"
    assert domain in FACTS.read_text(encoding="utf-8")


def test_real_catalog_links_are_found_and_official(checked_catalog):
    """The check is not vacuous: the real content does name sites, and all of them are allowed."""
    catalog, _ = checked_catalog
    links = {link for topic in catalog for _, text in citizen_texts(topic) for link in find_links(text)}
    assert {"dichvucong.gov.vn", "dichvucong.bocongan.gov.vn"} <= links
    assert {link: link_problem(link, OFFICIAL) for link in links} == dict.fromkeys(links)
