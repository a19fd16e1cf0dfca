from django.db import migrations

from core.search import TrigramIndexSQL


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        TrigramIndexSQL.operation("registry_producer", "name_folded"),
        TrigramIndexSQL.operation("registry_product", "name_folded"),
    ]
