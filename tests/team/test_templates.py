"""Every team template renders with the context actions/team gives it, in every form of address."""
from __future__ import annotations

import pytest
from jinja2 import UndefinedError, meta

from bot.render import Renderer
from bot.shared.types import Reply
from content import CONTENT_DIR

renderer = Renderer()
TEAM_DIR = CONTENT_DIR / "templates" / "team"
REPORT = {"push_id": 7, "topic_id": "vneid-register", "title": "Cài VNeID", "scope": "Thôn Đông, Xã A",
          "audience": "all", "households": 120, "not_joined": 20, "queued": 100, "sent": 90, "pending": 2,
          "failed": 3, "unknown": 1, "skipped": 4, "expired": 0,
          "failures": [("blocked", 2), ("refused", 1)], "skipped_households": ["HH000001", "HH000002"],
          "opened": 40, "completed": 12}
NOTICE = {"request_id": 12, "name": "Nguyễn Văn An", "village": "Thôn Đông", "household_code": "HH000012",
          "topic_title": "Cài VNeID", "number": 3, "last_messages": ["khong nhan duoc [MÃ SỐ]", "giup voi"],
          "escalated": True, "waited_minutes": 31, "reachable": True}
SESSION = {"village": "Thôn Đông", "day": "15/12/2026", "time": "08:00", "weekday": 1,
           "place": "Nhà văn hóa thôn Đông", "topics": ["Cài VNeID", "Thanh toán tiền điện"]}
