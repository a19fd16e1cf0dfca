"""The screens with an id in their URL, for the persona walk
(``core/tests/test_screen_persona_walk.py``): the model each id names, and what the URL does."""

from dataclasses import dataclass

VIEW_KIND, EDIT_KIND, ACTION_KIND = "view", "edit", "action"


def _pk(o):
    return {"pk": o.pk}


def _child(parent: str, key: str):
    """kwargs of a URL naming a parent and a child: ``pk`` is the parent's."""
    return lambda o: {"pk": getattr(o, f"{parent}_id"), key: o.pk}


@dataclass(frozen=True)
class Route:
    model: str
    kind: str
    kwargs: object = _pk


# Every URL with an id: the model its id names, and what the URL does.
ROUTES = {
    "accounts:user_detail": Route("accounts.User", VIEW_KIND),
    "accounts:user_toggle_active": Route("accounts.User", ACTION_KIND),
    "accounts:user_unlock": Route("accounts.User", ACTION_KIND),
    "accounts:assignment_end": Route("accounts.Assignment", ACTION_KIND),
    "registry:producer_detail": Route("registry.Producer", VIEW_KIND),
    "registry:producer_edit": Route("registry.Producer", EDIT_KIND),
    "registry:figure_add": Route("registry.Producer", EDIT_KIND),
    "registry:document_list": Route("registry.Producer", VIEW_KIND),
    "registry:document_upload": Route("registry.Producer", EDIT_KIND),
    "registry:product_detail": Route("registry.Product", VIEW_KIND),
    "registry:product_edit": Route("registry.Product", EDIT_KIND),
    "registry:product_assign_code": Route("registry.Product", ACTION_KIND),
    "registry:product_image_add": Route("registry.Product", ACTION_KIND),
    "registry:product_part_add": Route(
        "registry.Product", ACTION_KIND, lambda o: {"pk": o.pk, "kind": "channel"}
    ),
    "registry:product_part_remove": Route(
        "registry.SalesChannel",
        ACTION_KIND,
        lambda o: {"pk": o.product_id, "kind": "channel", "part_pk": o.pk},
    ),
    "registry:document_detail": Route("registry.Document", VIEW_KIND),
    "registry:document_download": Route("registry.Document", VIEW_KIND),
    "registry:document_edit": Route("registry.Document", EDIT_KIND),
    "registry:document_delete": Route("registry.Document", ACTION_KIND),
    "registry:product_image": Route("registry.ProductImage", VIEW_KIND),
    "registry:product_image_remove": Route("registry.ProductImage", ACTION_KIND),
    "evaluation:assessment_edit": Route("evaluation.SelfAssessment", EDIT_KIND),
    "evaluation:assessment_preview": Route("evaluation.SelfAssessment", VIEW_KIND),
    "evaluation:assessment_pdf": Route("evaluation.SelfAssessment", VIEW_KIND),
    "evaluation:council_detail": Route("evaluation.Council", VIEW_KIND),
    "evaluation:council_member_add": Route("evaluation.Council", ACTION_KIND),
    "evaluation:council_member_remove": Route(
        "evaluation.CouncilMember", ACTION_KIND, _child("council", "member_pk")
    ),
    "evaluation:council_session_open": Route("evaluation.Council", ACTION_KIND),
    "evaluation:council_session": Route("evaluation.CouncilSession", VIEW_KIND),
    "evaluation:council_session_attendance": Route("evaluation.CouncilSession", ACTION_KIND),
    "evaluation:council_session_transition": Route("evaluation.CouncilSession", ACTION_KIND),
    "evaluation:council_session_minutes": Route("evaluation.CouncilSession", ACTION_KIND),
    "evaluation:council_evaluation": Route("evaluation.Evaluation", VIEW_KIND),
    "evaluation:score_sheet": Route("evaluation.Evaluation", ACTION_KIND),
    "evaluation:score_sheet_view": Route(
        "evaluation.ScoreSheet", ACTION_KIND, _child("evaluation", "sheet_pk")
    ),
    "evaluation:recusal_declare": Route("evaluation.Evaluation", ACTION_KIND),
    "evaluation:council_evaluation_transition": Route("evaluation.Evaluation", ACTION_KIND),
    # only the council's scoring members get an answer: walked for what is out of scope
    "evaluation:score_sheet_preview": Route("evaluation.Evaluation", ACTION_KIND),
    "submissions:dossier_detail": Route("submissions.Dossier", VIEW_KIND),
    "submissions:dossier_move": Route("submissions.Dossier", ACTION_KIND),
    "submissions:advisory_note_add": Route("submissions.Dossier", ACTION_KIND),
    "recognition:decision_detail": Route("recognition.Decision", VIEW_KIND),
    "recognition:decision_pdf": Route("recognition.Decision", VIEW_KIND),
    "recognition:certificate_detail": Route("recognition.Certificate", VIEW_KIND),
    "recognition:certificate_pdf": Route("recognition.Certificate", VIEW_KIND),
    "recognition:revocation_propose": Route("recognition.Certificate", ACTION_KIND),
    "recognition:revocation_detail": Route("recognition.RevocationProposal", VIEW_KIND),
    "recognition:revocation_decide": Route("recognition.RevocationProposal", ACTION_KIND),
    "recognition:revocation_step": Route("recognition.RevocationProposal", ACTION_KIND),
    "market:point_detail": Route("market.SalesPoint", VIEW_KIND),
    "market:point_edit": Route("market.SalesPoint", EDIT_KIND),
    "market:point_transition": Route("market.SalesPoint", ACTION_KIND),
    "market:product_add": Route("market.SalesPoint", ACTION_KIND),
    "market:product_stop": Route(
        "market.SalesPointProduct", ACTION_KIND, _child("sales_point", "link_pk")
    ),
    "promotion:event_detail": Route("promotion.Event", VIEW_KIND),
    "promotion:event_edit": Route("promotion.Event", ACTION_KIND),
    "promotion:participant_add": Route("promotion.Event", ACTION_KIND),
    "promotion:participant_remove": Route(
        "promotion.Participation", ACTION_KIND, _child("event", "participation_pk")
    ),
    "promotion:contract_detail": Route("promotion.Contract", VIEW_KIND),
    "promotion:contract_transition": Route("promotion.Contract", ACTION_KIND),
    "trace:batch_detail": Route("trace.StampBatch", VIEW_KIND),
    "trace:batch_decide": Route("trace.StampBatch", ACTION_KIND),
    "trace:batch_labels": Route("trace.StampBatch", ACTION_KIND),
    "trace:batch_csv": Route("trace.StampBatch", ACTION_KIND),
    "trace:stamp_detail": Route("trace.Stamp", VIEW_KIND),
    "trace:stamp_withdraw": Route("trace.Stamp", ACTION_KIND),
    "trace:report_detail": Route("trace.FakeReport", VIEW_KIND),
    "trace:report_handle": Route("trace.FakeReport", ACTION_KIND),
    "programme:idea_detail": Route("programme.ProductIdea", VIEW_KIND),
    "programme:idea_edit": Route("programme.ProductIdea", ACTION_KIND),
    "programme:idea_transition": Route("programme.ProductIdea", ACTION_KIND),
    "programme:plan_create": Route(
        "programme.ProductIdea", ACTION_KIND, lambda o: {"idea_pk": o.pk}
    ),
    "programme:plan_detail": Route("programme.BusinessPlan", VIEW_KIND),
    "programme:plan_edit": Route("programme.BusinessPlan", ACTION_KIND),
    "programme:plan_transition": Route("programme.BusinessPlan", ACTION_KIND),
    "programme:line_add": Route("programme.BusinessPlan", ACTION_KIND),
    "programme:line_remove": Route("programme.SupportLine", ACTION_KIND, _child("plan", "line_pk")),
    "programme:progress_add": Route("programme.BusinessPlan", ACTION_KIND),
    "programme:plan_dossier": Route("programme.BusinessPlan", ACTION_KIND),
    "programme:allocation_add": Route(
        "programme.SupportLine", ACTION_KIND, lambda o: {"line_pk": o.pk}
    ),
    "programme:disbursement_add": Route(
        "programme.SupportAllocation", ACTION_KIND, lambda o: {"allocation_pk": o.pk}
    ),
    "programme:content_add": Route("programme.SupportDecision", ACTION_KIND),
    "outreach:course_detail": Route("outreach.Course", VIEW_KIND),
    "outreach:course_edit": Route("outreach.Course", ACTION_KIND),
    "outreach:attendance_tick": Route("outreach.Course", ACTION_KIND),
    "outreach:attendance_add": Route("outreach.Course", ACTION_KIND),
    "outreach:attendance_import": Route("outreach.Course", ACTION_KIND),
    "outreach:attendance_edit": Route(
        "outreach.Attendance", ACTION_KIND, _child("course", "attendance_pk")
    ),
    "outreach:attendance_remove": Route(
        "outreach.Attendance", ACTION_KIND, _child("course", "attendance_pk")
    ),
    "outreach:activity_detail": Route("outreach.CommunicationActivity", VIEW_KIND),
    "outreach:activity_edit": Route("outreach.CommunicationActivity", ACTION_KIND),
    "inspection:inspection_detail": Route("inspection.Inspection", VIEW_KIND),
    "inspection:inspection_edit": Route("inspection.Inspection", ACTION_KIND),
    "inspection:inspection_transition": Route("inspection.Inspection", ACTION_KIND),
    "inspection:finding_add": Route("inspection.Inspection", ACTION_KIND),
    "inspection:plan_detail": Route("inspection.InspectionPlan", VIEW_KIND),
    "inspection:plan_edit": Route("inspection.InspectionPlan", ACTION_KIND),
    "inspection:violation_propose": Route("inspection.Violation", ACTION_KIND),
    "inspection:action_done": Route("inspection.CorrectiveAction", ACTION_KIND),
    "inspection:photo": Route("inspection.Evidence", VIEW_KIND),
    "plans:plan_detail": Route("plans.Plan", VIEW_KIND),
    "plans:plan_edit": Route("plans.Plan", ACTION_KIND),
    "plans:plan_refresh": Route("plans.Plan", ACTION_KIND),
    "plans:plan_report": Route("plans.Plan", VIEW_KIND),
    "plans:target_create": Route("plans.Plan", ACTION_KIND),
    "plans:target_edit": Route("plans.Target", ACTION_KIND, _child("plan", "target_pk")),
    "plans:target_delete": Route("plans.Target", ACTION_KIND, _child("plan", "target_pk")),
    "plans:target_records": Route("plans.Target", ACTION_KIND, _child("plan", "target_pk")),
    "plans:target_units": Route("plans.Target", ACTION_KIND, _child("plan", "target_pk")),
}

# URLs with arguments that name no scoped record.
NOT_WALKED = {
    "submissions:calendar_remove": "national working calendar: reference data, admin only",
    "evaluation:version_detail": "criteria catalogue: reference data for every official",
    "evaluation:sheet_detail": "criteria catalogue: reference data for every official",
    "evaluation:sheet_pdf": "criteria catalogue: reference data for every official",
    "outreach:coverage_people": "a measure's name, not a record (the figures are scoped)",
    "trace:batch_export": "walked as a list (csv and xlsx)",
    "core:history": "walked for every record of the world",
    "accounts:password_reset_confirm": "a signed token, not a record",
}
