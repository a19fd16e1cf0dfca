"""Uploads kept between a dry run and its confirmation, in storage every server shares.

An import is uploaded and checked on one request (the dry run) and written on another (the
confirmation), which a load balancer may send to another server. The file therefore lives
in the ``imports`` storage of ``settings.STORAGES`` — the object storage in production
(private, under its own prefix) — and, in the embedded default, in ``OCOP_IMPORT_DIR``
(``var/imports``, files readable by this user only).

A confirmation *claims* the file inside the transaction that imports it: on PostgreSQL a
transaction-level advisory lock on the file's name, elsewhere the database's own write lock
(SQLite transactions are ``IMMEDIATE``). The file is deleted inside that transaction once
the import has written, so a second click, on any server, finds it gone and imports
nothing; an import that wrote nothing leaves it for another try.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection, transaction
from django.utils import timezone

ALIAS = "imports"


def storage():
    """The configured ``imports`` storage, or a private folder under ``var/``."""
    if ALIAS in settings.STORAGES:
        return storages[ALIAS]
    folder = Path(getattr(settings, "OCOP_IMPORT_DIR", Path(settings.VAR_DIR) / "imports"))
    return FileSystemStorage(
        location=folder, file_permissions_mode=0o600, directory_permissions_mode=0o700
    )


def save(name: str, upload) -> str:
    """Store ``upload`` (a Django ``File``) under ``name``; returns the name."""
    stored = storage().save(name, upload)
    if stored != name:  # names are random tokens: a clash is a bug, never a second file
        storage().delete(stored)
        raise FileExistsError(name)
    return stored


def exists(name: str) -> bool:
    return storage().exists(name)


def delete(name: str) -> None:
    storage().delete(name)


def sweep(max_age: int) -> None:
    """Delete the uploads nobody confirmed within ``max_age`` seconds."""
    store = storage()
    limit = timezone.now() - timedelta(seconds=max_age)
    try:
        _dirs, files = store.listdir("")
    except FileNotFoundError:
        return
    for name in files:
        try:
            if store.get_modified_time(name) < limit:
                store.delete(name)
        except (OSError, NotImplementedError):
            continue


@contextmanager
def local_copy(name: str) -> Iterator[Path]:
    """The stored file as a path on this server's disk, for readers that need one."""
    store = storage()
    if isinstance(store, FileSystemStorage):  # the file system: the file itself
        yield Path(store.path(name))
        return
    # object storage (or any other): a temporary copy, deleted afterwards
    suffix = Path(name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        with store.open(name, "rb") as source:
            shutil.copyfileobj(source, copy)
        copy.flush()
        yield Path(copy.name)


@contextmanager
def claimed(name: str) -> Iterator[bool]:
    """A transaction in which ``name`` is this request's alone; yields whether the file is
    still there (another request may have imported it meanwhile)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
        yield exists(name)