RESULT = {"head": "Lê Thị Hoa", "code": "HH000012", "platform": "Tài khoản định danh điện tử mức 2 (VNeID)"}
CONTEXTS: dict[str, list[dict]] = {
    "help_notice": [NOTICE, {**NOTICE, "village": None, "household_code": None, "topic_title": None,
                             "number": None, "last_messages": [], "escalated": False, "waited_minutes": None},
                    {**NOTICE, "reachable": False}],
    "help_taken": [{"helper_name": "Trần Thị Lan"}],
    "help_taken_helper": [{"name": "Nguyễn Văn An", "village": "Thôn Đông"}, {"name": "Khách", "village": None}],
    "help_take_late": [{"taken_by": "Trần Thị Lan"}, {"taken_by": None}],
    "help_busy": [{"name": "Nguyễn Văn An"}],
    "help_passed": [{}],
    "help_closed": [{"by_you": by_you, "other_name": name, "helper": helper} for helper in (True, False)
                    for by_you, name in ((True, "Trần Thị Lan"), (False, "Trần Thị Lan"), (True, None))],
    "help_none": [{}],
    "help_already_open": [{"taken": True}, {"taken": False}],
    "help_list_empty": [{}],
    "relay_from_citizen": [{"name": "Nguyễn Văn An", "text": "mã [MÃ SỐ] nhập ở đâu"}],
    "relay_from_helper": [{"helper_name": "Trần Thị Lan", "text": "Bác bấm nút Đăng ký"}],
    "relay_redacted": [{}],
    "relay_media_notice": [{"sender": "Nguyễn Văn An", "what": "ảnh"}],
    "relay_media": [{"what": "ảnh", "to_helper": True}, {"what": "tin nhắn thoại", "to_helper": False}],
    "not_team_member": [{}],
    "link_code_unknown": [{}],
    "member_linked": [{"name": "Trần Thị Lan", "villages": ["Thôn Đông", "Thôn Tây"], "role": "team"},
                      {"name": "Cán bộ xã", "villages": [], "role": "commune"}],
    "push_choose_place": [{}],
    "push_choose_topic": [{"place": "Thôn Đông, Xã A"}],
    "push_choose_audience": [{"title": "Cài VNeID", "place": "Thôn Đông, Xã A", "counts": {
        w: {"households": 10, "reachable": 8} for w in ("all", "not_started", "unfinished")}}],
    "push_confirm": [{"title": "Cài VNeID", "place": "Xã A", "audience": "unfinished", "households": 10,
                      "reachable": 8},
                     {"title": "Cài VNeID", "place": "Xã A", "audience": "all", "households": 8, "reachable": 8}],
    "push_queued": [{**REPORT, "again": False}, {**REPORT, "again": True, "skipped": 0, "not_joined": 0}],
    "push_cancelled": [{}],
    "push_report": [REPORT, {**REPORT, "failures": [], "skipped": 0, "skipped_households": []}],
    "push_tutorial": [{"topic_id": "vneid-register", "title": "Cài VNeID", "summary": "Cùng {{ you }} cài VNeID.",
                       "village": "Thôn Đông"},
                      {"topic_id": "vneid-register", "title": "Cài VNeID", "summary": "Cài VNeID.", "village": ""}],
    "outcome_reminder": [{"title": "Cài VNeID"}],
    "reminder": [{"title": "Cài VNeID", "number": 3, "total": 10}],
    "reminders_off": [{}],
    "reminders_on": [{}],
    "session_choose_village": [{}],
    "session_choose_when": [{"village": "Thôn Đông", "again": "unreadable"}, {"village": "Thôn Đông", "again": "past"},
                            {"village": "Thôn Đông", "again": None}],
    "session_ask_place": [{"day": "15/12/2026", "time": "08:00", "weekday": 1, "again": True},
                          {"day": "15/12/2026", "time": "08:00", "weekday": 6, "again": False}],
    "session_choose_topics": [{"chosen": ["Cài VNeID"], "most": 5}, {"chosen": [], "most": 5}],
    "session_confirm": [SESSION],
    "session_scheduled": [SESSION],
    "session_cancelled": [{}],
    "session_expired": [{}],
    "session_none_recent": [{}],
    "session_choose_recent": [{}],
    "session_attendance": [{**SESSION, "came": 3, "households": 40, "page": 0}],
    "session_household_came": [{"head": "Lê Thị Hoa", "code": "HH000012", "platforms": ["VNeID mức 2"]},
                               {"head": "Lê Thị Hoa", "code": "HH000012", "platforms": []}],
    "session_choose_upcoming": [{}],
    "session_none_upcoming": [{}],
    "session_upcoming": [SESSION],
    "session_cancel_confirm": [SESSION],
    "session_called_off": [{**SESSION, "reminded": 0}, {**SESSION, "reminded": 3}],
    "session_cancel_late": [{"cancelled": True}, {"cancelled": False}],
    "session_kept": [{}],
    "session_called_off_notice": [{**SESSION, "ask": True}, {**SESSION, "ask": False}],
    "session_reminder": [{**SESSION, "tomorrow": True, "tutorial": "Cài VNeID"},
                         {**SESSION, "tomorrow": False, "tutorial": None}],
    "result_choose_household": [{"households": 40, "page": 1}, {"households": 3, "page": 0}],
    "result_choose_platform": [{"head": "Lê Thị Hoa", "code": "HH000012"}],
    "result_confirm": [RESULT],
    "result_recorded": [RESULT],
    "result_refused": [{**RESULT, "reason": "team_outcome.member_required"},
                       {**RESULT, "reason": "team_outcome.platform_unknown"}],
    "result_cancelled": [{}],
    "result_no_household": [{"code": "HH000099"}, {"code": None}],
}
TEMPLATE_IDS = sorted(p.name.removesuffix(".j2") for p in TEAM_DIR.glob("*.j2"))
CASES = [pytest.param(t, c, id=f"{t}-{i}") for t, contexts in CONTEXTS.items() for i, c in enumerate(contexts)]


def source(name: str) -> str:
    return (TEAM_DIR / f"{name}.j2").read_text(encoding="utf-8")


def test_every_team_template_has_a_context():
    assert sorted(CONTEXTS) == TEMPLATE_IDS


@pytest.mark.parametrize("address", ["bác", "chị", None])
@pytest.mark.parametrize("name, context", CASES)
def test_team_template_renders(name, context, address):
    text = renderer.render(Reply(f"team/{name}", context), address).text
    assert text.strip()
    for leftover in ("{{", "}}", "{%", "%}", "None", "\n\n\n"):
        assert leftover not in text
    if address == "bác":
        assert "bạn" not in text.lower()
        if "{{ you }}" in source(name):
            assert " bác" in text


