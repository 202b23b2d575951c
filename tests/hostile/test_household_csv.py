"""Hostile CSV files for `camtay households import`: a report or ImportFailed, and all rows or none imported."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.storage.db import make_engine, migrate
from bot.storage.households import Household
from bot.team.household_import import ImportFailed, ImportReport, import_households, read_rows

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
HEADER = "xã,thôn,mã hộ,chủ hộ,địa chỉ,số điện thoại"
cells = st.text(alphabet=st.sampled_from(list('abcĐđàáạ019 ,;"\'\t\r\n\x00\ufeff/.-+') + ["\u0301", "😀"]),
                max_size=30)
rows = st.lists(st.lists(cells, max_size=8).map(lambda r: ",".join(r)), max_size=8)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('csv') / 'db.sqlite3'}")
    migrate(engine)
    yield engine
    engine.dispose()


def read(data: bytes):
    try:
        valid, errors = read_rows(data)
    except ImportFailed as exc:
        assert str(exc)
        return None
    assert all(isinstance(line, int) and line >= 1 and message for line, message in errors)
    return valid, errors


@FUZZ
@given(st.binary(max_size=500))
def test_random_bytes(data):
    read(data)


@FUZZ
@given(rows, st.sampled_from([HEADER, HEADER.replace(",", ";"), "commune,village,head", "x,y"]))
def test_random_rows_under_a_header(body, header):
    read((header + "\n" + "\n".join(body)).encode("utf-8", "surrogatepass"))


@FUZZ
@given(rows, st.booleans())
def test_an_import_is_all_or_nothing(engine, body, skip_invalid):
    data = (HEADER + "\n" + "\n".join(body)).encode("utf-8", "surrogatepass")
    with Session(engine) as session:
        before = session.scalar(select(func.count()).select_from(Household))
        try:
            report = import_households(session, data, skip_invalid=skip_invalid)
        except ImportFailed:
            report = None
        after = session.scalar(select(func.count()).select_from(Household))
        if report is None or not report.imported:
            assert after == before  # nothing half-imported
        else:
            assert isinstance(report, ImportReport) and after == before + report.added
        session.rollback()


@pytest.mark.parametrize("data", [
    pytest.param((HEADER + "\n" + "a," * 3 + "x" * 200_000).encode(), id="a-200k-cell"),
    pytest.param((HEADER + '\n"unterminated,' + "x" * 1000).encode(), id="unterminated-quote"),
    pytest.param(b"\xef\xbb\xbf" + HEADER.encode() + b"\r\n\x00,\x00,\x00,\x00\r\n", id="nul-bytes"),
    pytest.param(HEADER.encode() + b"\n" + b",,,,,\n" * 20_000, id="20k-empty-rows"),
])
def test_known_attacks_give_a_report_or_import_failed(data):
    read(data)


@pytest.mark.parametrize("data, line", [
    ((HEADER + "\n" + "a," * 3 + "x" * 200_000).encode(), 2),
    (("x" * 200_000 + "\n").encode(), 1),
    ((HEADER + "\nXã A,Thôn B,,Ông C,,\n" + '"' + "y" * 200_000 + '"\n').encode(), 3),
])
def test_a_cell_too_long_for_csv_is_a_defined_error_naming_its_line(engine, data, line):
    with pytest.raises(ImportFailed, match=rf"^line {line}: a cell is longer than \d+ characters"):
        read_rows(data)
    with Session(engine) as session:
        before = session.scalar(select(func.count()).select_from(Household))
        with pytest.raises(ImportFailed):
            import_households(session, data, skip_invalid=True)
        assert session.scalar(select(func.count()).select_from(Household)) == before
