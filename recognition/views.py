from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import formatting
from core.forms import apply_validation_error
from core.generic import DetailScreen, ListScreen
from core.pdf import pdf_response
from recognition import documents, reports, selectors, services
from recognition.choices import (
    IN_FORCE,
    CertificateState,
    DecisionKind,
    DecisionLevel,
    ProposalStatus,
)
from recognition.forms import (
    DecisionForm,
    RevocationDecisionForm,
    RevocationProposalForm,
)

PAGE_SIZE = 50


def _can_record(user) -> bool:
    return services.recorder_provinces(user).exists()


def _can_propose(user, certificate) -> bool:
    return services.acts_for_province(
        user, certificate.product.producer.current_unit.province_id, services.PROPOSERS
    )


# --- decisions ---------------------------------------------------------------------------


def _decisions(*, user, params):
    decisions = selectors.decisions_for(user)
    kind = params.get("kind")
    if kind in DecisionKind.values:
        decisions = decisions.filter(kind=kind)
    return decisions


decision_list = ListScreen.as_view(
    template_name="recognition/decision_list.html",
    rows=_decisions,
    extra=lambda request: {
        "kind": request.GET.get("kind"),
        "kinds": DecisionKind.choices,
        "can_record": _can_record(request.user),
    },
)


def _picked(request, dossiers):
    """(dossier, stars, score) for each ticked dossier, and the row errors."""
    by_pk = {str(d.pk): d for d in dossiers}
    picked, errors = [], []
    for pk in request.POST.getlist("dossier"):
        dossier = by_pk.get(pk)
        if dossier is None:
            errors.append(_("A dossier you picked can no longer be decided."))
            continue
        try:
            stars = int(request.POST.get(f"stars-{pk}", ""))
        except ValueError:
            errors.append(_("Choose the stars of “%(product)s”.") % {"product": dossier.product})
            continue
        raw_score = request.POST.get(f"score-{pk}", "").strip().replace(",", ".")
        try:
            score = Decimal(raw_score) if raw_score else None
        except InvalidOperation:
            errors.append(
                _("The score of “%(product)s” is not a number.") % {"product": dossier.product}
            )
            continue
        picked.append((dossier, stars, score))
    return picked, errors


