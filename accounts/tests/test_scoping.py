"""restrict(): each persona sees exactly its scope, and outside it a detail page is a 404."""

import datetime

import pytest
from django.urls import reverse

from accounts import services
from accounts.choices import Role
from core.scoping import CHANGE
from registry.models import Producer, Product

pytestmark = pytest.mark.django_db


def names(qs):
    return set(qs.values_list("name", flat=True))


ALL = {"HTX Hải Châu", "HTX Hội An", "HTX Ba Đình"}


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("admin", ALL),
        ("provincial", {"HTX Hải Châu", "HTX Hội An"}),
        ("commune", {"HTX Hải Châu"}),
        ("other_province", {"HTX Ba Đình"}),
        ("council", {"HTX Hải Châu", "HTX Hội An"}),
        ("producer", {"HTX Hải Châu"}),
        ("no_role", set()),
    ],
)
def test_each_persona_sees_only_producers_of_its_scope(personas, persona, visible):
    user = getattr(personas, persona)
    assert names(Producer.objects.restrict(user)) == visible
    assert {p.producer.name for p in Product.objects.restrict(user)} == visible


@pytest.mark.parametrize(
    ("persona", "editable"),
    [
        ("provincial", {"HTX Hải Châu", "HTX Hội An"}),
        ("commune", {"HTX Hải Châu"}),
        ("council", set()),
        ("producer", {"HTX Hải Châu"}),
    ],
)
def test_only_editors_and_the_producer_itself_may_change_records(personas, persona, editable):
    user = getattr(personas, persona)
    assert names(Producer.objects.restrict(user, CHANGE)) == editable


def test_anonymous_sees_nothing(personas):
    from django.contrib.auth.models import AnonymousUser

    assert not Producer.objects.restrict(AnonymousUser()).exists()


def test_an_unknown_action_is_a_programming_error(personas):
    with pytest.raises(ValueError):
        Producer.objects.restrict(personas.admin, "launch")


def test_a_commune_officer_lists_only_records_of_his_commune(client, personas):
    client.force_login(personas.commune)
    response = client.get(reverse("registry:producer_list"))
    assert response.status_code == 200
    assert [p.name for p in response.context["page"]] == ["HTX Hải Châu"]
    response = client.get(reverse("registry:product_list"))
    assert [p.producer.name for p in response.context["page"]] == ["HTX Hải Châu"]


@pytest.mark.parametrize("url_name", ["registry:producer_detail", "registry:product_detail"])
def test_an_officer_of_another_province_gets_404_on_this_provinces_records(
    client, personas, url_name
):
    target = personas.producer_x
    pk = target.pk if url_name.endswith("producer_detail") else target.products.get().pk
    client.force_login(personas.other_province)
    assert client.get(reverse(url_name, args=[pk])).status_code == 404
    client.force_login(personas.provincial)
    assert client.get(reverse(url_name, args=[pk])).status_code == 200


def test_the_history_tab_follows_the_same_scope(client, personas):
    url = reverse("core:history", args=["registry", "producer", personas.producer_x.pk])
    client.force_login(personas.other_province)
    assert client.get(url).status_code == 404
    client.force_login(personas.commune)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="history-entry"' in html
    assert "ocop.producer.created" not in html  # codes are for administrators (issue 19)


def test_the_history_tab_refuses_unknown_or_unscoped_models(client, personas):
    client.force_login(personas.admin)
    assert client.get(reverse("core:history", args=["nope", "thing", 1])).status_code == 404
    assert client.get(reverse("core:history", args=["core", "auditevent", 1])).status_code == 404


def test_an_ended_assignment_no_longer_grants_access(personas):
    user = personas.commune
    assignment = user.assignments.get()
    services.assignment_end(actor=personas.admin, assignment=assignment, reason="Chuyển công tác")
    user = type(user).objects.get(pk=user.pk)  # a fresh object: the scope is cached per request
    assert not Producer.objects.restrict(user).exists()


def test_a_future_assignment_does_not_grant_access_yet(personas):
    user = personas.no_role
    services.assignment_create(
        actor=personas.admin,
        user=user,
        role=Role.COMMUNE_OFFICER,
        unit=personas.units.hai_chau,
        valid_from=datetime.date(2999, 1, 1),
    )
    assert not Producer.objects.restrict(user).exists()


def test_a_deactivated_user_sees_nothing(personas):
    services.user_set_active(
        actor=personas.admin, user=personas.provincial, active=False, reason="Nghỉ hưu"
    )
    user = type(personas.provincial).objects.get(pk=personas.provincial.pk)
    assert not Producer.objects.restrict(user).exists()


def test_a_former_district_grant_covers_the_communes_under_it(personas):
    from geo.models import AdministrativeUnit

    # Records are filed under current communes; a district grant matches records whose
    # current commune's parent is that district (possible only for historical data).
    district = AdministrativeUnit.objects.get(level="district", name="Tiên Phước")
    scope = personas.provincial.get_scope()
    from core.scoping import Grant, Scope

    district_scope = Scope(
        user_id=0, grants=(Grant(Role.COMMUNE_OFFICER, district.pk, "district"),)
    )
    q = district_scope.units_q("current_unit")
    assert "current_unit__parent_id__in" in str(q)
    assert scope.unit_ids("province") == frozenset({personas.units.danang.pk})
