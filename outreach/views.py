from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from core.forms import XlsxImportForm, apply_validation_error
from core.generic import DetailScreen, ListScreen, create_and_edit
from core.importing import uploaded_file
from core.listing import recent_years, render_page, xlsx_response
from core.params import object_param, year_param
from core.scoping import CHANGE
from outreach import exporting, importing, selectors, services
from outreach.choices import ActivityKind, Audience, Topic
from outreach.forms import (
    ActivityForm,
    AttendanceEditForm,
    CourseForm,
    RepresentativeForm,
    TickForm,
)
from outreach.models import Attendance, CommunicationActivity, Course


def _export(kind, objects):
    return xlsx_response(exporting.export_xlsx(kind, objects), exporting.filename(kind))


def _year(request) -> int:
    return year_param(request.GET.get("year")) or timezone.localdate().year


def _can_record(user) -> bool:
    return selectors.organising_units(user).exists()


# --- courses -------------------------------------------------------------------------------


def _course_extra(request):
    return {
        "topics": Topic.choices,
        "audiences": Audience.choices,
        "years": recent_years(),
        "can_create": _can_record(request.user),
    }


course_list = ListScreen.as_view(
    template_name="outreach/course_list.html",
    rows=selectors.course_list,
    export=lambda rows: _export("courses", rows),
    extra=_course_extra,
)
course_create, course_edit = create_and_edit(
    model=Course,
    context_name="course",
    template_name="outreach/course_form.html",
    form_class=CourseForm,
    allowed=_can_record,
    create=services.course_create,
    update=services.course_update,
    success="outreach:course_detail",
    created=_lazy("The course %(object)s was recorded."),
)


def course_detail(request, pk):
    course = get_object_or_404(Course.objects.restrict(request.user).select_related("unit"), pk=pk)
    can_change = Course.objects.restrict(request.user, CHANGE).filter(pk=pk).exists()
    attendances = (
        Attendance.objects.restrict(request.user)
        .filter(course=course)
        .select_related("user", "producer__current_unit")
        .order_by("producer__name", "user__full_name", "person_name", "pk")
    )
    context = {"course": course, "attendances": attendances, "can_change": can_change}
    if can_change:
        context["tick_form"] = TickForm(course=course)
        context["representative_form"] = (
            RepresentativeForm(course=course) if course.for_producers else None
        )
    return render(request, "outreach/course_detail.html", context)


def _changeable_course(request, pk) -> Course:
    return get_object_or_404(
        Course.objects.restrict(request.user, CHANGE).select_related("unit"), pk=pk
    )


