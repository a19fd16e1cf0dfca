"""Demo data for training and communication in Đà Nẵng: courses, attendance, media, meetings.

``build_outreach_demo()`` is idempotent (officials found by username, courses by title and
unit, activities by title, unit and date) and deterministic (a seeded random generator;
dates relative to the year the demo is built in). It uses the Đà Nẵng producers already in
the registry and adds a few commune and provincial officials (accounts without a password)
who held their role since January two years ago, so that past years have officials to
train; the demo logins, whose roles start the day the demo is built, count from today.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts import services as account_services
from accounts.choices import Role
from accounts.models import User
from geo.models import AdministrativeUnit
from outreach import services
from outreach.choices import ActivityKind, Topic
from outreach.models import Attendance, CommunicationActivity, Course
from registry.choices import ProducerStatus
from registry.models import Producer

PROVINCE_CODE = "48"
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Ngọc", "Đức", "Thu", "Quốc", "Hữu", "Thị Kim"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Long", "Mai"]
COMMUNE_OFFICIALS = 12  # communes with the most producers get a demo officer each
PROVINCIAL_STAFF = 4
# activities whose participants are known by name (producers reached are recorded)
IN_PERSON = {
    ActivityKind.CONFERENCE,
    ActivityKind.WORKSHOP,
    ActivityKind.MEETING,
    ActivityKind.LEAFLET,
}


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _officials(rng, province, communes, since) -> list[User]:
    people = []
    spec = [(f"demo_cbt{i}", Role.PROVINCIAL_OFFICE, province) for i in range(PROVINCIAL_STAFF)]
    spec += [(f"demo_cbx{i}", Role.COMMUNE_OFFICER, c) for i, c in enumerate(communes)]
    for username, role, unit in spec:
        name = _name(rng)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.user_create(
                actor=None, username=username, full_name=f"{name} (minh họa)"
            )
            account_services.assignment_create(
                actor=None, user=user, role=role, unit=unit, valid_from=since
            )
        people.append(user)
    return people


def _courses_for(year: int, province, commune) -> list[dict]:
    officials = {"for_provincial_officials": True, "for_commune_officials": True}
    return [
        {
            "title": f"Tập huấn quy trình, các bước thực hiện chu trình OCOP năm {year}",
            "topic": Topic.OCOP_CYCLE,
            "start_date": datetime.date(year, 3, 14),
            "end_date": datetime.date(year, 3, 15),
            "unit": province,
            "place": "Hội trường Sở Nông nghiệp và Môi trường, 57 Quang Trung",
            "organiser": "Văn phòng Điều phối nông thôn mới thành phố Đà Nẵng",
            "trainer": "Chuyên gia Văn phòng Điều phối nông thôn mới Trung ương",
            **officials,
        },
        {
            "title": f"Tập huấn xây dựng phương án kinh doanh cho chủ thể OCOP năm {year}",
            "topic": Topic.BUSINESS_PLAN,
            "start_date": datetime.date(year, 4, 8),
            "end_date": datetime.date(year, 4, 10),
            "unit": province,
            "place": "Trung tâm Khuyến nông Đà Nẵng",
            "organiser": "Văn phòng Điều phối nông thôn mới thành phố Đà Nẵng",
            "trainer": "Viện Nghiên cứu phát triển kinh tế – xã hội Đà Nẵng",
            "for_producers": True,
        },
        {
            "title": f"Tập huấn nghiệp vụ đánh giá, phân hạng sản phẩm OCOP năm {year}",
            "topic": Topic.EVALUATION,
            "start_date": datetime.date(year, 6, 5),
            "end_date": datetime.date(year, 6, 5),
            "unit": province,
            "place": "Hội trường UBND thành phố Đà Nẵng",
            "organiser": "Sở Nông nghiệp và Môi trường thành phố Đà Nẵng",
            "trainer": "Thành viên Hội đồng đánh giá, phân hạng sản phẩm OCOP thành phố",
            **officials,
        },
        {
            "title": f"Tập huấn thiết kế bao bì, nhãn hàng hóa và câu chuyện sản phẩm năm {year}",
            "topic": Topic.PACKAGING_LABELS,
            "start_date": datetime.date(year, 8, 19),
            "end_date": datetime.date(year, 8, 20),
            "unit": province,
            "place": "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch Đà Nẵng",
            "organiser": "Sở Công Thương thành phố Đà Nẵng",
            "trainer": "Công ty TNHH Thiết kế bao bì Sông Hàn",
            "for_producers": True,
        },
        {
            "title": f"Tập huấn bán hàng trên sàn thương mại điện tử và livestream năm {year}",
            "topic": Topic.ECOMMERCE,
            "start_date": datetime.date(year, 10, 7),
            "end_date": datetime.date(year, 10, 8),
            "unit": province,
            "place": "Trực tiếp và trực tuyến",
            "organiser": "Sở Công Thương thành phố Đà Nẵng",
            "trainer": "Sàn thương mại điện tử Postmart",
            "for_commune_officials": True,
            "for_producers": True,
        },
        {
            "title": f"Tập huấn truy xuất nguồn gốc, tem điện tử cho chủ thể năm {year}",
            "topic": Topic.TRACEABILITY,
            "start_date": datetime.date(year, 9, 12),
            "end_date": datetime.date(year, 9, 12),
            "unit": commune,
            "place": f"Hội trường UBND {commune.full_name}",
            "organiser": f"UBND {commune.full_name}",
            "trainer": "Trung tâm Công nghệ thông tin, Sở Khoa học và Công nghệ",
            "for_producers": True,
        },
    ]


def _activities_for(year: int, province, communes) -> list[dict]:
    items = [
        (ActivityKind.CONFERENCE, 2, 20, f"Hội nghị triển khai Chương trình OCOP năm {year}"),
        (ActivityKind.TELEVISION, 4, 2, "Phóng sự “Sản phẩm OCOP Đà Nẵng vươn xa” trên DNRT"),
        (ActivityKind.ONLINE_NEWS, 5, 16, f"Đà Nẵng: kết quả thực hiện Chương trình OCOP {year}"),
        (ActivityKind.SOCIAL_MEDIA, 7, 1, "Chuỗi bài giới thiệu sản phẩm OCOP trên Fanpage"),
        (ActivityKind.LEAFLET, 3, 10, "Phát hành sổ tay hướng dẫn tham gia Chương trình OCOP"),
        (ActivityKind.RADIO, 9, 5, "Chuyên mục Nông nghiệp – Nông thôn: Chương trình OCOP"),
        (ActivityKind.WORKSHOP, 11, 12, f"Hội thảo nâng hạng sao sản phẩm OCOP năm {year}"),
    ]
    specs = [
        {"kind": k, "date": datetime.date(year, m, d), "title": t, "unit": province}
        for k, m, d, t in items
    ]
    for index, commune in enumerate(communes[:4]):
        specs.append(
            {
                "kind": ActivityKind.LOUDSPEAKER if index % 2 else ActivityKind.MEETING,
                "date": datetime.date(year, 3 + 2 * index, 25),
                "title": f"Phổ biến Chương trình OCOP tại {commune.full_name}",
                "unit": commune,
            }
        )
    return specs


@transaction.atomic
def build_outreach_demo(rng_seed: int = 2026) -> dict[str, int]:
    """Create (once) the training and communication demo of Đà Nẵng; returns counts."""
    rng = random.Random(rng_seed)
    created = {"officials": 0, "courses": 0, "attendances": 0, "activities": 0}
    today = timezone.localdate()
    this_year = today.year
    province = AdministrativeUnit.objects.current().get(level="province", code=PROVINCE_CODE)
    producers = list(
        Producer.objects.filter(current_unit__province=province, status=ProducerStatus.ACTIVE)
        .select_related("current_unit__province")
        .order_by("code", "pk")
    )
    busiest = [
        row["current_unit"]
        for row in Producer.objects.filter(current_unit__province=province)
        .values("current_unit")
        .annotate(n=Count("pk"))
        .order_by("-n", "current_unit")[:COMMUNE_OFFICIALS]
    ]
    communes = list(AdministrativeUnit.objects.filter(pk__in=busiest).order_by("name"))
    if not communes:
        return created
    before = User.objects.count()
    officials = _officials(rng, province, communes, datetime.date(this_year - 2, 1, 1))
    created["officials"] = User.objects.count() - before

    for year in range(this_year - 2, this_year + 1):
        for spec in _courses_for(year, province, communes[0]):
            budget = Decimal(rng.randrange(20, 150) * 1_000_000)
            share = 0.55 + 0.15 * (year - this_year + 2) + rng.random() * 0.1
            if spec["end_date"] > today:
                continue
            course = Course.objects.filter(title=spec["title"], unit=spec["unit"]).first()
            if course is None:
                course = services.course_create(
                    actor=None, budget=budget, notes="Dữ liệu minh họa.", **spec
                )
                created["courses"] += 1
            created["attendances"] += _attend(rng, course, officials, producers, share)
        for spec in _activities_for(year, province, communes):
            reached = rng.randrange(40, 5000)
            pool = [p for p in producers if spec["unit"] in (province, p.current_unit)]
            share = 0.25 + 0.15 * (year - this_year + 2) + rng.random() * 0.2
            picked = rng.sample(pool, int(len(pool) * share))
            if spec["kind"] not in IN_PERSON:
                picked = []  # who read or watched a media item is not known
            if spec["date"] > today:
                continue
            if CommunicationActivity.objects.filter(
                title=spec["title"], unit=spec["unit"], date=spec["date"]
            ).exists():
                continue
            services.activity_create(
                actor=None,
                reached=reached,
                for_producers=True,
                for_officials=spec["kind"] in {ActivityKind.CONFERENCE, ActivityKind.WORKSHOP},
                for_public=spec["kind"] not in {ActivityKind.CONFERENCE, ActivityKind.WORKSHOP},
                producers_reached=picked,
                notes="Dữ liệu minh họa.",
                **spec,
            )
            created["activities"] += 1
    return created


def _attend(rng, course: Course, officials, producers, share: float) -> int:
    """List a share of the eligible officials and producers (a few listed but absent)."""
    people: list[dict] = []
    if course.for_officials:
        for user in officials:
            level_ok = (
                course.for_provincial_officials
                if user.username.startswith("demo_cbt")
                else course.for_commune_officials
            )
            if level_ok and rng.random() < share:
                people.append({"user": user, "attended": rng.random() > 0.05})
    if course.for_producers:
        pool = [
            p
            for p in producers
            if p.representative and course.unit in (p.current_unit, p.current_unit.province)
        ]
        for producer in rng.sample(pool, int(len(pool) * share * 0.3)):
            people.append(
                {
                    "producer": producer,
                    "person_name": producer.representative,
                    "position": producer.representative_position,
                    "attended": rng.random() > 0.05,
                    "certificate_number": f"CN-{course.pk:03d}-{producer.pk:04d}",
                }
            )
    added = 0
    for person in people:
        match = {k: person[k] for k in ("user", "producer", "person_name") if k in person}
        if not Attendance.objects.filter(course=course, **match).exists():
            services.attendance_add(actor=None, course=course, **person)
            added += 1
    return added
