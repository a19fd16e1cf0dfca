"""The links of the officers' day (issue 18): a dossier at the advisory step leads whoever
opens the council's sessions to the session form with it ticked; the chair's inbox lists the
results to finalise once their own sheet is in; a decision links to its products."""

import pytest
from django.urls import reverse

from dashboard import inbox
from evaluation.services_sheets import score_sheet_submit
from evaluation.tests import test_councils
from evaluation.tests.test_councils import choices_minus, open_session

pytestmark = pytest.mark.django_db
board = test_councils.board


def test_an_advisory_dossier_leads_the_office_to_the_session_form_with_it_ticked(board, client):
    dossier = board.dossier_x
    url = reverse("submissions:dossier_detail", args=[dossier.pk])
    client.force_login(board.office)
    page = client.get(url).content.decode()
    # the province has two councils: a way to each, named
    for council in (board.council, board.other):
        target = f"{reverse('evaluation:council_detail', args=[council.pk])}?dossier={dossier.pk}"
        assert target in page
        assert council.name in page
        form = client.get(target).context["session_form"]
        assert form["dossiers"].value() == [str(dossier.pk)]
    # a plain council member does not open sessions; nor is the way offered once it is opened
    client.force_login(board.members.m2.user)
    assert "?dossier=" not in client.get(url).content.decode()
    open_session(board)
    client.force_login(board.office)
    assert "?dossier=" not in client.get(url).content.decode()


def test_the_chair_finds_the_result_to_finalise_once_their_sheet_is_in(board):
    evaluation = open_session(board).evaluations.get()
    chair, member = board.members.chair.user, board.members.m2.user
    to_finalise = reverse("evaluation:council_evaluation", args=[evaluation.pk])
    assert to_finalise not in [i.url for i in inbox.inbox(chair)]
    choices = choices_minus(evaluation.sheet.value, 15)
    for user in (chair, member):
        score_sheet_submit(actor=user, evaluation=evaluation, choices=choices)
    items = [i for i in inbox.inbox(chair) if i.url == to_finalise]
    assert len(items) == 1 and "2" in items[0].detail
    assert to_finalise not in [i.url for i in inbox.inbox(member)]  # not the chair's peers


def test_a_decision_links_to_the_products_it_lists(client, personas, issue_certificate):
    product = personas.producer_x.products.get()
    certificate = issue_certificate(product, stars=4)
    client.force_login(personas.provincial)
    page = client.get(reverse("recognition:decision_detail", args=[certificate.decision_id]))
    assert reverse("registry:product_detail", args=[product.pk]) in page.content.decode()
