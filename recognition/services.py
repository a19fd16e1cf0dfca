"""Writes of recognition: decisions, certificates, revocations, expiry. Validated, audited.

Who may act (Decision 26/2026/QĐ-TTg):
- the provincial OCOP office records the decisions: the provincial chair's for 3★–4★ and,
  on behalf of the ministry (MAE), the Minister's for 5★, with the ministry's number;
- the provincial office or an inspector of the province proposes a revocation (Art. 8(3)(a));
  the provincial office records the revocation decision — at ministry level for 5★ (Art. 8(2)).
A system administrator may act too, as everywhere else in the software.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from core import audit, formatting
from core.notifications import notify
from core.scoping import scope_of
from core.workflow.service import transition
from recognition import rules
from recognition.choices import (
    IN_FORCE,
    MINISTRY_AUTHORITY,
    DecisionKind,
    DecisionLevel,
    ProposalStatus,
    RevocationGround,
)
from recognition.models import Certificate, Decision, RevocationProposal
from registry import services as registry_services
from submissions import rules as procedure
from submissions.choices import Status
from submissions.models import Dossier
from submissions.services import dossier_transition

RECORDERS = frozenset({Role.PROVINCIAL_OFFICE})
PROPOSERS = frozenset({Role.PROVINCIAL_OFFICE, Role.INSPECTOR})

# The dossier status each level decides on (Art. 7(3)(e) and 7(4)(e)).
STATUS_FOR_LEVEL = {
    DecisionLevel.PROVINCE: Status.SCORED,
    DecisionLevel.MINISTRY: Status.CENTRAL,
}


@dataclass(frozen=True)
class Signer:
    name: str
    title: str = ""


def _signer(signer) -> Signer:
    if isinstance(signer, Signer):
        result = signer
    elif isinstance(signer, str):
        result = Signer(signer)
    elif isinstance(signer, dict):
        result = Signer(signer.get("name", ""), signer.get("title", ""))
    else:
        result = Signer(*signer)
    if not result.name.strip():
        raise ValidationError({"signer_name": _("Give the name of the signer.")})
    return Signer(result.name.strip(), result.title.strip())


def default_authority(level: str, province) -> str:
    """The authority that signs today: the ministry, or the People's Committee of the
    current province (“UBND thành phố Đà Nẵng”)."""
    if level == DecisionLevel.MINISTRY:
        return MINISTRY_AUTHORITY
    kind = (province.type_name or "").lower()
    return f"UBND {kind} {province.name}".replace("  ", " ")


def acts_for_province(user, province_id: int | None, roles=RECORDERS) -> bool:
    scope = scope_of(user)
    return scope.is_admin or (
        province_id is not None and province_id in scope.unit_ids("province", roles)
    )


def recorder_provinces(user):
    """Provinces whose decisions ``user`` may record (all of them for an administrator)."""
    from geo.models import AdministrativeUnit

    scope = scope_of(user)
    provinces = AdministrativeUnit.objects.current().filter(level="province")
    if scope.is_admin:
        return provinces
    return provinces.filter(pk__in=scope.unit_ids("province", RECORDERS))


def _check_date(date: dt.date, field: str = "date") -> None:
    if date > timezone.localdate():
        raise ValidationError(
            {field: _("A decision is recorded once signed: the date is in the future.")}
        )


def _certificate_number(level: str, province, year: int) -> str:
    prefix = "TW" if level == DecisionLevel.MINISTRY else province.code
    seq = registry_services.next_in_sequence(f"ocop-certificate:{prefix}:{year}")
    return f"{prefix}-{year}-{seq:05d}"


def _new_public_code() -> str:
    while True:
        code = rules.new_public_code()
        if not Certificate.objects.filter(public_code=code).exists():
            return code


def _certificate_url(certificate: Certificate) -> str:
    return reverse("recognition:certificate_detail", args=[certificate.pk])


def _members(product) -> list:
    return list(product.producer.members.filter(is_active=True))


# --- decisions and certificates -----------------------------------------------------------


def _items(dossiers_with_stars) -> list[tuple[Dossier, int, Decimal | None]]:
    items = []
    for entry in dossiers_with_stars:
        dossier, stars, *rest = entry
        score = rest[0] if rest else None
        items.append((dossier, int(stars), Decimal(str(score)) if score is not None else None))
    return items


def council_results(dossier_ids) -> dict[int, dict]:
    """The latest finalised council result of each dossier: {dossier id: {star, total}}."""
    from evaluation.councils import Evaluation, EvaluationStatus

    results: dict[int, dict] = {}
    rows = (
        Evaluation.objects.filter(dossier_id__in=dossier_ids, status=EvaluationStatus.FINALISED)
        .order_by("dossier_id", "-finalised_at", "-pk")
        .values("dossier_id", "star", "total")
    )
    for row in rows:
        results.setdefault(row["dossier_id"], {"star": row["star"], "total": row["total"]})
    return results


@transaction.atomic
def decision_issue(
    *,
    actor,
    dossiers_with_stars: Iterable[tuple[Dossier, int] | tuple[Dossier, int, Decimal | None]],
    number: str,
    date: dt.date,
    signer: Signer | tuple[str, str] | str,
    level: str,
    authority: str,
) -> Decision:
    """Record a recognition decision and issue one certificate per listed product.

    ``dossiers_with_stars``: (dossier, stars) or (dossier, stars, council score) — the star
    and score come from the council's result (the dossier's ``scored`` step), as plain
    values. Province level: dossiers ``scored``, 3★ or 4★. Ministry level: dossiers
    ``central``, 5★ (recorded by the provincial office with the ministry's number).
    """
    if level not in DecisionLevel.values:
        raise ValidationError({"level": _("Choose the level of the decision.")})
    items = _items(dossiers_with_stars)
    if not items:
        raise ValidationError(_("List at least one product in the decision."))
    number, authority = number.strip(), authority.strip()
    if not number:
        raise ValidationError({"number": _("Give the decision number.")})
    if not authority:
        raise ValidationError({"authority": _("Give the issuing authority.")})
    _check_date(date)
    who = _signer(signer)

    ids = [d.pk for d, _s, _p in items]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("A dossier is listed twice."))
    locked = {
        d.pk: d
        for d in Dossier.objects.select_for_update(of=("self",))
        .select_related("product__producer__current_unit__province")
        .filter(pk__in=ids)
    }
    wanted_status = STATUS_FOR_LEVEL[level]
    allowed_stars = rules.STARS_BY_LEVEL[level]
    provinces = set()
    errors = []
    for dossier, stars, _score in items:
        current = locked[dossier.pk]
        provinces.add(current.product.producer.current_unit.province_id)
        if current.status != wanted_status:
            errors.append(
                _("“%(dossier)s” is “%(status)s”; a %(level)s decision needs “%(wanted)s”.")
                % {
                    "dossier": current,
                    "status": Status(current.status).label,
                    "level": DecisionLevel(level).label,
                    "wanted": Status(wanted_status).label,
                }
            )
        if stars not in allowed_stars:
            if stars < 3:
                message = _("1★ and 2★ products get no decision and no certificate (Art. 4).")
            elif level == DecisionLevel.PROVINCE:
                message = _("5★ is recognised by the ministry, not the province (Art. 4).")
            else:
                message = _(
                    "The ministry recognises 5★ only; below 90 points the province decides."
                )
            errors.append(f"{current.product}: {message}")
        result = council_results([dossier.pk]).get(dossier.pk)
        if result and result["star"] and stars != result["star"]:
            errors.append(
                _("“%(product)s”: the council's result is %(council)s★, not %(stars)s★.")
                % {"product": current.product, "council": result["star"], "stars": stars}
            )
    if not all(acts_for_province(actor, p) for p in provinces):
        raise PermissionDenied(_("Only the provincial OCOP office records decisions."))
    if len(provinces) != 1:
        errors.append(_("A decision lists the products of one province."))
    if errors:
        raise ValidationError(errors)

    product_ids = [locked[d.pk].product_id for d, _s, _p in items]
    if len(set(product_ids)) != len(product_ids):
        raise ValidationError(_("The product is listed twice in this decision."))

    province = locked[ids[0]].product.producer.current_unit.province
    decision = Decision(
        kind=DecisionKind.RECOGNITION,
        level=level,
        number=number,
        date=date,
        signer_name=who.name,
        signer_title=who.title,
        authority=authority,
        province=province,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    decision.full_clean()
    decision.save()
    audit.record(
        actor=actor,
        action="ocop.decision.issued",
        target=decision,
        after={**audit.snapshot(decision), "dossiers": ids},
    )
    for dossier, stars, score in items:
        _issue_certificate(
            actor=actor, decision=decision, dossier=locked[dossier.pk], stars=stars, score=score
        )
    return decision


def _issue_certificate(*, actor, decision: Decision, dossier: Dossier, stars: int, score):
    product = dossier.product
    if not product.code:
        product = registry_services.product_assign_code(
            actor=actor, product=product, year=decision.date.year
        )
    producer = product.producer
    certificate = Certificate(
        decision=decision,
        dossier=dossier,
        product=product,
        number=_certificate_number(decision.level, decision.province, decision.date.year),
        stars=stars,
        score=score,
        level=decision.level,
        product_name=product.name,
        product_code=product.code,
        producer_name=producer.name,
        producer_address=producer.address or producer.current_unit.full_name,
        authority=decision.authority,
        issued_on=decision.date,
        expires_on=procedure.certificate_expiry(decision.date),
        public_code=_new_public_code(),
    )
    certificate.full_clean()
    certificate.save()
    audit.record(
        actor=actor,
        action="ocop.certificate.issued",
        target=certificate,
        after=audit.snapshot(
            certificate, ["number", "stars", "issued_on", "expires_on", "product"]
        ),
        reason=str(decision),
    )
    older = (
        Certificate.objects.select_for_update()
        .filter(product=product, superseded_by__isnull=True, revoked_on__isnull=True)
        .exclude(pk=certificate.pk)
    )
    for old in older:
        old.superseded_by = certificate
        old.superseded_on = certificate.issued_on
        old.save(update_fields=["superseded_by", "superseded_on", "updated_at"])
        audit.record(
            actor=actor,
            action="ocop.certificate.superseded",
            target=old,
            after={"superseded_by": certificate.number, "superseded_on": old.superseded_on},
            reason=str(decision),
        )
    dossier_transition(
        actor=actor,
        dossier=dossier,
        to=Status.RECOGNISED,
        reason=str(decision),
        system=True,
        decided_on=decision.date,
    )
    notify(
        _members(product),
        _("Certificate %(number)s: “%(product)s” is recognised %(stars)s★, valid until %(date)s.")
        % {
            "number": certificate.number,
            "product": product.name,
            "stars": stars,
            "date": formatting.day(certificate.expires_on),
        },
        _certificate_url(certificate),
    )
    return certificate


# --- revocation (Art. 8) ----------------------------------------------------------------


def _province_id(certificate: Certificate) -> int:
    return certificate.product.producer.current_unit.province_id


@transaction.atomic
def revocation_propose(
    *, actor, certificate: Certificate, ground: str, found_on: dt.date, finding: str
) -> RevocationProposal:
    """The office's verified finding (Art. 8(3)(a)); the decision is due 15 days after it."""
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("product__producer__current_unit")
        .get(pk=certificate.pk)
    )
    if not acts_for_province(actor, _province_id(certificate), PROPOSERS):
        raise PermissionDenied(
            _("Only the provincial office or an inspector of the province proposes a revocation.")
        )
    errors = {}
    if ground not in RevocationGround.values:
        errors["ground"] = _("Choose a ground of Art. 8(1).")
    if found_on > timezone.localdate():
        errors["found_on"] = _("The finding cannot be in the future.")
    if not (finding or "").strip():
        errors["finding"] = _("Describe the finding and the authority that made it.")
    if errors:
        raise ValidationError(errors)
    if certificate.state() not in IN_FORCE:
        raise ValidationError(
            _("Certificate %(number)s is no longer in force (%(state)s).")
            % {"number": certificate.number, "state": certificate.state_label()}
        )
    proposal = RevocationProposal(
        certificate=certificate,
        ground=ground,
        found_on=found_on,
        finding=finding.strip(),
        deadline=procedure.revocation_deadline(found_on),
        level=rules.level_for_stars(certificate.stars),
        proposed_by=actor if getattr(actor, "pk", None) else None,
    )
    proposal.full_clean()
    proposal.save()
    audit.record(
        actor=actor,
        action="ocop.revocation.proposed",
        target=certificate,
        after={
            "proposal": proposal.pk,
            "ground": ground,
            "found_on": found_on,
            "deadline": proposal.deadline,
        },
        reason=proposal.finding,
    )
    actor_id = getattr(actor, "pk", None)
    recorders = [u for u in _provincial_office(_province_id(certificate)) if u.pk != actor_id]
    notify(
        recorders,
        _("Revocation of certificate %(number)s proposed; decide by %(date)s.")
        % {"number": certificate.number, "date": formatting.day(proposal.deadline)},
        reverse("recognition:revocation_detail", args=[proposal.pk]),
    )
    return proposal


