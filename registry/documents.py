"""Evidence documents and product images: checking uploaded files, then storing them.

The first half is pure: ``inspect_upload()`` reads a file-like object and either returns what
the file really is (kind, canonical content type, size, SHA-256) or raises a ``ValidationError``
that says, in words a producer understands, why the file is refused. It trusts neither the
file name nor the content type the browser declared: the first bytes (the "magic number") must
agree with both. Images are also opened with Pillow.

The second half holds the services (keyword-only, atomic, validated, audited). Files are kept
through Django's storage API (``default_storage``: the file system by default, S3-compatible
storage in production) under random names, and are only ever served by scoped views.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import uuid
import warnings
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, formatting
from core.scoping import CHANGE
from registry.models import Document, Producer, Product, ProductImage

DEFAULT_MAX_UPLOAD_MB = 20
HEAD_BYTES = 64
PDF_TAIL_BYTES = 1024  # a PDF reader looks for %%EOF within the last 1024 bytes


@dataclass(frozen=True)
class Kind:
    code: str
    content_type: str
    extensions: tuple[str, ...]
    # content types browsers are known to send for this kind, besides the canonical one
    aliases: tuple[str, ...]
    pillow_formats: tuple[str, ...]
    description: Any  # lazy text: "a PDF document"

    def matches(self, head: bytes) -> bool:
        if self.code == "pdf":
            return head.startswith(b"%PDF-")
        if self.code == "jpeg":
            return head.startswith(b"\xff\xd8\xff")
        if self.code == "png":
            return head.startswith(b"\x89PNG\r\n\x1a\n")
        if self.code == "webp":
            return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
        return False


PDF = Kind(
    "pdf",
    "application/pdf",
    (".pdf",),
    ("application/x-pdf",),
    (),
    gettext_lazy("a PDF document"),
)
JPEG = Kind(
    "jpeg",
    "image/jpeg",
    (".jpg", ".jpeg"),
    ("image/jpg", "image/pjpeg"),
    ("JPEG", "MPO"),  # MPO: the multi-picture JPEG some phone cameras write
    gettext_lazy("a JPEG image"),
)
PNG = Kind("png", "image/png", (".png",), ("image/x-png",), ("PNG",), gettext_lazy("a PNG image"))
WEBP = Kind("webp", "image/webp", (".webp",), (), ("WEBP",), gettext_lazy("a WebP image"))

DOCUMENT_KINDS: tuple[Kind, ...] = (PDF, JPEG, PNG, WEBP)
IMAGE_KINDS: tuple[Kind, ...] = (JPEG, PNG, WEBP)
KIND_BY_EXTENSION = {ext: kind for kind in DOCUMENT_KINDS for ext in kind.extensions}
ACCEPT_ATTRIBUTE = ",".join(
    [ext for k in DOCUMENT_KINDS for ext in k.extensions] + [k.content_type for k in DOCUMENT_KINDS]
)
IMAGE_ACCEPT_ATTRIBUTE = ",".join(
    [ext for k in IMAGE_KINDS for ext in k.extensions] + [k.content_type for k in IMAGE_KINDS]
)

# Content types that say nothing: the sniffed content decides alone.
UNDECLARED_TYPES = {"", "application/octet-stream", "binary/octet-stream"}

# Content often disguised as a PDF or an image, named so the refusal is understandable.
KNOWN_IMPOSTORS: tuple[tuple[tuple[bytes, ...], Any], ...] = (
    ((b"MZ",), gettext_lazy("a Windows program")),
    ((b"\x7fELF",), gettext_lazy("a Linux program")),
    ((b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe"), gettext_lazy("a program")),
    ((b"#!",), gettext_lazy("a script")),
    ((b"PK\x03\x04", b"PK\x05\x06"), gettext_lazy("a ZIP archive or Office document")),
    ((b"\xd0\xcf\x11\xe0",), gettext_lazy("an old Office document")),
    ((b"Rar!", b"7z\xbc\xaf"), gettext_lazy("a compressed archive")),
    ((b"GIF87a", b"GIF89a"), gettext_lazy("a GIF image")),
    ((b"II*\x00", b"MM\x00*"), gettext_lazy("a TIFF image")),
    ((b"<svg", b"<?xml"), gettext_lazy("an XML or SVG file")),
)
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe")


def max_upload_bytes() -> int:
    return int(getattr(settings, "OCOP_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB) * 1024 * 1024)


@dataclass(frozen=True)
class CheckedFile:
    """What an accepted upload really is."""

    kind: Kind
    extension: str
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def _sniff(head: bytes) -> Kind | None:
    return next((k for k in DOCUMENT_KINDS if k.matches(head)), None)


def describe_content(head: bytes) -> Any:
    """A phrase for what ``head`` looks like ("a Windows program"), for error messages."""
    kind = _sniff(head)
    if kind is not None:
        return kind.description
    for prefixes, description in KNOWN_IMPOSTORS:
        if head.startswith(prefixes):
            return description
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(HTML_MARKERS):
        return gettext_lazy("a web page (HTML)")
    if not head.strip(b"\x00"):
        return gettext_lazy("a blank file (zero bytes only)")
    return gettext_lazy("an unrecognised kind of file")


def _read_all(file: IO[bytes]) -> tuple[bytes, bytes, int, str]:
    """The first bytes, the last bytes, the size and the SHA-256 of ``file``."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    tail = b""
    file.seek(0)
    chunks = file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b"")
    for chunk in chunks:
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        tail = (tail + chunk)[-PDF_TAIL_BYTES:]
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return head, tail, size, digest.hexdigest()


