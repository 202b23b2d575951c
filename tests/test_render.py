"""Every template and button label renders with the context the actions give it, in every form of address."""
from __future__ import annotations

import ast

import pytest
import yaml
from jinja2 import UndefinedError, meta

from bot.render import Renderer
from bot.settings import ROOT
from bot.shared.types import Button, Reply
from content import CONTENT_DIR
from content.loader import catalog_spec_ids

renderer = Renderer()
TEMPLATE_IDS = renderer.template_ids()
LABELS = yaml.safe_load((CONTENT_DIR / "templates" / "buttons.yml").read_text(encoding="utf-8"))
LABEL_IDS = list(LABELS)
# Every form of address a citizen can choose, then None (not chosen yet): (form, you, You, me).
_ADDRESS = yaml.safe_load((CONTENT_DIR / "templates" / "address_forms.yml").read_text(encoding="utf-8"))
ADDRESS_CASES = [pytest.param(form, form, form[:1].upper() + form[1:], me, id=form)
                 for form, me in _ADDRESS["forms"].items()]
ADDRESS_CASES.append(pytest.param(None, _ADDRESS["default"]["you"], _ADDRESS["default"]["you"].capitalize(),
                                  _ADDRESS["default"]["me"], id="none"))
ADDRESS_FORMS = [case.values[0] for case in ADDRESS_CASES]

STEP = {"text": "Mở ứng dụng VNeID, {{ you }} bấm “Đăng nhập”.", "tip": "{{ You }} có thể dùng vân tay.",
        "warning": "Không đọc mã OTP cho ai.", "image": None}

