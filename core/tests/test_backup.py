"""Backup and restore drill (issue 17 item 6): a backup of the database and the stored files,
restored by `manage.py restore` in another process into a new, empty database and storage,
has every table's rows and every file; a damaged backup is refused, loudly.

Runs on the engine of the suite: PostgreSQL (pg_dump/pg_restore of a snapshot) or SQLite
(the online backup of the embedded default).
"""

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from core import backup
from core.models import AuditEvent
from registry.models import Product

# committed rows: the dump and the restoring process read them from outside the test
drill = pytest.mark.django_db(transaction=True)


def _new_database(tmp_path):
    """A URL of a new, empty database on the suite's engine, and how to drop it."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        return f"sqlite:///{path}", lambda: None
    db = connection.settings_dict
    name = f"ocop_restore_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    url = f"postgres://{user}{password}@{host}/{name}"

    def drop():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


def _manage(*args, url, media):
    env = dict(os.environ, DATABASE_URL=url, MEDIA_ROOT=str(media))
    env.pop("OCOP_S3_BUCKET", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _query(url, sql):
    code = (
        "import django, os; django.setup(); from django.db import connection; "
        f"c = connection.cursor(); c.execute({sql!r}); print(c.fetchone()[0])"
    )
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="ocop.settings")
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.fixture
def world(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    files = {
        "documents/2026/12/giay-chung-nhan.pdf": b"%PDF-1.7 " + os.urandom(2048),
        "products/2026/nuoc-mam.jpg": os.urandom(4096),
    }
    for name, content in files.items():
        assert default_storage.save(name, ContentFile(content)) == name
    return personas, files


@drill
def test_a_backup_restored_elsewhere_has_every_row_and_file(world, tmp_path):
    personas, files = world
    target = tmp_path / "backup"
    call_command("backup", str(target))
    manifest = json.loads((target / backup.MANIFEST).read_text())
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["registry_product"] == Product.objects.count() == 3
    assert manifest["tables"]["core_auditevent"] == AuditEvent.objects.count() > 0
    assert set(manifest["files"]) == set(files)

    url, drop = _new_database(tmp_path)
    restored_media = tmp_path / "restored-media"
    try:
        result = _manage("restore", str(target), url=url, media=restored_media)
        assert result.returncode == 0, result.stderr
        assert "every table and file as in the manifest" in result.stdout
        # read back independently of the command's own check
        assert _query(url, "SELECT COUNT(*) FROM registry_product") == "3"
        concat = "group_concat" if connection.vendor == "sqlite" else "string_agg"
        names = _query(url, f"SELECT {concat}(name, '|') FROM registry_producer")
        assert set(names.split("|")) == {"HTX Hải Châu", "HTX Hội An", "HTX Ba Đình"}
        for name, content in files.items():
            assert (restored_media / name).read_bytes() == content
        # the restored database refuses a second restore over it
        again = _manage("restore", str(target), url=url, media=restored_media)
        assert again.returncode != 0 and "not empty" in again.stderr
    finally:
        drop()


@drill
def test_a_damaged_backup_fails_its_restore_and_says_what(world, tmp_path):
    _personas, files = world
    target = tmp_path / "backup"
    call_command("backup", str(target))
    damaged = next(iter(files))
    (target / backup.FILES / damaged).write_bytes(b"not what was backed up")
    manifest = json.loads((target / backup.MANIFEST).read_text())
    manifest["tables"]["registry_product"] += 1  # as if a row went missing in the dump
    (target / backup.MANIFEST).write_text(json.dumps(manifest))

    url, drop = _new_database(tmp_path)
    try:
        result = _manage("restore", str(target), url=url, media=tmp_path / "restored-media")
    finally:
        drop()
    assert result.returncode == 1
    assert f"file {damaged}: different" in result.stderr
    assert "table registry_product: 4 rows in the backup, 3 restored" in result.stderr


def test_a_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    target = tmp_path / "backup"
    target.mkdir()
    (target / "old").write_text("x")
    with pytest.raises(backup.BackupError):
        backup.backup(target)


def test_a_backup_that_died_half_way_is_refused_by_restore(tmp_path):
    """The manifest is written last: a folder without it is not a backup."""
    (tmp_path / backup.FILES).mkdir()
    with pytest.raises(backup.BackupError, match="no finished backup"):
        backup.restore(tmp_path)
