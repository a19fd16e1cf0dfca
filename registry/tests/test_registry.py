import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from registry import services
from registry.models import BusinessFigure, Producer, Product, ProductCertification, ProductSet

pytestmark = pytest.mark.django_db

VALID_TAX = "0412345677"  # check digit computed with python-stdnum
VALID_GTIN = "8934563138165"


def producer_post(commune, **extra):
    data = {
        "name": "HTX Nông nghiệp Hòa Tiến",
        "legal_form": "cooperative",
        "commune": commune.pk,
        "status": "active",
        "tax_code": "",
    }
    data.update(extra)
    return data


class TestValidation:
    def test_the_test_constants_are_valid(self):
        from stdnum import ean
        from stdnum.vn import mst

        assert mst.is_valid(VALID_TAX) and ean.is_valid(VALID_GTIN)

    def test_a_bad_tax_code_is_refused_with_a_vietnamese_message(self, client, personas):
        client.force_login(personas.provincial)
        response = client.post(
            reverse("registry:producer_create"),
            producer_post(personas.units.hai_chau, tax_code="0412345678"),
        )
        assert response.status_code == 200
        assert "sai chữ số kiểm tra" in response.content.decode()
        assert not Producer.objects.filter(name="HTX Nông nghiệp Hòa Tiến").exists()

    def test_a_malformed_tax_code_is_refused(self, client, personas):
        client.force_login(personas.provincial)
        response = client.post(
            reverse("registry:producer_create"),
            producer_post(personas.units.hai_chau, tax_code="12345"),
        )
        assert "Mã số thuế 12345 không hợp lệ" in response.content.decode()

    def test_a_bad_gtin_check_digit_is_refused(self, client, personas):
        client.force_login(personas.provincial)
        response = client.post(
            reverse("registry:product_create"),
            {
                "producer": personas.producer_x.pk,
                "name": "Nước mắm cốt",
                "product_set": ProductSet.objects.get(number=9).pk,
                "gtin": "8934563138166",
                "status": "active",
            },
        )
        assert "sai chữ số kiểm tra" in response.content.decode()
        assert not Product.objects.filter(name="Nước mắm cốt").exists()

    def test_a_duplicate_product_code_is_refused(self, personas):
        product = personas.producer_x.products.get()
        other = personas.producer_y.products.get()
        services.product_update(actor=None, product=product, code="48-20194-1-2026")
        with pytest.raises(ValidationError) as exc:
            services.product_update(actor=None, product=other, code="48-20194-1-2026")
        assert "Mã OCOP này đã thuộc về sản phẩm khác." in str(exc.value)

    def test_an_ocop_code_must_follow_the_legal_form(self, personas):
        with pytest.raises(ValidationError) as exc:
            services.product_update(
                actor=None, product=personas.producer_x.products.get(), code="ABC"
            )
        assert "code" in exc.value.message_dict

    def test_local_workforce_cannot_exceed_the_total(self, personas):
        with pytest.raises(ValidationError) as exc:
            services.producer_update(
                actor=None, producer=personas.producer_x, workforce_total=5, workforce_local=9
            )
        assert "workforce_local" in exc.value.message_dict

    def test_a_commune_officer_cannot_register_a_producer_in_another_commune(
        self, client, personas
    ):
        client.force_login(personas.commune)
        response = client.post(
            reverse("registry:producer_create"), producer_post(personas.units.hoi_an)
        )
        assert response.status_code == 200
        assert "Hãy chọn" in response.content.decode()  # Django's vi "invalid choice"
        assert not Producer.objects.filter(name="HTX Nông nghiệp Hòa Tiến").exists()


class TestCodes:
    def test_producer_codes_are_assigned_per_province(self, personas):
        assert personas.producer_x.code.startswith("CT48")
        assert personas.producer_hanoi.code.startswith("CT01")
        assert personas.producer_x.code != personas.producer_y.code

    def test_ocop_codes_follow_t_x_stt_year_with_a_sequence_per_commune(self, personas):
        product = personas.producer_x.products.get()
        services.product_assign_code(actor=personas.provincial, product=product, year=2026)
        product.refresh_from_db()
        commune = personas.units.hai_chau
        assert product.code == f"48-{commune.code}-1-2026"
        second = services.product_create(
            actor=None,
            name="Mắm nêm Hải Châu",
            producer=personas.producer_x,
            product_set=ProductSet.objects.get(number=9),
        )
        services.product_assign_code(actor=None, product=second, year=2026)
        assert Product.objects.get(pk=second.pk).code == f"48-{commune.code}-2-2026"
        services.product_assign_code(actor=None, product=product, year=2027)
        product.refresh_from_db()
        assert product.code == f"48-{commune.code}-3-2027"
        assert product.historical_codes == [f"48-{commune.code}-1-2026"]


