"""The generic screens of core.generic: the filter form of a list, the actions of a detail
page, the extra context, message and added row of a form, and an action posted from an
object's page. The object screens are tried on sales points: the commune officer of Hải
Châu may change a point of Hải Châu, the council member of Đà Nẵng only sees it."""

import datetime
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpResponse
from django.test.utils import CaptureQueriesContext

from core import generic, listing
from core.generic import ActionScreen, DetailScreen, FormScreen, ListScreen


@pytest.fixture
def rendered(monkeypatch):
    """The context each screen renders (the template itself is not needed here)."""
    seen = {}

    def render(request, template, context):
        seen.clear()
        seen.update(context)
        return HttpResponse("ok")

    monkeypatch.setattr(generic, "render", render)
    monkeypatch.setattr(listing, "render", render)
    return seen


def _request(rf, user, method="get", path="/", data=None):
    request = getattr(rf, method)(path, data or {})
    request.user = user
    request._messages = CookieStorage(request)
    return request


def _messages(request) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in request._messages]


# --- ListScreen ------------------------------------------------------------------------


class _Filters(forms.Form):
    q = forms.CharField(required=False, max_length=5)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


def test_a_list_gives_the_valid_filters_to_its_rows_and_the_form_to_the_page(rf, rendered):
    given = []
    view = ListScreen.as_view(
        template_name="x.html",
        filter_form=_Filters,
        rows=lambda user, params, filters: given.append(filters) or ["a", "b"],
        extra=lambda request: {"can_create": True},
    )
    user = AnonymousUser()
    view(_request(rf, user, data={"q": "mắm"}))
    assert given[-1] == {"q": "mắm"}
    form = rendered["filter_form"]
    assert form.is_bound and form.user is user and rendered["can_create"] is True
    assert list(rendered["page"]) == ["a", "b"]

    view(_request(rf, user, data={"q": "too long"}))  # invalid filters: none applied
    assert given[-1] == {} and rendered["filter_form"].errors["q"]

    view(_request(rf, user))  # no query string: an unbound form, no filters
    assert given[-1] == {} and not rendered["filter_form"].is_bound


def test_a_list_without_a_filter_form_calls_its_rows_as_before(rf, rendered):
    view = ListScreen.as_view(template_name="x.html", rows=lambda user, params: ["a"])
    view(_request(rf, AnonymousUser()))
    assert "filter_form" not in rendered and list(rendered["page"]) == ["a"]


# --- screens of an object ----------------------------------------------------------------


@pytest.fixture
def world(personas):
    from market import services

    point = services.sales_point_create(
        actor=None,
        name="Điểm Hải Châu",
        kind="ocop_point",
        operator_name="UBND phường",
        unit_recorded=personas.units.hai_chau,
        opened_on=datetime.date(2024, 1, 1),
    )
    link = services.carry_product(
        actor=None,
        point=point,
        product=personas.producer_x.products.get(),
        valid_from=datetime.date(2024, 1, 1),
    )
    return SimpleNamespace(point=point, link=link, p=personas)


def _detail(**kwargs):
    from market.models import SalesPoint

    called = []

    def actions(request, point):
        called.append(point)
        return {"close_form": "the form"}

    view = DetailScreen.as_view(
        template_name="x.html",
        model=SalesPoint,
        context_name="point",
        actions=actions,
        **kwargs,
    )
    return view, called


@pytest.mark.django_db
def test_a_detail_adds_the_actions_only_for_a_user_who_may_change(rf, rendered, world):
    view, called = _detail(extra=lambda request, point: {"today": "hôm nay"})
    view(_request(rf, world.p.commune), pk=world.point.pk)
    assert rendered["can_change"] is True and rendered["close_form"] == "the form"
    assert rendered["point"] == world.point and rendered["today"] == "hôm nay"
    assert called == [world.point]

    view(_request(rf, world.p.council), pk=world.point.pk)
    assert rendered["can_change"] is False and "close_form" not in rendered
    assert called == [world.point]  # not asked for the council member

    with pytest.raises(Http404):  # out of the scope of the other province
        view(_request(rf, world.p.other_province), pk=world.point.pk)


@pytest.mark.django_db
def test_a_detail_that_offers_no_change_spares_the_query(rf, rendered, world):
    counts = []
    for check in (True, False):
        view, called = _detail(check_change=check)
        request = _request(rf, world.p.commune)
        request.user.get_scope()  # the scope is read once per request either way
        with CaptureQueriesContext(connection) as ctx:
            view(request, pk=world.point.pk)
        counts.append(len(ctx.captured_queries))
    assert "can_change" not in rendered and called == []
    assert counts[1] == counts[0] - 1


@pytest.mark.django_db
def test_a_detail_prefetches_what_it_is_told(rf, rendered, world):
    view, _called = _detail(prefetch_related=("carried",))
    view(_request(rf, world.p.commune), pk=world.point.pk)
    point = rendered["point"]
    with CaptureQueriesContext(connection) as ctx:
        assert [link.pk for link in point.carried.all()] == [world.link.pk]
    assert len(ctx.captured_queries) == 0


class _NoteForm(forms.Form):
    note = forms.CharField(max_length=20)

    def __init__(self, *args, user, **kwargs):
        self.instance = kwargs.pop("instance", None)
        self.extra_kwargs = kwargs
        super().__init__(*args, **kwargs)


