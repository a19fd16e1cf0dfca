"""The census of the screens that write (issue 20: "write where the screens write, always
through the same services").

Every named URL of the project is listed here: a screen that only reads in ``READS``; a
screen that writes in ``WRITES``, with the API endpoint that does the same through the
same service (``Api``), or the reason it has none (``Excused``), or, honestly, that it has
none yet (``Pending``). A new screen without an entry fails
``test_every_screen_is_in_the_census``; a generic write screen (``FormScreen``,
``ActionScreen``, the workflow's ``TransitionView``) listed as a read fails too.

Where the API takes a generic screen's own declaration (``core.api_writes``), the test
checks that the endpoint's resource holds that very screen: the same form, the same
``save``/``act``, hence the same service.
"""

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import api.urls  # noqa: F401  (the apps declare their resources)
from core.api import RESOURCES


@dataclass(frozen=True)
class Api:
    method: str  # POST, PATCH
    route: str  # the API's URL name (api:<resource>-<action>)


@dataclass(frozen=True)
class Excused:
    reason: str


@dataclass(frozen=True)
class Pending:
    """A screen that writes with no API counterpart yet (the issue stays open for it)."""

    what: str


ACCOUNTS = Excused("accounts and roles: an administrator's housekeeping on screen")
SIGN_IN = Excused("personal sign-in and password: for a person in a browser, not a token")
PREFERENCE = Excused("the browser's language preference (a cookie)")
CREDENTIALS = Excused(
    "tokens and webhook subscriptions are managed by a person signed in on screen; "
    "a token does not manage tokens or webhooks"
)
IMPORT = Excused("spreadsheet import (upload, then confirm): an integration posts the rows")
UPLOAD = Excused("file upload (multipart) on screen; the API takes JSON and reads the files")
CALENDAR = Excused("the office's holiday calendar: administrative housekeeping")

