"""Uploaded files: their type told by their content, stored under a name the system
chooses, served with an explicit type (issue 13, finding 1: a stored XSS).

A file a person uploads is never trusted by its name or its first bytes. `inspect()`
parses it — a PDF must open with pyHanko and have a catalogue and at least one page, an
image must decode with Pillow, an Office or OFD package must be a ZIP holding the parts
its format requires — and refuses anything else with a clear message (`InvalidInput`,
code `file_type_invalid` unless the caller names its own). What passes is a
`CheckedFile`: the bytes, the `FileType` found, the SHA-256 and a display label made
from the uploaded name (sanitised; its extension replaced by the type's). `store()`
saves it under a random name with the type's extension; the uploaded name is never a
path on disk and never decides a Content-Type.

`serve()` (a stored file) and `serve_bytes()` (bytes made now) answer a download:
always an explicit Content-Type from the type (never guessed from a name),
`Content-Disposition: attachment` unless the caller asks for inline *and* the type is a
PDF or an image a browser shows, an ASCII filename with the UTF-8 one beside it
(RFC 6266), `X-Content-Type-Options: nosniff`, and a Content-Security-Policy of its own
that lets nothing in the file run. Files stored before this module (under the name
the uploader chose) are typed by their content when served; what cannot be recognised
goes out as `application/octet-stream`, attachment.

Using it, e.g. for a report's attachment (PDF, Word, OFD or an image) that a form or an
API call hands to a service::

    from yinzheng.core import uploads

    REPORT_ATTACHMENTS = {uploads.PDF, uploads.DOC, uploads.DOCX, uploads.OFD}
    REPORT_ATTACHMENTS |= uploads.IMAGES

    name, data = uploads.read(attachment)   # a Django upload or a (name, bytes) pair
    # the caller's own checks: empty, too large (upload.size before, len(data) after)
    checked = uploads.inspect(
        data,
        name=name,
        accept=REPORT_ATTACHMENTS,
        what=_("附件"),                      # the message: "附件须为以下格式之一：…"
        code=StatsCode.ATTACHMENT_TYPE_INVALID,  # optional; file_type_invalid otherwise
    )                                        # InvalidInput (400) when it is none of them
    uploads.store(report.attachment, checked)   # random name + the type's extension
    report.attachment_name = checked.label      # shown and offered, never a path
    report.attachment_sha256 = checked.sha256

and in the view (or API action) that serves it, after the visibility check::

    return uploads.serve(
        report.attachment,
        filename=report.attachment_name,    # its extension becomes the type's
        inline=True,                        # honoured for a PDF or an image only
        fallback=f"report-{report.pk}",     # the ASCII filename= for old clients
    )

Bytes made on the fly (an export) go out with `serve_bytes(data, file_type=uploads.XLSX,
filename=…)`. The accepted sets are named below (`SIGNATURES`, `SCANS`, `SEALABLE`,
`DOCUMENTS`, `IMAGES`); any collection of the `FileType` constants will do. A file
stored under another naming scheme (e.g. a hash prefix) is typed by its content when
served, so old files need no migration.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import unicodedata
import warnings
import zipfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _

from .errors import CoreCode, ErrorCode, InvalidInput

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.db.models.fields.files import FieldFile

Upload: TypeAlias = "UploadedFile[bytes] | tuple[str, bytes]"

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Larger than any scan a committee sends; Pillow's own bomb limit is ~179 megapixels.
MAX_IMAGE_PIXELS = 80_000_000
# The parts of a package read to tell its type; a bigger one is not what it claims.
MAX_PART_BYTES = 2 * 1024 * 1024
MAX_LABEL_CHARS = 200


@dataclass(frozen=True)
class FileType:
    """A type the system accepts or produces. `previewable`: a browser shows it itself
    (PDF and the common images), so it may be served inline when a page asks."""

    key: str
    extension: str
    content_type: str
    label: str
    previewable: bool = False

    def __str__(self) -> str:
        return self.label


PDF = FileType("pdf", ".pdf", "application/pdf", "PDF", previewable=True)
PNG = FileType("png", ".png", "image/png", "PNG", previewable=True)
JPEG = FileType("jpeg", ".jpg", "image/jpeg", "JPEG", previewable=True)
GIF = FileType("gif", ".gif", "image/gif", "GIF", previewable=True)
WEBP = FileType("webp", ".webp", "image/webp", "WebP", previewable=True)
TIFF = FileType("tiff", ".tif", "image/tiff", "TIFF")
OFD = FileType("ofd", ".ofd", "application/ofd", "OFD")
DOC = FileType("doc", ".doc", "application/msword", "Word（.doc）")
DOCX = FileType(
    "docx",
    ".docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word（.docx）",
)
XLS = FileType("xls", ".xls", "application/vnd.ms-excel", "Excel（.xls）")
XLSX = FileType(
    "xlsx",
    ".xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "Excel（.xlsx）",
)
# Produced by the system only (exports); never accepted from an upload.
CSV = FileType("csv", ".csv", "text/csv; charset=utf-8", "CSV")
# Made by the system only (the archive's anchor), never accepted as an upload.
JSON = FileType("json", ".json", "application/json", "JSON")
OCTET_STREAM = FileType("bin", ".bin", "application/octet-stream", "—")

IMAGES = frozenset({PNG, JPEG, GIF, WEBP, TIFF})
# A signature drawn on the screen (signature.js sends a PNG).
SIGNATURES = frozenset({PNG})
# A signed paper page, scanned or photographed (the commitment, REQ-082).
SCANS = frozenset({PDF, JPEG, PNG})
# What may be sealed (REQ-057): the document itself, as a PDF, an OFD or an image.
SEALABLE = frozenset({PDF, OFD}) | IMAGES
# Materials, justifications, reports: the above and the office formats.
DOCUMENTS = SEALABLE | {DOC, DOCX, XLS, XLSX}

ALL_TYPES = (PDF, PNG, JPEG, GIF, WEBP, TIFF, OFD, DOC, DOCX, XLS, XLSX, CSV)
_BY_EXTENSION = {t.extension: t for t in ALL_TYPES}
# The name `store()` gives: 32 hex digits and the type's extension (a storage that
# finds the name taken appends "_" and 7 characters).
_STORED_NAME = re.compile(r"^[0-9a-f]{32}(?:_[A-Za-z0-9]{7})?(\.[a-z]{3,4})$")


class FileTypeRefused(InvalidInput):
    code: ErrorCode = CoreCode.FILE_TYPE_INVALID


# Telling the type ---------------------------------------------------------------------


def detect(data: bytes) -> FileType | None:
    """The type `data` really is, parsed and decoded, or None. Never looks at a name."""
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _image(data, "PNG", PNG)
    if head.startswith(b"\xff\xd8\xff"):
        return _image(data, "JPEG", JPEG)
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return _image(data, "GIF", GIF)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _image(data, "WEBP", WEBP)
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return _image(data, "TIFF", TIFF)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _compound_document(data)
    if head.startswith(b"PK\x03\x04"):
        return _package(data)
    # Readers look for the header within the first 1024 bytes; so does this, and then
    # the file must open as a PDF, not merely carry the marker (issue 13).
    if b"%PDF-" in data[:1024]:
        return PDF if _is_pdf(data) else None
    return None


def _pdf_reader(data: bytes) -> Any:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(data), strict=False)


def _is_pdf(data: bytes) -> bool:
    """Opens as a PDF: a trailer leading to a catalogue (/Type /Catalog) whose page tree
    has a first page. A text file that only starts with "%PDF-" does not."""
    try:
        reader = _pdf_reader(data)
        root = reader.root
        if root.get("/Type") != "/Catalog":
            return False
        pages = root["/Pages"]
        if int(pages.get("/Count", 0)) < 1:
            return False
        reader.find_page_container(0)
    except Exception:  # anything a broken file raises means "not a PDF"
        return False
    return True


def pdf_needs_password(data: bytes) -> bool:
    """Encrypted so that it cannot be opened without a password (a reviewer could not
    read it). A PDF only restricted by an owner password opens."""
    try:
        reader = _pdf_reader(data)
        if not reader.encrypted:
            return False
        from pyhanko.pdf_utils.crypt import AuthStatus

        return reader.decrypt(b"").status == AuthStatus.FAILED
    except Exception:  # unreadable: ask for an unencrypted file
        return True


def _image(data: bytes, pillow_format: str, found: FileType) -> FileType | None:
    """Decodes with Pillow as the format its signature names (the first frame)."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != pillow_format:
                    return None
                width, height = image.size
                if not width or not height or width * height > MAX_IMAGE_PIXELS:
                    return None
                image.load()
    except Exception:  # truncated, corrupt, a bomb: not an image
        return None
    return found


