"""Imports refuse a file that would cost too much before reading it (issue 16, item 3).

The crafted files are those of the issue: a workbook of a few hundred kilobytes whose one
shared string inflates to 300 MB, a sheet of three million blank rows; and their variants
(a lying archive directory, a lying dimension, one far row number, a DOCTYPE…).
"""

import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from core import importing
from core.tests import xlsxcraft as craft
from registry.io.reading import FileError, read_csv, read_xlsx

HEADERS = ["Tên sản phẩm", "Mã chủ thể", "Bộ sản phẩm"]
MB = 1024 * 1024


def _no_openpyxl(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl must not open this file")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def _refused(path, reader=read_xlsx) -> str:
    with translation.override("vi"), pytest.raises(FileError) as refused:
        reader(path)
    return str(refused.value.message)


@pytest.fixture(scope="module")
def string_bomb(tmp_path_factory):
    """300 MB of one shared string in an archive of about 300 KB (the issue's file)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    block = b"A" * MB

    def one_huge_string():
        yield b'<?xml version="1.0" encoding="UTF-8"?><sst ' + craft.NS + b"><si><t>"
        for _ in range(300):
            yield block
        yield b"</t></si></sst>"

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", craft.CONTENT_TYPES)
        archive.writestr("_rels/.rels", craft.ROOT_RELS)
        archive.writestr("xl/workbook.xml", craft.WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", craft.WORKBOOK_RELS)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            for chunk in one_huge_string():
                part.write(chunk)
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            b"".join(craft.worksheet([b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'])),
        )
    return path


def test_a_shared_string_bomb_is_refused_from_the_archive_directory(string_bomb, monkeypatch):
    assert string_bomb.stat().st_size < 2 * MB  # under the upload cap by far
    _no_openpyxl(monkeypatch)
    tracemalloc.start()
    started = time.perf_counter()
    message = _refused(string_bomb)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "Tệp Excel chứa quá nhiều dữ liệu khi giải nén" in message
    assert elapsed < 1
    assert peak < 5 * MB


def test_a_huge_text_inside_the_size_limits_is_refused(tmp_path, monkeypatch):
    """1 MB in one cell: far under the archive limits, far over a cell's 32,767 characters."""
    path = craft.write(
        tmp_path / "long.xlsx",
        craft.worksheet([b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>']),
        [b"B" * MB],
    )
    _no_openpyxl(monkeypatch)
    assert "quá nhiều dữ liệu khi giải nén" in _refused(path)


def test_a_huge_attribute_is_refused(tmp_path, monkeypatch):
    row = b'<row r="1" x="' + b"C" * MB + b'"><c r="A1" t="s"><v>0</v></c></row>'
    path = craft.write(tmp_path / "attr.xlsx", craft.worksheet([row]), [b"x"])
    _no_openpyxl(monkeypatch)
    assert "quá nhiều dữ liệu khi giải nén" in _refused(path)


def test_three_million_blank_rows_are_refused_in_seconds(tmp_path, monkeypatch):
    def rows():
        yield craft.text_row(1, HEADERS)
        for start in range(2, 3_000_002, 100_000):
            yield b"".join(b'<row r="%d"/>' % n for n in range(start, start + 100_000))

    path = craft.write(tmp_path / "blank.xlsx", craft.worksheet(rows()), [])
    assert path.stat().st_size < 20 * MB
    _no_openpyxl(monkeypatch)
    started = time.perf_counter()
    message = _refused(path)
    assert "Trang tính có hơn 100.000 dòng" in message
    assert time.perf_counter() - started < 3  # the counters stop at the limit


def test_one_far_row_number_is_refused(tmp_path, monkeypatch):
    """One element, but openpyxl would yield three million empty rows to reach it."""
    rows = [craft.text_row(1, HEADERS), b'<row r="3000000"><c r="A3000000"><v>1</v></c></row>']
    path = craft.write(tmp_path / "far.xlsx", craft.worksheet(rows), [])
    _no_openpyxl(monkeypatch)
    assert "Trang tính có hơn 100.000 dòng" in _refused(path)


def test_a_declared_dimension_over_the_limit_is_refused(tmp_path, monkeypatch):
    sheet = craft.worksheet([craft.text_row(1, HEADERS)], dimension=b"A1:C1048576")
    path = craft.write(tmp_path / "dim.xlsx", sheet, [])
    _no_openpyxl(monkeypatch)
    assert "Trang tính có hơn 100.000 dòng" in _refused(path)


def test_a_dimension_that_understates_does_not_get_past_the_row_count(tmp_path, settings):
    settings.OCOP_IMPORT_MAX_SHEET_ROWS = 50
    rows = [craft.text_row(n, ["x", "y", "z"]) for n in range(1, 80)]
    path = craft.write(tmp_path / "lie.xlsx", craft.worksheet(rows, dimension=b"A1:C2"), [])
    assert "Trang tính có hơn 50 dòng" in _refused(path)


def test_too_many_cells_are_refused(tmp_path, settings, monkeypatch):
    settings.OCOP_IMPORT_MAX_CELLS = 1_000
    rows = [craft.text_row(n, ["v"] * 20) for n in range(1, 60)]  # 1,180 cells
    path = craft.write(tmp_path / "cells.xlsx", craft.worksheet(rows), [])
    _no_openpyxl(monkeypatch)
    assert "Trang tính có hơn 1.000 ô" in _refused(path)


def test_an_archive_that_lies_about_a_size_is_unreadable(tmp_path):
    path = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", craft.CONTENT_TYPES)
        archive.writestr("_rels/.rels", craft.ROOT_RELS)
        archive.writestr("xl/workbook.xml", craft.WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", craft.WORKBOOK_RELS)
        strings = b"".join(craft.shared_strings([b"D" * 100_000] * 50))  # 5 MB
        archive.writestr("xl/sharedStrings.xml", strings)
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            b"".join(craft.worksheet([b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'])),
        )
    craft.understate(path, "xl/sharedStrings.xml", 1_000)
    with zipfile.ZipFile(path) as archive:  # the lie is in place
        assert archive.getinfo("xl/sharedStrings.xml").file_size == 1_000
        with pytest.raises(zipfile.BadZipFile), archive.open("xl/sharedStrings.xml") as part:
            assert len(part.read()) == 1_000  # zipfile stops at the declared size…
    assert "Không đọc được tệp Excel (.xlsx)" in _refused(path)  # …and says so


def test_a_doctype_is_refused(tmp_path, monkeypatch):
    """Entity expansion ("billion laughs") needs a DOCTYPE; spreadsheets never write one."""
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><sst '
        + craft.NS
        + b"><si><t>&b;</t></si></sst>"
    )
    path = craft.write(tmp_path / "laughs.xlsx", craft.worksheet([craft.text_row(1, HEADERS)]))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/theme/theme1.xml", laughs)
    _no_openpyxl(monkeypatch)
    assert "mã XML mà các chương trình bảng tính không ghi" in _refused(path)


def test_too_many_parts_are_refused(tmp_path, monkeypatch):
    extra = {f"xl/media/image{n}.png": b"" for n in range(importing.MAX_PARTS)}
    path = craft.write(
        tmp_path / "parts.xlsx", craft.worksheet([craft.text_row(1, HEADERS)]), extra=extra
    )
    _no_openpyxl(monkeypatch)
    assert "quá nhiều dữ liệu khi giải nén" in _refused(path)


def test_a_stray_cell_far_to_the_right_does_not_widen_every_row(tmp_path):
    """The last column of Excel (XFD) in one row: the other rows stay three cells wide."""
    rows = [craft.text_row(1, HEADERS)]
    rows += [craft.text_row(n, ["Mắm", "P1", "9"]) for n in range(2, 2_002)]
    rows.append(
        '<row r="2002"><c r="A2002" t="inlineStr"><is><t>Trà</t></is></c>'
        '<c r="XFD2002"><v>1</v></c></row>'.encode()
    )
    path = craft.write(tmp_path / "wide.xlsx", craft.worksheet(rows), [])
    started = time.perf_counter()
    table = read_xlsx(path)
    assert time.perf_counter() - started < 5
    assert table.headers == HEADERS
    assert len(table.rows) == 2_001
    assert table.rows[-1] == (2002, ("Trà", None, None))


def test_a_normal_workbook_still_reads(tmp_path):
    """The limits do not touch an ordinary file (the shared strings of Excel included)."""
    path = craft.write(
        tmp_path / "ok.xlsx",
        craft.worksheet(
            [
                b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
                b'<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>7</v></c></row>',
            ],
            dimension=b"A1:B2",
        ),
        ["Tên sản phẩm".encode(), "Mã chủ thể".encode(), "Nước mắm Nam Ô".encode()],
    )
    table = read_xlsx(path)
    assert table.headers == ["Tên sản phẩm", "Mã chủ thể"]
    assert table.rows == [(2, ("Nước mắm Nam Ô", 7))]


def test_a_csv_of_blank_lines_is_refused_while_streaming(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_bytes(("Tên sản phẩm,Mã chủ thể\n" + ",\n" * 150_000).encode())
    started = time.perf_counter()
    assert "Trang tính có hơn 100.000 dòng" in _refused(path, read_csv)
    assert time.perf_counter() - started < 5


def test_a_csv_with_too_many_cells_is_refused(tmp_path, settings):
    settings.OCOP_IMPORT_MAX_CELLS = 1_000
    path = tmp_path / "wide.csv"
    header = ",".join(f"c{n}" for n in range(20))
    path.write_text(header + "\n" + (",".join("v" * 20) + "\n") * 60, encoding="utf-8")
    assert "Trang tính có hơn 1.000 ô" in _refused(path, read_csv)


def test_a_csv_with_too_many_columns_is_refused(tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text(",".join(f"c{n}" for n in range(500)) + "\nx\n", encoding="utf-8")
    assert "Tệp có quá nhiều cột" in _refused(path, read_csv)


def test_the_limits_follow_the_settings(settings):
    settings.OCOP_IMPORT_MAX_XML_MB = 7
    settings.OCOP_IMPORT_MAX_STRINGS_MB = 3
    bounds = importing.limits()
    assert bounds.xml_bytes == 7 * MB and bounds.strings_bytes == 3 * MB
    del settings.OCOP_IMPORT_MAX_XML_MB
    assert importing.limits().xml_bytes == importing.Limits().xml_bytes


# --- through the three import pages ------------------------------------------------------


def _long_text_file(tmp_path):
    """A small upload that would unpack a 1 MB text: refused by every import page."""
    return craft.write(
        tmp_path / "long.xlsx",
        craft.worksheet([b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>']),
        [b"B" * MB],
    )


def _pages(personas):
    from outreach.tests.conftest import make_course

    course = make_course(personas.units.hai_chau, "Lớp Hải Châu")
    return [
        (personas.provincial, reverse("registry:import"), {"kind": "products"}),
        (personas.provincial, reverse("market:import"), {"confirm": "on"}),
        (
            personas.commune,
            reverse("outreach:attendance_import", args=[course.pk]),
            {"confirm": "on"},
        ),
    ]


@pytest.mark.django_db
def test_every_import_page_refuses_the_file_in_vietnamese(client, personas, tmp_path, settings):
    settings.OCOP_IMPORT_DIR = tmp_path / "imports"
    from core.models import AuditEvent

    pages = _pages(personas)
    events = AuditEvent.objects.count()
    for user, url, data in pages:
        client.force_login(user)
        with open(_long_text_file(tmp_path), "rb") as handle:
            response = client.post(url, {**data, "file": handle})
        assert response.status_code == 200, url
        assert "Tệp Excel chứa quá nhiều dữ liệu khi giải nén" in response.content.decode(), url
    assert AuditEvent.objects.count() == events  # nothing written


@pytest.mark.django_db
def test_every_import_page_bounds_the_upload_size(client, personas, tmp_path, settings):
    settings.OCOP_IMPORT_DIR = tmp_path / "imports"
    settings.OCOP_MAX_UPLOAD_MB = 1
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"PK" + b"\0" * (MB + 10))
    for user, url, data in _pages(personas):
        client.force_login(user)
        with open(big, "rb") as handle:
            response = client.post(url, {**data, "file": handle})
        assert "Tệp lớn hơn 1 MB" in response.content.decode(), url
