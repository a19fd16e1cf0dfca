"""Backup and restore of everything a province entrusts to ``ocop``: the database and the
stored files (documents, photos, certificates), with a manifest that a restore is checked
against (issue 17 item 6; how-to: docs/howto/backup-and-restore.md).

A backup is a folder:

- ``database.dump`` — ``pg_dump --format=custom`` (PostgreSQL), or ``database.sqlite3`` —
  SQLite's online backup (the embedded default); both are consistent snapshots taken while
  the servers keep working;
- ``files/`` — every file of the default storage (the file system, or the S3 bucket's
  prefix), under its storage name;
- ``manifest.json`` — when, which engine, the rows of every table and the SHA-256 of every
  file, read in the same snapshot as the dump where the engine allows.

``restore`` loads the database into an empty database, puts the files back into the
default storage, and then ``verify`` compares the restored rows and files with the
manifest: a restore that does not match says so and fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.utils import timezone

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_FILE = "database.sqlite3"
FILES = "files"
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


@dataclass
class Check:
    """What a verification found: tables and files that differ from the manifest."""

    tables: dict[str, tuple[int, int]] = field(default_factory=dict)  # name → (expected, found)
    files: dict[str, str] = field(default_factory=dict)  # name → "missing" / "different"

    @property
    def ok(self) -> bool:
        return not self.tables and not self.files


# --- what is there -----------------------------------------------------------------------


def _tables(conn) -> list[str]:
    with conn.cursor() as cursor:
        names = conn.introspection.table_names(cursor)
    return sorted(n for n in names if not n.startswith("sqlite_"))


def row_counts(conn=None) -> dict[str, int]:
    conn = conn or connection
    counts = {}
    with conn.cursor() as cursor:
        for table in _tables(conn):
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _walk(storage, folder: str = ""):
    dirs, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in dirs:
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def _sha256(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def stored_files(storage=None) -> list[str]:
    storage = storage or default_storage
    try:
        return sorted(_walk(storage))
    except FileNotFoundError:  # nothing stored yet
        return []


# --- backup --------------------------------------------------------------------------------


def backup(target: Path, *, storage=None) -> dict:
    """Write a backup into the folder ``target`` (created; must be empty) and return its
    manifest."""
    storage = storage or default_storage
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    engine = connection.vendor
    if engine == "postgresql":
        counts = _dump_postgresql(target / PG_DUMP)
    elif engine == "sqlite":
        counts = _dump_sqlite(target / SQLITE_FILE)
    else:
        raise BackupError(f"no backup for the {engine} engine")
    files = {}
    for name in stored_files(storage):
        destination = target / FILES / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            with storage.open(name, "rb") as source, open(destination, "wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
        except FileNotFoundError:  # deleted since it was listed (after the database's snapshot)
            destination.unlink(missing_ok=True)
            continue
        with open(destination, "rb") as copy:
            files[name] = _sha256(copy)
    manifest = {
        "created_at": timezone.now().isoformat(),
        "engine": engine,
        "tables": counts,
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return path


def _pg_env(settings_dict) -> tuple[list[str], dict]:
    args = ["--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [option, str(settings_dict[key])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _dump_postgresql(path: Path) -> dict[str, int]:
    """``pg_dump`` of an exported snapshot, and the row counts of that same snapshot."""
    db = connection.settings_dict
    args, env = _pg_env(db)
    conn = connections.create_connection("default")  # its own transaction, not the caller's
    try:
        conn.ensure_connection()
        conn.connection.autocommit = False
        with conn.connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        counts = row_counts(conn)
        command = [_program("pg_dump"), *args, "--format=custom", "--no-owner"]
        command += ["--no-privileges", f"--snapshot={snapshot}", f"--file={path}", db["NAME"]]
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
        conn.connection.rollback()
    except subprocess.CalledProcessError as exc:
        raise BackupError(exc.stderr.strip() or str(exc)) from exc
    finally:
        conn.close()
    return counts


def _dump_sqlite(path: Path) -> dict[str, int]:
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)  # an online, consistent copy
    with sqlite3.connect(path) as copy:
        names = [
            r[0]
            for r in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith("sqlite_")
        ]
        return {n: copy.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608


# --- restore -------------------------------------------------------------------------------


def restore(source: Path, *, storage=None) -> Check:
    """Load the backup in ``source`` into the configured database (which must have no
    tables) and storage, then verify it against the manifest."""
    storage = storage or default_storage
    source = Path(source)
    if not (source / MANIFEST).is_file():  # written last: a backup that died half-way has none
        raise BackupError(f"{source} holds no finished backup (no {MANIFEST})")
    manifest = json.loads((source / MANIFEST).read_text())
    engine = connection.vendor
    if manifest["engine"] != engine:
        raise BackupError(f"a {manifest['engine']} backup cannot be restored into {engine}")
    if _tables(connection):
        raise BackupError("the database is not empty: restore into a new, empty database")
    if engine == "postgresql":
        _restore_postgresql(source / PG_DUMP)
    else:
        _restore_sqlite(source / SQLITE_FILE)
    for name in manifest["files"]:
        with open(source / FILES / name, "rb") as handle:
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, File(handle))
        if saved != name:
            raise BackupError(f"the storage renamed {name} to {saved}")
    return verify(manifest, storage=storage)


def _restore_postgresql(path: Path) -> None:
    db = connection.settings_dict
    args, env = _pg_env(db)
    connection.close()
    command = [_program("pg_restore"), *args, "--no-owner", "--no-privileges"]
    command += ["--exit-on-error", "--single-transaction", f"--dbname={db['NAME']}", str(path)]
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode:
        raise BackupError(result.stderr.strip())


def _restore_sqlite(path: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        copy.backup(connection.connection)


def verify(manifest: dict, *, storage=None) -> Check:
    """Compare the database's rows and the stored files with ``manifest``."""
    storage = storage or default_storage
    check = Check()
    found = row_counts()
    for table, expected in manifest["tables"].items():
        if found.get(table) != expected:
            check.tables[table] = (expected, found.get(table, -1))
    for name, digest in manifest["files"].items():
        if not storage.exists(name):
            check.files[name] = "missing"
            continue
        with storage.open(name, "rb") as handle:
            if _sha256(handle) != digest:
                check.files[name] = "different"
    return check