def _declared_type(file) -> str:
    declared = getattr(file, "content_type", None) or ""
    return declared.split(";")[0].strip().lower()


def _megabytes(size: int) -> str:
    """Megabytes rounded up to one decimal, so a file just over the limit never reads equal."""
    tenths = math.ceil(size * 10 / (1024 * 1024))
    return formatting.number(Decimal(tenths) / 10)  # 2, 2,5 (vi) or 2.5 (en)


def _check_image(file: IO[bytes], kind: Kind, name: str) -> None:
    """Open the picture with Pillow: it must decode as the kind its bytes announce."""
    from PIL import Image, UnidentifiedImageError

    damaged = ValidationError(
        _("The image “%(name)s” cannot be opened: it is damaged or incomplete."),
        code="damaged",
        params={"name": name},
    )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.format not in kind.pillow_formats:
                    raise damaged
                image.verify()
            file.seek(0)
            with Image.open(file) as image:
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("The image “%(name)s” has too many pixels to be processed safely."),
            code="too_many_pixels",
            params={"name": name},
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise damaged from exc
    finally:
        file.seek(0)
    if not width or not height:
        raise damaged


def _check_size(size: int | None, limit: int, name: str) -> None:
    if size is None:
        return
    if size == 0:
        raise ValidationError(
            _("The file “%(name)s” is empty."), code="empty", params={"name": name}
        )
    if size > limit:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s MB; the largest file accepted is %(limit)s MB."),
            code="too_large",
            params={"name": name, "size": _megabytes(size), "limit": _megabytes(limit)},
        )


