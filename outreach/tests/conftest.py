import datetime as dt

import pytest

from outreach import services


def make_course(unit, title="Tập huấn chu trình OCOP", start=dt.date(2025, 5, 12), **extra):
    fields = {
        "title": title,
        "topic": "ocop_cycle",
        "for_provincial_officials": True,
        "for_commune_officials": True,
        "for_producers": True,
        "start_date": start,
        "end_date": start + dt.timedelta(days=1),
        "place": "Hội trường UBND",
        "unit": unit,
    }
    fields.update(extra)
    return services.course_create(actor=None, **fields)


@pytest.fixture
def course_factory():
    return make_course


@pytest.fixture
def officials(personas):
    """A second commune officer in Hội An and one whose role ended in 2024."""
    from types import SimpleNamespace

    from accounts import services as account_services
    from accounts.choices import Role

    def official(username, role, unit, **period):
        user = account_services.user_create(
            actor=None, username=username, full_name=f"Cán bộ {username}"
        )
        account_services.assignment_create(actor=None, user=user, role=role, unit=unit, **period)
        return user

    units = personas.units
    return SimpleNamespace(
        hoi_an=official(
            "xa_hoian", Role.COMMUNE_OFFICER, units.hoi_an, valid_from=dt.date(2024, 1, 1)
        ),
        former=official(
            "xa_cu",
            Role.COMMUNE_OFFICER,
            units.hai_chau,
            valid_from=dt.date(2025, 7, 1),
            valid_to=dt.date(2025, 12, 31),
        ),
    )