WRITES = {
    # accounts and the site
    "accounts:user_create": ACCOUNTS,
    "accounts:user_detail": ACCOUNTS,  # its form adds an assignment
    "accounts:user_toggle_active": ACCOUNTS,
    "accounts:user_unlock": ACCOUNTS,
    "accounts:assignment_end": ACCOUNTS,
    "accounts:login": SIGN_IN,
    "accounts:logout": SIGN_IN,
    "accounts:password_change": SIGN_IN,
    "accounts:password_reset": SIGN_IN,
    "accounts:password_reset_confirm": SIGN_IN,
    "set_language": PREFERENCE,
    "public:language": PREFERENCE,
    "core:notices_read": Excused("marks the user's own notices read: personal housekeeping"),
    "public:report_fake": Excused(
        "an anonymous buyer's report from the stamp page, rate-limited; the office handles "
        "it through api:fake-reports-actions"
    ),
    "api:token_list": CREDENTIALS,
    "api:token_revoke": CREDENTIALS,
    "api:webhook_list": CREDENTIALS,
    "api:webhook_detail": CREDENTIALS,
    "api:webhook_test": CREDENTIALS,
    # registry
    "registry:producer_create": Api("POST", "api:producers-list"),
    "registry:producer_edit": Api("PATCH", "api:producers-detail"),
    "registry:product_create": Api("POST", "api:products-list"),
    "registry:product_edit": Api("PATCH", "api:products-detail"),
    "registry:document_edit": Api("PATCH", "api:documents-detail"),
    "registry:document_upload": UPLOAD,
    "registry:product_image_add": UPLOAD,
    "registry:import": IMPORT,
    "registry:import_confirm": IMPORT,
    "registry:figure_add": Pending("a producer's yearly figures"),
    "registry:product_assign_code": Pending("assigning a product's OCOP code"),
    "registry:product_part_add": Pending("a product's channels, ingredients … (add)"),
    "registry:product_part_remove": Pending("a product's channels, ingredients … (remove)"),
    "registry:document_delete": Pending("deleting an evidence document"),
    "registry:product_image_remove": Pending("removing a product image"),
    # submissions
    "submissions:dossier_create": Api("POST", "api:dossiers-list"),
    "submissions:dossier_move": Api("POST", "api:dossiers-actions"),
    "submissions:advisory_note_add": Pending("the advisory group's note on a dossier"),
    "submissions:round_list": Pending("opening a round (its form is on the rounds' list)"),
    "submissions:calendar": CALENDAR,
    "submissions:calendar_remove": CALENDAR,
    # evaluation
    "evaluation:score_sheet": Api("POST", "api:score-sheets-list"),
    "evaluation:council_session_transition": Api("POST", "api:council-sessions-actions"),
    "evaluation:council_evaluation_transition": Api("POST", "api:evaluations-actions"),
    "evaluation:assessment_start": Pending("a producer's self-assessment (start)"),
    "evaluation:assessment_edit": Pending("a producer's self-assessment (save)"),
    "evaluation:council_create": Pending("setting up a council"),
    "evaluation:council_member_add": Pending("a council's members (add)"),
    "evaluation:council_member_remove": Pending("a council's members (remove)"),
    "evaluation:council_session_open": Pending("opening a council session"),
    "evaluation:council_session_attendance": Pending("a session's attendance"),
    "evaluation:recusal_declare": Pending("a member's recusal"),
    # recognition
    "recognition:revocation_step": Api("POST", "api:revocation-proposals-actions"),
    "recognition:decision_create": Pending("a recognition decision and its certificates"),
    "recognition:revocation_propose": Pending("proposing a revocation"),
    "recognition:revocation_decide": Pending("the revocation decision"),
    # market
    "market:point_create": Api("POST", "api:sales-points-list"),
    "market:point_edit": Api("PATCH", "api:sales-points-detail"),
    "market:point_transition": Api("POST", "api:sales-points-actions"),
    "market:product_add": Api("POST", "api:sales-points-carry-product"),
    "market:product_stop": Api("POST", "api:sales-points-stop-carrying"),
    "market:import": IMPORT,
    # promotion
    "promotion:event_create": Api("POST", "api:events-list"),
    "promotion:event_edit": Api("PATCH", "api:events-detail"),
    "promotion:participant_add": Api("POST", "api:events-add-participant"),
    "promotion:participant_remove": Api("POST", "api:events-remove-participant"),
    "promotion:contract_create": Api("POST", "api:contracts-list"),
    "promotion:contract_transition": Api("POST", "api:contracts-actions"),
    # trace
    "trace:batch_request": Api("POST", "api:stamp-batches-list"),
    "trace:batch_decide": Api("POST", "api:stamp-batches-actions"),
    "trace:stamp_withdraw": Api("POST", "api:stamps-actions"),
    "trace:report_handle": Api("POST", "api:fake-reports-actions"),
    # programme
    "programme:idea_create": Api("POST", "api:product-ideas-list"),
    "programme:idea_edit": Api("PATCH", "api:product-ideas-detail"),
    "programme:idea_transition": Api("POST", "api:product-ideas-actions"),
    "programme:plan_transition": Api("POST", "api:business-plans-actions"),
    "programme:plan_create": Pending("a business plan (create)"),
    "programme:plan_edit": Pending("a business plan (edit)"),
    "programme:line_add": Pending("a business plan's support lines (add)"),
    "programme:line_remove": Pending("a business plan's support lines (remove)"),
    "programme:progress_add": Pending("a business plan's progress report"),
    "programme:plan_dossier": Pending("starting a dossier from a business plan"),
    "programme:allocation_add": Pending("a support allocation"),
    "programme:disbursement_add": Pending("a disbursement"),
    "programme:decision_create": Pending("a support decision"),
    "programme:content_add": Pending("a support decision's contents"),
    # outreach
    "outreach:course_create": Api("POST", "api:courses-list"),
    "outreach:course_edit": Api("PATCH", "api:courses-detail"),
    "outreach:attendance_add": Api("POST", "api:courses-add-attendee"),
    "outreach:activity_create": Api("POST", "api:communication-activities-list"),
    "outreach:activity_edit": Api("PATCH", "api:communication-activities-detail"),
    "outreach:attendance_import": IMPORT,
    "outreach:attendance_tick": Pending("ticking who attended"),
    "outreach:attendance_edit": Pending("an attendance (edit)"),
    "outreach:attendance_remove": Api("POST", "api:courses-remove-attendee"),
    # inspection
    "inspection:inspection_create": Api("POST", "api:inspections-list"),
    "inspection:inspection_edit": Api("PATCH", "api:inspections-detail"),
    "inspection:inspection_transition": Api("POST", "api:inspections-actions"),
    "inspection:finding_add": Api("POST", "api:inspections-add-finding"),
    "inspection:plan_create": Api("POST", "api:inspection-plans-list"),
    "inspection:plan_edit": Api("PATCH", "api:inspection-plans-detail"),
    "inspection:violation_propose": Pending("proposing revocation from a violation"),
    "inspection:action_done": Pending("a corrective action done"),
    # plans
    "plans:plan_create": Api("POST", "api:plans-list"),
    "plans:plan_edit": Api("PATCH", "api:plans-detail"),
    "plans:target_create": Api("POST", "api:plans-add-target"),
    "plans:target_edit": Api("POST", "api:plans-edit-target"),
    "plans:target_delete": Api("POST", "api:plans-delete-target"),
    "plans:plan_refresh": Pending("recomputing a plan's indicator values"),
}

