"""A small valid topic file to corrupt, and the topic ids and kinds of the catalog spec."""
from __future__ import annotations

import yaml

from content.loader import CATALOG_SPEC

SPEC_KINDS = {t["id"]: t["kind"] for t in yaml.safe_load(CATALOG_SPEC.read_text(encoding="utf-8"))["topics"]}

# A valid tutorial; the corrupt-file cases edit it, so its line numbers matter:
#  1 id   2 kind   3 title   5 reviewed_on   8 steps   9-10 step 1   11-13 step 2
# 14 next_topic   15 examples   16-20 example items   21 sources
VALID_TOPIC = '''\
id: demo-topic
kind: tutorial
title: "Cài thử ứng dụng"
summary: "Một bài tập nhỏ để kiểm tra."
reviewed_on: 2025-01-15
prepare:
  - "Điện thoại có mạng."
steps:
  - text: "Mở ứng dụng."
    tip: "Tìm biểu tượng trên màn hình chính."
  - text: "Bấm nút Đăng nhập."
    warning: "Không gửi mã OTP cho ai."
    image: null
next_topic: null
examples:
  - "câu hỏi thử một"
  - "câu hỏi thử hai"
  - "câu hỏi thử ba"
  - "câu hỏi thử bốn"
  - "câu hỏi thử năm"
sources:
  - url: https://example.org/huong-dan
    title: "Trang hướng dẫn"
'''


def topic_text(topic_id: str = "demo-topic", *, examples: tuple[str, ...] = (), **lines: str) -> str:
    """VALID_TOPIC with another id, extra examples (from line 21), or the first `key:` line replaced."""
    text = VALID_TOPIC.replace("id: demo-topic", f"id: {topic_id}", 1)
    if topic_id != "demo-topic":  # example questions must differ between topics
        text = text.replace("câu hỏi thử", f"câu hỏi {topic_id}")
    for key, new in lines.items():
        old = next(line for line in text.splitlines() if line.strip().startswith(f"{key}:"))
        text = text.replace(old, new, 1)
    for example in examples:
        text = text.replace("sources:", f'  - "{example}"\nsources:', 1)
    return text


def the_one_error(errors: list, path, line: int) -> str:
    """The message of the only error in `errors`, checked to be named by `path` and `line`."""
    assert len(errors) == 1, [str(e) for e in errors]
    assert str(errors[0]).startswith(f"{path}:{line}: "), str(errors[0])
    return errors[0].message
