"""Every record linked to the records of other modules and to its next step (issue 18):
a scored dossier leads to its decision, a recognised one to its certificate and decision,
a product page lists its dossiers, certificates and stamp batches — each as the viewer may
see them."""

from django.urls import reverse

from submissions.choices import Status


def _related(page) -> str:
    html = page.content.decode()
    return "".join(
        part.split("</section>", 1)[0] for part in html.split('data-testid="related"')[1:]
    )


def test_a_scored_dossier_leads_the_office_to_its_decision(rec, client):
    dossier = rec.dossier(rec.product_x, to=Status.SCORED)
    client.force_login(rec.provincial)
    page = client.get(reverse("submissions:dossier_detail", args=[dossier.pk]))
    html = page.content.decode()
    assert 'data-testid="next-step"' in html
    url = f"{reverse('recognition:decision_create')}?level=province&amp;dossier={dossier.pk}"
    assert url in html
    form = client.get(url.replace("&amp;", "&")).content.decode()
    assert f'value="{dossier.pk}" id="dossier-{dossier.pk}" checked' in form


def test_others_see_the_dossier_but_not_the_step_they_cannot_take(rec, client):
    dossier = rec.dossier(rec.product_x, to=Status.SCORED)
    for user in (rec.commune, rec.producer):
        client.force_login(user)
        html = client.get(reverse("submissions:dossier_detail", args=[dossier.pk])).content
        assert b'data-testid="next-step"' not in html


def test_a_recognised_dossier_links_to_its_certificate_and_decision(rec, client):
    dossier = rec.dossier(rec.product_x, to=Status.SCORED)
    decision = rec.issue([(dossier, 4)], number="55/QĐ-UBND")
    certificate = decision.certificates.get()
    for user in (rec.provincial, rec.producer):
        client.force_login(user)
        related = _related(client.get(reverse("submissions:dossier_detail", args=[dossier.pk])))
        assert reverse("recognition:certificate_detail", args=[certificate.pk]) in related
        assert reverse("recognition:decision_detail", args=[decision.pk]) in related
        assert 'data-testid="next-step"' not in related


def test_a_product_page_lists_its_dossiers_certificates_and_batches(rec, client):
    from trace import services as trace_services

    dossier = rec.dossier(rec.product_x, to=Status.SCORED)
    certificate = rec.issue([(dossier, 4)], number="56/QĐ-UBND").certificates.get()
    batch = trace_services.batch_request(
        actor=rec.producer,
        product=rec.product_x,
        lot="2612-01",
        production_date=certificate.issued_on,
        quantity=100,
    )
    client.force_login(rec.producer)
    related = _related(client.get(reverse("registry:product_detail", args=[rec.product_x.pk])))
    assert reverse("submissions:dossier_detail", args=[dossier.pk]) in related
    assert reverse("recognition:certificate_detail", args=[certificate.pk]) in related
    assert reverse("trace:batch_detail", args=[batch.pk]) in related
    # another producer's product: its page is not theirs, its records never listed
    other = rec.dossier(rec.product_y, to=Status.SCORED)
    client.force_login(rec.provincial)
    related = _related(client.get(reverse("registry:product_detail", args=[rec.product_y.pk])))
    assert reverse("submissions:dossier_detail", args=[other.pk]) in related
    assert (
        client.get(reverse("registry:product_detail", args=[rec.product_hanoi.pk])).status_code
        == 404
    )


def test_the_product_page_reads_linked_records_in_constant_queries(rec, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(rec.provincial)
    url = reverse("registry:product_detail", args=[rec.product_x.pk])
    rec.certified(rec.product_x, stars=3, number="101/QĐ-UBND")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    rec.certified(rec.product_x, stars=4, number="102/QĐ-UBND")
    rec.certified(rec.product_x, stars=4, number="103/QĐ-UBND")
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    assert len(three) == len(one)