@pytest.mark.django_db
def test_a_form_adding_a_row_to_the_object_goes_back_to_its_page(rf, rendered, world):
    from market.models import SalesPoint

    saved = []

    def save(actor, point, fields):
        saved.append((actor, point, fields))
        return SimpleNamespace(pk=999_999, note=fields["note"])

    view = FormScreen.as_view(
        template_name="x.html",
        form_class=_NoteForm,
        model=SalesPoint,
        context_name="point",
        adds_row=True,
        extra=lambda request, point: {"map_config": {"point": point.pk}},
        save=save,
        success="market:point_detail",
        message=lambda row: f"Đã thêm {row.note}",
    )
    view(_request(rf, world.p.commune), pk=world.point.pk)
    form = rendered["form"]
    assert form.instance is None and rendered["point"] == world.point
    assert rendered["map_config"] == {"point": world.point.pk}

    request = _request(rf, world.p.commune, "post", data={"note": "ghi chú"})
    response = view(request, pk=world.point.pk)
    assert response.status_code == 302
    assert response["Location"] == f"/market/points/{world.point.pk}/"  # not the row's pk
    assert saved == [(world.p.commune, world.point, {"note": "ghi chú"})]
    assert _messages(request) == [("success", "Đã thêm ghi chú")]

    with pytest.raises(Http404):  # adding is changing: the council member may not
        view(_request(rf, world.p.council), pk=world.point.pk)


@pytest.mark.django_db
def test_a_form_message_may_be_a_text_with_the_object(rf, rendered, world):
    view = FormScreen.as_view(
        template_name="x.html",
        form_class=_NoteForm,
        save=lambda actor, _obj, fields: world.point,
        success="market:point_detail",
        message="Đã ghi %(object)s.",
    )
    request = _request(rf, world.p.commune, "post", data={"note": "x"})
    view(request)
    assert _messages(request) == [("success", "Đã ghi Điểm Hải Châu.")]


# --- ActionScreen ------------------------------------------------------------------------


class _StopForm(forms.Form):
    last_day = forms.DateField(label="Ngày cuối")


def _action(**kwargs):
    from market.models import SalesPoint

    acted = []

    def act(actor, target, fields):
        acted.append((target, fields))
        if fields.get("last_day") == datetime.date(2020, 1, 1):
            raise ValidationError({"valid_to": "Quá sớm.", "valid_from": "Sai ngày."})
        return target

    options = {
        "model": SalesPoint,
        "rows": lambda point: point.carried,
        "row_kwarg": "link_pk",
        "form_class": _StopForm,
        "act": act,
        "success": "market:point_detail",
        "message": lambda link: f"Đã dừng {link.pk}",
        **kwargs,
    }
    return ActionScreen.as_view(**options), acted


@pytest.mark.django_db
def test_an_action_takes_its_row_and_fields_and_goes_back_to_the_page(rf, world):
    view, acted = _action()
    request = _request(rf, world.p.commune, "post", data={"last_day": "2025-06-30"})
    response = view(request, pk=world.point.pk, link_pk=world.link.pk)
    assert response.status_code == 302
    assert response["Location"] == f"/market/points/{world.point.pk}/"
    assert acted == [(world.link, {"last_day": datetime.date(2025, 6, 30)})]
    assert _messages(request) == [("success", f"Đã dừng {world.link.pk}")]


@pytest.mark.django_db
def test_an_action_shows_each_refusal_as_a_message(rf, world):
    view, acted = _action(labelled=True)
    request = _request(rf, world.p.commune, "post", data={"last_day": "sai"})
    view(request, pk=world.point.pk, link_pk=world.link.pk)
    assert acted == []  # an invalid form: the service is not called
    invalid = _StopForm({"last_day": "sai"}).errors["last_day"][0]
    assert _messages(request) == [("error", f"Ngày cuối: {invalid}")]

    request = _request(rf, world.p.commune, "post", data={"last_day": "2020-01-01"})
    response = view(request, pk=world.point.pk, link_pk=world.link.pk)
    assert response.status_code == 302
    assert sorted(_messages(request)) == [("error", "Quá sớm."), ("error", "Sai ngày.")]

    view, acted = _action()  # unlabelled, the form's message alone
    request = _request(rf, world.p.commune, "post", data={})
    view(request, pk=world.point.pk, link_pk=world.link.pk)
    assert _messages(request) == [("error", _StopForm({}).errors["last_day"][0])]


@pytest.mark.django_db
def test_an_action_is_a_post_on_a_row_of_an_object_the_user_may_change(rf, world):
    view, acted = _action()
    data = {"last_day": "2025-06-30"}
    assert view(_request(rf, world.p.commune), pk=world.point.pk, link_pk=1).status_code == 405
    with pytest.raises(Http404):  # the council member sees the point, may not change it
        view(_request(rf, world.p.council, "post", data=data), pk=world.point.pk, link_pk=1)
    with pytest.raises(Http404):  # a row of no point of the user
        view(
            _request(rf, world.p.commune, "post", data=data),
            pk=world.point.pk,
            link_pk=world.link.pk + 1000,
        )
    assert acted == []


@pytest.mark.django_db
def test_an_action_without_form_or_row_acts_on_the_object(rf, world):
    view, acted = _action(rows=None, form_class=None, message="Đã xong: %(object)s")
    request = _request(rf, world.p.commune, "post")
    view(request, pk=world.point.pk)
    assert acted == [(world.point, {})]
    assert _messages(request) == [("success", "Đã xong: Điểm Hải Châu")]
