"""The public verification pages: a stamp's address (GS1 Digital Link or short form), a
certificate's verification code, and the report-a-suspected-fake form.

The verdict is never cached: it is computed on every request from the live state of the
stamp and of the certificate, so a revocation shows the moment it is recorded. The page
stays cheap instead: one statement reads the stamp, its product and certificate and
counts the visit (``trace.verification``); the product's photo and sales points, which
are not part of the verdict, are kept a minute by each process; the page is rendered once
per product, lot, certificate, verdict, day and language and filled in per visit
(``public.skeleton``), the key holding every value the statement read, so any change shows
at once. The same statement logs the visit (``trace.scanlog``): a verdict is only shown
once its count and scan event are committed; when the database cannot record it the
visitor gets a 503 page saying to try again, never a 500.
"""

from __future__ import annotations

import functools
import html
import itertools
import logging
import time
from types import SimpleNamespace
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.timezone import template_localtime
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core import formatting
from core.formatting import number
from market.choices import SalesPointStatus
from market.models import SalesPoint
from market.selectors import where_to_buy
from public import ratelimit
from public.forms_verify import ReportFakeForm, new_token
from public.skeleton import Skeletons
from recognition.choices import CertificateState
from recognition.models import Certificate
from recognition.rules import normalise_public_code, public_code_is_wellformed
from registry.models import ProductImage
from trace import rules as trace_rules
from trace import scanlog, selectors, services
from trace.choices import Verdict

logger = logging.getLogger(__name__)

# A look-up the database could not answer: try again after (seconds).
RETRY_AFTER = 30
# Report-a-fake: attempts per client network (IPv4 /24, IPv6 /48) and window (seconds).
REPORT_LIMIT = 5
REPORT_WINDOW = 60 * 60
REPORT_SCOPE = "report-fake"
# Sales points listed under "where to buy".
MAX_POINTS = 8
# Photo and sales points of a product, per process: (product id, day) → (time, values).
EXTRAS_SECONDS = 60
EXTRAS_MAX = 5000
_EXTRAS: dict[tuple, tuple[float, dict]] = {}
_GENERATIONS = itertools.count(1)
NO_EXTRAS = {"image": None, "points": [], "generation": 0}
# The verification page is rendered once per product, lot, certificate, verdict, day and
# language, then filled in per visit (public.skeleton): these are the per-visit places.
VISIT_SLOTS = (
    "code",
    "repeat_title",
    "first_at",
    "withdrawn_on",
    "stamp_serial",
    "report_serial",
    "token",
    "next",
)
SKELETONS = Skeletons("public/verify/stamp.html", VISIT_SLOTS)
# How ``{% url %}`` quotes an argument (django.urls.resolvers: RFC 3986 sub-delimiters).
URL_SAFE = "!$&'()*+,;=/~:@"

STATUS = {
    Verdict.UNKNOWN: 404,
    Verdict.UNKNOWN_SERIAL_KNOWN_GTIN: 404,
    Verdict.WITHDRAWN: 410,
}
# Colour and icon of the verdict block (the words carry the meaning, not the colour).
TONE = {
    Verdict.GENUINE_FIRST: ("ok", "✔"),
    Verdict.GENUINE_REPEAT: ("caution", "!"),
    Verdict.EXPIRED: ("warn", "⚠"),
    Verdict.REVOKED: ("bad", "✖"),
    Verdict.NOT_RECOGNISED: ("warn", "⚠"),
    Verdict.WITHDRAWN: ("bad", "✖"),
    Verdict.UNKNOWN_SERIAL_KNOWN_GTIN: ("bad", "✖"),
    Verdict.UNKNOWN: ("bad", "?"),
}


def _story(product) -> str:
    if translation.get_language() == "en" and product.story_en:
        return product.story_en
    return product.story


def _extras(product, today) -> dict:
    """The product's photo and where to buy it (two queries), kept by each process for
    ``EXTRAS_SECONDS``: they change rarely and are not part of the verdict. Each new
    reading gets a new ``generation`` (part of the page's skeleton key)."""
    key = (product.pk, today)
    now = time.monotonic()
    kept = _EXTRAS.get(key)
    if kept is not None and now - kept[0] < EXTRAS_SECONDS:
        return kept[1]
    image = ProductImage.objects.filter(product=product).order_by("position", "pk").first()
    open_points = SalesPoint.objects.exclude(status=SalesPointStatus.SUSPENDED)
    points = list(where_to_buy(product, on=today, points=open_points)[:MAX_POINTS])
    extras = {"image": image, "points": points, "generation": next(_GENERATIONS)}
    if len(_EXTRAS) >= EXTRAS_MAX:
        _EXTRAS.clear()
    _EXTRAS[key] = (now, extras)
    return extras


