import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from core.models import AuditEvent
from evaluation import services
from evaluation.models import CriteriaSheet, CriteriaVersion, SelfAssessment
from evaluation.rules import scoring

pytestmark = pytest.mark.django_db


def test_the_catalogue_is_in_the_database_with_three_versions_and_26_sheets(reference_data):
    assert set(CriteriaVersion.objects.values_list("code", flat=True)) == {
        "qd26-2026",
        "qd148-2023",
        "qd1048-2019",
    }
    current = CriteriaVersion.objects.get(is_current=True)
    assert current.code == "qd26-2026"
    assert current.sheets.count() == 26
    sheet = current.sheets.get(number=9)
    assert sheet.product_set.number == 9
    assert sheet.value.max == 100
    assert sheet.value.criterion("1.1").max == 5  # set 9: raw material origin, 5 points


def test_loading_again_changes_nothing(reference_data):
    report = services.load_criteria()
    assert (report.sheets_created, report.sheets_updated) == (0, 0)
    assert report.unchanged == 26


def test_a_version_in_use_cannot_be_changed(personas, tmp_path):
    import shutil

    from evaluation.catalogue import loading

    services.self_assessment_start(actor=None, product=personas.producer_x.products.get())
    data = tmp_path / "data"
    shutil.copytree(loading.DATA_DIR, data)
    sheet_file = data / "qd26-2026" / "set-09.yaml"
    sheet_file.write_text(sheet_file.read_text().replace("Tương, nước mắm", "Tương và nước mắm", 1))
    with pytest.raises(services.CatalogueLocked):
        services.load_criteria(data)
    assert CriteriaSheet.objects.get(version__code="qd26-2026", number=9).name.startswith("Tương, ")


def test_a_version_not_yet_used_can_be_corrected(reference_data, tmp_path):
    import shutil

    from evaluation.catalogue import loading

    data = tmp_path / "data"
    shutil.copytree(loading.DATA_DIR, data)
    sheet_file = data / "qd26-2026" / "set-09.yaml"
    sheet_file.write_text(sheet_file.read_text().replace("Tương, nước mắm", "Tương và nước mắm", 1))
    report = services.load_criteria(data)
    assert report.sheets_updated == 1


class TestSelfAssessment:
    def _choices_reaching(self, sheet, star):
        """The best option everywhere: 100 points, every minimum met."""
        return {
            c.code: max(range(len(c.options)), key=lambda i: c.options[i].points)
            for c in sheet.criteria
        }

    def test_a_producer_self_assesses_and_sees_the_star_and_the_gap(self, client, personas):
        product = personas.producer_x.products.get()  # fish sauce: set 9
        client.force_login(personas.producer)
        response = client.post(reverse("evaluation:assessment_start"), {"product": product.pk})
        assessment = SelfAssessment.objects.get(product=product)
        assert response["Location"] == reverse("evaluation:assessment_edit", args=[assessment.pk])
        assert assessment.sheet.number == 9
        assert assessment.sheet.version.code == "qd26-2026"

        sheet = assessment.sheet.value
        best = self._choices_reaching(sheet, 5)
        post = {f"c-{code}": str(i) for code, i in best.items()}
        post["c-2.3"] = "0"  # label without electronic traceability: a 4★ minimum missed
        response = client.post(
            reverse("evaluation:assessment_edit", args=[assessment.pk]), {**post, "save": "1"}
        )
        assert response.status_code == 302
        assessment.refresh_from_db()
        expected = scoring.gap_to_next_star(sheet, assessment.choices)
        assert assessment.total == expected.total >= 90
        assert assessment.star == 3  # capped by the missing 4★ minimum
        page = client.get(reverse("evaluation:assessment_edit", args=[assessment.pk]))
        body = page.content.decode()
        assert "2.3" in body and page.context["gap"].unmet_minimums[0].criterion == "2.3"

    def test_the_preview_computes_without_saving(self, client, personas):
        product = personas.producer_x.products.get()
        assessment = services.self_assessment_start(actor=personas.producer, product=product)
        client.force_login(personas.producer)
        response = client.post(
            reverse("evaluation:assessment_preview", args=[assessment.pk]), {"c-1.1": "2"}
        )
        assert response.status_code == 200
        assert response.context["gap"].total == 5  # set 9, 1.1 option 3
        assessment.refresh_from_db()
        assert assessment.total == 0 and assessment.choices == {}

    def test_bad_choices_are_refused_with_a_message(self, personas):
        product = personas.producer_x.products.get()
        assessment = services.self_assessment_start(actor=None, product=product)
        with pytest.raises(ValidationError):
            services.self_assessment_save(actor=None, assessment=assessment, choices={"1.1": 9})
        with pytest.raises(ValidationError):
            services.self_assessment_save(actor=None, assessment=assessment, choices={"99.9": 0})

    @pytest.mark.parametrize("raw", ["abc", "-1", "1e400", "99999999999999999999", "\x00"])
    def test_hostile_choices_get_a_message_and_nothing_is_written(self, client, personas, raw):
        """Issue 16: ``int()`` on raw input was a 500; every screen now says which criterion."""
        product = personas.producer_x.products.get()
        assessment = services.self_assessment_start(actor=personas.producer, product=product)
        client.force_login(personas.producer)
        url = reverse("evaluation:assessment_edit", args=[assessment.pk])
        response = client.post(url, {"c-1.1": raw, "c-1.2": "0", "save": "1"}, follow=True)
        assert response.status_code == 200
        assert "1.1" in " ".join(str(m) for m in response.context["messages"])
        assessment.refresh_from_db()
        assert assessment.choices == {} and assessment.total == 0
        preview = client.post(
            reverse("evaluation:assessment_preview", args=[assessment.pk]), {"c-1.1": raw}
        )
        assert preview.status_code == 200

    def test_a_final_self_assessment_cannot_change(self, personas):
        product = personas.producer_x.products.get()
        assessment = services.self_assessment_start(actor=None, product=product)
        services.self_assessment_save(
            actor=personas.producer, assessment=assessment, choices={"1.1": 2}, finalize=True
        )
        with pytest.raises(ValidationError):
            services.self_assessment_save(actor=None, assessment=assessment, choices={"1.1": 0})
        actions = list(AuditEvent.objects.for_object(assessment).values_list("action", flat=True))
        assert actions.count("ocop.self_assessment.transitioned") == 1

    def test_only_the_producers_own_documents_can_be_evidence(self, personas, tmp_path, settings):
        from django.core.files.base import ContentFile

        from registry.models import Document

        settings.MEDIA_ROOT = tmp_path
        other = Document(producer=personas.producer_y, doc_type="lab_test", title="Khác")
        other.file.save("x.pdf", ContentFile(b"%PDF-1.4\n%%EOF"), save=False)
        other.save()
        product = personas.producer_x.products.get()
        assessment = services.self_assessment_start(actor=None, product=product)
        with pytest.raises(ValidationError):
            services.self_assessment_save(
                actor=None, assessment=assessment, choices={}, evidence={"1.1": [other.pk]}
            )

    def test_another_producer_cannot_open_or_save_it(self, client, personas):
        product = personas.producer_y.products.get()
        assessment = services.self_assessment_start(actor=None, product=product)
        client.force_login(personas.producer)
        url = reverse("evaluation:assessment_edit", args=[assessment.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"c-1.1": "2"}).status_code == 404
        assert (
            client.post(reverse("evaluation:assessment_start"), {"product": product.pk}).status_code
            == 404
        )

    def test_the_pdf_has_the_legal_layout_and_vietnamese_text(self, client, personas, tmp_path):
        product = personas.producer_x.products.get()
        assessment = services.self_assessment_start(actor=None, product=product)
        services.self_assessment_save(actor=None, assessment=assessment, choices={"1.1": 2})
        client.force_login(personas.producer)
        response = client.get(reverse("evaluation:assessment_pdf", args=[assessment.pk]))
        assert response["Content-Type"] == "application/pdf"
        pdf = tmp_path / "a.pdf"
        pdf.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "BÁO CÁO TỰ ĐÁNH GIÁ VỀ SẢN PHẨM" in text
        assert "Mẫu số 02" in text and "Nước mắm Hải Châu" in text
        assert "TỔNG ĐIỂM TỰ ĐÁNH GIÁ" in text


