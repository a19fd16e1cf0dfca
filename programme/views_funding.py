"""Screens for support funding: the needs table, allocations and payments, decisions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from core.forms import apply_validation_error
from core.listing import render_page, xlsx_response
from core.params import object_param, year_param
from core.scoping import CHANGE
from geo.models import AdministrativeUnit
from geo.selectors import provinces_for
from programme import exporting, selectors, services, services_funding
from programme.choices import BudgetSource
from programme.forms import (
    AllocationForm,
    DisbursementForm,
    SupportContentForm,
    SupportDecisionForm,
)
from programme.models import SupportAllocation, SupportDecision, SupportLine
from programme.views import export, years


def _year(request) -> int:
    return year_param(request.GET.get("year")) or timezone.localdate().year


def _province(request, provinces):
    province = object_param(provinces, request.GET.get("province"))
    if province is None and provinces.count() == 1:
        return provinces.first()
    return province


def support_needs(request):
    """Support requested by the appraised plans of a year, by commune and content."""
    provinces = provinces_for(request.user)
    year = _year(request)
    province = _province(request, provinces)
    needs = selectors.support_needs(user=request.user, year=year, province=province)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exporting.export_needs(needs), exporting.needs_filename(needs))
    table = needs.table
    rows = [
        {
            "unit": unit,
            "cells": [table.cell(unit, c) for c in table.columns],
            "total": table.row_total(unit),
        }
        for unit in table.rows
    ]
    return render(
        request,
        "programme/support_needs.html",
        {
            "needs": needs,
            "rows": rows,
            "column_totals": [table.column_total(c) for c in table.columns],
            "totals": selectors.support_totals(user=request.user, year=year, province=province),
            "by_source": [
                (BudgetSource(s).label, v)
                for s, v in selectors.allocated_by_source(
                    user=request.user, year=year, province=province
                ).items()
            ],
            "provinces": provinces,
            "years": years(),
            "year": year,
        },
    )


def allocation_list(request):
    qs = selectors.allocation_list(user=request.user, params=request.GET)
    if request.GET.get("format") == "xlsx":
        return export("allocations", qs)
    return render_page(
        request,
        qs,
        "programme/allocation_list.html",
        sources=BudgetSource.choices,
        years=years(),
    )


def _fundable_line(request, line_pk):
    line = get_object_or_404(
        SupportLine.objects.restrict(request.user).select_related("plan__unit", "content"),
        pk=line_pk,
    )
    if not services.acts_as(request.user, line.plan.unit, Role.PROVINCIAL_OFFICE):
        raise PermissionDenied
    return line


def allocation_add(request, line_pk):
    line = _fundable_line(request, line_pk)
    form = AllocationForm(
        request.POST or None, initial={"decided_on": timezone.localdate(), "amount": line.amount}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_funding.allocation_create(
                actor=request.user, line=line, **form.service_fields()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The allocation was recorded."))
            return redirect("programme:plan_detail", pk=line.plan_id)
    return render(
        request,
        "programme/funding_form.html",
        {"form": form, "line": line, "plan": line.plan, "title": _("Allocate support funds")},
    )


def disbursement_add(request, allocation_pk):
    allocation = get_object_or_404(
        SupportAllocation.objects.restrict(request.user).select_related(
            "line__plan__unit", "line__content"
        ),
        pk=allocation_pk,
    )
    line = allocation.line
    if not services.acts_as(request.user, line.plan.unit, Role.PROVINCIAL_OFFICE):
        raise PermissionDenied
    form = DisbursementForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services_funding.disbursement_create(
                actor=request.user, allocation=allocation, **form.service_fields()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The payment was recorded."))
            return redirect("programme:plan_detail", pk=line.plan_id)
    return render(
        request,
        "programme/funding_form.html",
        {
            "form": form,
            "line": line,
            "plan": line.plan,
            "allocation": allocation,
            "title": _("Record a payment"),
        },
    )


def _office_provinces(user):
    """Provinces whose support contents ``user`` sets (provincial office; admins: all)."""
    qs = AdministrativeUnit.objects.current().provinces().order_by("name")
    scope = user.get_scope()
    if scope.is_admin:
        return qs
    return qs.filter(pk__in=scope.unit_ids("province", [Role.PROVINCIAL_OFFICE]))


def decision_list(request):
    changeable = set(
        SupportDecision.objects.restrict(request.user, CHANGE).values_list("pk", flat=True)
    )
    return render(
        request,
        "programme/decision_list.html",
        {
            "decisions": selectors.decision_list(user=request.user),
            "changeable": changeable,
            "can_create": _office_provinces(request.user).exists(),
        },
    )


def decision_create(request):
    provinces = _office_provinces(request.user)
    if not provinces.exists():
        raise PermissionDenied
    form = SupportDecisionForm(request.POST or None, provinces=provinces)
    if request.method == "POST" and form.is_valid():
        try:
            services_funding.support_decision_create(actor=request.user, **form.service_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The support decision was recorded."))
            return redirect("programme:decision_list")
    return render(
        request,
        "programme/simple_form.html",
        {"form": form, "title": _("Record a support decision")},
    )


def content_add(request, pk):
    decision = get_object_or_404(SupportDecision.objects.restrict(request.user, CHANGE), pk=pk)
    form = SupportContentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_funding.support_content_create(
                actor=request.user, decision=decision, **form.service_fields()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The support content was added."))
            return redirect("programme:decision_list")
    return render(
        request,
        "programme/simple_form.html",
        {"form": form, "title": _("Add a support content"), "subtitle": str(decision)},
    )