def inspect_upload(file, *, kinds: tuple[Kind, ...] = DOCUMENT_KINDS) -> CheckedFile:
    """Check an uploaded file and say what it is; raise ``ValidationError`` if refused.

    Rules, in order: a known extension among ``kinds``; not empty; not larger than
    ``OCOP_MAX_UPLOAD_MB``; the first bytes are those of the kind the extension names; the
    declared content type (when the browser sent a meaningful one) names the same kind; a PDF
    ends with its end-of-file marker; an image opens with Pillow as that format.
    """
    name = PurePath(getattr(file, "name", "") or "").name
    extension = PurePath(name).suffix.lower()
    allowed = ", ".join(k.code.upper() if k.code != "webp" else "WebP" for k in kinds)
    kind = KIND_BY_EXTENSION.get(extension)
    if kind is None or kind not in kinds:
        if not extension:
            raise ValidationError(
                _("The file “%(name)s” has no extension: upload a %(allowed)s file."),
                code="no_extension",
                params={"name": name, "allowed": allowed},
            )
        raise ValidationError(
            _("Files of type “%(extension)s” are not accepted: upload a %(allowed)s file."),
            code="extension",
            params={"extension": extension, "allowed": allowed},
        )

    limit = max_upload_bytes()
    _check_size(getattr(file, "size", None), limit, name)  # before reading a huge file
    head, tail, size, digest = _read_all(file)
    _check_size(size, limit, name)
    if not kind.matches(head):
        raise ValidationError(
            _("The file “%(name)s” is named like %(expected)s but its content is %(actual)s."),
            code="disguised",
            params={"name": name, "expected": kind.description, "actual": describe_content(head)},
        )
    declared = _declared_type(file)
    if declared not in UNDECLARED_TYPES and declared not in (kind.content_type, *kind.aliases):
        raise ValidationError(
            _("The file “%(name)s” was sent as type “%(declared)s” but its content is %(actual)s."),
            code="content_type",
            params={"name": name, "declared": declared, "actual": kind.description},
        )
    if kind is PDF and b"%%EOF" not in tail:
        raise ValidationError(
            _("The PDF file “%(name)s” is incomplete or damaged: it has no end-of-file marker."),
            code="damaged",
            params={"name": name},
        )
    if kind.pillow_formats:
        _check_image(file, kind, name)
    return CheckedFile(kind=kind, extension=kind.extensions[0], size=size, sha256=digest)


def storage_name(checked: CheckedFile) -> str:
    """A random, unguessable file name; the upload's own name is never used on storage."""
    return f"{uuid.uuid4().hex}{checked.extension}"


def download_name(title: str, extension: str) -> str:
    """A safe file name for Content-Disposition, made from the document's title."""
    cleaned = "".join(
        " " if (ch in '\\/:*?"<>|' or ord(ch) < 32 or ord(ch) == 127) else ch for ch in title
    )
    cleaned = " ".join(cleaned.split()).strip(" .")[:150] or "document"
    return f"{cleaned}{extension}"


def file_extension(name: str) -> str:
    return PurePath(name or "").suffix.lower()


def content_type_for(name: str) -> str:
    kind = KIND_BY_EXTENSION.get(file_extension(name))
    return kind.content_type if kind else "application/octet-stream"


# --- Expiry -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Expiry:
    state: str  # "none", "valid", "soon", "expired"
    days: int | None  # days left (negative when expired)


def expiry_of(document: Document, today: datetime.date | None = None) -> Expiry:
    today = today or timezone.localdate()
    if not document.expires_on:
        return Expiry("none", None)
    days = (document.expires_on - today).days
    if document.is_expired(today):
        return Expiry("expired", days)
    if document.expires_soon(today):
        return Expiry("soon", days)
    return Expiry("valid", days)


# --- Services ---------------------------------------------------------------------------

DOCUMENT_EDITABLE_FIELDS = frozenset(
    {"doc_type", "title", "number", "issuer", "issued_on", "expires_on", "product"}
)


def _require_change(actor, producer: Producer) -> None:
    """Defence in depth: views already 404 outside the scope; ``actor=None`` is the system."""
    if actor is not None and not (
        Producer.objects.restrict(actor, CHANGE).filter(pk=producer.pk).exists()
    ):
        raise PermissionDenied


def _store(field_file, checked: CheckedFile, file) -> None:
    content = file if isinstance(file, File) else File(file)
    field_file.save(storage_name(checked), content, save=False)


def _discard(field_file) -> None:
    if field_file and field_file.name:
        field_file.storage.delete(field_file.name)


