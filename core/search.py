"""Accent-insensitive search that behaves the same on PostgreSQL and SQLite.

Searchable models keep a folded copy of their names (``core.text.fold``: no diacritics,
"đ" → "d", lower case). Matching is a substring test on that column, so "nuoc mam" finds
"Nước mắm" on both engines. On PostgreSQL a trigram GIN index (``pg_trgm``) makes the
substring test fast; when nothing contains the text, trigram similarity offers near misses
("nuoc mamm") ranked by closeness. SQLite, the embedded demo engine, does the substring test
only.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet

from core.text import fold

SIMILARITY_THRESHOLD = 0.3


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def folded_search(qs: QuerySet, text: str, fields: list[str], exact: list[str] = ()) -> QuerySet:
    """Rows whose folded ``fields`` contain the folded ``text`` (or equal it, for ``exact``)."""
    key = fold(text)
    if not key:
        return qs
    match = Q()
    for field in fields:
        match |= Q(**{f"{field}__contains": key})
    for field in exact:
        match |= Q(**{f"{field}__iexact": text.strip()})
    matched = qs.filter(match)
    if not is_postgres() or matched.exists():
        return matched
    # nothing contains the text: offer near misses ("nuoc mamm"), closest first
    from django.contrib.postgres.search import TrigramWordSimilarity

    return (
        qs.annotate(search_rank=TrigramWordSimilarity(key, fields[0]))
        .filter(search_rank__gte=SIMILARITY_THRESHOLD)
        .order_by("-search_rank")
    )


class TrigramIndexSQL:
    """SQL for a migration: pg_trgm and a GIN trigram index on PostgreSQL, nothing elsewhere."""

    @staticmethod
    def operation(table: str, column: str):
        from django.db import migrations

        index = f"{table}_{column}_trgm"

        def forwards(apps, schema_editor):
            if schema_editor.connection.vendor != "postgresql":
                return
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin ({column} gin_trgm_ops)"
            )

        def backwards(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(f"DROP INDEX IF EXISTS {index}")

        return migrations.RunPython(forwards, backwards, elidable=False)