# Contexts as the actions build them (actions/*.py, bot/dialogue/routing.py, bot/channels/telegram.py).
# The first case of each template sets every optional part, so each variable it reads is evaluated.
CONTEXTS: dict[str, list[dict]] = {
    "address_saved": [{}],
    "ask_address_form": [{}],
    "ask_household_code": [{}],
    "button_stale": [{}],
    "button_unknown": [{}],
    "bye": [{}],
    "choose_topic": [{"topic_ids": ["vneid-register", "vneid-level2"]}],
    "clarify": [{"topic_ids": ["vneid-register", "vneid-level2"]}],
    "deny": [{}],
    "error_generic": [{}],
    "faq_answer": [
        {"topic_id": "faq-vneid-what", "title": "VNeID là gì?",
         "answer": "VNeID là ứng dụng định danh điện tử. {{ You }} dùng miễn phí.",
         "tutorial_title": "Cài VNeID và đăng ký tài khoản mức 1"},
        {"topic_id": "faq-dvc-what", "title": "Dịch vụ công là gì?", "answer": "Là cổng nộp hồ sơ trực tuyến.",
         "tutorial_title": None},
    ],
    "greet": [{}],
    "guest_welcome": [{}],
    "household_code_unknown": [{"code": "AB3K7Q"}],
    "household_linked": [{"initials": "N. V. A.", "village": "Thôn Đông"}],
    "household_code_mistyped": [{"code": "ABCD-EFGH-K"}],
    "household_code_one_at_a_time": [{}],
    "join_code_wait": [{"time": "14:36", "date": None}, {"time": "00:05", "date": "08/12"}],
    "human_handoff": [
        # The web chat (not reachable later), a guest's village chosen: every part is read.
        {"topic_title": "Cài VNeID và đăng ký tài khoản mức 1", "number": 3, "told": 2, "village": "Thôn Đông",
         "commune": "Xã Tân Lập", "reachable": False},
        {"topic_title": None, "number": None, "told": 1, "village": None, "commune": None, "reachable": True},
        {"topic_title": "Cài VNeID và đăng ký tài khoản mức 1", "number": 3, "told": 0, "village": "Thôn Đông",
         "commune": "Xã Tân Lập", "reachable": True},
        {"topic_title": None, "number": None, "told": 0, "village": None, "commune": None, "reachable": False},
    ],
    "guest_help_commune": [{}],
    "guest_help_village": [{"commune": "Xã Tân Lập"}],
    "menu": [{}],
    "not_covered": [{"procedure_id": "passport", "title": "làm hộ chiếu",
                     "where": "Làm tại Công an tỉnh, hoặc nộp trực tuyến trên Cổng Dịch vụ công quốc gia."}],
    "message_empty": [{}],
    "message_too_long": [{}],
    "nlu_unavailable": [{}],
    "no_active_tutorial": [{}],
    "out_of_scope": [{}],
    "thanks": [{}],
    "tutorial_already_completed": [{"title": "Thanh toán tiền điện trực tuyến"}],
    "tutorial_completed": [
        {"topic_id": "vneid-register", "title": "Cài VNeID", "next_title": "Kích hoạt tài khoản mức 2"},
        {"topic_id": "scam-safety", "title": "Nhận biết lừa đảo", "next_title": None},
    ],
    "tutorial_intro": [
        {"topic_id": "vneid-register", "title": "Cài VNeID", "summary": "Cùng {{ you }} cài VNeID.",
         "prepare": ["Thẻ căn cước gắn chip.", "Điện thoại của {{ you }}."], "total": 10},
        {"topic_id": "pay-electricity", "title": "Đóng tiền điện", "summary": "Đóng tiền điện.", "prepare": [],
         "total": 6},
    ],
    "tutorial_paused": [{"title": "Cài VNeID", "number": 4, "total": 10}],
    "tutorial_resumed": [{"title": "Cài VNeID", "number": 4}],
    "tutorial_step": [
        {"topic_id": "vneid-register", "number": 2, "total": 10, "step": STEP},
        {"topic_id": "vneid-register", "number": 1, "total": 10, "step": {**STEP, "tip": None, "warning": None}},
    ],
    "unsupported_media": [{"what": "hình dán (sticker)", "heard": False}, {"what": "tin nhắn thoại", "heard": True}],
    "welcome_ask_household": [{}],
    "privacy_notice": [{"log_days": 90, "responsible": "Ủy ban nhân dân xã Tân Lập", "to_link": True},
                       {"log_days": 90, "responsible": "Ủy ban nhân dân xã Tân Lập", "to_link": False}],
    "privacy_full": [{"log_days": 90, "help_days": 30, "responsible": "Ủy ban nhân dân xã Tân Lập",
                      "version": "2026-12-v1"}],
    "privacy_agreed": [{}],
    "privacy_not_now": [{}],
    "privacy_withdrawn": [{}],
    "privacy_data": [
        {"household": {"code": "H001", "village": "Thôn 1", "commune": "Xã A"},
         "runs": [{"title": "Cài VNeID", "completed": False, "number": 2, "total": 5},
                  {"title": "Trả tiền điện", "completed": True, "number": 4, "total": 4}],
         "text_count": 2, "texts": ["cài vneid thế nào", "cảm ơn"], "help_count": 1, "help_open": 1,
         "outcomes": [{"title": "Cài VNeID", "result": "done", "date": "06/12/2026",
                       "platform": "Tài khoản định danh điện tử mức 1 (VNeID)"},
                      {"title": "Trả tiền điện", "result": "failed", "date": "06/12/2026", "platform": None},
                      {"title": "Nhận biết lừa đảo", "result": "later", "date": "06/12/2026", "platform": None}],
         "rating_count": 2,
         "sessions": [{"date": "05/12/2026", "place": "Nhà văn hóa thôn Đông",
                       "platforms": ["Tài khoản định danh điện tử mức 2 (VNeID)"]},
                      {"date": "06/12/2026", "place": "Nhà văn hóa thôn Đông", "platforms": []}],
         "consent": "given", "consent_date": "06/12/2026", "reference": "K7QM-2XPA"},
        {"household": None, "runs": [], "text_count": 0, "texts": [], "help_count": 0, "help_open": 0,
         "outcomes": [], "rating_count": 0, "sessions": [],
         "consent": None, "consent_date": None, "reference": "ABCD-EFGH"},
    ],
    "outcome_done": [
        {"title": "Cài VNeID", "platform": "Tài khoản định danh điện tử mức 1 (VNeID)",
         "next_title": "Làm và kích hoạt tài khoản định danh mức 2"},
        {"title": "Nhận biết lừa đảo", "platform": None, "next_title": None},
    ],
    "outcome_later": [{"title": "Cài VNeID"}],
    "outcome_which_step": [{"title": "Cài VNeID", "steps": [STEP["text"], "Bấm “Đăng ký” rồi nhập số định danh cá "
                                                            "nhân gồm 12 chữ số in trên thẻ căn cước của mình."]}],
    "outcome_failed_step": [{"title": "Cài VNeID", "number": 2, "step": STEP["text"]}],
    "outcome_said_done": [
        {"title": "Cài VNeID", "platform": "Tài khoản định danh điện tử mức 1 (VNeID)",
         "next_title": "Làm và kích hoạt tài khoản định danh mức 2"},
        {"title": "Nhận biết lừa đảo", "platform": None, "next_title": None},
    ],
    "outcome_said_already": [{"title": "Cài VNeID", "platform": "Tài khoản định danh điện tử mức 1 (VNeID)"},
                             {"title": "Nhận biết lừa đảo", "platform": None}],
    "outcome_said_unknown": [{}],
    "outcome_ask_again": [{"title": "Cài VNeID"}],
    "rating_ask_reason": [{"title": "VNeID là gì?"}],
    "rating_thanks": [{"helpful": True}, {"helpful": False}],
    "privacy_erase_confirm": [{}],
    "privacy_erased": [{}],
    "privacy_erase_kept": [{}],
    "sessions_next": [
        {"village": "Thôn Đông", "sessions": []},
        {"village": "Thôn Đông", "sessions": [
            {"day": "15/12/2026", "time": "08:00", "weekday": 1, "place": "Nhà văn hóa thôn Đông",
             "topics": ["Cài VNeID", "Thanh toán tiền điện"]},
            {"day": "20/12/2026", "time": "14:00", "weekday": 6, "place": "Nhà văn hóa thôn Đông", "topics": []}]},
    ],
}
CASES = [pytest.param(t, ctx, id=f"{t}-{i}") for t, contexts in CONTEXTS.items() for i, ctx in enumerate(contexts)]
LABEL_CONTEXTS = {"topic": {"title": "Cài VNeID và đăng ký tài khoản mức 1"}, "address": {"form": "bác"},
                  "place": {"name": "Thôn Đông"},
                  "outcome_step": {"number": 3},
                  "session_when": {"weekday": 5, "day": "12/12", "time": "8:00"},
                  "session_topic": {"title": "Cài VNeID", "chosen": True},
                  "session_pick": {"village": "Thôn Đông", "time": "08:00", "day": "12/12/2026", "weekday": 5},
                  "session_household": {"head": "Lê Thị Hoa", "code": "HH000012", "came": True},
                  "session_platform": {"name": "VNeID mức 2", "chosen": False},
                  "result_household": {"head": "Lê Thị Hoa", "code": "HH000012"},
                  "result_platform": {"name": "VNeID mức 2", "has": True}}


