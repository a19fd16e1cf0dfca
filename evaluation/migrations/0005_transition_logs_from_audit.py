"""The steps taken before the workflows were declared, written into their logs from the
audit events that recorded them (who, when, why, the request): a session closed, a re-score
requested, a result finalised, a self-assessment finalised. The audit events stay."""

from django.db import migrations

from core.workflow.migration import audited_steps, log_row

# audit action → (model of the target, log model, its foreign key, action, from, to)
STEPS = {
    "ocop.council_session.closed": (
        "councilsession",
        "CouncilSessionTransition",
        "session_id",
        "close",
        lambda e: "open",
        "closed",
    ),
    "ocop.evaluation.rescore_requested": (
        "evaluation",
        "EvaluationTransition",
        "evaluation_id",
        "rescore",
        lambda e: "scoring" if (e.before or {}).get("round", 1) == 1 else "rescore",
        "rescore",
    ),
    "ocop.evaluation.finalised": (
        "evaluation",
        "EvaluationTransition",
        "evaluation_id",
        "finalise",
        lambda e: "scoring" if (e.after or {}).get("round", 1) == 1 else "rescore",
        "finalised",
    ),
    "ocop.self_assessment.finalized": (
        "selfassessment",
        "SelfAssessmentTransition",
        "assessment_id",
        "finalise",
        lambda e: "draft",
        "final",
    ),
}


def logs_from_audit(apps, schema_editor):
    for code, (target, log_name, fk, action, source, to) in STEPS.items():
        log = apps.get_model("evaluation", log_name)
        log.objects.bulk_create(
            log_row(log, fk, pk, event, action=action, from_status=source(event), to_status=to)
            for pk, event in audited_steps(apps, "evaluation", target, [code])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0004_job_run"),
        ("evaluation", "0004_transition_logs"),
    ]

    operations = [migrations.RunPython(logs_from_audit, migrations.RunPython.noop)]