def _provincial_office(province_id: int):
    from accounts.models import Assignment

    user_ids = (
        Assignment.objects.valid_on(timezone.localdate())
        .filter(role=Role.PROVINCIAL_OFFICE, unit_id=province_id)
        .values("user_id")
    )
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True)


@transaction.atomic
def revocation_decide(
    *,
    actor,
    proposal: RevocationProposal,
    number: str,
    date: dt.date,
    signer: Signer | tuple[str, str] | str,
    authority: str = "",
) -> Decision:
    """Record the revocation decision: the provincial chair's for 3★–4★, the Minister's
    for 5★ (ministry level). The certificate is revoked at once and the product loses its
    stars. ``authority`` defaults to the authority of that level today."""
    proposal = (
        RevocationProposal.objects.select_for_update(of=("self",))
        .select_related("certificate__product__producer__current_unit__province")
        .get(pk=proposal.pk)
    )
    certificate = proposal.certificate
    province = certificate.product.producer.current_unit.province
    if not acts_for_province(actor, province.pk):
        raise PermissionDenied(_("Only the provincial OCOP office records a revocation decision."))
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError(_("This proposal has already been closed."))
    number = number.strip()
    if not number:
        raise ValidationError({"number": _("Give the decision number.")})
    _check_date(date)
    if date < proposal.found_on:
        raise ValidationError({"date": _("The decision cannot precede the finding.")})
    if certificate.revoked_on is not None:
        raise ValidationError(_("The certificate has already been revoked."))
    who = _signer(signer)
    level = proposal.level
    decision = Decision(
        kind=DecisionKind.REVOCATION,
        level=level,
        number=number,
        date=date,
        signer_name=who.name,
        signer_title=who.title,
        authority=(authority or "").strip() or default_authority(level, province),
        province=province,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    decision.full_clean()
    decision.save()
    ground = RevocationGround(proposal.ground).label
    audit.record(
        actor=actor,
        action="ocop.decision.issued",
        target=decision,
        after={**audit.snapshot(decision), "certificate": certificate.number},
        reason=ground,
    )
    before = {"revoked_on": None, "state": certificate.state()}
    certificate.revoked_on = date
    certificate.revocation_decision = decision
    certificate.full_clean()
    certificate.save(update_fields=["revoked_on", "revocation_decision", "updated_at"])
    audit.record(
        actor=actor,
        action="ocop.certificate.revoked",
        target=certificate,
        before=before,
        after={
            "revoked_on": date,
            "decision": decision.number,
            "ground": proposal.ground,
            "late": date > proposal.deadline,
        },
        reason=f"{ground}: {proposal.finding}",
    )
    # the "decide" step of the proposal's workflow (recognition.workflows), a SYSTEM step:
    # this service checked who records the decision; logged and audited in this transaction
    transition(
        proposal,
        "decide",
        actor=actor,
        system=True,
        data={"decision": decision.pk, "number": decision.number},
    )
    notify(
        _members(certificate.product),
        _("Certificate %(number)s of “%(product)s” was revoked by decision %(decision)s.")
        % {
            "number": certificate.number,
            "product": certificate.product_name,
            "decision": decision.number,
        },
        _certificate_url(certificate),
    )
    return decision


def revocation_dismiss(*, actor, proposal: RevocationProposal, reason: str) -> RevocationProposal:
    """Close a proposal without revoking (the verification did not confirm the finding): the
    "dismiss" step of the proposal's workflow (``recognition.workflows``), for the provincial
    office of the certificate's province; the reason is required and kept on the proposal."""
    return transition(proposal, "dismiss", actor=actor, reason=reason)