def _delete_on_commit(storage, name: str) -> None:
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def document_upload(
    *,
    actor,
    producer: Producer,
    product: Product | None = None,
    file,
    doc_type: str,
    title: str,
    number: str = "",
    issuer: str = "",
    issued_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
) -> Document:
    """Check and keep an evidence file of a producer (optionally about one of its products).

    The same file (same SHA-256) is kept once per producer: a second upload is refused and
    names the document already holding it, so the producer reuses it instead.
    """
    _require_change(actor, producer)
    checked = inspect_upload(file)
    # Serialise uploads of one producer so two identical files cannot slip in together.
    Producer.objects.select_for_update().filter(pk=producer.pk).first()
    existing = Document.objects.filter(producer=producer, sha256=checked.sha256).first()
    if existing is not None:
        raise ValidationError(
            {
                "file": ValidationError(
                    _(
                        "This file is already kept for this producer as “%(title)s” "
                        "(uploaded on %(date)s): use that document instead of uploading it "
                        "again."
                    ),
                    code="duplicate",
                    params={
                        "title": existing.title,
                        "date": formatting.day(timezone.localdate(existing.created_at)),
                        "pk": existing.pk,
                    },
                )
            }
        )
    document = Document(
        producer=producer,
        product=product,
        doc_type=doc_type,
        title=title,
        number=number,
        issuer=issuer,
        issued_on=issued_on,
        expires_on=expires_on,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    document.full_clean(exclude=["file"])
    _store(document.file, checked, file)
    try:
        document.save()
        audit.record(
            actor=actor,
            action="ocop.document.uploaded",
            target=document,
            after=audit.snapshot(document),
        )
    except BaseException:
        _discard(document.file)
        raise
    return document


@transaction.atomic
def document_update(*, actor, document: Document, reason: str = "", **fields) -> Document:
    """Change a document's description (type, title, number, issuer, dates, product).

    The file itself never changes: a renewed certificate is a new document, so whatever was
    assessed against the old file keeps pointing at the very bytes it was assessed on.
    """
    _require_change(actor, document.producer)
    unknown = set(fields) - DOCUMENT_EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))} of a document")
    watched = sorted(DOCUMENT_EDITABLE_FIELDS)
    before = audit.snapshot(document, watched)
    for name, value in fields.items():
        setattr(document, name, value)
    document.full_clean()
    document.save()
    audit.record_changes(
        actor=actor,
        action="ocop.document.updated",
        target=document,
        before=before,
        after=audit.snapshot(document, watched),
        reason=reason,
    )
    return document


@transaction.atomic
def document_delete(*, actor, document: Document, reason: str) -> None:
    """Delete a document and, once the transaction commits, its file."""
    _require_change(actor, document.producer)
    if not (reason or "").strip():
        raise ValidationError(
            {"reason": _("Give the reason for deleting this document.")}, code="required"
        )
    audit.record(
        actor=actor,
        action="ocop.document.deleted",
        target=document,
        before=audit.snapshot(document),
        reason=reason.strip(),
    )
    storage, name = document.file.storage, document.file.name
    try:
        with transaction.atomic():
            document.delete()
    except (models.ProtectedError, models.RestrictedError) as exc:
        raise ValidationError(
            _("This document is used as evidence elsewhere and cannot be deleted."),
            code="protected",
        ) from exc
    if name:
        _delete_on_commit(storage, name)


@transaction.atomic
def product_image_add(
    *, actor, product: Product, file, caption: str = "", position: int | None = None
) -> ProductImage:
    """Add a JPEG, PNG or WebP picture of a product (PDFs are refused)."""
    _require_change(actor, product.producer)
    if file_extension(getattr(file, "name", "")) in PDF.extensions:
        raise ValidationError(
            _("A product image must be a JPEG, PNG or WebP picture."), code="not_an_image"
        )
    checked = inspect_upload(file, kinds=IMAGE_KINDS)
    if position is None:
        last = product.images.aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
    image = ProductImage(product=product, caption=caption, position=position)
    _store(image.image, checked, file)
    try:
        image.full_clean()
        image.save()
        audit.record(
            actor=actor,
            action="ocop.product_image.added",
            target=image,
            after=audit.snapshot(image),
        )
    except BaseException:
        _discard(image.image)
        raise
    return image


@transaction.atomic
def product_image_remove(*, actor, image: ProductImage, reason: str = "") -> None:
    """Remove a product picture and, once the transaction commits, its file."""
    _require_change(actor, image.product.producer)
    audit.record(
        actor=actor,
        action="ocop.product_image.removed",
        target=image,
        before=audit.snapshot(image),
        reason=reason,
    )
    storage, name = image.image.storage, image.image.name
    image.delete()
    if name:
        _delete_on_commit(storage, name)
