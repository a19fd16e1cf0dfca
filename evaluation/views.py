from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pdf import pdf_response, render_pdf
from core.scoping import CHANGE, in_scope
from evaluation import selectors, services
from evaluation.models import CriteriaSheet, CriteriaVersion, SelfAssessment
from registry.models import Document, Product

OFFICIALS = (
    "provincial_office",
    "commune_officer",
    "council_member",
    "advisory_member",
    "inspector",
)


def _require_official(request):
    if not request.user.get_scope().has_role(*OFFICIALS):
        raise PermissionDenied


# --- catalogue (read-only, for officials) -----------------------------------------------


def catalogue(request):
    _require_official(request)
    versions = CriteriaVersion.objects.all()
    return render(request, "evaluation/catalogue.html", {"versions": versions})


def version_detail(request, code):
    _require_official(request)
    version = get_object_or_404(CriteriaVersion, code=code)
    sheets = version.sheets.select_related("product_set")
    return render(
        request,
        "evaluation/version_detail.html",
        {"version": version, "meta": version.value, "sheets": sheets},
    )


def _sheet(code, number):
    return get_object_or_404(
        CriteriaSheet.objects.select_related("version", "product_set"),
        version__code=code,
        number=number,
    )


def sheet_detail(request, code, number):
    _require_official(request)
    sheet = _sheet(code, number)
    value = sheet.value
    return render(
        request,
        "evaluation/sheet_detail.html",
        {"sheet": sheet, "value": value, "rows": selectors.sheet_rows(value)},
    )


def sheet_pdf(request, code, number):
    _require_official(request)
    sheet = _sheet(code, number)
    value = sheet.value
    pdf = render_pdf(
        "evaluation/pdf/sheet.html",
        {"sheet": sheet, "value": value, "rows": selectors.sheet_rows(value)},
        request,
    )
    return pdf_response(pdf, f"phieu-danh-gia-bo-{number:02d}.pdf")


# --- self-assessment (Form 02, Part III) ------------------------------------------------


def assessment_list(request):
    assessments = SelfAssessment.objects.restrict(request.user).select_related(
        "product__producer", "sheet__version"
    )
    products = Product.objects.restrict(request.user, CHANGE).select_related("product_set")
    return render(
        request,
        "evaluation/assessment_list.html",
        {"assessments": assessments, "products": products.order_by("name")[:500]},
    )


@require_POST
def assessment_start(request):
    product = in_scope(Product, request.user, CHANGE, pk=request.POST.get("product") or 0)
    if product is None:
        raise Http404
    try:
        if request.POST.get("resume"):
            assessment = services.self_assessment_resume_or_start(
                actor=request.user, product=product
            )
        else:
            assessment = services.self_assessment_start(actor=request.user, product=product)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("evaluation:assessment_list")
    return redirect("evaluation:assessment_edit", pk=assessment.pk)


def _posted_choices(request, sheet) -> tuple[dict, dict]:
    choices, evidence = {}, {}
    for criterion in sheet.criteria:
        value = request.POST.get(f"c-{criterion.code}", "")
        choices[criterion.code] = None if value == "" else value
        evidence[criterion.code] = request.POST.getlist(f"e-{criterion.code}")
    return choices, evidence


def _assessment(request, pk, action="view"):
    return get_object_or_404(
        SelfAssessment.objects.restrict(request.user, action).select_related(
            "product__producer", "product__product_set", "sheet__version"
        ),
        pk=pk,
    )


def assessment_edit(request, pk):
    assessment = _assessment(request, pk)
    can_change = SelfAssessment.objects.restrict(request.user, CHANGE).filter(pk=pk).exists()
    sheet = assessment.sheet.value
    if request.method == "POST":
        if not can_change:
            raise Http404
        choices, evidence = _posted_choices(request, sheet)
        # "Finalise" stays a button of this form rather than the shared workflow panel: it
        # hands in the choices and evidence on screen with the step (the service saves them
        # and takes the workflow's ``finalise`` step in one transaction).
        finalize = "finalize" in request.POST
        try:
            assessment = services.self_assessment_save(
                actor=request.user,
                assessment=assessment,
                choices=choices,
                evidence=evidence,
                finalize=finalize,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The self-assessment is final.") if finalize else _("The draft was saved."),
            )
            return redirect("evaluation:assessment_edit", pk=pk)
    documents = Document.objects.filter(producer=assessment.product.producer_id).order_by(
        "doc_type", "title"
    )
    return render(
        request,
        "evaluation/assessment_edit.html",
        {
            "assessment": assessment,
            "items": selectors.assessment_form(assessment),
            **selectors.explanation(sheet, assessment.choices),
            "documents": documents,
            "editable": can_change and assessment.status == "draft",
        },
    )


def result_panel(request, criteria_sheet: CriteriaSheet, choices: dict, **extra):
    """htmx: the live result panel (``evaluation/_result.html``) for the choices on screen —
    total, star band and the unmet minimums, computed by ``rules.scoring`` without saving.

    Shared by the producer's self-assessment and a council member's score sheet.
    """
    try:
        choices = services.clean_choices(criteria_sheet, choices)
    except ValidationError as exc:
        return render(request, "evaluation/_result.html", {"errors": exc.messages, **extra})
    return render(
        request,
        "evaluation/_result.html",
        {**selectors.explanation(criteria_sheet.value, choices), **extra},
    )


@require_POST
def assessment_preview(request, pk):
    """htmx: the result panel for the choices on screen, computed without saving."""
    assessment = _assessment(request, pk)
    choices, _evidence = _posted_choices(request, assessment.sheet.value)
    return result_panel(request, assessment.sheet, choices, assessment=assessment)


def assessment_pdf(request, pk):
    assessment = _assessment(request, pk)
    sheet = assessment.sheet.value
    items = selectors.assessment_form(assessment)
    docs = {d.pk: d for d in Document.objects.filter(producer=assessment.product.producer_id)}
    for item in items:
        item.documents = [docs[i] for i in sorted(item.evidence_ids) if i in docs]
        item.points = item.criterion.points_of(item.chosen)
        item.option = item.criterion.options[item.chosen] if item.chosen is not None else None
    pdf = render_pdf(
        "evaluation/pdf/self_assessment.html",
        {
            "assessment": assessment,
            "product": assessment.product,
            "producer": assessment.product.producer,
            "items": items,
            **selectors.explanation(sheet, assessment.choices),
        },
        request,
    )
    return pdf_response(pdf, f"tu-danh-gia-{assessment.product_id}-{assessment.pk}.pdf")