READS = {
    "healthz",
    "dashboard:home",
    "dashboard:inbox_count",
    "core:history",
    "core:notices",
    "accounts:user_list",
    "accounts:password_change_done",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
    "public:stamp_link",
    "public:stamp_link_nolot",
    "public:stamp",
    "public:report_thanks",
    "public:certificate",
    "public:catalogue",
    "public:catalogue_product",
    "public:catalogue_producer",
    "public:catalogue_image",
    "public:catalogue_open_data_csv",
    "public:catalogue_open_data_json",
    "registry:producer_list",
    "registry:producer_detail",
    "registry:product_list",
    "registry:product_detail",
    "registry:import_template",
    "registry:producer_export",
    "registry:product_export",
    "registry:document_list",
    "registry:documents_expiring",
    "registry:document_detail",
    "registry:document_download",
    "registry:product_image",
    "evaluation:catalogue",
    "evaluation:version_detail",
    "evaluation:sheet_detail",
    "evaluation:sheet_pdf",
    "evaluation:assessment_list",
    "evaluation:assessment_preview",  # posts the choices to show the total, saves nothing
    "evaluation:assessment_pdf",
    "evaluation:council_list",
    "evaluation:council_detail",
    "evaluation:council_session",
    "evaluation:council_session_minutes",
    "evaluation:my_scoring",
    "evaluation:council_evaluation",
    "evaluation:score_sheet_preview",  # as above
    "evaluation:score_sheet_view",
    "submissions:dossier_list",
    "submissions:dossier_detail",
    "recognition:decision_list",
    "recognition:decision_detail",
    "recognition:decision_pdf",
    "recognition:certificate_list",
    "recognition:certificate_detail",
    "recognition:certificate_pdf",
    "recognition:revocation_list",
    "recognition:revocation_detail",
    "recognition:reports",
    "recognition:report_dossiers",
    "recognition:report_recognised",
    "market:map",
    "market:point_list",
    "market:export",
    "market:point_detail",
    "market:coverage",
    "market:where_to_buy",
    "promotion:event_list",
    "promotion:event_detail",
    "promotion:participation_list",
    "promotion:contract_list",
    "promotion:contract_detail",
    "promotion:figures",
    "trace:batch_list",
    "trace:batch_export",
    "trace:batch_detail",
    "trace:batch_labels",
    "trace:batch_csv",
    "trace:stamp_search",
    "trace:stamp_detail",
    "trace:anomalies",
    "trace:report_list",
    "trace:report_detail",
    "programme:idea_list",
    "programme:idea_detail",
    "programme:plan_list",
    "programme:plan_detail",
    "programme:support_needs",
    "programme:allocation_list",
    "programme:decision_list",
    "outreach:course_list",
    "outreach:course_detail",
    "outreach:attendance_list",
    "outreach:coverage",
    "outreach:coverage_people",
    "outreach:activity_list",
    "outreach:activity_detail",
    "inspection:inspection_list",
    "inspection:inspection_detail",
    "inspection:plan_list",
    "inspection:plan_detail",
    "inspection:violation_list",
    "inspection:action_list",
    "inspection:photo",
    "plans:plan_list",
    "plans:plan_detail",
    "plans:plan_report",
    "plans:target_records",
    "plans:target_units",
    "plans:statistics",
    "plans:statistics_export",
}

