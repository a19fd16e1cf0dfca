"""Demo data for inspections in Đà Nẵng: this year's periodic plan and an ad-hoc plan,
inspections of production sites, sales points and the use of the OCOP mark, findings with
photos, violations and corrective actions (some overdue, some done); where a certificate is
in force, the first violation found on it opens its revocation proposal (no certificate, no
proposal).

``build_inspection_demo()`` is idempotent (a plan is found by province and title, an
inspection by plan, subject and date) and deterministic (a seeded random generator; dates
relative to the day the demo is built). Run it after the users exist: it works as the
``kiemtra`` inspector when there is one.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from geo.models import AdministrativeUnit
from inspection import services
from inspection.choices import InspectionKind, InspectionStatus, PlanKind, ViolationKind
from inspection.models import Inspection, InspectionPlan
from market.models import SalesPoint
from registry.choices import ProductStatus
from registry.models import Product

PROVINCE_CODE = "48"
INSPECTOR_USERNAME = "kiemtra"
OFFICE_USERNAME = "tinh"

# (kind of violation, finding, corrective action, rule breached)
VIOLATIONS = [
    (
        ViolationKind.LABEL_NOT_AS_RECOGNISED,
        "Nhãn sản phẩm đang lưu hành thay đổi thiết kế, thiếu mã truy xuất nguồn gốc so với "
        "hồ sơ đã được đánh giá, phân hạng.",
        "Sử dụng lại mẫu nhãn đã được công nhận; dán tem truy xuất nguồn gốc cho lô hàng.",
        "Điểm a khoản 3 Điều 9 QĐ 26/2026/QĐ-TTg",
    ),
    (
        ViolationKind.MARK_BEYOND_SCOPE,
        "Bao bì in biểu trưng OCOP 4 sao trong khi sản phẩm được công nhận 3 sao.",
        "Thu hồi bao bì in sai hạng sao; in lại theo Giấy chứng nhận.",
        "Điểm d khoản 1 Điều 8 QĐ 26/2026/QĐ-TTg",
    ),
    (
        ViolationKind.FOOD_SAFETY,
        "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đã hết hiệu lực.",
        "Làm thủ tục cấp lại Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm.",
        "Luật An toàn thực phẩm 2010, Điều 34",
    ),
    (
        ViolationKind.CONDITIONS_NOT_MET,
        "Khu sơ chế chưa tách biệt khu đóng gói; sổ ghi chép nguyên liệu không cập nhật.",
        "Bố trí lại khu sơ chế, đóng gói; cập nhật sổ theo dõi nguyên liệu đầu vào.",
        "",
    ),
    (
        ViolationKind.LABELLING_LAW,
        "Nhãn phụ thiếu ngày sản xuất và hạn sử dụng.",
        "Bổ sung nhãn phụ đủ nội dung bắt buộc.",
        "Nghị định 43/2017/NĐ-CP, Điều 10",
    ),
]
CLEAN = "Cơ sở duy trì điều kiện sản xuất và sử dụng nhãn hiệu OCOP đúng quy định."


def _photo(color: tuple[int, int, int], index: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), color).save(buffer, "JPEG", quality=70)
    return SimpleUploadedFile(
        f"anh-hien-truong-{index}.jpg", buffer.getvalue(), content_type="image/jpeg"
    )


def _user(username):
    return get_user_model().objects.filter(username=username, is_active=True).first()


def _plans(province, year: int, office) -> tuple[InspectionPlan, InspectionPlan]:
    specs = [
        {
            "title": f"Kế hoạch kiểm tra, giám sát sản phẩm OCOP năm {year}",
            "kind": PlanKind.PERIODIC,
            "decision_number": f"35/KH-SNNMT-{year}",
            "decision_date": dt.date(year, 1, 20),
            "notes": "Kiểm tra định kỳ theo Điều 9 Quyết định 26/2026/QĐ-TTg. Dữ liệu minh họa.",
        },
        {
            "title": f"Kiểm tra đột xuất việc sử dụng nhãn hiệu OCOP năm {year}",
            "kind": PlanKind.AD_HOC,
            "decision_number": "",
            "decision_date": None,
            "notes": "Theo phản ánh của người tiêu dùng. Dữ liệu minh họa.",
        },
    ]
    plans = []
    for spec in specs:
        plan = InspectionPlan.objects.filter(province=province, title=spec["title"]).first()
        if plan is None:
            plan = services.plan_create(actor=office, province=province, year=year, **spec)
        plans.append(plan)
    return plans[0], plans[1]


@transaction.atomic
def build_inspection_demo(rng_seed: int = 2026) -> dict[str, int]:
    """Create (once) the inspection demo of Đà Nẵng; returns how many rows were created."""
    rng = random.Random(rng_seed)
    created = {"plans": 0, "inspections": 0, "violations": 0, "actions": 0, "revocations": 0}
    today = timezone.localdate()
    province = AdministrativeUnit.objects.current().get(level="province", code=PROVINCE_CODE)
    inspector, office = _user(INSPECTOR_USERNAME), _user(OFFICE_USERNAME)
    inspectors = [u for u in (inspector, office) if u is not None]
    plans_before = InspectionPlan.objects.count()
    periodic, ad_hoc = _plans(province, today.year, office)
    created["plans"] = InspectionPlan.objects.count() - plans_before

    products = list(
        Product.objects.with_stars()
        .filter(producer__current_unit__province=province, status=ProductStatus.ACTIVE)
        .exclude(stars=None)
        .select_related("producer")
        .order_by("pk")[:60]
    )
    # market.SalesPoint, reached through the relation (market is a sibling layer)
    sales_points = SalesPoint.objects
    points = list(sales_points.filter(current_unit__province=province).order_by("pk")[:6])
    subjects = [(InspectionKind.PRODUCTION_SITE, periodic, p, None) for p in products[:10]]
    subjects += [(InspectionKind.MARK_USE, ad_hoc, p, None) for p in products[10:14]]
    subjects += [(InspectionKind.SALES_POINT, periodic, None, s) for s in points[:4]]

    proposal_made = False
    for index, (kind, plan, product, point) in enumerate(subjects):
        # every random value is drawn whether or not the row exists: a re-run draws the same
        days_ago = rng.randrange(6, 150)
        outcome = rng.random()
        violation = VIOLATIONS[rng.randrange(len(VIOLATIONS))]
        color = (rng.randrange(60, 220), rng.randrange(60, 220), rng.randrange(60, 220))
        date = max(today - dt.timedelta(days=days_ago), dt.date(today.year, 1, 2))
        if date > today:
            date = today
        if Inspection.objects.filter(
            plan=plan, product=product, sales_point=point, date=date
        ).exists():
            continue
        inspection = services.inspection_create(
            actor=inspector,
            kind=kind,
            plan=plan,
            product=product,
            sales_point=point,
            date=date,
            place="Tại cơ sở" if point is None else point.address,
            inspectors=inspectors,
        )
        created["inspections"] += 1
        if index % 7 == 6:  # a few are still ahead
            continue
        inspection = services.inspection_transition(
            actor=inspector, inspection=inspection, to=InspectionStatus.IN_PROGRESS
        )
        if outcome < 0.4:
            services.finding_add(
                actor=inspector, inspection=inspection, description=CLEAN, found_on=date
            )
            services.inspection_transition(
                actor=inspector,
                inspection=inspection,
                to=InspectionStatus.COMPLETED,
                conclusion="Đạt yêu cầu.",
            )
            continue
        violation_kind, finding_text, action_text, rule = violation
        finding = services.finding_add(
            actor=inspector,
            inspection=inspection,
            description=finding_text,
            found_on=date,
            photos=[_photo(color, index)],
        )
        record = services.violation_add(
            actor=inspector, finding=finding, kind=violation_kind, legal_basis=rule
        )
        created["violations"] += 1
        deadline = date + dt.timedelta(days=30)
        action = services.corrective_action_add(
            actor=inspector, violation=record, description=action_text, deadline=deadline
        )
        created["actions"] += 1
        if outcome > 0.75 and deadline - dt.timedelta(days=5) <= today:
            services.corrective_action_complete(
                actor=inspector,
                action=action,
                done_on=min(deadline - dt.timedelta(days=5), today),
                note="Đoàn kiểm tra đã xác minh tại cơ sở.",
            )
        if not proposal_made and inspector is not None and services.certificates_for(inspection):
            services.violation_propose_revocation(actor=inspector, violation=record)
            proposal_made = True
            created["revocations"] += 1
        if outcome < 0.85:
            services.inspection_transition(
                actor=inspector,
                inspection=inspection,
                to=InspectionStatus.COMPLETED,
                conclusion="Có vi phạm; yêu cầu chủ thể khắc phục trong thời hạn.",
            )
    return created
