import datetime
from decimal import Decimal

import openpyxl
import pytest

from market.importing import export_xlsx, import_sales_points
from market.models import SalesPoint

pytestmark = pytest.mark.django_db

HEADERS = [
    "Tên điểm bán",
    "Loại hình",
    "Đơn vị vận hành",
    "Địa chỉ",
    "Mã xã",
    "Mã xã cũ (trước 1/7/2025)",
    "Vĩ độ",
    "Kinh độ",
    "Ngày mở cửa",
]


def _xlsx(tmp_path, rows, headers=HEADERS):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    path = tmp_path / "diem-ban.xlsx"
    wb.save(path)
    return path


def _good_rows(units):
    return [
        [
            "Điểm bán Hải Châu",
            "Điểm bán OCOP",
            "UBND phường",
            "1 Bạch Đằng",
            units.hai_chau.code,
            None,
            "16,0475",
            108.22,
            "01/09/2025",
        ],
        [
            "Trung tâm Hội An",
            "regional_centre",
            "Sở Công Thương",
            "",
            None,
            "20398",
            None,
            None,
            datetime.datetime(2021, 5, 1),
        ],
    ]


def test_a_dry_run_checks_without_writing_and_a_confirmed_import_writes_all(tmp_path, personas):
    path = _xlsx(tmp_path, _good_rows(personas.units))
    report = import_sales_points(path, actor=personas.provincial, confirm=False)
    assert report.ok and not report.written and len(report.rows) == 2
    assert not SalesPoint.objects.exists()
    report = import_sales_points(path, actor=personas.provincial, confirm=True)
    assert report.written
    hc = SalesPoint.objects.get(name="Điểm bán Hải Châu")
    assert hc.latitude == Decimal("16.0475") and hc.kind == "ocop_point"
    hoi_an = SalesPoint.objects.get(name="Trung tâm Hội An")
    assert hoi_an.unit_recorded.code == "20398" and not hoi_an.unit_recorded.is_current
    assert hoi_an.current_unit == personas.units.hoi_an


def test_bad_rows_are_reported_and_nothing_is_written(tmp_path, personas):
    u = personas.units
    rows = _good_rows(u) + [
        ["Sai toạ độ", "Điểm bán OCOP", "X", "", u.hai_chau.code, None, 108.2, 16.0, "01/09/2025"],
        ["Sai ngày", "Điểm bán OCOP", "X", "", u.hai_chau.code, None, None, None, "31/02/2025"],
        ["Sai xã", "Điểm bán OCOP", "X", "", "99999", None, None, None, "01/09/2025"],
        ["Sai loại", "Quầy hàng rong", "X", "", u.hai_chau.code, None, None, None, "01/09/2025"],
        ["Tỉnh khác", "Điểm bán OCOP", "X", "", u.ba_dinh.code, None, None, None, "01/09/2025"],
    ]
    report = import_sales_points(_xlsx(tmp_path, rows), actor=personas.provincial, confirm=True)
    assert not report.ok and not report.written
    assert not SalesPoint.objects.exists()
    errors = {r.number: r.errors for r in report.error_rows}
    assert set(errors) == {4, 5, 6, 7, 8}
    assert errors[4][0][0] == "Vĩ độ" and "nằm ngoài lãnh thổ Việt Nam" in errors[4][0][1]
    assert errors[5][0][0] == "Ngày mở cửa"
    assert errors[6][0][0] == "Mã xã"
    assert errors[7][0][0] == "Loại hình"
    assert errors[8][0][0] == "Mã xã"  # outside the officer's province


def test_a_file_without_the_required_columns_is_refused(tmp_path, personas):
    report = import_sales_points(
        _xlsx(tmp_path, [["A"]], headers=["Tên điểm bán"]), actor=personas.provincial, confirm=True
    )
    assert report.file_errors and not report.written


def test_the_export_reimports(tmp_path, personas):
    path = _xlsx(tmp_path, _good_rows(personas.units))
    import_sales_points(path, actor=personas.provincial, confirm=True)
    out = tmp_path / "export.xlsx"
    out.write_bytes(export_xlsx(SalesPoint.objects.order_by("name")).read())
    SalesPoint.objects.all().delete()
    report = import_sales_points(out, actor=personas.provincial, confirm=True)
    assert report.ok, report.error_rows and report.error_rows[0].errors
    assert SalesPoint.objects.count() == 2
    assert SalesPoint.objects.get(name="Trung tâm Hội An").unit_recorded.code == "20398"


def test_the_import_links_only_a_producer_in_the_users_scope(tmp_path, personas):
    """Issue 16: a provincial officer linked another province's producer by its code; the
    web form offers only producers in scope, and so does the import now."""
    headers = [*HEADERS, "Mã chủ thể vận hành"]
    row = [*_good_rows(personas.units)[0], personas.producer_hanoi.code]
    path = _xlsx(tmp_path, [row], headers)
    report = import_sales_points(path, actor=personas.provincial, confirm=True)
    assert not report.ok and not report.written
    messages = [m for r in report.rows for _h, m in r.errors]
    assert any(personas.producer_hanoi.code in str(m) for m in messages)
    assert not SalesPoint.objects.exists()
    own = [*_good_rows(personas.units)[0], personas.producer_x.code]
    report = import_sales_points(
        _xlsx(tmp_path, [own], headers), actor=personas.provincial, confirm=True
    )
    assert report.written
    assert SalesPoint.objects.get().operator == personas.producer_x


def test_the_import_page_checks_then_writes(client, tmp_path, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload():
        data = _xlsx(tmp_path, _good_rows(personas.units)).read_bytes()
        return SimpleUploadedFile("diem-ban.xlsx", data)

    client.force_login(personas.provincial)
    response = client.post("/market/points/import/", {"file": upload()})
    assert response.status_code == 200 and response.context["report"].ok
    assert 'data-testid="import-ok"' in response.content.decode()
    assert not SalesPoint.objects.exists()
    response = client.post("/market/points/import/", {"file": upload(), "confirm": "on"})
    assert response.status_code == 302 and response["Location"].endswith("/market/points/")
    assert SalesPoint.objects.count() == 2
    text = SimpleUploadedFile("diem-ban.csv", b"a;b\n")
    response = client.post("/market/points/import/", {"file": text, "confirm": "on"})
    assert response.status_code == 200 and response.context["form"].errors["file"]