def source(template_id: str) -> str:
    return (CONTENT_DIR / "templates" / f"{template_id}.j2").read_text(encoding="utf-8")


# Onboarding replies that are followed by the question of how to address the person.
ASKS_ADDRESS_NEXT = {"guest_welcome", "household_linked"}


def test_every_template_has_a_context():
    assert sorted(CONTEXTS) == TEMPLATE_IDS


def test_address_cases_cover_the_issue_forms():
    assert {"anh", "chị", "cô", "chú", "bác", "ông", "bà", "bạn"} <= set(_ADDRESS["forms"])


@pytest.mark.parametrize("address", ADDRESS_FORMS, ids=[c.id for c in ADDRESS_CASES])
@pytest.mark.parametrize("template, context", CASES)
def test_template_renders(template, context, address):
    message = renderer.render(Reply(template, context), address)
    assert message.text.strip()
    for leftover in ("{{", "}}", "{%", "%}", "None", "\n\n\n"):
        assert leftover not in message.text
    if address not in (None, "bạn"):
        assert "bạn" not in message.text.lower()


@pytest.mark.parametrize("template", TEMPLATE_IDS)
@pytest.mark.parametrize("address, you, You, me", ADDRESS_CASES)
def test_address_form_fills_in(template, address, you, You, me):
    text = renderer.render(Reply(template, CONTEXTS[template][0]), address).text
    if address is None and template in ASKS_ADDRESS_NEXT:
        return  # the menu line waits until the form of address is chosen
    if "{{ You }}" in source(template):
        assert You in text
    if "{{ you }}" in source(template):
        assert f" {you}" in text
    if "{{ Me }}" in source(template):
        assert me[:1].upper() + me[1:] in text
    if "{{ me }}" in source(template):
        assert f" {me}" in text


@pytest.mark.parametrize("template, variable", [
    pytest.param(t, v, id=f"{t}-{v}") for t in TEMPLATE_IDS
    for v in sorted(meta.find_undeclared_variables(renderer.env.parse(source(t))) - {"you", "You", "me", "Me", "address_form"})])
