"""`camtay households sheet`: one cut-out card per household with the QR of its deep link, HTML and PDF."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import segno

from bot.cli import main
from bot.people.households import add_household
from bot.shared.join_codes import format_code
from bot.storage.db import make_engine, migrate, session_factory
from bot.team.sheet import SheetError, bot_username, deep_link, make_sheet, qr_svg
from devtools.fakes.telegram_api import FakeTelegramApi


@pytest.fixture
def village(settings):
    engine = make_engine(settings.database_url)
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        households = [add_household(session, "Xã Tân Lập", "Thôn Đồng Bằng", name, address=f"Xóm {i}")
                      for i, name in enumerate(["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn <Cường>"], 1)]
        add_household(session, "Xã Tân Lập", "Thôn Khác", "Người khác")
        session.commit()
        codes = [h.join_code for h in households]
    yield sessions, codes
    engine.dispose()


def test_html_has_one_card_per_household_with_its_link_qr_and_code(settings, village, tmp_path):
    sessions, codes = village
    settings = settings.with_(telegram_bot_username="camtay_bot")
    with sessions() as session:
        html_path, pdf_path, count = make_sheet(session, settings, "Thôn Đồng Bằng", None, tmp_path, pdf=False)
    html = html_path.read_text(encoding="utf-8")
    assert count == 3 and pdf_path is None
    assert "Người khác" not in html
    assert "Lê Văn &lt;Cường&gt;" in html  # escaped
    for code in codes:
        assert html.count(format_code(code)) >= 2  # under the QR and in the typed alternative, in groups
        assert qr_svg(deep_link("camtay_bot", code)) in html
    text = html.replace("&#34;", '"')
    assert html.count("<svg") == 3 and 'rồi bấm "Bắt đầu" (Start).' in text
    # What the bot asks for is the "mã hộ gia đình" (the join code); the commune's list code is only small.
    assert text.count('<div class="code-label">Mã hộ gia đình:</div>') == 3
    assert text.count("(số hộ trong danh sách xã: ") == 3
    steps = ["Mở máy ảnh (camera) trên điện thoại.", "Đưa máy vào mã QR bên cạnh, bấm vào dòng chữ hiện lên.",
             'Chọn mở bằng Telegram, rồi bấm "Bắt đầu" (Start).']
    assert all(text.count(f"<li>{step}</li>") == 3 for step in steps)
    assert "Dùng Zalo" not in text  # no OA name configured


def test_cards_tell_zalo_users_how_to_join_when_the_oa_is_named(settings, village, tmp_path):
    sessions, codes = village
    settings = settings.with_(telegram_bot_username="camtay_bot", zalo_oa_name="Xã Tân Lập")
    with sessions() as session:
        html_path, _, _ = make_sheet(session, settings, "Thôn Đồng Bằng", None, tmp_path, pdf=False)
    text = html_path.read_text(encoding="utf-8").replace("&#34;", '"')
    for code in codes:
        assert f'Dùng Zalo: tìm "Xã Tân Lập", bấm "Quan tâm", gõ mã {format_code(code)}.' in text


def test_the_qr_code_holds_the_deep_link():
    qr = segno.make(deep_link("camtay_bot", "AB3K7Q"), error="m")
    assert qr.designator.endswith("-M")
    assert deep_link("camtay_bot", "AB3K7Q") == "https://t.me/camtay_bot?start=AB3K7Q"
    # segno draws from the matrix; the SVG we embed is that matrix.
    assert qr_svg(deep_link("camtay_bot", "AB3K7Q")).startswith("<svg")


def test_bot_username_from_settings_or_get_me(settings):
    assert bot_username(settings.with_(telegram_bot_username="camtay_bot")) == "camtay_bot"
    with FakeTelegramApi("123:TEST", username="xa_tanlap_bot") as api:
        assert bot_username(settings.with_(telegram_bot_token="123:TEST", telegram_api_url=api.url)) == "xa_tanlap_bot"
    with pytest.raises(SheetError, match="TELEGRAM_BOT_USERNAME"):
        bot_username(settings)


def test_unknown_village_is_a_clear_error(settings, village, tmp_path):
    sessions, _ = village
    with sessions() as session, pytest.raises(SheetError, match="no village 'Thôn Không Có'"):
        make_sheet(session, settings.with_(telegram_bot_username="camtay_bot"), "Thôn Không Có", None, tmp_path)


@pytest.mark.browser
def test_pdf_is_printed_by_chromium(settings, village, tmp_path, monkeypatch, capsys):
    if not Path(settings.chromium).exists():
        pytest.skip("Chromium not installed (scripts/ensure-chromium.sh)")
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "camtay_bot")
    assert main(["households", "sheet", "--village", "Thôn Đồng Bằng", "--out", str(tmp_path)]) == 0
    assert "3 card(s)" in capsys.readouterr().out
    pdf = tmp_path / "xa-tan-lap-thon-dong-bang.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page[^s]", data)) == 1