def decision_create(request):
    provinces = list(services.recorder_provinces(request.user)[:2])
    if not provinces:
        raise PermissionDenied
    level = request.POST.get("level") or request.GET.get("level") or DecisionLevel.PROVINCE
    if level not in DecisionLevel.values:
        level = DecisionLevel.PROVINCE
    dossiers = list(selectors.eligible_dossiers(request.user, level))
    initial = {"level": level}
    if len(provinces) == 1:
        initial["authority"] = services.default_authority(level, provinces[0])
    form = DecisionForm(request.POST or None, initial=initial)
    # ?dossier=N from a scored dossier's "Record the recognition decision" ticks it
    picked_pks = set(request.POST.getlist("dossier") or request.GET.getlist("dossier"))
    if request.method == "POST" and form.is_valid():
        picked, errors = _picked(request, dossiers)
        if not picked and not errors:
            errors.append(_("List at least one product in the decision."))
        for error in errors:
            form.add_error(None, error)
        if not errors:
            try:
                decision = services.decision_issue(
                    actor=request.user,
                    dossiers_with_stars=picked,
                    number=form.cleaned_data["number"],
                    date=form.cleaned_data["date"],
                    signer=form.signer,
                    level=form.cleaned_data["level"],
                    authority=form.cleaned_data["authority"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Decision %(number)s recorded: %(count)s certificates issued.")
                    % {"number": decision.number, "count": decision.certificates.count()},
                )
                return redirect("recognition:decision_detail", pk=decision.pk)
    stars_choices = sorted(services.rules.STARS_BY_LEVEL[level])
    results = services.council_results([d.pk for d in dossiers])  # prefill from the council

    def _prefill(d, key):
        posted = request.POST.get(f"{key}-{d.pk}")
        if posted is not None:
            return posted
        value = results.get(d.pk, {}).get("star" if key == "stars" else "total")
        return "" if value is None else str(value)

    rows = [
        {
            "dossier": d,
            "picked": str(d.pk) in picked_pks,
            "stars": _prefill(d, "stars"),
            "score": _prefill(d, "score"),
        }
        for d in dossiers
    ]
    return render(
        request,
        "recognition/decision_form.html",
        {
            "form": form,
            "level": level,
            "levels": DecisionLevel.choices,
            "rows": rows,
            "stars_choices": stars_choices,
        },
    )


def _decision(request, pk):
    return get_object_or_404(selectors.decisions_for(request.user), pk=pk)


def _decision_certificates(request, decision):
    visible = selectors.certificates_for(request.user)
    if decision.kind == DecisionKind.REVOCATION:
        return visible.filter(revocation_decision=decision)
    return visible.filter(decision=decision).order_by("pk")


def _decision_total(decision) -> int:
    """How many certificates the decision names, whether the user sees them or not."""
    if decision.kind == DecisionKind.RECOGNITION:
        return decision.certificates.count()
    return decision.revoked_certificates.count()


def _decision_extra(request, decision):
    rows = selectors.with_states(_decision_certificates(request, decision))
    return {
        "rows": rows,
        "hidden_count": _decision_total(decision) - len(rows),
        "proposals": decision.revocation_proposals.all(),
    }


decision_detail = DetailScreen.as_view(
    template_name="recognition/decision_detail.html",
    lookup=lambda user, _action: selectors.decisions_for(user),
    check_change=False,  # a recorded decision is never edited
    context_name="decision",
    extra=_decision_extra,
)


def decision_pdf(request, pk):
    decision = _decision(request, pk)
    certificates = list(_decision_certificates(request, decision))
    extract = len(certificates) < _decision_total(decision)
    pdf = documents.decision_pdf(decision, certificates, extract=extract, request=request)
    return pdf_response(pdf, f"quyet-dinh-{decision.pk}.pdf")


# --- certificates ------------------------------------------------------------------------


def _certificates(*, user, params):
    """(certificate, state) pairs: the state is computed, so it is filtered here."""
    certificates = selectors.certificates_for(user)
    stars = params.get("stars")
    if stars in {"3", "4", "5"}:
        certificates = certificates.filter(stars=int(stars))
    rows = selectors.with_states(certificates)
    state = params.get("state")
    if state == "in_force":
        return [r for r in rows if r[1] in IN_FORCE]
    if state in CertificateState.values:
        return [r for r in rows if r[1] == state]
    return rows


certificate_list = ListScreen.as_view(
    template_name="recognition/certificate_list.html",
    rows=_certificates,
    extra=lambda request: {
        "states": CertificateState.choices,
        "state": request.GET.get("state"),
        "stars": request.GET.get("stars"),
    },
)


def _certificate(request, pk):
    return get_object_or_404(selectors.certificates_for(request.user), pk=pk)


def _certificate_extra(request, certificate):
    state = certificate.state()
    # officials only: a producer's scope holds no proposal
    proposals = selectors.proposals_for(request.user).filter(certificate=certificate)
    can_propose = (
        state in IN_FORCE
        and _can_propose(request.user, certificate)
        and not certificate.revocation_proposals.filter(status=ProposalStatus.PROPOSED).exists()
    )
    return {
        "state": state,
        "state_label": CertificateState(state).label,
        "in_force": state in IN_FORCE,
        "proposals": proposals,
        "can_propose": can_propose,
        "rerating_url": selectors.rerating_url(request.user, certificate, state),
        "history": certificate.product.certificates.exclude(pk=certificate.pk).order_by(
            "-issued_on"
        ),
    }


certificate_detail = DetailScreen.as_view(
    template_name="recognition/certificate_detail.html",
    lookup=lambda user, _action: selectors.certificates_for(user),
    check_change=False,  # a certificate changes only through a decision
    context_name="c",
    extra=_certificate_extra,
)


def certificate_pdf(request, pk):
    certificate = _certificate(request, pk)
    pdf = documents.certificate_pdf(certificate, request=request)
    return pdf_response(pdf, f"giay-chung-nhan-ocop-{certificate.number}.pdf")


# --- revocation --------------------------------------------------------------------------


def revocation_list(request):
    proposals = selectors.proposals_for(request.user)
    status = request.GET.get("status", ProposalStatus.PROPOSED)
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "recognition/revocation_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ProposalStatus.choices,
            "today": timezone.localdate(),
        },
    )