# the API's own endpoints are not screens; Django's admin is the administrators' own tool
API_ENDPOINTS = {"api:docs", "api:redoc", "api:schema", "api:me", "api:national_export"}
API_ENDPOINTS |= {"api:not_found", "api:api-root"}
NOT_SCREENS_PREFIXES = ("admin:",)


def _patterns(patterns=None, namespace=None):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            name = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _patterns(entry.url_patterns, name)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry.callback


def _api_routes() -> dict:
    return {name: cb for name, cb in _patterns() if name.startswith("api:") and "-" in name}


def _screens() -> dict:
    routes = _api_routes()
    return {
        name: callback
        for name, callback in _patterns()
        if name not in routes
        and name not in API_ENDPOINTS
        and not name.startswith(NOT_SCREENS_PREFIXES)
    }


def test_every_screen_is_in_the_census():
    screens = _screens()
    missing = sorted(set(screens) - set(WRITES) - READS)
    assert not missing, f"screens with no census entry (add them to WRITES or READS): {missing}"
    stale = sorted((set(WRITES) | READS) - set(screens))
    assert not stale, f"census entries for screens that no longer exist: {stale}"
    assert not set(WRITES) & READS


def test_a_generic_write_screen_is_never_counted_as_a_read():
    writers = {"FormScreen", "ActionScreen", "TransitionView"}
    misfiled = sorted(
        name
        for name, callback in _screens().items()
        if getattr(getattr(callback, "view_class", None), "__name__", "") in writers
        and name in READS
    )
    assert not misfiled


@pytest.mark.parametrize(
    "screen", sorted(name for name, entry in WRITES.items() if isinstance(entry, Api))
)
def test_the_api_counterpart_exists_and_takes_the_screens_own_declaration(screen):
    entry = WRITES[screen]
    routes = _api_routes()
    assert entry.route in routes, f"{screen}: no API route {entry.route}"
    callback = routes[entry.route]
    assert entry.method.lower() in callback.actions, f"{entry.route} takes no {entry.method}"
    resource = max(
        (r for r in RESOURCES if entry.route.startswith(f"api:{r.name}-")),
        key=lambda r: len(r.name),
    )
    screen_view = dict(_patterns())[screen]
    view_class = getattr(screen_view, "view_class", None)
    if view_class is None or view_class.__name__ not in {"FormScreen", "ActionScreen"}:
        return  # a function view or the workflow's view: its endpoint is written for it
    held = {resource.create_screen, resource.edit_screen, *resource.row_screens.values()}
    assert screen_view in held, f"{entry.route} does not use the screen {screen} itself"


def test_census_figures():
    """The figures reported with the census (kept true by the tests above)."""
    covered = sum(isinstance(e, Api) for e in WRITES.values())
    excused = sum(isinstance(e, Excused) for e in WRITES.values())
    pending = sum(isinstance(e, Pending) for e in WRITES.values())
    assert covered + excused + pending == len(WRITES)
    # 108 screens write: 47 through the API, 27 excused, 34 pending (December 2026)
    assert covered >= 47 and pending <= 34
