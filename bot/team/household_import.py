"""`camtay households import FILE.csv`: every row validated first, then all imported in one transaction.

Columns (Vietnamese or English headers, any order): commune, village, household code (optional:
generated when empty), head of household, address, phone (optional). UTF-8 (Excel's "CSV UTF-8" too),
comma or semicolon separated. Re-importing the same file changes nothing: a row is the household with
its code, or, without a code, the household of that village with the same head and address.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.people.households import add_household
from bot.storage.households import Household
from bot.storage.places import Commune, Village
from nlu.tones import fold

# Header (without diacritics, lower case, words joined by _) -> field.
HEADERS = {
    "commune": "commune", "xa": "commune", "xa_phuong": "commune", "phuong_xa": "commune", "xa/phuong": "commune",
    "village": "village", "thon": "village", "ap": "village", "ban": "village", "to_dan_pho": "village",
    "thon/to": "village", "thon_xom": "village", "thon/ap": "village",
    "code": "code", "household_code": "code", "ma_ho": "code", "ma_ho_gia_dinh": "code", "ma": "code",
    "head": "head", "head_name": "head", "head_of_household": "head", "chu_ho": "head", "ho_ten_chu_ho": "head",
    "ten_chu_ho": "head",
    "address": "address", "dia_chi": "address",
    "phone": "phone", "so_dien_thoai": "phone", "sdt": "phone", "dien_thoai": "phone",
}
REQUIRED = ("commune", "village", "head")
LIMITS = {"commune": 120, "village": 120, "code": 32, "head": 200, "address": 300}
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
_GENERATED = re.compile(r"^HH\d+$", re.IGNORECASE)  # bot/people/households.py: HH + the row id
_PHONE = re.compile(r"^(?:\+?84|0)(\d{9})$")


def _plain(text: str) -> str:
    return re.sub(r"\s+", "_", fold(text.strip().lower()))


def normalize_phone(value: str) -> str | None:
    """0912 345 678, +84 912.345.678 -> 0912345678; None when it is not a Vietnamese mobile/landline."""
    digits = re.sub(r"[\s.\-()]", "", value)
    match = _PHONE.match(digits)
    return f"0{match.group(1)}" if match else None


def _key(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


@dataclass
class Row:
    line: int
    commune: str
    village: str
    code: str | None
    head: str
    address: str | None
    phone: str | None


@dataclass
class ImportReport:
    errors: list[tuple[int, str]] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_lines: list[int] = field(default_factory=list)
    imported: bool = False

    def lines(self) -> list[str]:
        out = [f"line {line}: {message}" for line, message in self.errors]
        if self.imported:
            out.append(f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}"
                       + (f", skipped {len(self.skipped_lines)} invalid row(s)" if self.skipped_lines else ""))
        return out


class ImportFailed(Exception):
    """The file cannot be read (encoding, no header, a line csv cannot parse); the message names the line."""


def _rows(reader) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of each row; a row csv cannot read ends the file with an error naming its line."""
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = reader.line_num
            if "field larger than field limit" in str(exc):
                raise ImportFailed(f"line {line}: a cell is longer than {csv.field_size_limit()} characters; "
                                   "is this really the households file?") from None
            raise ImportFailed(f"line {line}: not readable as CSV ({exc})") from None
        yield reader.line_num, cells


