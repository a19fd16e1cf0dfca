"""Evidence documents and product images: what is refused, what is kept, who sees what."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core import audit
from core.models import AuditEvent
from registry import documents as docs
from registry.choices import DocumentType
from registry.models import Document, ProductImage

pytestmark = pytest.mark.django_db

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def picture(fmt: str, size=(4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf(name="giay-phep.pdf", extra=b"") -> SimpleUploadedFile:
    return upload(name, PDF_BYTES.replace(b"%%EOF", extra + b"%%EOF"), "application/pdf")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media_root):
    return sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []


def make_document(personas, *, producer=None, title="Giấy ATTP", expires_on=None, content=b""):
    return docs.document_upload(
        actor=personas.admin,
        producer=producer or personas.producer_x,
        file=pdf(extra=content or title.encode()),
        doc_type=DocumentType.FOOD_SAFETY,
        title=title,
        expires_on=expires_on,
    )


def login(client, user):
    client.force_login(user)
    return client


# --- What is refused -------------------------------------------------------------------


REFUSED = [
    ("an exe renamed .pdf", "ho-so.pdf", EXE_BYTES, "application/pdf", "một chương trình Windows"),
    ("an HTML page renamed .pdf", "ho-so.pdf", HTML_BYTES, "application/pdf", "một trang web"),
    ("a PDF named .png", "anh.png", PDF_BYTES, "image/png", "nội dung lại là một tài liệu PDF"),
    ("a JPEG named .png", "anh.png", picture("JPEG"), "image/png", "một ảnh JPEG"),
    (
        "a PDF claiming image/png",
        "ho-so.pdf",
        PDF_BYTES,
        "image/png",
        "được gửi với kiểu “image/png”",
    ),
    ("an HTML page sent as text/html", "ho-so.pdf", PDF_BYTES, "text/html", "“text/html”"),
    ("an empty file", "trong.pdf", b"", "application/pdf", "rỗng"),
    ("an executable by name", "setup.exe", EXE_BYTES, "", "Không nhận tệp loại “.exe”"),
    ("a double extension", "ho-so.pdf.exe", EXE_BYTES, "", "Không nhận tệp loại “.exe”"),
    ("a file without extension", "ho-so", PDF_BYTES, "", "không có phần mở rộng"),
    ("an SVG picture", "logo.svg", b"<svg xmlns='x'/>", "image/svg+xml", "“.svg”"),
    ("a truncated PDF", "cat.pdf", PDF_BYTES[:60], "application/pdf", "thiếu dấu kết thúc tệp"),
    ("a damaged PNG", "hong.png", picture("PNG")[:30], "image/png", "Không mở được ảnh"),
]


@pytest.mark.parametrize(
    ("case", "name", "content", "content_type", "message"), REFUSED, ids=[r[0] for r in REFUSED]
)
def test_it_refuses_disguised_empty_or_unknown_files_with_a_clear_message(
    case, name, content, content_type, message
):
    with pytest.raises(ValidationError) as exc:
        docs.inspect_upload(upload(name, content, content_type))
    assert message in " ".join(exc.value.messages), exc.value.messages


def test_it_refuses_a_file_over_the_size_limit_and_says_the_limit(settings):
    settings.OCOP_MAX_UPLOAD_MB = 1
    big = PDF_BYTES.replace(b"%%EOF", b"0" * (1024 * 1024) + b"%%EOF")
    with pytest.raises(ValidationError) as exc:
        docs.inspect_upload(upload("lon.pdf", big, "application/pdf"))
    assert exc.value.code == "too_large"
    assert "dung lượng tối đa là 1 MB" in exc.value.messages[0]
    assert "1.1 MB" in exc.value.messages[0] or "1,1 MB" in exc.value.messages[0]


def test_the_size_limit_defaults_to_20_megabytes(settings):
    del settings.OCOP_MAX_UPLOAD_MB
    assert docs.max_upload_bytes() == 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "fmt", "content_type", "kind"),
    [
        ("anh.jpg", "JPEG", "image/jpeg", "jpeg"),
        ("anh.JPEG", "JPEG", "image/jpg", "jpeg"),
        ("anh.png", "PNG", "image/png", "png"),
        ("anh.webp", "WEBP", "image/webp", "webp"),
        ("anh.png", "PNG", "application/octet-stream", "png"),
    ],
)
def test_it_accepts_real_pictures(name, fmt, content_type, kind):
    content = picture(fmt)
    checked = docs.inspect_upload(upload(name, content, content_type))
    assert checked.kind.code == kind
    assert checked.size == len(content)


def test_it_accepts_a_phone_photo_stored_as_a_multi_picture_jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3)).save(
        buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (4, 3))]
    )
    assert (
        docs.inspect_upload(upload("dt.jpg", buffer.getvalue(), "image/jpeg")).kind.code == "jpeg"
    )


def test_it_accepts_a_real_pdf_and_fingerprints_it():
    import hashlib

    checked = docs.inspect_upload(upload("ho-so.pdf", PDF_BYTES, "application/pdf"))
    assert checked.content_type == "application/pdf"
    assert checked.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()


def test_a_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(ValidationError) as exc:
        docs.inspect_upload(upload("to.png", picture("PNG", size=(20, 20)), "image/png"))
    assert exc.value.code == "too_many_pixels"


def test_a_download_name_keeps_vietnamese_but_drops_path_characters():
    assert docs.download_name('Giấy/chứng "nhận"\r\n ATTP', ".pdf") == "Giấy chứng nhận ATTP.pdf"
    assert docs.download_name("...", ".pdf") == "document.pdf"


# --- Services --------------------------------------------------------------------------


def test_upload_stores_the_file_under_a_random_name_and_audits(personas, media):
    document = docs.document_upload(
        actor=personas.producer,
        producer=personas.producer_x,
        file=pdf("Giấy phép của tôi.pdf"),
        doc_type=DocumentType.PRODUCTION_LICENCE,
        title="Giấy phép sản xuất",
        number="12/GP",
        issuer="UBND xã Hải Châu",
        issued_on=datetime.date(2025, 1, 1),
        expires_on=datetime.date(2030, 1, 1),
    )
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF_BYTES)
    assert document.file.name.startswith("documents/")
    assert "Giấy" not in document.file.name and document.file.name.endswith(".pdf")
    assert document.file.read() == PDF_BYTES
    event = AuditEvent.objects.latest("id")
    assert event.action == "ocop.document.uploaded"
    assert event.actor == personas.producer
    assert event.unit == personas.units.hai_chau


def test_the_same_file_twice_for_one_producer_is_refused_and_names_the_first(personas, media):
    first = make_document(personas, title="Kiểm nghiệm 2025", content=b"same")
    with pytest.raises(ValidationError) as exc:
        make_document(personas, title="Bản sao", content=b"same")
    assert exc.value.error_dict["file"][0].code == "duplicate"
    assert "Kiểm nghiệm 2025" in exc.value.messages[0]
    assert Document.objects.count() == 1
    assert len(stored_files(media)) == 1
    # Another producer may hold the same file.
    make_document(personas, producer=personas.producer_y, title="Khác", content=b"same")
    assert first.sha256 == Document.objects.get(producer=personas.producer_y).sha256


def test_a_refused_file_leaves_nothing_on_storage(personas, media):
    with pytest.raises(ValidationError):
        docs.document_upload(
            actor=personas.producer,
            producer=personas.producer_x,
            file=upload("virus.pdf", EXE_BYTES, "application/pdf"),
            doc_type=DocumentType.OTHER,
            title="Virus",
        )
    assert stored_files(media) == []
    assert not Document.objects.exists()


def test_a_failure_after_storing_removes_the_file(personas, media, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        make_document(personas)
    assert stored_files(media) == []
    assert not Document.objects.exists()


def test_a_product_of_another_producer_or_a_backward_period_is_refused(personas):
    other_product = personas.producer_y.products.get()
    with pytest.raises(ValidationError) as exc:
        docs.document_upload(
            actor=personas.admin,
            producer=personas.producer_x,
            product=other_product,
            file=pdf(),
            doc_type=DocumentType.LAB_TEST,
            title="Kiểm nghiệm",
        )
    assert "product" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        docs.document_upload(
            actor=personas.admin,
            producer=personas.producer_x,
            file=pdf(),
            doc_type=DocumentType.LAB_TEST,
            title="Kiểm nghiệm",
            issued_on=datetime.date(2026, 1, 1),
            expires_on=datetime.date(2025, 1, 1),
        )
    assert "expires_on" in exc.value.error_dict


def test_services_refuse_an_actor_outside_the_scope(personas):
    for persona in ("council", "other_province", "no_role"):
        with pytest.raises(PermissionDenied):
            docs.document_upload(
                actor=getattr(personas, persona),
                producer=personas.producer_x,
                file=pdf(),
                doc_type=DocumentType.OTHER,
                title="x",
            )


def test_update_changes_the_description_only_and_audits_the_difference(personas):
    document = make_document(personas)
    docs.document_update(
        actor=personas.commune,
        document=document,
        reason="Sửa số",
        number="99/ATTP",
        expires_on=datetime.date(2031, 5, 1),
    )
    event = AuditEvent.objects.latest("id")
    assert event.action == "ocop.document.updated"
    assert event.after == {"number": "99/ATTP", "expires_on": "2031-05-01"}
    assert event.reason == "Sửa số"
    with pytest.raises(ValueError):
        docs.document_update(actor=personas.commune, document=document, file=pdf())


def test_delete_needs_a_reason_and_removes_the_file_after_commit(
    personas, media, django_capture_on_commit_callbacks
):
    document = make_document(personas)
    with pytest.raises(ValidationError):
        docs.document_delete(actor=personas.commune, document=document, reason="  ")
    path = media / document.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        docs.document_delete(actor=personas.commune, document=document, reason="Nhầm hồ sơ")
    assert not path.exists()
    assert not Document.objects.exists()
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.reason) == ("ocop.document.deleted", "Nhầm hồ sơ")


def test_product_images_accept_pictures_only_and_are_audited(
    personas, media, django_capture_on_commit_callbacks
):
    product = personas.producer_x.products.get()
    with pytest.raises(ValidationError) as exc:
        docs.product_image_add(actor=personas.producer, product=product, file=pdf("anh.pdf"))
    assert exc.value.code == "not_an_image"
    with pytest.raises(ValidationError):
        docs.product_image_add(
            actor=personas.producer, product=product, file=upload("anh.png", HTML_BYTES)
        )
    first = docs.product_image_add(
        actor=personas.producer, product=product, file=upload("a.png", picture("PNG"))
    )
    second = docs.product_image_add(
        actor=personas.producer,
        product=product,
        file=upload("b.webp", picture("WEBP")),
        caption="Chai 500 ml",
    )
    assert (first.position, second.position) == (0, 1)
    assert AuditEvent.objects.latest("id").action == "ocop.product_image.added"
    with django_capture_on_commit_callbacks(execute=True):
        docs.product_image_remove(actor=personas.commune, image=first, reason="Ảnh mờ")
    assert AuditEvent.objects.latest("id").action == "ocop.product_image.removed"
    assert [p.name for p in stored_files(media)] == [second.image.name.rsplit("/", 1)[-1]]
    with pytest.raises(PermissionDenied):
        docs.product_image_remove(actor=personas.council, image=second)


def test_expiry_states(personas):
    today = datetime.date(2026, 6, 1)
    document = Document(expires_on=today + datetime.timedelta(days=90))
    assert docs.expiry_of(document, today) == docs.Expiry("soon", 90)
    document.expires_on = today + datetime.timedelta(days=91)
    assert docs.expiry_of(document, today).state == "valid"
    document.expires_on = today - datetime.timedelta(days=1)
    assert docs.expiry_of(document, today) == docs.Expiry("expired", -1)
    document.expires_on = None
    assert docs.expiry_of(document, today).state == "none"


# --- Views: scope ----------------------------------------------------------------------

CAN_CHANGE_X = ["admin", "provincial", "commune", "producer"]
CANNOT_CHANGE_X = ["council", "other_province", "no_role"]
CAN_VIEW_X = ["admin", "provincial", "commune", "producer", "council"]
CANNOT_VIEW_X = ["other_province", "no_role"]


def upload_form(**extra):
    data = {
        "file": pdf("chung-nhan.pdf"),
        "doc_type": DocumentType.FOOD_SAFETY,
        "title": "Chứng nhận ATTP",
        "number": "01/ATTP",
        "issuer": "Sở Y tế",
        "issued_on": "2025-01-01",
        "expires_on": "2028-01-01",
        "product": "",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("persona", CAN_CHANGE_X)
def test_editors_and_members_upload_for_the_producer(client, personas, persona):
    login(client, getattr(personas, persona))
    url = reverse("registry:document_upload", args=[personas.producer_x.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, upload_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get()
    assert document.producer == personas.producer_x
    assert document.expires_on == datetime.date(2028, 1, 1)
    assert AuditEvent.objects.filter(action="ocop.document.uploaded").count() == 1


@pytest.mark.parametrize("persona", CANNOT_CHANGE_X)
def test_others_cannot_upload_and_get_a_404(client, personas, persona):
    login(client, getattr(personas, persona))
    url = reverse("registry:document_upload", args=[personas.producer_x.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, upload_form()).status_code == 404
    assert not Document.objects.exists()


def test_the_upload_page_shows_why_a_file_is_refused(client, personas, media):
    login(client, personas.producer)
    url = reverse("registry:document_upload", args=[personas.producer_x.pk])
    response = client.post(url, upload_form(file=upload("ho-so.pdf", HTML_BYTES, "text/html")))
    assert response.status_code == 200
    assert "một trang web (HTML)" in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_the_upload_page_links_to_the_document_already_holding_the_file(client, personas):
    first = make_document(personas, content=b"dup")
    login(client, personas.producer)
    url = reverse("registry:document_upload", args=[personas.producer_x.pk])
    response = client.post(url, upload_form(file=pdf(extra=b"dup"), title=""))
    assert response.status_code == 200
    assert reverse("registry:document_detail", args=[first.pk]) in response.content.decode()


def test_an_empty_title_takes_the_file_name(client, personas):
    login(client, personas.producer)
    url = reverse("registry:document_upload", args=[personas.producer_x.pk])
    response = client.post(url, upload_form(title="", file=pdf("Kết quả kiểm nghiệm.pdf")))
    assert response.status_code == 302
    assert Document.objects.get().title == "Kết quả kiểm nghiệm"


def test_upload_for_a_product_and_return_to_the_product(client, personas):
    product = personas.producer_x.products.get()
    login(client, personas.commune)
    url = reverse("registry:document_upload", args=[personas.producer_x.pk])
    assert client.get(f"{url}?product={product.pk}").status_code == 200
    back = reverse("registry:product_detail", args=[product.pk])
    response = client.post(url, upload_form(product=product.pk, next=back))
    assert response["Location"] == back
    assert Document.objects.get().product == product
    evil = client.post(url, upload_form(file=pdf(extra=b"2"), next="https://evil.example/"))
    assert evil["Location"] == reverse("registry:document_list", args=[personas.producer_x.pk])


@pytest.mark.parametrize("persona", CAN_VIEW_X)
def test_who_may_view_sees_the_list_and_downloads_the_file(client, personas, persona):
    document = make_document(personas, title="Giấy chứng nhận ATTP")
    login(client, getattr(personas, persona))
    listing = client.get(reverse("registry:document_list", args=[personas.producer_x.pk]))
    assert listing.status_code == 200
    assert "Giấy chứng nhận ATTP" in listing.content.decode()
    assert client.get(reverse("registry:document_detail", args=[document.pk])).status_code == 200
    response = client.get(reverse("registry:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Gi%E1%BA%A5y" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")


@pytest.mark.parametrize("persona", CANNOT_VIEW_X)
def test_who_may_not_view_gets_a_404_everywhere(client, personas, persona):
    document = make_document(personas)
    login(client, getattr(personas, persona))
    for name, arg in [
        ("registry:document_list", personas.producer_x.pk),
        ("registry:document_upload", personas.producer_x.pk),
        ("registry:document_detail", document.pk),
        ("registry:document_download", document.pk),
        ("registry:document_edit", document.pk),
        ("registry:document_delete", document.pk),
    ]:
        assert client.get(reverse(name, args=[arg])).status_code == 404, name


def test_files_are_never_served_from_a_public_media_url(client, personas, settings):
    document = make_document(personas)
    login(client, personas.admin)
    assert client.get(f"/{settings.MEDIA_URL}{document.file.name}").status_code == 404
    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_the_panel_shows_badges_and_the_upload_link_only_to_editors(client, personas):
    today = timezone.localdate()
    make_document(personas, title="Sắp hết hạn", expires_on=today + datetime.timedelta(days=30))
    make_document(personas, title="Đã hết hạn", expires_on=today - datetime.timedelta(days=1))
    make_document(personas, title="Còn hạn", expires_on=today + datetime.timedelta(days=400))
    url = reverse("registry:document_list", args=[personas.producer_x.pk])
    login(client, personas.commune)
    body = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in body
    assert 'data-testid="expiry-expired"' in body
    assert body.count('data-testid="expiry-soon"') == 1
    assert 'data-testid="document-upload"' in body
    client.logout()
    login(client, personas.council)
    body = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Sắp hết hạn" in body and 'data-testid="document-upload"' not in body


def test_the_panel_include_loads_the_fragment(personas):
    from django.template.loader import render_to_string

    product = personas.producer_x.products.get()
    html = render_to_string("registry/documents/_panel.html", {"producer": personas.producer_x})
    assert f'hx-get="{reverse("registry:document_list", args=[personas.producer_x.pk])}"' in html
    html = render_to_string("registry/documents/_panel.html", {"product": product})
    assert f"?product={product.pk}" in html


def test_the_product_panel_shows_its_documents_and_pictures(client, personas):
    product = personas.producer_x.products.get()
    docs.document_upload(
        actor=personas.admin,
        producer=personas.producer_x,
        product=product,
        file=pdf(extra=b"p"),
        doc_type=DocumentType.LAB_TEST,
        title="Kiểm nghiệm sản phẩm",
    )
    make_document(personas, title="Đăng ký kinh doanh")
    image = docs.product_image_add(
        actor=personas.admin, product=product, file=upload("a.jpg", picture("JPEG"))
    )
    login(client, personas.producer)
    url = reverse("registry:document_list", args=[personas.producer_x.pk])
    body = client.get(f"{url}?product={product.pk}", HTTP_HX_REQUEST="true").content.decode()
    assert "Kiểm nghiệm sản phẩm" in body and "Đăng ký kinh doanh" not in body
    assert reverse("registry:product_image", args=[image.pk]) in body
    other = personas.producer_y.products.get()
    assert client.get(f"{url}?product={other.pk}").status_code == 404


def test_edit_and_delete_through_the_pages(client, personas):
    document = make_document(personas)
    login(client, personas.commune)
    edit = reverse("registry:document_edit", args=[document.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "doc_type": DocumentType.FOOD_SAFETY,
            "title": "Giấy ATTP (bản mới)",
            "number": "02/ATTP",
            "issuer": "",
            "issued_on": "2025-02-01",
            "expires_on": "2025-01-01",
            "product": "",
            "reason": "",
        },
    )
    assert response.status_code == 200  # expiry before issue
    assert "Ngày hết hạn trước ngày cấp." in response.content.decode()
    response = client.post(
        edit,
        {
            "doc_type": DocumentType.FOOD_SAFETY,
            "title": "Giấy ATTP (bản mới)",
            "number": "02/ATTP",
            "issuer": "",
            "issued_on": "2025-02-01",
            "expires_on": "2028-02-01",
            "product": "",
            "reason": "Cập nhật số",
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.title, document.number) == ("Giấy ATTP (bản mới)", "02/ATTP")
    event = AuditEvent.objects.latest("id")
    assert event.action == "ocop.document.updated" and event.before["number"] == ""
    delete = reverse("registry:document_delete", args=[document.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete, {"reason": ""}).status_code == 200
    response = client.post(delete, {"reason": "Trùng hồ sơ"})
    assert response.status_code == 302
    assert not Document.objects.exists()


@pytest.mark.parametrize("persona", ["council"])
def test_viewers_cannot_edit_or_delete(client, personas, persona):
    document = make_document(personas)
    login(client, getattr(personas, persona))
    assert client.get(reverse("registry:document_edit", args=[document.pk])).status_code == 404
    response = client.post(reverse("registry:document_delete", args=[document.pk]), {"reason": "x"})
    assert response.status_code == 404
    assert Document.objects.filter(pk=document.pk).exists()


# --- Expiring documents ----------------------------------------------------------------


def _expiring_fixture(personas):
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=10)
    make_document(personas, producer=personas.producer_x, title="X sắp hết", expires_on=soon)
    make_document(
        personas,
        producer=personas.producer_y,
        title="Y đã hết",
        expires_on=today - datetime.timedelta(days=3),
    )
    make_document(personas, producer=personas.producer_hanoi, title="HN sắp hết", expires_on=soon)
    make_document(
        personas,
        producer=personas.producer_x,
        title="X còn lâu",
        expires_on=today + datetime.timedelta(days=200),
    )
    make_document(personas, producer=personas.producer_x, title="X không hạn")


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("admin", {"X sắp hết", "Y đã hết", "HN sắp hết"}),
        ("provincial", {"X sắp hết", "Y đã hết"}),
        ("commune", {"X sắp hết"}),
        ("other_province", {"HN sắp hết"}),
        ("council", {"X sắp hết", "Y đã hết"}),
        ("producer", {"X sắp hết"}),
        ("no_role", set()),
    ],
)
def test_the_expiring_list_shows_only_the_scope(client, personas, persona, visible):
    _expiring_fixture(personas)
    login(client, getattr(personas, persona))
    response = client.get(reverse("registry:documents_expiring"))
    assert response.status_code == 200
    shown = {d.title for d in response.context["page"]}
    assert shown == visible


def test_the_expiring_list_filters_expired_and_soon(client, personas):
    _expiring_fixture(personas)
    login(client, personas.provincial)
    url = reverse("registry:documents_expiring")
    expired = client.get(url, {"status": "expired"}).context["page"]
    assert [d.title for d in expired] == ["Y đã hết"]
    soon = client.get(url, {"status": "soon"}).context["page"]
    assert [d.title for d in soon] == ["X sắp hết"]


def test_the_expiring_list_needs_the_same_queries_for_more_rows(client, personas):
    today = timezone.localdate()
    login(client, personas.provincial)
    url = reverse("registry:documents_expiring")
    make_document(personas, title="a", expires_on=today)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(6):
        make_document(
            personas,
            producer=personas.producer_y if i % 2 else personas.producer_x,
            title=f"b{i}",
            expires_on=today + datetime.timedelta(days=i),
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page"]) == 7
    assert len(many) == len(few)


# --- Product image pages ---------------------------------------------------------------


def test_product_pictures_are_added_served_and_removed_within_scope(client, personas):
    product = personas.producer_x.products.get()
    add = reverse("registry:product_image_add", args=[product.pk])
    login(client, personas.council)
    assert client.get(add).status_code == 404
    client.logout()
    login(client, personas.producer)
    assert client.get(add).status_code == 200
    refused = client.post(add, {"file": pdf("anh.pdf"), "caption": ""})
    assert refused.status_code == 200 and not ProductImage.objects.exists()
    response = client.post(add, {"file": upload("chai.png", picture("PNG")), "caption": "Chai"})
    assert response.status_code == 302
    image = ProductImage.objects.get()
    served = client.get(reverse("registry:product_image", args=[image.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    client.logout()
    login(client, personas.other_province)
    assert client.get(reverse("registry:product_image", args=[image.pk])).status_code == 404
    remove = reverse("registry:product_image_remove", args=[image.pk])
    assert client.post(remove).status_code == 404
    client.logout()
    login(client, personas.commune)
    assert client.post(remove, {"reason": "Ảnh cũ"}).status_code == 302
    assert not ProductImage.objects.exists()


def test_a_documents_history_tab_follows_its_scope(client, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    from registry.documents import document_upload

    document = document_upload(
        actor=personas.producer,
        producer=personas.producer_x,
        file=SimpleUploadedFile("kn.pdf", PDF_BYTES, content_type="application/pdf"),
        doc_type=DocumentType.LAB_TEST,
        title="Phiếu kiểm nghiệm",
    )
    url = reverse("core:history", args=["registry", "document", document.pk])
    client.force_login(personas.commune)
    response = client.get(url)
    assert response.status_code == 200
    assert "Tải lên tài liệu minh chứng" in response.content.decode()  # codes: admins only
    client.force_login(personas.other_province)
    assert client.get(url).status_code == 404
