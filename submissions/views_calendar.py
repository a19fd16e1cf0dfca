"""The working calendar: public holidays from the ``holidays`` package and the office's
adjustments (extra days off, make-up working Saturdays), which deadlines count with."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.forms import apply_validation_error
from core.params import year_param
from core.widgets import DateInput
from submissions import services
from submissions.calendar import public_holidays
from submissions.models import DayKind, Holiday


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=DayKind.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    reason = forms.CharField(
        label=gettext_lazy("Announced by"),
        max_length=300,
        help_text=gettext_lazy("The government's announcement, e.g. “Công văn số …/BNV”."),
    )


def calendar(request):
    today = timezone.localdate()
    year = min(max(year_param(request.GET.get("year")) or today.year, 2019), today.year + 3)
    editable = services.may_edit_calendar(request.user)
    form = CalendarDayForm(request.POST or None) if editable else None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.calendar_day_set(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The working calendar was updated."))
                return redirect(f"{request.path}?year={form.cleaned_data['date'].year}")
    package = sorted((d, n) for d, n in public_holidays().items() if d.year == year)
    office = Holiday.objects.filter(date__year=year).select_related("created_by")
    workdays = sorted(d for d in Holiday.dates().workdays if d.year == year)
    return render(
        request,
        "submissions/calendar.html",
        {
            "year": year,
            "years": list(range(today.year + 2, 2018, -1)),
            "package": package,
            "office": office,
            "workdays": workdays,
            "form": form,
            "editable": editable,
            "first": dt.date(year, 1, 1),
        },
    )


@require_POST
def calendar_remove(request, pk: int):
    day = get_object_or_404(Holiday, pk=pk)
    try:
        services.calendar_day_remove(
            actor=request.user, day=day, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The adjustment was removed."))
    return redirect(f"/dossiers/calendar/?year={day.date.year}")