def repeat_title(earlier: int) -> str:
    """The title of a repeated verification (its plural form chosen per visit)."""
    return ngettext(
        "Already verified %(counter)s time", "Already verified %(counter)s times", earlier
    ) % {"counter": number(earlier)}


def _visit_values(request, result, serial: str, form_serial: str) -> dict[str, str]:
    """What differs between two visits of pages with the same skeleton (not escaped).
    The times are written as the template's ``date:"H:i, d/m/Y"`` writes them, with
    ``strftime`` (a tenth of the cost, per visit)."""
    stamp = result.stamp
    first, withdrawn = result.first_scanned_at, stamp.withdrawn_at if stamp else None
    return {
        "code": serial,
        "repeat_title": repeat_title(max(result.scan_number - 1, 0)),
        "first_at": f"{formatting.clock(first)}, {formatting.day(first)}" if first else "",
        "withdrawn_on": formatting.day(template_localtime(withdrawn)) if withdrawn else "",
        "stamp_serial": stamp.serial if stamp else "",
        "report_serial": form_serial,
        "token": new_token(form_serial, gtin=result.gtin, lot=result.lot),
        "next": request.get_full_path(),
    }


def _escaped(values: dict[str, str]) -> dict[str, str]:
    """The visit's values as the template would write them: escaped, and the serial of
    the report address quoted like ``{% url %}`` quotes it."""
    out = {name: html.escape(value) for name, value in values.items()}  # as escape() does
    out["report_serial"] = html.escape(quote(values["report_serial"], safe=URL_SAFE))
    return out


def _page_context(result, today, extras, values):
    """The page's context with a marker in each per-visit place (see ``SKELETONS``); an
    empty value stays empty, so that the template's conditions see it as the visit does."""
    tone, icon = TONE[result.verdict]

    def context_of(marks):
        marks = {name: marks[name] if values[name] else "" for name in VISIT_SLOTS}
        form = ReportFakeForm(serial=marks["report_serial"])
        form.initial["token"] = marks["token"]
        return {
            "v": result,
            "verdict": result.verdict,
            "verdict_label": result.verdict_label,
            "tone": tone,
            "icon": icon,
            **marks,
            "open_report": result.verdict in STATUS,
            "star_marks": "★" * result.certificate.stars if result.certificate else "",
            "today": today,
            "form": form,
            "story": _story(result.product) if result.product else "",
            "image": extras["image"],
            "points": extras["points"],
            "public_domain": settings.OCOP_PUBLIC_DOMAIN,
            "request": SimpleNamespace(get_full_path=lambda: marks["next"]),
        }

    return context_of