class TestSearchAndFilters:
    def test_search_matches_with_and_without_diacritics(self, client, personas):
        client.force_login(personas.admin)
        url = reverse("registry:product_list")
        for query in ["nuoc mam", "Nước mắm", "NUOC MAM hai chau", "nước mắm hải"]:
            names = [p.name for p in client.get(url, {"q": query}).context["page"]]
            assert "Nước mắm Hải Châu" in names, query

    def test_the_letter_d_matches_đ(self, client, personas):
        client.force_login(personas.admin)
        names = [
            p.name
            for p in client.get(reverse("registry:product_list"), {"q": "ba dinh"}).context["page"]
        ]
        assert names == ["Nước mắm Ba Đình"]

    def test_search_finds_producers_by_code_and_tax_code(self, client, personas):
        services.producer_update(actor=None, producer=personas.producer_y, tax_code=VALID_TAX)
        client.force_login(personas.provincial)
        url = reverse("registry:producer_list")
        assert [p.name for p in client.get(url, {"q": VALID_TAX}).context["page"]] == ["HTX Hội An"]
        code = personas.producer_x.code
        assert [p.name for p in client.get(url, {"q": code}).context["page"]] == ["HTX Hải Châu"]

    def test_filters_by_unit_legal_form_set_stars_and_status(
        self, client, personas, issue_certificate
    ):
        issue_certificate(personas.producer_y.products.get(), stars=4)
        client.force_login(personas.provincial)
        url = reverse("registry:product_list")

        def names(**params):
            return sorted(p.name for p in client.get(url, params).context["page"])

        assert names(unit=personas.units.hoi_an.code) == ["Nước mắm Hội An"]
        assert names(stars="4") == ["Nước mắm Hội An"]
        assert names(stars="none") == ["Nước mắm Hải Châu"]
        assert names(legal_form="sme") == []
        assert names(product_set=ProductSet.objects.get(number=9).pk) == [
            "Nước mắm Hải Châu",
            "Nước mắm Hội An",
        ]
        outside = client.get(url, {"unit": personas.units.ba_dinh.code})  # not in his scope
        assert "unit" in outside.context["filter"].form.errors
        ordered = [p.name for p in client.get(url, {"order": "-name"}).context["page"]]
        assert ordered == ["Nước mắm Hội An", "Nước mắm Hải Châu"]

    def test_the_unit_filter_offers_only_units_in_scope(self, client, personas):
        client.force_login(personas.commune)
        response = client.get(reverse("registry:producer_list"))
        choices = [c[0] for c in response.context["filter"].form.fields["unit"].choices if c[0]]
        assert choices == [personas.units.hai_chau.code]

    @pytest.mark.parametrize("url_name", ["registry:product_list", "registry:producer_list"])
    def test_list_query_count_does_not_grow_with_the_rows(self, client, personas, url_name):
        client.force_login(personas.admin)
        url = reverse(url_name)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        fish = ProductSet.objects.get(number=9)
        for i in range(30):
            p = services.producer_create(
                actor=None,
                name=f"HTX số {i}",
                legal_form="sme",
                unit_recorded=personas.units.hoi_an,
                current_unit=personas.units.hoi_an,
            )
            services.product_create(actor=None, name=f"Sản phẩm {i}", producer=p, product_set=fish)
        with CaptureQueriesContext(connection) as many:
            client.get(url)
        assert len(many) == len(few)
        assert len(many) <= 12


