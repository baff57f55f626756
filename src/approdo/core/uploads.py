"""The one check of uploaded files, for every upload field of every app.

A file is accepted when its extension is on the field's allow-list and its content is of that
type: the first bytes for PDF and images, the parts inside the archive for Office and
OpenDocument files, the compound-file header for old Office files, and plain text (no NUL, no
markup) for CSV and TXT. HTML, SVG, XML and scripts are never on a list, whatever their name:
served back from the site they would run in its origin.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext

IMAGES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp"})
DOCUMENTS = frozenset(
    {".pdf", ".odt", ".ods", ".doc", ".docx", ".xls", ".xlsx", ".csv", ".txt"}
    | {".jpg", ".jpeg", ".png"}
)
PDF_ONLY = frozenset({".pdf"})

_HEAD = 8192
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|svg|script|iframe|object|embed|\?xml|meta|a\s)",
    re.IGNORECASE,
)


def _starts(*prefixes: bytes) -> Callable[[UploadedFile, bytes], bool]:
    return lambda upload, head: head.startswith(prefixes)


def _webp(upload: UploadedFile, head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _zip_names(upload: UploadedFile) -> list[str]:
    try:
        with zipfile.ZipFile(upload) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return []
    finally:
        upload.seek(0)


def _ooxml(folder: str) -> Callable[[UploadedFile, bytes], bool]:
    def check(upload: UploadedFile, head: bytes) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        names = _zip_names(upload)
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)

    return check


def _opendocument(mimetype: bytes) -> Callable[[UploadedFile, bytes], bool]:
    # The ODF package starts with an uncompressed "mimetype" entry holding the media type.
    def check(upload: UploadedFile, head: bytes) -> bool:
        return (
            head.startswith(b"PK\x03\x04")
            and head[30:38] == b"mimetype"
            and (head[38 : 38 + len(mimetype)] == mimetype)
        )

    return check


def _text(upload: UploadedFile, head: bytes) -> bool:
    if b"\x00" in head or _MARKUP.search(head):
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            # The head may end inside a multi-byte character: ignore the last few bytes.
            head[: len(head) - 4 if len(head) == _HEAD else None].decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


CONTENT_CHECKS: dict[str, Callable[[UploadedFile, bytes], bool]] = {
    ".pdf": _starts(b"%PDF-"),
    ".png": _starts(b"\x89PNG\r\n\x1a\n"),
    ".jpg": _starts(b"\xff\xd8\xff"),
    ".jpeg": _starts(b"\xff\xd8\xff"),
    ".gif": _starts(b"GIF87a", b"GIF89a"),
    ".webp": _webp,
    ".docx": _ooxml("word/"),
    ".xlsx": _ooxml("xl/"),
    ".odt": _opendocument(b"application/vnd.oasis.opendocument.text"),
    ".ods": _opendocument(b"application/vnd.oasis.opendocument.spreadsheet"),
    ".doc": _starts(_OLE2),
    ".xls": _starts(_OLE2),
    ".csv": _text,
    ".txt": _text,
}


def upload_problem(upload: UploadedFile, allowed: Iterable[str], max_bytes: int) -> str:
    """Why `upload` is refused (a sentence for the person), or "" when it is accepted."""
    allowed = frozenset(allowed)
    unknown = allowed - CONTENT_CHECKS.keys()
    assert not unknown, f"no content check for {sorted(unknown)}"  # noqa: S101
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in allowed:
        return gettext("This kind of file is not accepted: use %(kinds)s.") % {
            "kinds": ", ".join(sorted(s.lstrip(".") for s in allowed))
        }
    if upload.size is None or upload.size > max_bytes:
        return gettext("The file is larger than the %(size)s MB allowed.") % {
            "size": round(max_bytes / 1024 / 1024, 1)
        }
    upload.seek(0)
    head = upload.read(_HEAD)
    upload.seek(0)
    if not CONTENT_CHECKS[suffix](upload, head):
        return gettext("The content of the file does not match its name.")
    return ""


def validate_upload(upload: UploadedFile, allowed: Iterable[str], max_bytes: int) -> None:
    problem = upload_problem(upload, allowed, max_bytes)
    if problem:
        raise ValidationError(problem, code="invalid_upload")


def accept_attribute(allowed: Iterable[str]) -> str:
    """The `accept` attribute of a file input for `allowed` extensions."""
    return ",".join(sorted(allowed))


class UploadField(forms.FileField):
    """A file field that accepts only the `allowed` extensions, checked by content, up to
    `max_bytes`."""

    def __init__(self, *, allowed: Iterable[str] = DOCUMENTS, max_bytes: int, **kwargs):
        self.allowed = frozenset(allowed)
        self.max_bytes = max_bytes
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", accept_attribute(self.allowed))

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and isinstance(upload, UploadedFile):
            validate_upload(upload, self.allowed, self.max_bytes)
        return upload
