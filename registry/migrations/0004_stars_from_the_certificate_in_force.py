"""A product's stars are no longer stored: they are those of its certificate in force on the
day shown (``registry.stars``, ADR 0023). The stored copy, kept by the recognition workflow
and a nightly job, is dropped; every value it held came from a certificate, whose history
(issued, superseded, revoked, expired) stays in the audit log."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0003_document_unique_file'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='product',
            name='registry_product_stars_3_to_5',
        ),
        migrations.RemoveField(
            model_name='product',
            name='stars',
        ),
    ]
