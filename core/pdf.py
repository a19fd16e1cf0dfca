"""HTML → PDF with WeasyPrint (Vietnamese text in DejaVu fonts, named explicitly in CSS)."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation


def render_html(template: str, context: dict, request=None) -> str:
    """The HTML of a PDF. Our PDFs are official documents written in Vietnamese whatever
    the interface language: labels, figures and dates (core.formatting) are Vietnamese."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template, context, request=request)


def render_pdf(template: str, context: dict, request=None) -> bytes:
    from weasyprint import HTML

    html = render_html(template, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else None
    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