# An OLE2 compound file (Word 97–2003, Excel 97–2003): the stream every such document
# has, named in a directory entry (UTF-16). An installer or a mail file shares the
# container, not these streams.
_OLE_STREAMS = (
    ("WordDocument".encode("utf-16-le"), DOC),
    ("Workbook".encode("utf-16-le"), XLS),
    ("Book\x00".encode("utf-16-le"), XLS),
)


def _compound_document(data: bytes) -> FileType | None:
    # Header: byte order FFFE, sector size 2^9 (version 3) or 2^12 (version 4).
    if len(data) < 1536 or data[28:30] != b"\xfe\xff":
        return None
    version_and_shift = (data[26:28], data[30:32])
    if version_and_shift not in (
        (b"\x03\x00", b"\x09\x00"),
        (b"\x04\x00", b"\x0c\x00"),
    ):
        return None
    for stream, found in _OLE_STREAMS:
        if stream in data:
            return found
    return None


# OOXML: the content-type list declares the main part, which must be there too.
_OOXML = (
    (
        DOCX,
        "word/document.xml",
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    (
        XLSX,
        "xl/workbook.xml",
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
)
_OFD_DOC_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?DocRoot>\s*([^<\s]+)\s*</")


def _part(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    if info.file_size > MAX_PART_BYTES:
        return None
    with package.open(info) as fh:
        return fh.read(MAX_PART_BYTES)


def _package(data: bytes) -> FileType | None:
    """A ZIP package: an OOXML document (its [Content_Types].xml declaring the main
    part, and that part present) or an OFD (GB/T 33190: OFD.xml at the root naming a
    document root that is in the package)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = {i.filename: i for i in package.infolist()}
            types = infos.get("[Content_Types].xml")
            if types is not None:
                declared = _part(package, types) or b""
                for found, main, media_type in _OOXML:
                    if main in infos and media_type in declared:
                        return found
                return None
            ofd = next((i for n, i in infos.items() if n.lower() == "ofd.xml"), None)
            if ofd is not None:
                match = _OFD_DOC_ROOT.search(_part(package, ofd) or b"")
                if match is None:
                    return None
                root = match.group(1).decode("utf-8", "replace").lstrip("/")
                lowered = {n.lower() for n in infos}
                return OFD if root.lower() in lowered else None
    except Exception:  # a broken archive is not a document
        return None
    return None


# Checking an upload -------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    """An upload whose type its content shows. `label` is for people (the uploaded
    name, sanitised, with the type's extension); `stored_name` is for the disk."""

    data: bytes = field(repr=False)
    file_type: FileType
    label: str
    sha256: str
    token: str = field(default_factory=lambda: secrets.token_hex(16), repr=False)

    @property
    def stored_name(self) -> str:
        """Random, with the type's extension: nothing the uploader chose."""
        return self.token + self.file_type.extension

    @property
    def size(self) -> int:
        return len(self.data)

    def content(self) -> ContentFile[bytes]:
        return ContentFile(self.data, name=self.stored_name)


def read(upload: Upload) -> tuple[str, bytes]:
    """The uploaded name and the bytes, whether a Django upload or a (name, bytes)
    pair; the caller checks the size (upload.size before, len(data) after)."""
    if isinstance(upload, tuple):
        name, data = upload
        return str(name or ""), bytes(data)
    data = b"".join(upload.chunks())
    upload.seek(0)
    return str(upload.name or ""), data


def _types_text(accept: Iterable[FileType]) -> str:
    return "、".join(t.label for t in ALL_TYPES if t in set(accept))


def inspect(
    data: bytes,
    *,
    name: str = "",
    accept: Collection[FileType],
    what: Any,
    code: ErrorCode = CoreCode.FILE_TYPE_INVALID,
) -> CheckedFile:
    """The upload checked by its content (issue 13): one of `accept`, or InvalidInput
    with `code` and a message naming `what` (a translated noun: "签字页") and the types
    it may be. A PDF that needs a password to open is refused too (nobody could review
    it)."""
    found = detect(data)
    if found is None or found not in accept:
        if found is None and b"%PDF-" in data[:1024]:
            message = _(
                "%(what)s不是能打开的 PDF 文件：文件开头有 PDF 标记，但缺少目录或页面。"
                "请上传原始的 PDF 文件。"
            ) % {"what": what}
        else:
            message = _(
                "%(what)s须为以下格式之一：%(types)s。格式按文件内容识别，与文件名无关。"
            ) % {"what": what, "types": _types_text(accept)}
        raise FileTypeRefused(message, code=code, detail={"accepted": _keys(accept)})
    if found is PDF and pdf_needs_password(data):
        raise FileTypeRefused(
            _("%(what)s是设有打开密码的 PDF 文件，无法审阅，请上传未加密的文件。")
            % {"what": what},
            code=code,
            detail={"accepted": _keys(accept)},
        )
    return CheckedFile(
        data=data,
        file_type=found,
        label=display_name(name, found),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _keys(accept: Iterable[FileType]) -> list[str]:
    return [t.key for t in ALL_TYPES if t in set(accept)]


# Invisible and direction-changing characters (a name "gpj.exe" shown as "exe.jpg"),
# and those no file name may hold on Windows.
_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}
_NOT_IN_NAMES = re.compile(r'[<>:"|?*]')
_EXTENSION = re.compile(r"^\.[A-Za-z0-9]{1,5}$")


def display_name(name: str, file_type: FileType, *, fallback: str = "") -> str:
    """A name to show and to offer when downloading: the last path segment of what was
    uploaded, without control, format or bidirectional characters, its extension
    replaced by the type's, at most 200 characters. Never used as a path."""
    base = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(
        " " if c.isspace() else c
        for c in unicodedata.normalize("NFC", base)
        if c.isspace() or unicodedata.category(c) not in _INVISIBLE
    )
    base = _NOT_IN_NAMES.sub("_", re.sub(r"\s+", " ", base)).strip(" .")
    stem, extension = os.path.splitext(base)
    if not _EXTENSION.match(extension):
        stem = base
    stem = stem.strip(" .") or fallback or _("文件")
    room = MAX_LABEL_CHARS - len(file_type.extension)
    return stem[:room] + file_type.extension


def store(target: FieldFile, checked: CheckedFile) -> str:
    """Save the checked file into a model's file field under the system's name (the
    model is saved by the caller). Returns the stored name."""
    target.save(checked.stored_name, checked.content(), save=False)
    return target.name or ""


# Serving ------------------------------------------------------------------------------

# A file's own policy (the site's pages get theirs from django-csp, which leaves a
# header already set alone): nothing in a file may run or load anything. Chrome's PDF
# viewer draws the PDF through an internal <embed> of the same URL and styles its page
# inline, so an inline PDF needs object-src 'self' and inline styles; nothing else does.
FILE_CSP = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox"
)
PDF_CSP = (
    "default-src 'none'; object-src 'self'; img-src 'self'; "
    "style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'"
)


_Response = TypeVar("_Response", FileResponse, HttpResponse)


def stored_type(target: FieldFile) -> FileType:
    """The type of a stored upload: the extension of a name `store()` chose (its content
    was checked then); for an older file, stored under its uploader's name, the type its
    content shows now; `OCTET_STREAM` when it is none the system knows."""
    base = os.path.basename(target.name or "")
    match = _STORED_NAME.match(base)
    if match and match.group(1) in _BY_EXTENSION:
        return _BY_EXTENSION[match.group(1)]
    try:
        with target.open("rb") as fh:
            data = fh.read(MAX_UPLOAD_BYTES + 1)
    except (FileNotFoundError, ValueError):
        return OCTET_STREAM
    if len(data) > MAX_UPLOAD_BYTES:
        return OCTET_STREAM
    return detect(data) or OCTET_STREAM


def ascii_filename(filename: str, *, fallback: str = "file") -> str:
    """An ASCII stand-in for a download name (for clients without RFC 5987): an ASCII
    name with letters, digits, "-", "_" and "." kept (the rest become "_"); `fallback`
    for a name in another script (its remains would mean nothing) or nothing left."""
    stem, extension = os.path.splitext(filename)
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-")
    if not stem.isascii():
        ascii_stem = ""
    ascii_extension = re.sub(r"[^A-Za-z0-9.]", "", extension)
    return (ascii_stem or fallback) + ascii_extension


def content_disposition(filename: str, *, inline: bool, fallback: str = "file") -> str:
    """`attachment` (or `inline`) with an ASCII `filename=` every client reads and, when
    the name is not plain ASCII, the exact one as `filename*=UTF-8''…` (RFC 6266)."""
    disposition = "inline" if inline else "attachment"
    plain = ascii_filename(filename, fallback=fallback)
    header = f'{disposition}; filename="{plain}"'
    if plain != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def _finish(
    response: _Response, file_type: FileType, filename: str, inline: bool, fallback: str
) -> _Response:
    inline = inline and file_type.previewable
    name = display_name(filename, file_type, fallback=fallback)
    response["Content-Type"] = file_type.content_type
    response["Content-Disposition"] = content_disposition(
        name, inline=inline, fallback=fallback
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        PDF_CSP if inline and file_type is PDF else FILE_CSP
    )
    return response


def serve(
    target: FieldFile | None,
    *,
    filename: str,
    inline: bool = False,
    file_type: FileType | None = None,
    fallback: str = "file",
) -> FileResponse:
    """A stored file as a download (issue 13). `filename` is the name offered (a
    display label; its extension becomes the type's); `inline` asks the browser to
    show a PDF or an image itself (anything else is an attachment whatever is asked);
    `file_type` is for files the system made itself (a rendered PDF, an archive),
    otherwise the type is `stored_type()`. 404 when there is no file."""
    if not target or not target.name:
        raise Http404
    found = file_type or stored_type(target)
    try:
        handle = target.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=found.content_type)
    return _finish(response, found, filename, inline, fallback)


def serve_bytes(
    data: bytes,
    *,
    file_type: FileType,
    filename: str,
    inline: bool = False,
    fallback: str = "file",
) -> HttpResponse:
    """Bytes made now (a rendered PDF, an export) served like `serve()`."""
    response = HttpResponse(data, content_type=file_type.content_type)
    return _finish(response, file_type, filename, inline, fallback)
