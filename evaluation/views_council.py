"""Council screens: councils and members, sessions, a member's sheets, the chair's desk.

Every object comes through ``restrict()`` (council members see their councils, the provincial
office its province's): anything else is a 404. Writes call ``evaluation.services_council``
and ``services_sheets``, which check the finer permissions (chair, scorer, recusal, lock);
closing a session, re-scoring and finalising are steps of their workflows
(``evaluation.workflows``), taken through ``core.workflow.views.TransitionView``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.choices import Role
from core.pdf import pdf_response, render_pdf
from core.widgets import DateInput
from evaluation import selectors_council as sel
from evaluation import services_council as svc
from evaluation import services_sheets as sheets_svc
from evaluation.councils import (
    DEFAULT_QUORUM_RATIO,
    Council,
    CouncilMember,
    CouncilSession,
    Evaluation,
    EvaluationStatus,
    MemberRole,
    ScoreSheet,
    SessionMode,
    SessionStatus,
    quorum_percent_of,
    quorum_ratio_from_percent,
)
from evaluation.models import AssessmentStatus, SelfAssessment
from evaluation.selectors import explanation
from evaluation.services import clean_choices
from evaluation.views import result_panel
from geo.models import AdministrativeUnit
from submissions.choices import RoundLevel
from submissions.models import Dossier


def _error(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, str(exc) or _("You cannot do this."))


# --- forms (small, local to these screens) -----------------------------------------------------


QUORUM_PERCENT_MESSAGE = gettext_lazy("Enter the quorum as a whole percentage from 1 to 100.")


class CouncilForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=255)
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=RoundLevel.choices)
    province = forms.ModelChoiceField(
        label=gettext_lazy("Province"), queryset=AdministrativeUnit.objects.none(), required=False
    )
    decision = forms.CharField(
        label=gettext_lazy("Establishing decision"), max_length=255, required=False
    )
    spread_limit = forms.IntegerField(
        label=gettext_lazy("Spread limit (points)"), min_value=0, max_value=100, initial=10
    )
    quorum_percent = forms.IntegerField(
        label=gettext_lazy("Quorum (percentage of the scoring members, the chair included)"),
        initial=quorum_percent_of(DEFAULT_QUORUM_RATIO),
        min_value=1,
        max_value=100,
        error_messages={
            "min_value": QUORUM_PERCENT_MESSAGE,
            "max_value": QUORUM_PERCENT_MESSAGE,
            "invalid": QUORUM_PERCENT_MESSAGE,
        },
        widget=forms.NumberInput(attrs={"min": 1, "max": 100, "step": 1}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope = user.get_scope()
        provinces = AdministrativeUnit.objects.current().filter(level="province")
        if not scope.is_admin:
            provinces = provinces.filter(
                pk__in=scope.unit_ids("province", [Role.PROVINCIAL_OFFICE])
            )
            self.fields["level"].choices = [(RoundLevel.PROVINCIAL, RoundLevel.PROVINCIAL.label)]
        self.fields["province"].queryset = provinces.order_by("name")
        if provinces.count() == 1:
            self.fields["province"].initial = provinces.first()

    def clean(self):
        """The quorum is entered as a percentage and stored as a ratio (75 → 0.75)."""
        data = super().clean()
        if data.get("quorum_percent") is not None:
            data["quorum_ratio"] = quorum_ratio_from_percent(data.pop("quorum_percent"))
        return data


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(
        label=gettext_lazy("Person"), queryset=get_user_model().objects.none()
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=MemberRole.choices)
    department = forms.CharField(label=gettext_lazy("Department"), max_length=255, required=False)

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = sel.member_candidates(council)


class SessionForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    place = forms.CharField(label=gettext_lazy("Place"), max_length=255, required=False)
    mode = forms.ChoiceField(label=gettext_lazy("Mode"), choices=SessionMode.choices)
    dossiers = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Dossiers"),
        queryset=Dossier.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    present = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Members present"),
        queryset=CouncilMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossiers"].queryset = sel.eligible_dossiers(council)
        self.fields["present"].queryset = council.active_members().select_related("user")
        self.fields["date"].initial = timezone.localdate()


# --- councils ----------------------------------------------------------------------------------


def _council(request, pk) -> Council:
    return get_object_or_404(Council.objects.restrict(request.user), pk=pk)


def council_list(request, form=None):
    councils = Council.objects.restrict(request.user).select_related("province")
    scope = request.user.get_scope()
    can_create = scope.has_role(Role.PROVINCIAL_OFFICE)
    if form is None and can_create:
        form = CouncilForm(user=request.user)
    return render(
        request,
        "evaluation/council/council_list.html",
        {"councils": councils, "form": form},
    )


@require_POST
def council_create(request):
    form = CouncilForm(request.POST, user=request.user)
    if not form.is_valid():  # shown again with each message at its field
        messages.error(request, _("Check the council's details."))
        return council_list(request, form)
    try:
        council = svc.council_create(actor=request.user, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        _error(request, exc)
        return redirect("evaluation:council_list")
    messages.success(request, _("The council was set up."))
    return redirect("evaluation:council_detail", pk=council.pk)


def council_detail(request, pk):
    council = _council(request, pk)
    manage = sel.can_manage(request.user, council)
    chair = sel.can_chair(request.user, council)
    return render(
        request,
        "evaluation/council/council_detail.html",
        {
            "council": council,
            "members": council.active_members().select_related("user"),
            "sessions": council.sessions.all(),
            "can_manage": manage,
            "can_chair": chair,
            "member_form": MemberForm(council=council) if manage else None,
            "session_form": _session_form(request, council) if chair else None,
            "unscorable": sel.unscorable_dossiers(council) if chair else [],
        },
    )


def _session_form(request, council) -> SessionForm:
    """The "Open a session" form; ``?dossier=N`` (from a dossier's page) ticks that dossier."""
    picked = [pk for pk in request.GET.getlist("dossier") if pk.isdigit()]
    return SessionForm(council=council, initial={"dossiers": picked} if picked else None)


@require_POST
def council_member_add(request, pk):
    council = _council(request, pk)
    form = MemberForm(request.POST, council=council)
    if form.is_valid():
        try:
            svc.member_add(actor=request.user, council=council, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The member was added."))
    else:
        messages.error(request, _("Choose a person and a role."))
    return redirect("evaluation:council_detail", pk=pk)


@require_POST
def council_member_remove(request, pk, member_pk):
    council = _council(request, pk)
    member = get_object_or_404(council.members, pk=member_pk)
    try:
        svc.member_remove(actor=request.user, member=member, reason=request.POST.get("reason", ""))
    except PermissionDenied as exc:
        _error(request, exc)
    return redirect("evaluation:council_detail", pk=pk)


@require_POST
def session_open(request, pk):
    council = _council(request, pk)
    form = SessionForm(request.POST, council=council)
    if not form.is_valid():
        messages.error(request, _("Choose the date, the mode and at least one dossier."))
        return redirect("evaluation:council_detail", pk=pk)
    data = form.cleaned_data
    try:
        session = svc.session_open(
            actor=request.user,
            council=council,
            dossiers=data["dossiers"],
            date=data["date"],
            place=data["place"],
            mode=data["mode"],
            present=data["present"],
        )
    except (ValidationError, PermissionDenied) as exc:
        _error(request, exc)
        return redirect("evaluation:council_detail", pk=pk)
    messages.success(request, _("The session is open."))
    return redirect("evaluation:council_session", pk=session.pk)


# --- sessions ----------------------------------------------------------------------------------


def _session(request, pk) -> CouncilSession:
    return get_object_or_404(
        CouncilSession.objects.restrict(request.user).select_related("council__province"), pk=pk
    )


def _evaluation_rows(evaluations):
    rows = []
    for ev in evaluations:
        prog = sel.progress(ev)
        spread = sel.spread_status(ev, prog) if prog.complete else None
        rows.append({"evaluation": ev, "progress": prog, "spread": spread})
    return rows


def session_detail(request, pk):
    session = _session(request, pk)
    council = session.council
    evaluations = session.evaluations.select_related(
        "dossier__product__producer", "sheet__version"
    ).order_by("pk")
    return render(
        request,
        "evaluation/council/session_detail.html",
        {
            "session": session,
            "council": council,
            "quorum": session.quorum(),
            "present_ids": set(session.present.values_list("pk", flat=True)),
            "members": council.active_members().select_related("user"),
            "rows": _evaluation_rows(evaluations),
            "can_chair": sel.can_chair(request.user, council),
        },
    )


@require_POST
def session_attendance(request, pk):
    session = _session(request, pk)
    try:
        svc.session_attendance_set(
            actor=request.user, session=session, present=request.POST.getlist("present")
        )
    except (ValidationError, PermissionDenied, ValueError) as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Attendance recorded."))
    return redirect("evaluation:council_session", pk=pk)


# The minutes are a Vietnamese administrative document: their wording is fixed, not translated.
ROLE_VI = {
    MemberRole.CHAIR: "Chủ tịch Hội đồng",
    MemberRole.VICE_CHAIR: "Phó Chủ tịch Hội đồng",
    MemberRole.SECRETARY: "Ủy viên thư ký",
    MemberRole.MEMBER: "Ủy viên",
    MemberRole.ADVISORY: "Tổ tư vấn",
}
KIND_VI = {"first": "Đánh giá lần đầu", "upgrade": "Nâng hạng", "rerating": "Đánh giá lại"}


def minutes_context(session: CouncilSession) -> dict:
    council = session.council
    present_ids = set(session.present.values_list("pk", flat=True))
    members = list(council.active_members().select_related("user"))
    items = []
    for ev in session.evaluations.select_related(
        "dossier__product__producer", "sheet__version"
    ).order_by("pk"):
        rounds = {}
        for sheet in ev.sheets.select_related("member__user").order_by("round_no", "member"):
            rounds.setdefault(sheet.round_no, []).append(sheet)
        items.append(
            {
                "evaluation": ev,
                "recusals": ev.recusals.select_related("member__user"),
                "rounds": sorted(rounds.items()),
                "outcome": sel.outcome_label(ev.outcome, ev.star) if ev.outcome else "",
                "grounds": [
                    g for g in ev.sheet.value.rejection_grounds if g.code in ev.rejected_grounds
                ],
            }
        )
    chair = council.chair
    secretary = council.members.filter(active=True, role=MemberRole.SECRETARY).first()
    return {
        "session": session,
        "council": council,
        "quorum": session.quorum(),
        "scoring": [m for m in members if m.scores],
        "advisory": [m for m in members if m.role == MemberRole.ADVISORY],
        "present_ids": present_ids,
        "items": items,
        "chair": chair,
        "secretary": secretary,
        "now": timezone.localtime(),
        "role_vi": {str(k): v for k, v in ROLE_VI.items()},
        "kind_vi": KIND_VI,
    }


def session_minutes(request, pk):
    """Council minutes (biên bản) as a PDF, from the session's data."""
    session = _session(request, pk)
    pdf = render_pdf("evaluation/pdf/minutes.html", minutes_context(session), request)
    return pdf_response(pdf, f"bien-ban-hoi-dong-{session.pk}-{session.date:%Y%m%d}.pdf")


# --- a member's dossiers and sheets ------------------------------------------------------------


def my_scoring(request):
    """The dossiers the signed-in member scores (or has scored), newest first."""
    memberships = list(CouncilMember.objects.filter(user=request.user, active=True))
    evaluations = (
        Evaluation.objects.restrict(request.user)
        .filter(session__council__members__in=memberships)
        .select_related("dossier__product__producer", "session__council", "sheet")
        .distinct()
        .order_by("status", "-session__date", "pk")
    )
    rows = []
    for ev in evaluations:
        member = next(m for m in memberships if m.council_id == ev.session.council_id)
        sheet = ev.sheets.filter(member=member, round_no=ev.round_no).first()
        recused = ev.recusals.filter(member=member).exists()
        expected = any(m.pk == member.pk for m in sel.expected_scorers(ev))
        rows.append(
            {
                "evaluation": ev,
                "sheet": sheet,
                "recused": recused,
                "expected": expected,
                "todo": expected and not ev.is_finalised and not (sheet and sheet.is_final),
            }
        )
    return render(request, "evaluation/council/my_scoring.html", {"rows": rows})


def _evaluation(request, pk) -> Evaluation:
    return get_object_or_404(
        Evaluation.objects.restrict(request.user).select_related(
            "session__council__province", "dossier__product__producer", "sheet__version"
        ),
        pk=pk,
    )


def evaluation_detail(request, pk):
    """One dossier at the council: progress, the sheets one may see, spread, result, actions."""
    ev = _evaluation(request, pk)
    council = ev.session.council
    prog = sel.progress(ev)
    spread = sel.spread_status(ev, prog) if prog.complete else None
    visible = list(sel.sheets_visible_to(request.user, ev).order_by("round_no", "member"))
    member = sel.membership(request.user, council)
    grounds = ev.sheet.value.rejection_grounds
    return render(
        request,
        "evaluation/council/evaluation_detail.html",
        {
            "evaluation": ev,
            "council": council,
            "session": ev.session,
            "progress": prog,
            "spread": spread,
            "visible": visible,
            "member": member,
            "recusals": ev.recusals.select_related("member__user"),
            "recused": member is not None and ev.recusals.filter(member=member).exists(),
            "can_chair": sel.can_chair(request.user, council),
            "quorum": ev.session.quorum(),
            "members": council.active_members().select_related("user"),
            "grounds": grounds,
            "outcome": sel.outcome_label(ev.outcome, ev.star) if ev.outcome else "",
            "finalised": ev.status == EvaluationStatus.FINALISED,
        },
    )


def _posted_choices(request, evaluation) -> dict:
    choices = {}
    for criterion in evaluation.sheet.value.criteria:
        value = request.POST.get(f"c-{criterion.code}", "")
        choices[criterion.code] = None if value == "" else value
    return choices


def _scoring_member(request, ev: Evaluation) -> CouncilMember:
    member = sel.membership(request.user, ev.session.council)
    if member is None or not member.scores:
        raise Http404
    return member


def score_sheet(request, pk):
    """The signed-in member's sheet for the current round, with the criterion radios and the
    live result panel (total, star band, unmet minimums) shared with the self-assessment."""
    ev = _evaluation(request, pk)
    member = _scoring_member(request, ev)
    sheet = ScoreSheet.objects.filter(evaluation=ev, member=member, round_no=ev.round_no).first()
    choices = sheet.choices if sheet else {}
    comment = sheet.comment if sheet else ""
    confirm_refused = False
    if request.method == "POST":
        submit = "submit" in request.POST
        posted = _posted_choices(request, ev)
        if submit and not request.POST.get("confirm"):
            # Handing in is irreversible: without the ticked confirmation nothing is written,
            # and the page comes back with the member's ticks as they were.
            messages.error(
                request,
                _(
                    "Your sheet was not submitted: tick the confirmation first. "
                    "A submitted sheet can no longer change."
                ),
            )
            try:
                choices = clean_choices(ev.sheet, posted)
            except ValidationError:
                return redirect("evaluation:score_sheet", pk=pk)
            comment = request.POST.get("comment", "")
            confirm_refused = True
        else:
            try:
                sheets_svc.score_sheet_save(
                    actor=request.user,
                    evaluation=ev,
                    choices=posted,
                    comment=request.POST.get("comment", ""),
                    submit=submit,
                )
            except (ValidationError, PermissionDenied) as exc:
                _error(request, exc)
            else:
                messages.success(
                    request,
                    _("Your sheet was submitted.") if submit else _("Your draft was saved."),
                )
            return redirect("evaluation:score_sheet", pk=pk)
    try:
        sheets_svc.scorer_for(request.user, ev)
        blocked = ""
    except PermissionDenied as exc:
        blocked = str(exc)
    editable = (
        not blocked
        and not ev.is_finalised
        and ev.session.status == SessionStatus.OPEN
        and not (sheet and sheet.is_final)
    )
    self_assessment = (
        SelfAssessment.objects.filter(
            product=ev.dossier.product_id, sheet=ev.sheet_id, status=AssessmentStatus.FINAL
        )
        .order_by("-updated_at")
        .first()
    )
    rows = sel.sheet_rows_for(ev, choices)
    own = self_assessment.choices if self_assessment else {}
    for row in rows:
        index = own.get(row["criterion"].code)
        row["self_points"] = row["criterion"].points_of(index) if self_assessment else None
    return render(
        request,
        "evaluation/council/score_sheet.html",
        {
            "evaluation": ev,
            "member": member,
            "sheet": sheet,
            "rows": rows,
            "comment": comment,
            "editable": editable,
            "blocked": blocked,
            "self_assessment": self_assessment,
            "confirm_refused": confirm_refused,
            "council_sheet": True,
            **explanation(ev.sheet.value, choices),
        },
        status=400 if confirm_refused else 200,
    )


@require_POST
def score_sheet_preview(request, pk):
    """htmx: the member's result panel for the ticks on screen, computed without saving."""
    ev = _evaluation(request, pk)
    _scoring_member(request, ev)
    return result_panel(
        request, ev.sheet, _posted_choices(request, ev), council_sheet=True, oob=True
    )


def score_sheet_view(request, pk, sheet_pk):
    """A member's sheet, read-only, for those who may see it (see ``sheets_visible_to``)."""
    ev = _evaluation(request, pk)
    sheet = get_object_or_404(sel.sheets_visible_to(request.user, ev), pk=sheet_pk)
    return render(
        request,
        "evaluation/council/sheet_view.html",
        {"evaluation": ev, "sheet": sheet, "rows": sel.sheet_rows_for(ev, sheet.choices)},
    )


@require_POST
def recusal_declare(request, pk):
    ev = _evaluation(request, pk)
    member = None
    if request.POST.get("member"):
        member = get_object_or_404(ev.session.council.members, pk=request.POST["member"])
    try:
        sheets_svc.recusal_declare(
            actor=request.user, evaluation=ev, member=member, reason=request.POST.get("reason", "")
        )
    except (ValidationError, PermissionDenied) as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The recusal was recorded."))
    return redirect("evaluation:council_evaluation", pk=pk)
