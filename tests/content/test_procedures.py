"""content/procedures.yml: procedures with no tutorial yet; the real list is sound, a broken one is named by line."""
from __future__ import annotations

import pytest

from content import CONTENT_DIR
from content.loader import PROCEDURES_NAME, check_catalog
from tests.content.samples import VALID_TOPIC

PROCEDURE = """\
procedures:
  - id: passport
    title: "làm hộ chiếu phổ thông"
    where: >-
      Nộp hồ sơ trên Cổng Dịch vụ công quốc gia, hoặc tại Công an tỉnh.
    done_at: [portal, office]
    source: "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html — Cổng Dịch vụ công quốc gia"
    reviewed_on: 2026-12-06
    examples:
      - "làm hộ chiếu ở đâu"
      - "lam ho chieu o dau"
      - "xin cấp hộ chiếu online"
      - "ho chieu phổ thông làm mất bao lâu"
      - "cấp lại hộ chiếu bị mất"
"""


def test_the_real_procedures_load_and_teach_the_nlu(checked_catalog):
    catalog, errors = checked_catalog
    assert [str(e) for e in errors] == []
    assert len(catalog.procedures) >= 12
    for procedure in catalog.procedures.values():
        assert procedure.source_url.startswith("https://"), procedure.id
        assert len(procedure.examples) >= 15, procedure.id
        assert procedure.id not in catalog.topics


def test_a_valid_list_loads(topics_dir):
    (topics_dir / "demo-topic.yml").write_text(VALID_TOPIC, encoding="utf-8")
    (topics_dir.parent / PROCEDURES_NAME).write_text(PROCEDURE, encoding="utf-8")
    catalog, errors = check_catalog(topics_dir)
    assert errors == []
    assert catalog.procedures["passport"].done_at == ["portal", "office"]


def test_no_file_means_no_procedures(topics_dir):
    (topics_dir / "demo-topic.yml").write_text(VALID_TOPIC, encoding="utf-8")
    catalog, errors = check_catalog(topics_dir)
    assert errors == [] and catalog.procedures == {}


@pytest.mark.parametrize("broken, line, words", [
    (PROCEDURE.replace("done_at: [portal, office]", "done_at: [post]"), 6, "done_at.0"),
    (PROCEDURE.replace('source: "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html — Cổng Dịch vụ công quốc gia"',
                       'source: "dichvucong.gov.vn"'), 7, "source"),
    (PROCEDURE.replace('      - "lam ho chieu o dau"\n', ""  ).replace('      - "cấp lại hộ chiếu bị mất"\n', ""),
     9, "examples"),
    (PROCEDURE + PROCEDURE[len("procedures:\n"):], 15, "listed twice"),
    (PROCEDURE.replace("  - id: passport", "  - id: demo-topic"), 2, "id of a topic"),
    (PROCEDURE.replace('"xin cấp hộ chiếu online"', '"câu hỏi thử một"'), 12, "also under 'demo-topic'"),
    (PROCEDURE.replace("    where: >-\n", "    where: >-\n  oops: [\n"), 5, "not valid YAML"),
    (PROCEDURE.replace("hoặc tại Công an tỉnh.", "hoặc xem tại hochieu-nhanh.com."), 5, "not an official domain"),
    (PROCEDURE.replace("hoặc tại Công an tỉnh.", "hoặc xem http://dichvucong.gov.vn."), 5, "must start with https"),
])
def test_a_broken_list_is_named_by_file_and_line(topics_dir, broken, line, words):
    (topics_dir / "demo-topic.yml").write_text(VALID_TOPIC, encoding="utf-8")
    path = topics_dir.parent / PROCEDURES_NAME
    path.write_text(broken, encoding="utf-8")
    _, errors = check_catalog(topics_dir)
    assert errors, "the broken list was accepted"
    assert any(e.path == path and e.line == line and words in e.message for e in errors), \
        [str(e) for e in errors]


def test_the_real_file_is_where_the_loader_looks():
    assert (CONTENT_DIR / PROCEDURES_NAME).is_file()
