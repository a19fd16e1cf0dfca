"""A workflow declared as data: its states and the transitions a user (or a service) takes.

Each app declares its workflows in ``<app>/workflows.py`` and registers them in
``AppConfig.ready()``; ``core.workflow.service.transition()`` is the one way to move an
object, ``core.workflow.views`` the one view and ``templates/core/_workflow.html`` the one
"next step" panel. This module imports no domain app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models

# Who may take a transition, besides the roles of ``accounts.choices.Role``:
PRODUCER = "producer"  # a member of the object's producer
SYSTEM = "system"  # another service, which has checked its own permission (a council's
# finalisation, a decision); never offered as a button

# A guard is a pure rule on the object and the data of the step: it returns None when the
# step may go ahead, or the refusal — a message, or {field: message} — to show the user.
Guard = Callable[[models.Model, dict[str, Any]], "str | dict[str, Any] | None"]
# ``apply(obj, data, actor)`` sets the fields the step sets besides the status (dates, the
# data of its form); it may raise ValidationError.
Apply = Callable[[models.Model, dict[str, Any], Any], None]
# ``effect(obj, step)`` runs after the commit (notices, tasks): a rolled-back step has none.
Effect = Callable[[models.Model, "Step"], None]
# ``object_roles(user, obj)``: roles a user holds on the object itself rather than for its unit
# (a council's chair, by their seat on the council); asked only for an object in their scope.
ObjectRoles = Callable[[Any, models.Model], Iterable[str]]

STYLES = ("primary", "secondary", "danger")


@dataclass(frozen=True)
class Transition:
    action: str  # the code of the step, unique in its workflow ("forward", "return")
    label: Any  # the verb on the button ("Chuyển hồ sơ lên tỉnh")
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    reason_required: bool = False
    # The model field the reason is also kept in ("dismissal_reason"), and the wording of the
    # reason's box when "Reason" says it badly ("What was done").
    reason_field: str = ""
    reason_label: Any = ""
    # Irreversible steps ask for confirmation and say what cannot be undone.
    confirm: Any = ""
    style: str = "primary"  # the positive step primary; "secondary" or "danger" otherwise
    form: type | None = None  # a Django form with the data the step takes (beside the reason)
    guards: tuple[Guard, ...] = ()
    # A refusal known before any data (``precondition(obj) -> str | None``): while it refuses,
    # the step is not offered, and taking it anyway is refused with its message.
    precondition: Callable[[models.Model], Any] | None = None
    apply: Apply | None = None
    effects: tuple[Effect, ...] = ()
    help_text: Any = ""

    def __post_init__(self):
        if self.style not in STYLES:
            raise ValueError(f"{self.action}: unknown style {self.style!r}")
        object.__setattr__(self, "sources", frozenset(self.sources))
        object.__setattr__(self, "roles", frozenset(self.roles))

    @property
    def irreversible(self) -> bool:
        return bool(self.confirm)

    @property
    def offered(self) -> bool:
        """Whether a person may take it (a SYSTEM-only step is never a button)."""
        return bool(self.roles - {SYSTEM})


def send_back(action: str, label: Any, **kwargs: Any) -> Transition:
    """A step back (a return for correction, a re-evaluation): it says why, so the reason is
    required, and it is not the positive step, so its button is secondary."""
    return Transition(action, label, reason_required=True, style="secondary", **kwargs)


def closing(action: str, label: Any, *, confirm: Any, **kwargs: Any) -> Transition:
    """A step that ends the object for good (cancel, withdraw, refuse): it says why, its
    button is the destructive one, and it asks for confirmation saying what cannot be undone."""
    return Transition(
        action, label, reason_required=True, style="danger", confirm=confirm, **kwargs
    )


@dataclass(frozen=True)
class Step:
    """What ``transition()`` did, handed to the effects after the commit."""

    workflow: Workflow
    transition: Transition
    source: str
    actor: Any
    reason: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Workflow:
    name: str  # "dossier": the audit code is ``ocop.<name>.transitioned``
    model: str  # "submissions.Dossier"
    states: type  # the TextChoices of the status field
    transitions: tuple[Transition, ...]
    log_model: str  # "submissions.DossierTransition" (a core.models.TransitionLog)
    unit_path: str  # the lookup from the object to its commune ("product__producer__current_unit")
    producer_path: str | None = None  # the lookup to its producer, when PRODUCER acts
    field: str = "status"
    url_name: str = ""  # the URL of the one transition view for this workflow (args: pk)
    detail_url_name: str = ""  # the object's page, where the view returns (args: pk)
    select_related: tuple[str, ...] = ()
    # Wording of the refusal when a step does not exist from the current state.
    impossible: Any = ""
    object_roles: ObjectRoles | None = None
    # Effects of every step (a notice to the people concerned), run after the step's own.
    effects: tuple[Effect, ...] = ()

    def __post_init__(self):
        actions = [t.action for t in self.transitions]
        if len(actions) != len(set(actions)):
            raise ValueError(f"{self.name}: an action is declared twice")
        for t in self.transitions:
            unknown = (t.sources | {t.target}) - set(self.states.values)
            if unknown:
                raise ValueError(f"{self.name}.{t.action}: unknown states {sorted(unknown)}")
        # One step per (source, target): a step may be named by its target (``to=``).
        pairs = [(s, t.target) for t in self.transitions for s in t.sources]
        if len(pairs) != len(set(pairs)):
            raise ValueError(f"{self.name}: two actions lead from one state to the same state")

    @property
    def audit_action(self) -> str:
        return f"ocop.{self.name}.transitioned"

    def get_model(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def get_log_model(self) -> type[models.Model]:
        return apps.get_model(self.log_model)

    def state(self, obj) -> str:
        return getattr(obj, self.field)

    def state_label(self, value: str) -> str:
        return str(self.states(value).label) if value in self.states.values else value

    def from_state(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def find(self, state: str, *, action: str = "", to: str = "") -> Transition | None:
        """The step from ``state`` named by its action or by its target."""
        for t in self.from_state(state):
            if (action and t.action == action) or (not action and to and t.target == to):
                return t
        return None

    def action(self, code: str) -> Transition:
        for t in self.transitions:
            if t.action == code:
                return t
        raise KeyError(code)

    def targets(self) -> dict[str, dict[str, frozenset[str]]]:
        """status → {next status: roles}: the table, for documents and tests."""
        table: dict[str, dict[str, frozenset[str]]] = {s: {} for s in self.states.values}
        for t in self.transitions:
            for s in t.sources:
                table[s][t.target] = t.roles
        return table

    def label_of(self, log) -> str:
        """The verb of a logged step (older rows have no action code: found by from → to)."""
        t = None
        if getattr(log, "action", ""):
            try:
                t = self.action(log.action)
            except KeyError:
                t = None
        if t is None:
            t = self.find(log.from_status, to=log.to_status)
        return str(t.label) if t is not None else ""


_REGISTRY: dict[str, Workflow] = {}


def register(*workflows: Workflow) -> None:
    for wf in workflows:
        _REGISTRY[wf.name] = wf


def get(name: str) -> Workflow:
    return _REGISTRY[name]


def for_model(model_or_obj) -> Workflow | None:
    meta = model_or_obj._meta
    label = f"{meta.app_label}.{meta.object_name}"
    for wf in _REGISTRY.values():
        if wf.model.lower() == label.lower():
            return wf
    return None


def registered() -> Iterable[Workflow]:
    return tuple(_REGISTRY.values())