class TestCatalogueScreens:
    def test_officials_browse_versions_and_sheets(self, client, personas):
        client.force_login(personas.provincial)
        assert "26/2026/QĐ-TTg" in client.get(reverse("evaluation:catalogue")).content.decode()
        page = client.get(reverse("evaluation:sheet_detail", args=["qd26-2026", 9]))
        assert "Tương, nước mắm" in page.content.decode()
        # set 26 prints "Phần A … (35 Điểm) | 40": a remark on the part, scored out of 40
        page = client.get(reverse("evaluation:sheet_detail", args=["qd26-2026", 26]))
        part_a = page.content.decode().split('class="part"', 2)[1]
        assert 'data-testid="remark"' in part_a and "Phần A chấm trên 40 điểm" in part_a

    def test_producers_do_not_open_the_catalogue_browser(self, client, personas):
        client.force_login(personas.producer)
        assert client.get(reverse("evaluation:catalogue")).status_code == 403

    def test_a_blank_sheet_prints_as_pdf(self, client, personas, tmp_path):
        client.force_login(personas.council)
        response = client.get(reverse("evaluation:sheet_pdf", args=["qd26-2026", 1]))
        pdf = tmp_path / "s.pdf"
        pdf.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "(KIÊM PHIẾU ĐÁNH GIÁ SẢN PHẨM OCOP)" in text
        assert "Rau, củ, quả, hạt tươi" in text
        assert "Hồ sơ bị loại khi" in text


def test_the_load_command_reports(reference_data, capsys):
    call_command("load_criteria")
    assert "26 unchanged" in capsys.readouterr().out


def test_a_new_evidence_upload_returns_to_the_self_assessment(client, personas, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    product = personas.producer_x.products.get()
    assessment = services.self_assessment_start(actor=None, product=product)
    client.force_login(personas.producer)
    back = reverse("evaluation:assessment_edit", args=[assessment.pk])
    page = client.get(back)
    assert 'data-testid="upload-evidence"' in page.content.decode()
    upload = reverse("registry:document_upload", args=[personas.producer_x.pk])
    response = client.post(
        f"{upload}?next={back}",
        {
            "doc_type": "lab_test",
            "title": "Phiếu kiểm nghiệm nước mắm",
            "product": product.pk,
            "file": SimpleUploadedFile(
                "kn.pdf",
                b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
                content_type="application/pdf",
            ),
            "next": back,
        },
    )
    assert response.status_code == 302 and response["Location"] == back
    page = client.get(back)
    assert "Phiếu kiểm nghiệm nước mắm" in page.content.decode()
