"""`camtay households import`: errors by line, all or nothing, --skip-invalid, idempotence."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.storage.db import make_engine, migrate, session_factory
from bot.storage.households import Household
from bot.team.household_import import ImportFailed, import_households, normalize_phone

GOOD = """xã,thôn,mã hộ,chủ hộ,địa chỉ,số điện thoại
Xã Tân Lập,Thôn Đồng Bằng,TL-001,Nguyễn Văn An,Xóm 1,0912 345 678
Xã Tân Lập,Thôn Đồng Bằng,,Trần Thị Bình,Xóm 2,
Xã Tân Lập,Thôn Đồi,TL-003,Lê Văn Cường,,+84 987.654.321
"""


@pytest.fixture
def sessions(settings):
    engine = make_engine(settings.database_url)
    migrate(engine)
    yield session_factory(engine)
    engine.dispose()


def run(sessions, text: str, skip_invalid: bool = False, encoding: str = "utf-8"):
    with sessions() as session:
        report = import_households(session, text.encode(encoding), skip_invalid=skip_invalid)
        session.commit()
        return report


def count(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Household))


def test_a_good_file_imports_every_household_with_codes_and_join_codes(sessions):
    report = run(sessions, GOOD)
    assert (report.added, report.updated, report.unchanged, report.errors) == (3, 0, 0, [])
    with sessions() as session:
        rows = {h.head_name: h for h in session.scalars(select(Household))}
        assert rows["Nguyễn Văn An"].code == "TL-001" and rows["Nguyễn Văn An"].phone == "0912345678"
        assert rows["Trần Thị Bình"].code.startswith("HH") and rows["Trần Thị Bình"].phone is None
        assert rows["Lê Văn Cường"].phone == "0987654321" and rows["Lê Văn Cường"].village.name == "Thôn Đồi"
        assert len({h.join_code for h in rows.values()}) == 3


def test_reimporting_the_same_file_changes_nothing(sessions):
    run(sessions, GOOD)
    with sessions() as session:
        before = sorted((h.id, h.code, h.join_code, h.head_name, h.address, h.phone)
                        for h in session.scalars(select(Household)))
    again = run(sessions, GOOD)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    with sessions() as session:
        after = sorted((h.id, h.code, h.join_code, h.head_name, h.address, h.phone)
                       for h in session.scalars(select(Household)))
    assert after == before


def test_a_corrected_row_updates_its_household(sessions):
    run(sessions, GOOD)
    report = run(sessions, GOOD.replace("Xóm 1,0912 345 678", "Xóm 5,0912 345 679"))
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)


@pytest.mark.parametrize("row, message", [
    (",Thôn A,,Phạm Văn D,,", "commune is empty"),
    ("Xã Tân Lập,,,Phạm Văn D,,", "village is empty"),
    ("Xã Tân Lập,Thôn A,,,,", "head is empty"),
    ("Xã Tân Lập,Thôn A,,Phạm Văn D,,12345", "is not a Vietnamese phone number"),
    ("Xã Tân Lập,Thôn A,TL 9,Phạm Văn D,,", "may only hold letters"),
    ("Xã Tân Lập,Thôn A,TL-001,Phạm Văn D,,", "is already on line 2"),
    ("Xã Tân Lập,Thôn Đồng Bằng,,Trần Thị Bình,Xóm 2,", "same household as line 3"),
    ("Xã Tân Lập,Thôn A,," + "X" * 201 + ",,", "head is longer than 200"),
    ("Xã Tân Lập,Thôn A,,Phạm Văn D,,,thừa,thừa", "cells but the header has 6"),
])
def test_any_error_is_reported_by_line_and_nothing_is_imported(sessions, row, message):
    report = run(sessions, GOOD + row + "\n")
    assert not report.imported and count(sessions) == 0
    assert [line for line, _ in report.errors] == [5] and message in report.errors[0][1], report.errors


def test_skip_invalid_imports_the_valid_rows(sessions):
    report = run(sessions, GOOD + ",Thôn A,,Phạm Văn D,,\n", skip_invalid=True)
    assert report.imported and report.added == 3 and report.skipped_lines == [5]
    assert count(sessions) == 3


def test_a_code_already_in_another_village_is_an_error(sessions):
    run(sessions, GOOD)
    report = run(sessions, "xa,thon,ma_ho,chu_ho\nXã Tân Lập,Thôn Mới,TL-001,Nguyễn Văn An\n")
    assert not report.imported and "belongs to Thôn Đồng Bằng" in report.errors[0][1]


def test_missing_columns_semicolons_bom_and_english_headers(sessions):
    report = run(sessions, "thôn;chủ hộ\nThôn A;Ai đó\n")
    assert report.errors == [(1, "missing column(s): commune (expected: commune, village, code, head, "
                                 "address, phone)")]
    report = run(sessions, "\ufeffcommune;village;head;notes\nXã B;Thôn C;Vũ Thị E;ghi chú\n")
    assert report.added == 1 and report.errors == []


def test_a_file_that_is_not_utf8_gets_a_clear_error(sessions):
    with sessions() as session, pytest.raises(ImportFailed, match="CSV UTF-8"):
        # Windows-1258 (Vietnamese ANSI), as an older Excel saves: decomposed tones, single-byte letters.
        import_households(session, "xa,thon,chu_ho\nXa Tan Lap,Thon A,L\u00ea V\u0103n An\n".encode("cp1258"))


@pytest.mark.parametrize("raw, phone", [("0912345678", "0912345678"), ("+84 912 345 678", "0912345678"),
                                        ("84912345678", "0912345678"), ("0912.345.678", "0912345678"),
                                        ("091234567", None), ("abc", None)])
def test_phone_numbers_are_normalized(raw, phone):
    assert normalize_phone(raw) == phone


def test_cli_reports_errors_and_exits_non_zero(settings, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + ",Thôn A,,Phạm Văn D,,\n", encoding="utf-8")
    assert main(["households", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:line 5: commune is empty" in err and "nothing imported" in err
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    assert main(["households", "import", str(good)]) == 0
    assert "added 3, updated 0, unchanged 0" in capsys.readouterr().out
    assert main(["households", "import", str(good)]) == 0
    assert "added 0, updated 0, unchanged 3" in capsys.readouterr().out


def test_a_made_up_code_in_camtays_own_form_is_refused_not_a_crash(sessions):
    text = ("xã,thôn,mã hộ,chủ hộ\n"
            "Xã Tân Lập,Thôn Đồng Bằng,,Hộ Không Mã\n"
            "Xã Tân Lập,Thôn Đồng Bằng,HH000001,Hộ Mã Tự Đặt\n")
    report = run(sessions, text)
    assert not report.imported and report.errors[0][0] == 3 and "looks like one camtay makes" in report.errors[0][1]
    assert count(sessions) == 0
    assert run(sessions, text, skip_invalid=True).added == 1
    with sessions() as session:  # the code camtay made is then a good code to re-import with
        made = session.scalar(select(Household.code))
    again = run(sessions, f"xã,thôn,mã hộ,chủ hộ\nXã Tân Lập,Thôn Đồng Bằng,{made},Hộ Không Mã\n")
    assert (again.added, again.unchanged, again.errors) == (0, 1, [])


def test_a_code_in_other_letter_case_is_the_same_household(sessions):
    run(sessions, GOOD)
    again = run(sessions, GOOD.replace("TL-001", "tl-001"))
    assert (again.added, again.unchanged) == (0, 3)
    assert count(sessions) == 3