def test_missing_context_key_fails(template, variable):
    context = {k: v for k, v in CONTEXTS[template][0].items() if k != variable}
    with pytest.raises(UndefinedError):
        renderer.render(Reply(template, context), "bác")


@pytest.mark.parametrize("tip, warning", [("Mẹo nhỏ.", "Cẩn thận."), ("Mẹo nhỏ.", None), (None, "Cẩn thận."),
                                          (None, None)])
def test_tutorial_step_tip_and_warning(tip, warning):
    step = {"text": "{{ You }} mở ứng dụng.", "tip": tip, "warning": warning, "image": None}
    text = renderer.render(Reply("tutorial_step", {"number": 2, "total": 5, "step": step}), "bác").text
    assert text.startswith("Bước 2/5\nBác mở ứng dụng.")
    assert ("💡 Mẹo nhỏ." in text) is bool(tip)
    assert ("💡" in text) is bool(tip)
    assert ("⚠️ Cẩn thận." in text) is bool(warning)
    assert ("⚠️" in text) is bool(warning)
    assert "\n\n\n" not in text and not text.endswith("\n")


def test_tutorial_step_image_is_passed_on():
    reply = Reply("tutorial_step", CONTEXTS["tutorial_step"][0], image="vneid/buoc-2.png")
    message = renderer.render(reply, "bác")
    assert message.image == CONTENT_DIR / "images" / "vneid" / "buoc-2.png"
    assert message.image_name == "vneid/buoc-2.png"
    assert renderer.render(Reply("menu"), "bác").image is None


@pytest.mark.parametrize("label", LABEL_IDS)
def test_label_variables_have_a_context(label):
    needed = meta.find_undeclared_variables(renderer.env.parse(LABELS[label])) - {"you", "You", "me", "Me"}
    assert needed == set(LABEL_CONTEXTS.get(label, {}))


@pytest.mark.parametrize("address", ADDRESS_FORMS, ids=[c.id for c in ADDRESS_CASES])
@pytest.mark.parametrize("label", LABEL_IDS)
def test_button_label_renders(label, address):
    button = Button(label, f"test:{label}", LABEL_CONTEXTS.get(label, {}))
    message = renderer.render(Reply("menu", buttons=((button,),)), address)
    [[rendered]] = message.buttons
    assert rendered.payload == f"test:{label}"
    assert rendered.label and "{{" not in rendered.label and "}}" not in rendered.label
    assert len(rendered.label) <= 64


def test_topic_label_is_the_title():
    button = Button("topic", "topic:vneid-register", LABEL_CONTEXTS["topic"])
    [[rendered]] = renderer.render(Reply("menu", buttons=((button,),)), "bác").buttons
    assert rendered.label == "Cài VNeID và đăng ký tài khoản mức 1"


def _string_args(function_name: str) -> set[str]:
    """First string arguments of every call to `function_name` in the Python code of actions/ and bot/."""
    found = set()
    for path in [*(ROOT / "actions").rglob("*.py"), *(ROOT / "bot").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == function_name and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    return found


def test_templates_used_in_code_exist_and_every_template_is_used():
    used = _string_args("Reply") | _string_args("simple")
    assert used == set(TEMPLATE_IDS)


def test_button_labels_used_in_code_exist():
    assert _string_args("Button") <= set(LABEL_IDS)


@pytest.mark.parametrize("topic_id", catalog_spec_ids())
def test_real_topic_renders(catalog, topic_id):
    """A real tutorial's intro and steps, or a real faq answer, render with the context the actions give."""
    topic = catalog[topic_id]
    if topic.is_tutorial:
        replies = [Reply("tutorial_intro", {"topic_id": topic.id, "title": topic.title, "summary": topic.summary,
                                            "prepare": list(topic.prepare), "total": len(topic.steps)})]
        replies += [Reply("tutorial_step", {"topic_id": topic.id, "number": i, "total": len(topic.steps),
                                            "step": step.model_dump()}, image=step.image)
                    for i, step in enumerate(topic.steps, start=1)]
    else:
        tutorial = catalog.get(topic.tutorial)
        replies = [Reply("faq_answer", {"topic_id": topic.id, "title": topic.title, "answer": topic.answer,
                                        "tutorial_title": tutorial.title if tutorial else None})]
    for address in ADDRESS_FORMS:
        for reply in replies:
            text = renderer.render(reply, address).text
            assert "{{" not in text and "}}" not in text, (topic.id, reply.template, address)

