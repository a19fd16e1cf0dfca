"""The less common shapes of the generic screens (``core.generic``): a list read through a
filter set or completed after paging, an object found through a selector, a page without
change or with forms only for who may change, and the form page's extra attributes."""

from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from core import generic, listing
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered(monkeypatch):
    """What the screens render and the messages they give, instead of real pages."""
    seen = SimpleNamespace(context=None, template=None, messages=[], redirect=None)

    def render(request, template, context, **kwargs):
        seen.template, seen.context = template, context
        return HttpResponse("ok")

    def redirect(name, **kwargs):
        seen.redirect = (name, kwargs)
        return HttpResponse(status=302)

    monkeypatch.setattr(generic, "render", render)
    monkeypatch.setattr(listing, "render", render)
    monkeypatch.setattr(generic, "redirect", redirect)
    monkeypatch.setattr(
        generic.messages, "success", lambda request, text: seen.messages.append(text)
    )
    return seen


@pytest.fixture
def user():
    return get_user_model().objects.create_user(username="nguoi_dung", password="x")


def _get(user, path="/", **params):
    request = RequestFactory().get(path, params)
    request.user = user
    return request


def _post(user, data):
    request = RequestFactory().post("/", data)
    request.user = user
    return request


# --- lists -----------------------------------------------------------------------------------


def test_a_list_through_a_filter_set_pages_its_rows_and_shows_the_set(rendered, user):
    made = []

    def filterset(*, user, params):
        made.append((user, params.get("q")))
        return SimpleNamespace(qs=list(range(70)), form="the form")

    view = generic.ListScreen.as_view(template_name="x.html", filterset=filterset)
    view(_get(user, q="mắm", page="2"))
    assert made == [(user, "mắm")]
    assert rendered.context["filter"].form == "the form"
    assert list(rendered.context["page"]) == list(range(50, 70))
    assert rendered.context["query"] == "q=m%E1%BA%AFm"


def test_only_the_shown_page_is_completed_by_page_rows(rendered, user):
    completed = []

    def page_rows(objects):
        completed.append(len(objects))
        return [f"#{n}" for n in objects]

    view = generic.ListScreen.as_view(
        template_name="x.html",
        rows=lambda user, params: list(range(120)),
        page_rows=page_rows,
    )
    view(_get(user, page="3"))
    assert completed == [20]
    assert list(rendered.context["page"]) == [f"#{n}" for n in range(100, 120)]
    assert rendered.context["page"].paginator.count == 120


# --- details ---------------------------------------------------------------------------------


def test_a_detail_found_through_a_selector_offers_no_change_without_a_query(
    rendered, user, django_assert_num_queries
):
    other = get_user_model().objects.create_user(username="khac", password="x", is_active=False)
    view = generic.DetailScreen.as_view(
        template_name="x.html",
        lookup=lambda user, action: get_user_model().objects.filter(is_active=True),
        check_change=False,
        context_name="person",
        extra=lambda request, person: {"name": person.username},
    )
    with django_assert_num_queries(1):  # the object only: nothing asks whether it may change
        view(_get(user), pk=user.pk)
    assert rendered.context["person"] == user and rendered.context["name"] == "nguoi_dung"
    assert "can_change" not in rendered.context
    with pytest.raises(Http404):  # outside what the selector gives
        view(_get(user), pk=other.pk)


class _Detail(generic.DetailScreen):
    """A detail whose change scope is a flag, as ``restrict(user, CHANGE)`` would answer."""

    changeable = False

    def may_change(self, obj):
        return self.changeable


@pytest.mark.parametrize("changeable", [True, False])
def test_forms_of_a_detail_page_are_made_only_for_who_may_change(rendered, user, changeable):
    made = []
    view = _Detail.as_view(
        template_name="x.html",
        lookup=lambda user, action: get_user_model().objects.all(),
        changeable=changeable,
        actions=lambda request, obj: made.append(obj) or {"form": "a form"},
    )
    view(_get(user), pk=user.pk)
    assert rendered.context["can_change"] is changeable
    assert ("form" in rendered.context) is changeable
    assert made == ([user] if changeable else [])


# --- forms -----------------------------------------------------------------------------------


class _NoteForm(forms.ModelForm):
    """A form that takes no user (it would fail if given one)."""

    class Meta:
        model = AuditEvent
        fields = ["reason"]

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner


@pytest.fixture
def event(user):
    return AuditEvent.objects.create(actor=user, action="ocop.test.noted", reason="cũ")


def _note_screen(**options):
    return generic.FormScreen.as_view(
        template_name="x.html",
        form_class=_NoteForm,
        form_takes_user=False,
        lookup=lambda user, action: AuditEvent.objects.all(),
        context_name="event",
        form_kwargs=lambda request, event: {"owner": event.actor},
        extra=lambda request, event: {"owner": event.actor, "extra": "thêm"},
        success="somewhere",
        **options,
    )


def test_a_form_without_user_gets_its_own_kwargs_and_the_page_more_context(rendered, user, event):
    _note_screen(save=None)(_get(user), pk=event.pk)
    form = rendered.context["form"]
    assert form.owner == user and form.instance == event
    assert rendered.context["owner"] == user and rendered.context["extra"] == "thêm"
    assert rendered.context["event"] == event


def test_the_service_gets_a_fresh_copy_with_its_relations_and_the_message_names_it(
    rendered, user, event, django_assert_num_queries
):
    given = []

    def save(actor, obj, fields):
        given.append((obj, AuditEvent.actor.is_cached(obj), fields))
        return obj

    view = _note_screen(
        save=save,
        fresh_related=("actor",),
        message=lambda saved: f"Đã lưu sự kiện của {saved.actor.username}",
    )
    response = view(_post(user, {"reason": "mới"}), pk=event.pk)
    assert response.status_code == 302 and rendered.redirect == ("somewhere", {"pk": event.pk})
    ((obj, actor_cached, fields),) = given
    assert obj == event and actor_cached
    assert obj.reason == "cũ" and fields["reason"] == "mới"  # the form's copy took the change
    assert rendered.messages == ["Đã lưu sự kiện của nguoi_dung"]


def test_without_the_new_attributes_a_form_keeps_its_former_behaviour(rendered, user, event):
    given = []

    class _UserNoteForm(_NoteForm):
        def __init__(self, *args, user, **kwargs):
            super().__init__(*args, owner=user, **kwargs)

    view = generic.FormScreen.as_view(
        template_name="x.html",
        form_class=_UserNoteForm,
        lookup=lambda user, action: AuditEvent.objects.all(),
        save=lambda actor, obj, fields: given.append(AuditEvent.actor.is_cached(obj)) or obj,
        success="somewhere",
    )
    view(_post(user, {"reason": "mới"}), pk=event.pk)
    assert given == [False]  # a plain fresh copy
    assert [str(m) for m in rendered.messages] == [str(generic.FormScreen.message)]