def revocation_propose(request, pk):
    certificate = _certificate(request, pk)
    if not _can_propose(request.user, certificate):
        raise PermissionDenied
    form = RevocationProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.revocation_propose(
                actor=request.user, certificate=certificate, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Revocation proposed; the decision is due by %(date)s.")
                % {"date": formatting.day(proposal.deadline)},
            )
            return redirect("recognition:revocation_detail", pk=proposal.pk)
    return render(request, "recognition/revocation_form.html", {"form": form, "c": certificate})


def _proposal(request, pk):
    return get_object_or_404(selectors.proposals_for(request.user), pk=pk)


def _decide_form(proposal, data=None):
    province = proposal.certificate.product.producer.current_unit.province
    return RevocationDecisionForm(
        data, initial={"authority": services.default_authority(proposal.level, province)}
    )


def _proposal_page(request, proposal, decide_form=None, status=200):
    """The proposal, the form of the revocation decision for the office that records it, and
    the "next step" panel (dismissal and the history: ``recognition.workflows``)."""
    can_decide = proposal.status == ProposalStatus.PROPOSED and services.acts_for_province(
        request.user, proposal.certificate.product.producer.current_unit.province_id
    )
    return render(
        request,
        "recognition/revocation_detail.html",
        {
            "p": proposal,
            "c": proposal.certificate,
            "can_decide": can_decide,
            "decide_form": (decide_form or _decide_form(proposal)) if can_decide else None,
            "overdue": proposal.overdue(),
            "level_label": DecisionLevel(proposal.level).label,
        },
        status=status,
    )


def revocation_detail(request, pk):
    return _proposal_page(request, _proposal(request, pk))


@require_POST
def revocation_decide(request, pk):
    proposal = _proposal(request, pk)
    form = _decide_form(proposal, request.POST)
    if form.is_valid():
        try:
            decision = services.revocation_decide(
                actor=request.user,
                proposal=proposal,
                number=form.cleaned_data["number"],
                date=form.cleaned_data["date"],
                signer=form.signer,
                authority=form.cleaned_data["authority"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Certificate %(number)s revoked by decision %(decision)s.")
                % {"number": proposal.certificate.number, "decision": decision.number},
            )
            return redirect("recognition:decision_detail", pk=decision.pk)
    return _proposal_page(request, proposal, decide_form=form, status=400)


# --- reports -----------------------------------------------------------------------------


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=reports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def report_index(request):
    return render(
        request,
        "recognition/reports.html",
        {
            "decisions": selectors.decisions_for(request.user).filter(
                kind=DecisionKind.RECOGNITION
            )[:100]
        },
    )


def report_dossiers(request):
    today = timezone.localdate()
    return _xlsx(reports.dossiers_xlsx(request.user, today), f"ho-so-{today:%Y%m%d}.xlsx")


def report_recognised(request):
    decision = None
    if request.GET.get("decision", "").isdigit():
        decision = get_object_or_404(
            selectors.decisions_for(request.user).filter(kind=DecisionKind.RECOGNITION),
            pk=request.GET["decision"],
        )
    today = timezone.localdate()
    name = (
        f"san-pham-ocop-quyet-dinh-{decision.pk}.xlsx"
        if decision
        else f"san-pham-ocop-{today:%Y%m%d}.xlsx"
    )
    return _xlsx(reports.recognised_xlsx(request.user, decision, today), name)