def read_rows(data: bytes) -> tuple[list[Row], list[tuple[int, str]]]:
    """Parse and check every row; returns the valid rows and the errors by line (1 = the header)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed("the file is not UTF-8: in Excel, save it as \"CSV UTF-8 (Comma delimited)\"")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ("\t" if first.count("\t") > first.count(",") else ",")
    reader = _rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    try:
        _, header = next(reader)
    except StopIteration:
        raise ImportFailed("the file is empty")
    columns: dict[str, int] = {}
    errors: list[tuple[int, str]] = []
    for index, name in enumerate(header):
        name_key = HEADERS.get(_plain(name))
        if name_key is None:
            continue  # other columns (notes, a row number) are left alone
        if name_key in columns:
            errors.append((1, f"column {name.strip()!r} given twice"))
        columns[name_key] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        errors.append((1, f"missing column(s): {', '.join(missing)} "
                          "(expected: commune, village, code, head, address, phone)"))
        return [], errors
    rows: list[Row] = []
    seen_codes: dict[str, int] = {}
    seen_people: dict[tuple, int] = {}
    for line, cells in reader:
        if not any(c.strip() for c in cells):
            continue
        value = {name: (cells[i].strip() if i < len(cells) else "") for name, i in columns.items()}
        problems = []
        if len(cells) > len(header):
            problems.append(f"{len(cells)} cells but the header has {len(header)}")
        for name in REQUIRED:
            if not value.get(name):
                problems.append(f"{name} is empty")
        for name, limit in LIMITS.items():
            if len(value.get(name) or "") > limit:
                problems.append(f"{name} is longer than {limit} characters")
        code = value.get("code") or None
        if code and not _CODE.match(code):
            problems.append(f"household code {code!r} may only hold letters, digits and . _ / -")
        phone = value.get("phone") or None
        if phone:
            normalized = normalize_phone(phone)
            if normalized is None:
                problems.append(f"phone {phone!r} is not a Vietnamese phone number (0xxxxxxxxx or +84...)")
            phone = normalized
        if code and code.upper() in seen_codes:
            problems.append(f"household code {code!r} is already on line {seen_codes[code.upper()]}")
        person = (_key(value.get("commune")), _key(value.get("village")), _key(value.get("head")),
                  _key(value.get("address")))
        if not code and person in seen_people:
            problems.append(f"same household as line {seen_people[person]} (give each a household code)")
        if problems:
            errors += [(line, p) for p in problems]
            continue
        if code:
            seen_codes[code.upper()] = line
        else:
            seen_people[person] = line
        rows.append(Row(line, " ".join(value["commune"].split()), " ".join(value["village"].split()), code,
                        " ".join(value["head"].split()), " ".join((value.get("address") or "").split()) or None,
                        phone))
    return rows, errors


def _existing(session: Session, row: Row) -> tuple[Household | None, str | None]:
    """The household this row is, if it exists; or why the row conflicts with the database."""
    if row.code:
        # Codes are told apart without regard to case, as within the file: TL-001 and tl-001 are one household.
        household = session.scalars(select(Household).where(
            func.upper(Household.code) == row.code.upper()).order_by(Household.id)).first()
        if household is None and _GENERATED.match(row.code):
            # Such codes are made for rows without one: a new one could later be given to another household.
            return None, (f"household code {row.code!r} looks like one camtay makes, but no household has it; "
                          "leave the code empty and one is made")
        if household is None:
            return None, None
        village = household.village
        if _key(village.name) != _key(row.village) or _key(village.commune.name) != _key(row.commune):
            return None, (f"household code {row.code!r} belongs to {village.name}, {village.commune.name}; "
                          "moving a household is not done by import")
        return household, None
    candidates = session.scalars(
        select(Household).join(Village).join(Commune)
        .where(Commune.name == row.commune, Village.name == row.village, Household.head_name == row.head)).all()
    same = [h for h in candidates if _key(h.address) == _key(row.address)]
    return (same[0] if same else None), None


def import_households(session: Session, data: bytes, skip_invalid: bool = False) -> ImportReport:
    """Validate every row, then import all of them (or none), in the session's transaction; the caller commits."""
    rows, errors = read_rows(data)
    report = ImportReport(errors=errors)
    header_errors = [e for e in errors if e[0] == 1]
    plan: list[tuple[Row, Household | None]] = []
    for row in rows:
        household, conflict = _existing(session, row)
        if conflict:
            report.errors.append((row.line, conflict))
            continue
        plan.append((row, household))
    report.errors.sort()
    if header_errors or (report.errors and not skip_invalid):
        return report
    report.skipped_lines = sorted({line for line, _ in report.errors})
    for row, household in plan:
        if household is None:
            added = add_household(session, row.commune, row.village, row.head, address=row.address, code=row.code)
            added.phone = row.phone
            report.added += 1
            continue
        changes = {"head_name": row.head, "address": row.address, "phone": row.phone}
        if all(getattr(household, k) == v for k, v in changes.items()):
            report.unchanged += 1
            continue
        for key, value in changes.items():
            setattr(household, key, value)
        report.updated += 1
    session.flush()
    report.imported = True
    return report


def command(args, settings) -> int:
    import sys

    from bot.storage.db import make_engine, migrate, session_factory
    path = Path(args.file)
    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    migrate(engine)
    try:
        with session_factory(engine)() as session:
            try:
                report = import_households(session, path.read_bytes(), skip_invalid=args.skip_invalid)
            except ImportFailed as exc:
                print(f"{path}: {exc}", file=sys.stderr)
                return 1
            for line in report.lines():
                print(line if report.imported and not line.startswith("line ") else f"{path}:{line}",
                      file=sys.stdout if report.imported else sys.stderr)
            if not report.imported:
                print(f"{len(report.errors)} error(s); nothing imported "
                      "(fix them, or give --skip-invalid to import the valid rows)", file=sys.stderr)
                return 1
            session.commit()
    finally:
        engine.dispose()
    print("join sheets: camtay households sheet --village \"<village>\"")
    return 0
