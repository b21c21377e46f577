"""core.uploads: the type of an upload told by its parsed content, the stored name the
system chooses, and downloads that carry an explicit type (issue 13, finding 1)."""

import io
import zipfile
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile, FileField

from yinzheng.core import uploads
from yinzheng.core.errors import InvalidInput

from .files import image_bytes, pdf_bytes, png_bytes

HTML_AFTER_PDF_MARKER = b"%PDF-1.4\n<html><script>alert(document.cookie)</script>"


def _zip(parts: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


DOCX_TYPES = (
    '<Types><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
OFD_XML = (
    '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0"><ofd:DocBody>'
    "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
)


def _ole(stream_name: str) -> bytes:
    """A compound-file header (version 3, 512-byte sectors) and a directory entry."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:26] = b"\x3e\x00"
    header[26:28] = b"\x03\x00"
    header[28:30] = b"\xfe\xff"
    header[30:32] = b"\x09\x00"
    directory = stream_name.encode("utf-16-le").ljust(128, b"\x00")
    return bytes(header) + directory.ljust(1536, b"\x00")


def _field(tmp_path, name: str, data: bytes) -> FieldFile:
    storage = FileSystemStorage(location=tmp_path)
    stored = storage.save(name, ContentFile(data))
    field = FileField(storage=storage)
    field.set_attributes_from_name("file")
    return FieldFile(SimpleNamespace(file=None), field, stored)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (pdf_bytes(), uploads.PDF),
        (pdf_bytes(pages=3), uploads.PDF),
        (png_bytes(), uploads.PNG),
        (image_bytes("JPEG"), uploads.JPEG),
        (image_bytes("GIF"), uploads.GIF),
        (image_bytes("WEBP"), uploads.WEBP),
        (image_bytes("TIFF"), uploads.TIFF),
        (
            _zip({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": "<w/>"}),
            uploads.DOCX,
        ),
        (_zip({"OFD.xml": OFD_XML, "Doc_0/Document.xml": "<d/>"}), uploads.OFD),
        (_ole("WordDocument"), uploads.DOC),
        (_ole("Workbook"), uploads.XLS),
    ],
)
def test_a_file_is_typed_by_its_parsed_content(data, expected):
    assert uploads.detect(data) is expected


@pytest.mark.parametrize(
    "data",
    [
        HTML_AFTER_PDF_MARKER,
        "%PDF-1.4 关于修路的决议".encode(),
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>",
        png_bytes()[:40],  # a PNG signature and a cut-off header
        b"\x89PNG\r\n\x1a\n<script>alert(1)</script>",
        b"\xff\xd8\xff<html>",
        b"<!doctype html><script>alert(1)</script>",
        b"MZ\x90\x00",
        _zip({"a.txt": "a zip is not a document"}),
        _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}),
        _zip({"OFD.xml": OFD_XML}),  # names a document root it does not hold
        _ole("NotADocument"),
        b"",
    ],
)
def test_what_only_looks_like_a_known_type_is_none(data):
    assert uploads.detect(data) is None


def test_a_pdf_that_needs_a_password_is_refused_with_the_reason():
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, encrypt=pdfencrypt.StandardEncryption("user", "owner"))
    pdf.drawString(72, 720, "secret")
    pdf.showPage()
    pdf.save()

    with pytest.raises(InvalidInput) as refused:
        uploads.inspect(out.getvalue(), accept=uploads.SEALABLE, what="用印文件")

    assert "打开密码" in str(refused.value.message)


def test_the_sig_html_with_a_pdf_header_and_a_script_is_refused_issue_13():
    with pytest.raises(InvalidInput) as refused:
        uploads.inspect(
            HTML_AFTER_PDF_MARKER, name="sig.html", accept=uploads.SCANS, what="签字页"
        )

    assert refused.value.code == "file_type_invalid"
    assert "不是能打开的 PDF 文件" in str(refused.value.message)


def test_a_text_file_named_doc_pdf_is_refused_naming_the_accepted_types():
    with pytest.raises(InvalidInput) as refused:
        uploads.inspect(
            b"just some text", name="doc.pdf", accept=uploads.SEALABLE, what="用印文件"
        )

    message = str(refused.value.message)
    assert message.startswith("用印文件须为以下格式之一：PDF、PNG、JPEG")
    assert "与文件名无关" in message
    assert refused.value.detail == {
        "accepted": ["pdf", "png", "jpeg", "gif", "webp", "tiff", "ofd"]
    }


def test_a_real_type_outside_the_accepted_set_is_refused():
    with pytest.raises(InvalidInput):
        uploads.inspect(pdf_bytes(), accept=uploads.SIGNATURES, what="签名图像")


def test_the_checked_file_keeps_the_uploaded_name_only_as_a_label():
    checked = uploads.inspect(
        png_bytes(), name="C:\\fakepath\\sig.html", accept=uploads.SCANS, what="签字页"
    )

    assert checked.file_type is uploads.PNG
    assert checked.label == "sig.png"
    assert checked.stored_name.endswith(".png")
    assert len(checked.stored_name) == 32 + len(".png")
    assert "sig" not in checked.stored_name
    other = uploads.inspect(png_bytes(), accept=uploads.SCANS, what="签字页")
    assert other.stored_name != checked.stored_name


@pytest.mark.parametrize(
    ("uploaded", "label"),
    [
        ("合同（最终）.PDF", "合同（最终）.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("scan\u202efdp.exe", "scanfdp.pdf"),  # the right-to-left override dropped
        ('a<b>"c".pdf', "a_b__c_.pdf"),
        ("", "文件.pdf"),
        ("...", "文件.pdf"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_display_names_are_sanitised_and_take_the_types_extension(uploaded, label):
    assert uploads.display_name(uploaded, uploads.PDF) == label


def test_read_takes_a_django_upload_or_a_pair():
    upload = SimpleUploadedFile("a.png", png_bytes(), "image/png")

    assert uploads.read(upload) == ("a.png", png_bytes())
    assert upload.read() == png_bytes()  # rewound for whoever reads it next
    assert uploads.read(("b.pdf", b"x")) == ("b.pdf", b"x")


def test_store_saves_under_the_random_name(tmp_path):
    field = _field(tmp_path, "placeholder.bin", b"")
    checked = uploads.inspect(
        pdf_bytes(), name="report.html", accept=uploads.DOCUMENTS, what="材料"
    )

    stored = uploads.store(field, checked)

    assert stored.endswith(checked.stored_name)
    assert uploads.stored_type(field) is uploads.PDF


def test_the_ascii_fallback_and_the_utf8_name_are_both_given():
    header = uploads.content_disposition("签字页.pdf", inline=False, fallback="sig")

    assert header == (
        "attachment; filename=\"sig.pdf\"; filename*=UTF-8''"
        "%E7%AD%BE%E5%AD%97%E9%A1%B5.pdf"
    )
    assert header.isascii()
    assert (
        uploads.content_disposition("2026-1.xlsx", inline=False)
        == 'attachment; filename="2026-1.xlsx"'
    )


def _headers(response):
    return (
        response["Content-Type"],
        response["Content-Disposition"].split(";")[0],
        response["X-Content-Type-Options"],
    )


def test_a_download_carries_its_explicit_type_nosniff_and_attachment(tmp_path):
    field = _field(tmp_path, "0123456789abcdef0123456789abcdef.docx", b"PK")

    response = uploads.serve(field, filename="论证.docx")

    assert _headers(response) == (uploads.DOCX.content_type, "attachment", "nosniff")
    assert "sandbox" in response["Content-Security-Policy"]


def test_inline_is_only_for_a_pdf_or_an_image(tmp_path):
    pdf = _field(tmp_path, "0123456789abcdef0123456789abcdef.pdf", pdf_bytes())
    tif = _field(tmp_path, "fedcba9876543210fedcba9876543210.tif", b"II*\x00")

    shown = uploads.serve(pdf, filename="a.pdf", inline=True)
    downloaded = uploads.serve(tif, filename="b.tif", inline=True)

    assert _headers(shown) == ("application/pdf", "inline", "nosniff")
    # Chrome draws an inline PDF through an <embed> of the same address.
    assert "object-src 'self'" in shown["Content-Security-Policy"]
    assert _headers(downloaded) == ("image/tiff", "attachment", "nosniff")


def test_a_file_stored_under_its_uploaders_name_is_typed_by_its_content(tmp_path):
    """Files uploaded before issue 13 was fixed keep the name the uploader gave."""
    html = _field(tmp_path, "sig.html", HTML_AFTER_PDF_MARKER)
    png = _field(tmp_path, "sig2.html", png_bytes())

    refused = uploads.serve(html, filename="sig.html", inline=True)
    shown = uploads.serve(png, filename="sig2.html", inline=True)

    assert _headers(refused) == ("application/octet-stream", "attachment", "nosniff")
    assert refused["Content-Disposition"] == 'attachment; filename="sig.bin"'
    assert _headers(shown) == ("image/png", "inline", "nosniff")
    assert 'filename="sig2.png"' in shown["Content-Disposition"]


def test_a_missing_file_is_404(tmp_path):
    from django.http import Http404

    field = _field(tmp_path, "gone.pdf", b"x")
    field.storage.delete(field.name)

    with pytest.raises(Http404):
        uploads.serve(field, filename="gone.pdf", file_type=uploads.PDF)
    with pytest.raises(Http404):
        uploads.serve(None, filename="none.pdf")
