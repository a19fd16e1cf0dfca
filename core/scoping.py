"""One row-level permission path: ``Model.objects.restrict(user, action)``.

A user's *scope* is what their role assignments grant today: the administrative units
(provinces or communes) they act for, per role, plus the producers they belong to. The
scope is computed by the accounts app (``user.get_scope()``) and is plain data here, so
this module imports no domain app. Each restricted model states, in its ``scope_q``
classmethod, which rows a scope may see for an action; views, exports, API and
dashboards all go through ``restrict()``. An object outside the scope is then a 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q

VIEW = "view"
CHANGE = "change"
ACTIONS = (VIEW, CHANGE)

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Grant:
    """One valid role assignment: a role at a unit (province, district or commune)."""

    role: str
    unit_id: int | None
    unit_level: str | None


@dataclass(frozen=True)
class Scope:
    user_id: int | None = None
    is_admin: bool = False
    grants: tuple[Grant, ...] = ()
    producer_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    def has_role(self, *roles: str) -> bool:
        return self.is_admin or bool(self.roles.intersection(roles))

    def unit_ids(self, level: str, roles: Iterable[str] | None = None) -> frozenset[int]:
        wanted = None if roles is None else frozenset(roles)
        return frozenset(
            g.unit_id
            for g in self.grants
            if g.unit_id is not None
            and g.unit_level == level
            and (wanted is None or g.role in wanted)
        )

    def units_q(self, path: str, roles: Iterable[str] | None = None) -> Q:
        """Rows whose unit at ``path`` (a current commune) lies in this scope.

        ``path`` names a foreign key to a unit; a unit knows its province and parent,
        so a provincial grant covers every commune of the province and a district
        grant every commune of the district.
        """
        roles = None if roles is None else tuple(roles)
        q = NOTHING
        provinces = self.unit_ids("province", roles)
        districts = self.unit_ids("district", roles)
        communes = self.unit_ids("commune", roles)
        if provinces:
            q |= Q(**{f"{path}__province_id__in": provinces})
        if districts:
            q |= Q(**{f"{path}__parent_id__in": districts})
        if communes:
            q |= Q(**{f"{path}_id__in": communes})
        return q

    def roles_at(self, unit) -> frozenset[str]:
        """The roles whose grants cover ``unit`` (a commune): the rule of ``units_q`` for one
        unit already in hand (a provincial grant covers the province's communes, a district
        grant the district's, a commune grant its commune)."""
        if unit is None:
            return frozenset()
        return frozenset(
            g.role
            for g in self.grants
            if g.unit_id is not None
            and (
                (g.unit_level == "province" and g.unit_id == unit.province_id)
                or (g.unit_level == "district" and g.unit_id == unit.parent_id)
                or (g.unit_level == "commune" and g.unit_id == unit.pk)
            )
        )


ANONYMOUS = Scope()


def scope_of(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    return user.get_scope()


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        scope = scope_of(user)
        if scope.is_admin:
            return self
        if scope is ANONYMOUS:
            return self.none()
        return self.filter(self.model.scope_q(scope, action))


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)


def in_scope(model, user, action: str = VIEW, **lookup):
    """The one row of ``model`` matching ``lookup`` that ``user`` may reach for ``action``,
    or None. Every foreign key a form, filter, import or the API accepts by id or code is
    re-read through here (or a ``restrict()``-ed queryset), so a key out of scope reads as
    one that does not exist."""
    try:
        return model.objects.restrict(user, action).filter(**lookup).first()
    except (TypeError, ValueError, OverflowError):
        return None
