"""Each role sees only the fields of the next step it may fill (issue 18, item 8)."""

import pytest

from submissions import services

pytestmark = pytest.mark.django_db


def test_the_producer_does_not_see_the_communes_form_03_box(client, personas):
    dossier = services.dossier_create(
        actor=personas.producer, product=personas.producer_x.products.get()
    )
    services.dossier_transition(actor=personas.producer, dossier=dossier, to="submitted")
    client.force_login(personas.producer)
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert 'name="form03_summary"' not in page and 'data-testid="action-withdraw"' in page
    client.force_login(personas.commune)
    assert 'name="form03_summary"' in client.get(f"/dossiers/{dossier.pk}/").content.decode()