def unavailable(request) -> HttpResponse:
    """The page of a look-up the database could not answer or record: 503, try again in
    a minute. Rendered without the request's context processors, which may read the
    database (the session of a signed-in official)."""
    html = render_to_string(
        "public/verify/unavailable.html",
        {"request": request, "public_domain": settings.OCOP_PUBLIC_DOMAIN},
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def answers_503_without_database(view):
    """A database error in ``view`` answers the 503 page (and is counted and alerted):
    nothing was recorded, the visitor can try again."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DatabaseError as exc:
            scanlog.alert("verify_failed", f"{request.method} {request.path!r} failed", exc=exc)
            return unavailable(request)

    return wrapped


def _verify(request, *, serial: str, gtin: str | None = None, lot: str | None = None):
    today = timezone.localdate()
    visit = scanlog.visit_of(request, serial)
    result = selectors.verify(
        serial=serial, gtin=gtin, lot=lot, today=today, count=visit.person, visit=visit
    )
    # recorded: from here on the visitor gets the verdict, with or without the extras
    form_serial = result.serial[:64]  # the code as verify() normalised it
    extras = NO_EXTRAS
    if result.product:
        try:
            extras = _extras(result.product, today)
        except DatabaseError:
            logger.warning("photo and sales points of product %s not read", result.product.pk)
    values = _visit_values(request, result, serial, form_serial)
    key = None  # a code that names no stamp: rendered for this visit only
    if result.display_key is not None:
        key = (
            translation.get_language(),
            result.verdict,
            today,
            settings.OCOP_PUBLIC_DOMAIN,
            result.display_key,
            extras["generation"],
            tuple(bool(value) for value in values.values()),  # the places the page has
        )
    pieces = SKELETONS.render(key, _page_context(result, today, extras, values))
    response = HttpResponse(
        SKELETONS.fill(pieces, _escaped(values)), status=STATUS.get(result.verdict, 200)
    )
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@require_GET
@answers_503_without_database
def digital_link(request, gtin: str, serial: str, lot: str | None = None):
    """``/01/<gtin>/10/<lot>/21/<serial>`` and ``/01/<gtin>/21/<serial>``."""
    return _verify(request, serial=serial, gtin=gtin, lot=lot)


@login_not_required
@require_GET
@answers_503_without_database
def short_link(request, serial: str):
    """``/s/<serial>``: a stamp of a product without a GTIN, or a serial typed by hand."""
    return _verify(request, serial=serial)


@login_not_required
@csrf_exempt  # anonymous, and guarded by its own means (public.language says why)
@require_POST
@answers_503_without_database
def report_fake(request, serial: str):
    """A consumer's report of a suspected fake, for a known or an unknown code."""
    serial = scanlog.clean(trace_rules.normalise_serial(serial), scanlog.RAW_LENGTH)
    client = ratelimit.client_prefix(request)
    if ratelimit.hit(REPORT_SCOPE, client, window=REPORT_WINDOW) > REPORT_LIMIT:
        return render(
            request,
            "public/verify/report_limited.html",
            {"serial": serial, "minutes": REPORT_WINDOW // 60},
            status=429,
        )
    form = ReportFakeForm(request.POST, serial=serial)
    if form.is_bot:  # the honeypot: thank the bot, keep nothing
        return redirect("public:report_thanks")
    if form.is_valid():
        services.fake_report_create(
            serial_raw=serial,
            message=form.cleaned_data["message"],
            place=form.cleaned_data["place"],
            contact=form.cleaned_data["contact"],
            gtin=form.origin["gtin"] or None,
            lot=form.origin["lot"] or None,
            region=scanlog.clean(
                scanlog.header_text(request.headers.get("X-Geo-Region")), scanlog.REGION_LENGTH
            ),
        )
        return redirect("public:report_thanks")
    form.refresh_token()
    return render(request, "public/verify/report_form.html", {"form": form, "serial": serial})


@login_not_required
@require_GET
def report_thanks(request):
    return render(request, "public/verify/report_thanks.html")


# --- certificates --------------------------------------------------------------------

CERTIFICATE_TONE = {
    CertificateState.VALID: ("ok", "✔"),
    CertificateState.RERATING_WINDOW: ("ok", "✔"),
    CertificateState.EXTENDED: ("ok", "✔"),
    CertificateState.EXPIRED: ("warn", "⚠"),
    CertificateState.SUPERSEDED: ("warn", "⚠"),
    CertificateState.REVOKED: ("bad", "✖"),
}


@login_not_required
@require_GET
@answers_503_without_database
def certificate(request, code: str):
    """``/c/<code>``: the live state of the certificate printed with this code."""
    code = normalise_public_code(code)
    found = None
    if public_code_is_wellformed(code):
        found = (
            Certificate.objects.select_related(
                "product__producer__current_unit__province",
                "decision",
                "revocation_decision",
                "superseded_by",
            )
            .filter(public_code=code)
            .first()
        )
    if found is None:
        response = render(request, "public/verify/certificate_unknown.html", {"code": code})
        response.status_code = 404
        return response
    today = timezone.localdate()
    state = CertificateState(found.state(today))
    tone, icon = CERTIFICATE_TONE[state]
    response = render(
        request,
        "public/verify/certificate.html",
        {
            "c": found,
            "state": state,
            "tone": tone,
            "icon": icon,
            "star_marks": "★" * found.stars,
        },
    )
    response["Cache-Control"] = "no-store"
    return response