@require_POST
def attendance_tick(request, pk):
    course = _changeable_course(request, pk)
    form = TickForm(request.POST, course=course)
    if form.is_valid():
        try:
            added = services.attendance_add_many(
                actor=request.user,
                course=course,
                officials=form.cleaned_data["officials"],
                producers=form.cleaned_data["producers"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(n)d people were added to the list.") % {"n": len(added)})
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("outreach:course_detail", pk=pk)


def attendance_add(request, pk):
    course = _changeable_course(request, pk)
    if not course.for_producers:
        raise Http404
    form = RepresentativeForm(request.POST or None, course=course)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_add(actor=request.user, course=course, **form.service_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The person was added to the list."))
            return redirect("outreach:course_detail", pk=pk)
    return render(request, "outreach/representative_form.html", {"form": form, "course": course})


def attendance_edit(request, pk, attendance_pk):
    course = _changeable_course(request, pk)
    attendance = get_object_or_404(course.attendances.select_related("user"), pk=attendance_pk)
    form = AttendanceEditForm(request.POST or None, instance=attendance)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_update(
                actor=request.user,
                attendance=Attendance.objects.get(pk=attendance_pk),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("outreach:course_detail", pk=pk)
    return render(
        request,
        "outreach/attendance_form.html",
        {"form": form, "course": course, "attendance": attendance},
    )


@require_POST
def attendance_remove(request, pk, attendance_pk):
    course = _changeable_course(request, pk)
    attendance = get_object_or_404(course.attendances, pk=attendance_pk)
    services.attendance_remove(actor=request.user, attendance=attendance)
    messages.success(request, _("The person was removed from the list."))
    return redirect("outreach:course_detail", pk=pk)


def attendance_import(request, pk):
    course = _changeable_course(request, pk)
    form = XlsxImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        with uploaded_file(form.cleaned_data["file"]) as path:
            report = importing.import_attendance(
                path,
                actor=request.user,
                course=course,
                confirm=form.cleaned_data["confirm"],
            )
        if report.written:
            messages.success(
                request, _("%(n)d people were added to the list.") % {"n": len(report.rows)}
            )
            return redirect("outreach:course_detail", pk=pk)
    return render(
        request,
        "outreach/attendance_import.html",
        {"form": form, "report": report, "course": course, "headers": importing.COLUMNS},
    )


def attendance_list(request):
    qs = selectors.attendance_list(user=request.user, params=request.GET)
    if request.GET.get("format") == "xlsx":
        return _export("attendance", qs)
    return render_page(request, qs, "outreach/attendance_list.html", years=recent_years())


# --- coverage ------------------------------------------------------------------------------


def coverage(request):
    units = selectors.coverage_units(request.user)
    unit = object_param(units, request.GET.get("unit"))
    if unit is None:
        unit = units.order_by("-level", "name").first()  # a province before its communes
        if unit is None:
            raise PermissionDenied
    year = _year(request)
    table = selectors.coverage_table(unit=unit, year=year)
    if request.GET.get("format") == "xlsx":
        return _export("coverage", [*table.rows, table.total])
    province = unit if unit.level == "province" else unit.province
    return render(
        request,
        "outreach/coverage.html",
        {
            "table": table,
            "year": year,
            "years": recent_years(),
            "provinces": units.filter(level="province").order_by("name"),
            "communes": units.filter(level="commune", province=province).order_by("name"),
        },
    )


def coverage_people(request, measure):
    if measure not in selectors.MEASURES:
        raise Http404
    unit = selectors.coverage_units(request.user).filter(pk=request.GET.get("unit") or 0).first()
    if unit is None:
        raise Http404
    year = _year(request)
    level_only = request.GET.get("level") == "1"
    result = selectors.MEASURES[measure](unit, year, include_communes=not level_only)
    if measure == "officials":
        covered = result.covered.order_by("full_name", "username")
        missing = result.not_covered.order_by("full_name", "username")
    else:
        covered = result.covered.select_related("current_unit").order_by("name")
        missing = result.not_covered.select_related("current_unit").order_by("name")
    if request.GET.get("format") == "xlsx":
        rows = [(str(p), getattr(p, "code", "") or p.get_username(), True) for p in covered]
        rows += [(str(p), getattr(p, "code", "") or p.get_username(), False) for p in missing]
        return _export("people", rows)
    return render(
        request,
        "outreach/coverage_people.html",
        {
            "unit": unit,
            "year": year,
            "measure": measure,
            "result": result,
            "covered": covered,
            "missing": missing,
            "level_only": level_only,
            "query": request.GET.urlencode(),
        },
    )


# --- communication log ---------------------------------------------------------------------


activity_list = ListScreen.as_view(
    template_name="outreach/activity_list.html",
    rows=selectors.activity_list,
    export=lambda rows: _export("activities", rows),
    extra=lambda request: {
        "kinds": ActivityKind.choices,
        "years": recent_years(),
        "can_create": _can_record(request.user),
    },
)
activity_detail = DetailScreen.as_view(
    template_name="outreach/activity_detail.html",
    model=CommunicationActivity,
    select_related=("unit",),
    context_name="activity",
    extra=lambda request, activity: {
        "producers": activity.producers_reached.select_related("current_unit").order_by("name")
    },
)
activity_create, activity_edit = create_and_edit(
    model=CommunicationActivity,
    context_name="activity",
    template_name="outreach/activity_form.html",
    form_class=ActivityForm,
    allowed=_can_record,
    create=services.activity_create,
    update=services.activity_update,
    success="outreach:activity_detail",
    created=_lazy("The activity was recorded."),
)