class TestPersonas:
    def test_a_producer_edits_its_own_record_but_not_another(self, client, personas):
        client.force_login(personas.producer)
        own = personas.producer_x.products.get()
        other = personas.producer_y.products.get()
        assert client.get(reverse("registry:product_edit", args=[own.pk])).status_code == 200
        assert client.get(reverse("registry:product_edit", args=[other.pk])).status_code == 404
        assert client.get(reverse("registry:product_detail", args=[other.pk])).status_code == 404
        response = client.post(
            reverse("registry:product_edit", args=[other.pk]), {"name": "Chiếm quyền"}
        )
        assert response.status_code == 404
        assert Product.objects.get(pk=other.pk).name == "Nước mắm Hội An"

    def test_a_producer_sees_only_its_own_records_in_the_portal(self, client, personas):
        client.force_login(personas.producer)
        producers = client.get(reverse("registry:producer_list")).context["page"]
        assert [p.name for p in producers] == ["HTX Hải Châu"]

    def test_a_producer_updates_its_product_with_a_reason_in_the_history(self, client, personas):
        client.force_login(personas.producer)
        product = personas.producer_x.products.get()
        response = client.post(
            reverse("registry:product_edit", args=[product.pk]),
            {
                "name": "Nước mắm nhỉ Hải Châu",
                "product_set": product.product_set_id,
                "status": "active",
                "gtin": VALID_GTIN,
                "reason": "Đổi tên theo nhãn mới",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        event = AuditEvent.objects.filter(action="ocop.product.updated").latest("id")
        assert event.reason == "Đổi tên theo nhãn mới"
        assert event.after["name"] == "Nước mắm nhỉ Hải Châu"
        assert event.before["name"] == "Nước mắm Hải Châu"
        assert event.actor == personas.producer

    def test_a_council_member_reads_but_cannot_edit(self, client, personas):
        client.force_login(personas.council)
        product = personas.producer_x.products.get()
        assert client.get(reverse("registry:product_detail", args=[product.pk])).status_code == 200
        assert client.get(reverse("registry:product_edit", args=[product.pk])).status_code == 404
        assert client.get(reverse("registry:producer_create")).status_code == 403

    def test_an_officer_of_another_province_cannot_edit(self, client, personas):
        client.force_login(personas.other_province)
        url = reverse("registry:producer_edit", args=[personas.producer_x.pk])
        assert client.get(url).status_code == 404


class TestParts:
    def test_certifications_are_added_and_removed_with_audit(self, client, personas):
        client.force_login(personas.commune)
        product = personas.producer_x.products.get()
        url = reverse("registry:product_part_add", args=[product.pk, "certification"])
        client.post(
            url,
            {
                "standard": "haccp",
                "number": "HC-01",
                "issued_on": "2025-01-01",
                "valid_to": "2028-01-01",
            },
        )
        cert = ProductCertification.objects.get(product=product)
        assert cert.standard == "haccp"
        client.post(
            url, {"standard": "iso22000", "issued_on": "2025-01-01", "valid_to": "2024-01-01"}
        )
        assert ProductCertification.objects.filter(product=product).count() == 1
        client.post(
            reverse("registry:product_part_remove", args=[product.pk, "certification", cert.pk])
        )
        assert not ProductCertification.objects.filter(product=product).exists()
        actions = list(AuditEvent.objects.for_object(product).values_list("action", flat=True))
        assert "ocop.product.part_added" in actions and "ocop.product.part_removed" in actions

    def test_an_ecommerce_channel_needs_its_listing_address(self, client, personas):
        client.force_login(personas.commune)
        product = personas.producer_x.products.get()
        url = reverse("registry:product_part_add", args=[product.pk, "channel"])
        response = client.post(url, {"kind": "ecommerce", "name": "Sàn A"}, follow=True)
        assert "địa chỉ gian hàng" in response.content.decode()
        client.post(url, {"kind": "ecommerce", "name": "Sàn A", "url": "https://example.vn/a"})
        assert product.channels.count() == 1

    def test_annual_figures_are_one_row_per_year_and_corrections_are_audited(self, personas):
        p = personas.producer_x
        services.figure_save(actor=None, producer=p, year=2024, revenue=100, profit=10)
        services.figure_save(actor=None, producer=p, year=2024, revenue=120, profit=12)
        assert BusinessFigure.objects.get(producer=p, year=2024).revenue == 120
        event = AuditEvent.objects.filter(action="ocop.producer.figures_saved").latest("id")
        assert event.before == {"revenue": "100.00", "profit": "10.00"}

    def test_unknown_part_kinds_are_404(self, client, personas):
        client.force_login(personas.admin)
        product = personas.producer_x.products.get()
        url = reverse("registry:product_part_add", args=[product.pk, "nope"])
        assert client.post(url).status_code == 404


def test_a_misspelt_search_finds_near_misses_on_postgresql(client, personas):
    """PostgreSQL offers trigram near misses when nothing contains the text; SQLite (the
    embedded demo engine) has no trigram index and answers with the substring test only."""
    from core.search import is_postgres

    client.force_login(personas.admin)
    page = client.get(reverse("registry:product_list"), {"q": "nuoc mamm hai chau"}).context["page"]
    names = [p.name for p in page]
    if is_postgres():
        assert names[0] == "Nước mắm Hải Châu"
    else:
        assert names == []