@pytest.mark.parametrize("name, variable", [
    pytest.param(t, v, id=f"{t}-{v}") for t in TEMPLATE_IDS
    for v in sorted(meta.find_undeclared_variables(renderer.env.parse(source(t)))
                    - {"you", "You", "me", "Me", "address_form"})])
def test_missing_context_key_fails(name, variable):
    context = {k: v for k, v in CONTEXTS[name][0].items() if k != variable}
    with pytest.raises(UndefinedError):
        renderer.render(Reply(f"team/{name}", context), "bác")


def test_citizen_is_told_who_helps_in_their_form_of_address():
    text = renderer.render(Reply("team/help_taken", {"helper_name": "Trần Thị Lan"}), "bác").text
    assert text.startswith("Dạ, Trần Thị Lan ở Tổ công nghệ số cộng đồng đang hỗ trợ bác ạ.")
    assert "Cháu sẽ chuyển tin tới người hỗ trợ." in text


def test_team_templates_used_in_code_exist_and_every_one_is_used():
    import ast

    from bot.settings import ROOT
    used = set()
    for path in [*(ROOT / "actions").rglob("*.py"), *(ROOT / "bot").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "team_reply" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                used.add(node.args[0].value)
    assert used == set(TEMPLATE_IDS)


def test_push_report_gives_failure_reasons_in_vietnamese():
    text = renderer.render(Reply("team/push_report", REPORT), "bác").text
    assert "Chưa gửi được: 3 (người dân đã chặn trợ lý: 2; ứng dụng từ chối: 1)" in text
    assert "Cần gửi: 100 hộ" in text and "Không rõ đã tới chưa: 1" in text
    assert "Zalo không cho gửi (quá 48 giờ chưa nhắn): 4" in text
    assert "Đã gửi tới: 90 hộ" in text and "Đã mở bài: 40, đã học xong: 12" in text
    assert "tới các hộ trên địa bàn Thôn Đông, Xã A" in text


def test_push_queued_lists_at_most_ten_zalo_households():
    skipped = [f"HH{n:06d}" for n in range(14)]
    text = renderer.render(Reply("team/push_queued", {**REPORT, "again": False, "skipped": 14,
                                                       "skipped_households": skipped}), "bác").text
    assert text.startswith('Cháu đang gửi bài "Cài VNeID" tới 86 hộ trên địa bàn Thôn Đông, Xã A.')
    assert ("14 hộ dùng Zalo chưa gửi được, vì đã hơn 48 giờ các hộ này không nhắn cho trợ lý (Zalo không cho gửi): "
            + ", ".join(skipped[:10]) + " và 4 hộ khác.") in text


def test_help_closed_thanks_the_helper_and_guides_the_citizen_back():
    helper = renderer.render(Reply("team/help_closed", {"by_you": False, "other_name": "Nguyễn Văn An",
                                                        "helper": True}), "chị").text
    assert helper.strip() == "Nguyễn Văn An đã kết thúc cuộc trò chuyện hỗ trợ. Cảm ơn chị đã giúp người dân!"
    citizen = renderer.render(Reply("team/help_closed", {"by_you": False, "other_name": "Trần Thị Lan",
                                                         "helper": False}), "bác").text
    assert citizen.strip().splitlines() == [
        "Trần Thị Lan đã kết thúc cuộc trò chuyện hỗ trợ. Cháu cảm ơn bác ạ.",
        "Từ giờ bác nhắn gì, cháu sẽ trả lời như trước.",
        'Nếu cần người giúp nữa, bác bấm "Nói chuyện với người hỗ trợ".']


def test_reminder_does_not_open_with_da():
    text = renderer.render(Reply("team/reminder", {"title": "Cài VNeID", "number": 3, "total": 10}), "bác").text
    assert text.startswith('Cháu chào bác ạ. Bác đang học dở bài "Cài VNeID", đã tới bước 3 trong 10 bước.')
