"""The workflow declaration's own rules, and one rule of scope for one unit (no database but
the last test)."""

from types import SimpleNamespace

import pytest
from django.db import models
from hypothesis import given
from hypothesis import strategies as st

from core.scoping import Grant, Scope
from core.workflow.definition import PRODUCER, SYSTEM, Transition, Workflow, closing, send_back


class State(models.TextChoices):
    A = "a", "A"
    B = "b", "B"
    C = "c", "C"


def wf(*transitions):
    return Workflow(
        name="t",
        model="x.Y",
        states=State,
        transitions=transitions,
        log_model="x.YLog",
        unit_path="unit",
    )


def test_a_workflow_refuses_an_action_declared_twice_an_unknown_state_and_two_ways_between_states():
    go = Transition("go", "Go", sources={"a"}, target="b", roles={"r"})
    with pytest.raises(ValueError, match="twice"):
        wf(go, Transition("go", "Go", sources={"b"}, target="c", roles={"r"}))
    with pytest.raises(ValueError, match="unknown states"):
        wf(Transition("go", "Go", sources={"a"}, target="z", roles={"r"}))
    with pytest.raises(ValueError, match="same state"):
        wf(go, Transition("again", "Again", sources={"a"}, target="b", roles={"r"}))
    with pytest.raises(ValueError, match="style"):
        Transition("go", "Go", sources={"a"}, target="b", roles={"r"}, style="loud")


def test_a_step_is_found_by_its_action_or_by_its_target_from_the_current_state_only():
    flow = wf(
        Transition("go", "Go", sources={"a"}, target="b", roles={"r"}),
        Transition("end", "End", sources={"a", "b"}, target="c", roles={SYSTEM}),
    )
    assert flow.find("a", action="go").target == "b"
    assert flow.find("a", to="c").action == "end"
    assert flow.find("b", action="go") is None  # not from b
    assert flow.find("c", to="a") is None
    assert flow.targets() == {"a": {"b": {"r"}, "c": {SYSTEM}}, "b": {"c": {SYSTEM}}, "c": {}}
    assert not flow.action("end").offered and flow.action("go").offered
    # a logged step without an action code is named by its (from, to)
    assert flow.label_of(SimpleNamespace(action="", from_status="b", to_status="c")) == "End"
    assert flow.label_of(SimpleNamespace(action="gone", from_status="c", to_status="a")) == ""


def test_a_step_back_asks_why_and_a_closing_step_also_asks_for_confirmation():
    back = send_back("return", "Return", sources={"b"}, target="a", roles={"r"})
    assert back.reason_required and back.style == "secondary" and not back.irreversible
    end = closing("cancel", "Cancel", sources={"a"}, target="c", roles={"r"}, confirm="Final.")
    assert end.reason_required and end.style == "danger" and end.confirm == "Final."
    assert end.irreversible


LEVELS = ("province", "district", "commune")
grants = st.lists(
    st.builds(
        Grant,
        role=st.sampled_from(["provincial_office", "commune_officer", PRODUCER]),
        unit_id=st.integers(1, 6),
        unit_level=st.sampled_from(LEVELS),
    ),
    max_size=5,
)
units = st.builds(
    SimpleNamespace,
    pk=st.integers(1, 6),
    province_id=st.integers(1, 6),
    parent_id=st.one_of(st.none(), st.integers(1, 6)),
)


def _reference(scope: Scope, unit) -> set[str]:
    """The rule of Scope.units_q read for one unit: a province grant covers its communes,
    a district grant its communes, a commune grant its commune."""
    roles = set()
    for role in {g.role for g in scope.grants}:
        if (
            unit.province_id in scope.unit_ids("province", [role])
            or (unit.parent_id is not None and unit.parent_id in scope.unit_ids("district", [role]))
            or unit.pk in scope.unit_ids("commune", [role])
        ):
            roles.add(role)
    return roles


@given(grants=grants, unit=units)
def test_the_roles_at_a_unit_are_the_roles_whose_units_q_covers_it(grants, unit):
    scope = Scope(user_id=1, grants=tuple(grants))
    assert scope.roles_at(unit) == _reference(scope, unit)
    assert scope.roles_at(None) == frozenset()


@pytest.mark.django_db
def test_roles_at_and_units_q_agree_on_real_producers(personas):
    """The one rule, twice written: in Python for the object in hand (the workflow's roles)
    and as a query (restrict()); they must select the same producers."""
    from registry.models import Producer

    producers = list(Producer.objects.select_related("current_unit"))
    for user in (personas.provincial, personas.commune, personas.other_province, personas.admin):
        scope = user.get_scope()
        for role in ("provincial_office", "commune_officer"):
            by_query = set(
                Producer.objects.filter(scope.units_q("current_unit", [role])).values_list(
                    "pk", flat=True
                )
            )
            by_unit = {p.pk for p in producers if role in scope.roles_at(p.current_unit)}
            assert by_query == by_unit, (user, role)


def test_a_step_may_word_its_reason_box_and_name_the_field_that_keeps_the_reason():
    from django.utils.translation import gettext

    from core.workflow.forms import step_form

    handle = Transition(
        "handle",
        "Mark as handled",
        sources={"a"},
        target="b",
        roles={"r"},
        reason_required=True,
        reason_field="handling_note",
        reason_label="What was done",
    )
    form = step_form(handle, {"reason": " "})
    assert form.fields["reason"].label == "What was done" and not form.is_valid()
    plain = step_form(
        Transition("go", "Go", sources={"a"}, target="b", roles={"r"}, reason_required=True)
    )
    assert plain.fields["reason"].label == gettext("Reason")
    assert handle.reason_field == "handling_note"
