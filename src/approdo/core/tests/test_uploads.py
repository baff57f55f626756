"""The one upload check: allow-listed extensions, verified by content, for every upload field."""

import importlib
import io
import zipfile

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from approdo.core import uploads

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
MB = 1024 * 1024


def _zip(entries: dict[str, bytes], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index, (name, content) in enumerate(entries.items()):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), content, compress_type=method)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"},
    stored_first=True,
)
ODS = _zip(
    {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<o/>"},
    stored_first=True,
)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bando.pdf", PDF),
        ("foto.png", PNG),
        ("foto.JPG", JPEG),
        ("modulo.docx", DOCX),
        ("piano.xlsx", XLSX),
        ("verbale.odt", ODT),
        ("tabella.ods", ODS),
        ("vecchio.doc", OLE2),
        ("vecchio.xls", OLE2),
        ("dati.csv", "comune;persone\nPrato;12\nCittà;3\n".encode()),
        ("note.txt", "Verbale dell'incontro: 3 < 5, è così.".encode("cp1252")),
    ],
)
def test_documents_of_allowed_types_are_accepted(name, content):
    assert uploads.upload_problem(upload(name, content), uploads.DOCUMENTS, 10 * MB) == ""


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("pagina.html", HTML),
        ("pagina.htm", HTML),
        ("disegno.svg", SVG),
        ("pagina.xhtml", HTML),
        ("script.js", b"alert(1)"),
        ("eseguibile.exe", b"MZ\x90\x00"),
        ("documento.xml", b"<?xml version='1.0'?><a/>"),
    ],
)
def test_dangerous_extensions_are_refused(name, content):
    problem = uploads.upload_problem(upload(name, content), uploads.DOCUMENTS, 10 * MB)
    assert "not accepted" in problem


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bando.pdf", HTML),  # HTML renamed .pdf
        ("modulo.docx", PDF),  # a PDF renamed .docx
        ("modulo.docx", XLSX),  # a workbook renamed .docx
        ("modulo.docx", b"PK\x03\x04not really a zip"),
        ("tabella.ods", ODT),  # a text document renamed .ods
        ("verbale.odt", DOCX),
        ("vecchio.doc", PDF),
        ("foto.png", SVG),  # SVG renamed .png
        ("foto.jpg", PNG),
        ("note.txt", HTML),  # HTML renamed .txt
        ("dati.csv", SVG),  # SVG renamed .csv
        ("dati.csv", b"a,b\n<a href='javascript:alert(1)'>x</a>\n"),
        ("note.txt", b"binary\x00data"),
    ],
)
def test_content_not_matching_the_name_is_refused(name, content):
    problem = uploads.upload_problem(upload(name, content), uploads.DOCUMENTS, 10 * MB)
    assert problem == "The content of the file does not match its name."


def test_size_limit():
    problem = uploads.upload_problem(upload("bando.pdf", PDF + b" " * 2048), {".pdf"}, 1024)
    assert "larger than" in problem


def test_upload_is_rewound_after_the_check():
    file = upload("modulo.docx", DOCX)
    assert uploads.upload_problem(file, uploads.DOCUMENTS, MB) == ""
    assert file.read() == DOCX


def test_upload_field_refuses_and_accepts():
    class Form(forms.Form):
        file = uploads.UploadField(max_bytes=MB)

    assert Form(files={"file": upload("bando.pdf", PDF)}).is_valid()
    refused = Form(files={"file": upload("bando.docx", PDF)})
    assert not refused.is_valid() and "does not match" in refused.errors["file"][0]
    assert 'accept=".csv,.doc,.docx' in str(Form()["file"])


# Upload fields whose files are parsed by an import and never stored to be served back.
PARSED_UPLOADS = {
    ("funding.forms", "ImportFileField"),
    ("reports.forms", "ImportFileField"),
    ("surveys.manage_forms", "xlsform"),
}


def _form_classes():
    for config in apps.get_app_configs():
        if not config.name.startswith("approdo."):
            continue
        for module_name in ("forms", "forms_institutions", "forms_sai", "manage_forms"):
            try:
                importlib.import_module(f"{config.name}.{module_name}")
            except ModuleNotFoundError:
                continue
    seen, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return [cls for cls in seen if cls.__module__.startswith("approdo.")]


def test_every_upload_field_of_the_project_checks_content():
    """A new file field that stores what people upload must be an UploadField (or be listed
    here as parsed by an import)."""
    unchecked = []
    for form in _form_classes():
        for name, field in getattr(form, "base_fields", {}).items():
            if not isinstance(field, forms.FileField) or isinstance(field, uploads.UploadField):
                continue
            if isinstance(field, forms.ImageField):
                continue  # Pillow opens it as a raster image: no HTML, no SVG
            module = form.__module__.removeprefix("approdo.")
            if {(module, name), (module, type(field).__name__)} & PARSED_UPLOADS:
                continue
            unchecked.append(f"{form.__module__}.{form.__name__}.{name}")
    assert unchecked == []


def test_call_documents_and_meeting_attachments_use_the_shared_check():
    from approdo.funding.forms import DocumentForm
    from approdo.governance.forms_institutions import AttachmentForm as MeetingAttachmentForm
    from approdo.practices.forms import AttachmentForm as PracticeAttachmentForm

    for form_class in (DocumentForm, MeetingAttachmentForm):
        for name, content in [("a.html", HTML), ("a.svg", SVG), ("a.docx", PDF)]:
            form = form_class(data={"title": "x"}, files={"file": upload(name, content)})
            assert not form.is_valid(), (form_class, name)
            assert "file" in form.errors
        form = form_class(data={"title": "x"}, files={"file": upload("a.docx", DOCX)})
        form.is_valid()
        assert "file" not in form.errors
    form = PracticeAttachmentForm(data={"title": "x"}, files={"file": upload("a.pdf", HTML)})
    assert not form.is_valid() and "file" in form.errors
