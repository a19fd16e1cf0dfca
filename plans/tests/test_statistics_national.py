"""The national dataset generator writes only into an empty PostgreSQL database."""

import pytest
from django.core.management import CommandError, call_command

from registry.models import Product

pytestmark = pytest.mark.django_db


def test_it_refuses_to_write_into_sqlite_or_the_test_database(reference_data):
    from django.db import connection

    # SQLite is refused for what it is; the PostgreSQL test database for its name.
    expected = "PostgreSQL" if connection.vendor == "sqlite" else "test database 'test_"
    with pytest.raises(CommandError, match=expected):
        call_command("generate_national_dataset", "--products", "10", "--producers", "5")
    assert not Product.objects.exists()
