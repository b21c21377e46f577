"""The certificate (REQ-047), laid out from the item's template (式样) in force on the day
of issue, or from the default layout: serial top right, title, the certified content,
特此证明, the committee and the date bottom right under the seal (the drawn red seal
when issued electronically, a dashed circle for the stamp when printed), and a footer
with the catalogue version and the square of the verification QR.

A template with placeholders (`PLACEHOLDERS`) is filled in; one without any is a sample
for people to read, and the default wording is used then. `seal_position` tells esign
where the seal sits, so the electronic seal's signature lies exactly over the drawn one.
The approval binds the SHA-256 of the rendered PDF, so the rendering is a pure function
of `CertificateDoc`: no database, no clock, the same bytes for the same input.
"""

import dataclasses
import datetime
import hashlib
import io
import json
import re
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from yinzheng.core.seal_image import draw_seal

from .page import (
    GREY,
    LIGHT,
    MARGIN_MM,
    QR_SIZE_MM,
    SEAL_DIAMETER_MM,
    _canvas,
    _draft_mark,
    _number,
    _p,
    _styles,
    _watermark,
    cn_date,
)


@dataclass(frozen=True)
class CertificateDoc:
    serial: str  # e.g. "620725101001-2026-000123"
    committee_name: str  # e.g. "清泉镇城关村村民委员会"
    committee_code: str
    title: str  # the item's name, e.g. "居住证明"
    body: str  # the certified content (may contain newlines)
    resident_name: str  # printed in full on the certificate itself
    id_number_masked: str  # e.g. "620725********1234"
    requiring_unit: str  # 需要单位 (may be "")
    purpose: str  # 用途
    issue_date: datetime.date
    template_text: str = ""  # the item's 式样 (guide.certificate_format)
    catalogue_version: str = ""  # e.g. "山丹县出具证明事项清单 v3"
    electronic: bool = False  # True: draw the seal; False: leave a stamp box
    sample: bool = False  # demo data: a visible "示例" watermark
    qr_payload: str | None = None  # None: the reserved QR square stays empty
    # e.g. "7K3M-Q9XD", printed beside the serial (issue 14): serial and check code verify
    # the certificate on the public page without the QR.
    check_code: str = ""
    # Before issuance (issue 14): marked 草稿·未生效 across the page, no seal drawn and
    # no QR, so a draft downloaded before approval can never pass for the certificate.
    draft: bool = False
    # The holder's ID number in full (issue 16): the certificate is the holder's own
    # document and its wording reads 兹证明某某（身份证号）. "" (content stored before
    # it was kept): the masked number is printed.
    id_number: str = ""
    # When the PDF was made (its CreationDate): the draft's at verification, the
    # certificate's at issue. Not content: the draft and the certificate differ in it.
    made_at: datetime.datetime | None = None


# Not content: the marks of an issued certificate, which its draft never shows. Issuance
# takes them from where they are kept (the signed token, the keyed check code), never
# from a stored copy the approval does not cover (issue 14).
ISSUE_MARKS = ("qr_payload", "check_code", "draft", "made_at")


def doc_content(doc: CertificateDoc) -> dict:
    """The certificate's content as JSON-ready values: what the approval binds (its
    draft rendering) and what issuance renders again (issue 14)."""
    values = dataclasses.asdict(doc)
    values["issue_date"] = doc.issue_date.isoformat()
    for mark in ISSUE_MARKS:
        values.pop(mark)
    if not values["id_number"]:
        # Content stored before the full number was kept hashes as it did then.
        values.pop("id_number")
    return values


def content_sha256(doc: CertificateDoc) -> str:
    """SHA-256 of what the certificate shows from its content (doc_content, in
    canonical JSON: sorted keys, no spaces): equal for two docs that render the same
    draft, whatever else a stored content dict holds."""
    canonical = json.dumps(
        doc_content(doc), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def doc_from_content(values: dict) -> CertificateDoc:
    known = {f.name for f in dataclasses.fields(CertificateDoc)} - set(ISSUE_MARKS)
    kept = {k: v for k, v in values.items() if k in known}
    kept["issue_date"] = datetime.date.fromisoformat(values["issue_date"])
    return CertificateDoc(**kept)


PLACEHOLDERS = (
    "resident_name",
    "id_number",
    "body",
    "purpose",
    "requiring_unit",
    "committee_name",
    "date",
)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def template_values(doc: CertificateDoc) -> dict[str, str]:
    return {
        "resident_name": doc.resident_name,
        "id_number": _identity(doc),
        "body": doc.body.strip(),
        "purpose": doc.purpose,
        "requiring_unit": doc.requiring_unit,
        "committee_name": doc.committee_name,
        "date": cn_date(doc.issue_date),
    }


def _identity(doc: CertificateDoc) -> str:
    return doc.id_number or doc.id_number_masked


def _with_identity(line: str, doc: CertificateDoc, who: str) -> str:
    """The line with the holder's ID number after the first mention of the name,
    unless the number (or another bracket) already follows it."""
    at = line.find(doc.resident_name)
    if at < 0:
        return line
    end = at + len(doc.resident_name)
    if line[end : end + 1] in ("（", "("):
        return line
    return line[:at] + who + line[end:]


def fill_template(template: str, values: dict[str, str]) -> str:
    """Substitute {name} for the names given; any other brace stays as it is."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def uses_placeholders(template: str) -> bool:
    return any(m.group(1) in PLACEHOLDERS for m in _PLACEHOLDER.finditer(template))


def certificate_paragraphs(doc: CertificateDoc) -> list[tuple[str, bool]]:
    """The text of the certificate under its title: (paragraph, indented) pairs.

    A template with placeholders is filled in, line by line. A template without any is
    a sample for people to read (「兹证明某某……」), not a form: the default wording is
    used then, as when there is no template.
    """
    with translation.override("zh-hans"):
        return _certificate_paragraphs(doc)


def _certificate_paragraphs(doc: CertificateDoc) -> list[tuple[str, bool]]:
    if doc.template_text.strip() and uses_placeholders(doc.template_text):
        text = fill_template(doc.template_text, template_values(doc))
        return [
            (line.strip(), True) for line in text.strip().splitlines() if line.strip()
        ]
    paragraphs: list[tuple[str, bool]] = []
    if doc.requiring_unit.strip():
        paragraphs.append((f"{doc.requiring_unit.strip()}：", False))
    lines = [line.strip() for line in doc.body.strip().splitlines() if line.strip()]
    closing = _("特此证明。")
    if lines and lines[-1].rstrip("。").endswith(closing.rstrip("。")):
        # The closing comes last, after the purpose: take it off the body.
        last = lines.pop().rstrip("。").removesuffix(closing.rstrip("。")).strip()
        if last:
            lines.append(last)
    lead = _("兹证明")
    first = lines[0] if lines else ""
    identity = _identity(doc)
    who = _("%(name)s（公民身份号码：%(id)s）") % {
        "name": doc.resident_name,
        "id": identity,
    }
    if doc.resident_name and doc.resident_name not in doc.body:
        first = who + first.removeprefix(lead)
    elif doc.resident_name and identity and identity not in doc.body:
        # The facts name the holder already: the number follows the first mention.
        for i, line in enumerate([first, *lines[1:]]):
            if doc.resident_name in line:
                if i == 0:
                    first = _with_identity(line, doc, who)
                else:
                    lines[i] = _with_identity(line, doc, who)
                break
    if not first.startswith(lead):
        first = lead + first
    paragraphs.append((first, True))
    paragraphs.extend((line, True) for line in lines[1:])
    if doc.purpose.strip():
        paragraphs.append(
            (_("用途：%(purpose)s") % {"purpose": doc.purpose.strip()}, True)
        )
    paragraphs.append((closing, True))
    return paragraphs


def render_certificate(doc: CertificateDoc) -> bytes:
    with translation.override("zh-hans"):
        return _render_certificate(doc)


def _layout(c, doc: CertificateDoc, font: str, st: dict):
    """The certified text in its frame, shrunk if need be so that the certificate stays
    one page, and where the 落款 goes: (frame, used height, top, name_y, centre x)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import KeepInFrame

    w, h = A4
    margin = MARGIN_MM * mm
    seal_r = SEAL_DIAMETER_MM / 2 * mm
    footer_top = margin + QR_SIZE_MM * mm + 5 * mm
    lowest_name = footer_top + 2 * mm + seal_r + 3 * mm  # the seal clears the footer
    top = h - 58 * mm
    flow = [
        _p(text, st["body"] if indented else st["flush"])
        for text, indented in _certificate_paragraphs(doc)
    ]
    frame = KeepInFrame(
        w - 2 * margin, top - lowest_name - 20 * mm, flow, mode="shrink"
    )
    used = frame.wrapOn(c, w - 2 * margin, top - lowest_name - 20 * mm)[1]
    name_y = max(lowest_name, top - used - 20 * mm)
    name_w = stringWidth(doc.committee_name, font, 14)
    cx = min(w - margin - 40 * mm, w - margin - name_w / 2)
    return frame, used, top, name_y, cx


def seal_position(doc: CertificateDoc) -> tuple[float, float, float]:
    """Centre x, centre y and diameter of the seal on the page, in points: where the
    drawn seal or the stamp box is, and where esign puts the electronic seal's
    signature appearance."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from yinzheng.core.pdf import cjk_font

    with translation.override("zh-hans"):
        font = cjk_font()
        _frame, _used, _top, name_y, cx = _layout(
            Canvas(io.BytesIO()), doc, font, _styles(font)
        )
    return cx, name_y - 3 * mm, SEAL_DIAMETER_MM * mm


def _render_certificate(doc: CertificateDoc) -> bytes:
    from reportlab.lib.colors import HexColor, black
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    from yinzheng.core.pdf import cjk_font

    font = cjk_font()
    st = _styles(font)
    w, h = A4
    margin = MARGIN_MM * mm
    seal_r = SEAL_DIAMETER_MM / 2 * mm
    footer_top = margin + QR_SIZE_MM * mm + 5 * mm
    buf = io.BytesIO()
    title = doc.title.strip() or _("证明")
    c = _canvas(
        buf,
        title=f"{title} {doc.serial}",
        author=doc.committee_name,
        made_at=doc.made_at,
    )
    if doc.sample:
        _watermark(c, font)
    if doc.draft:
        _draft_mark(c, font)

    number = _("编号：%(serial)s") % {"serial": doc.serial}
    if doc.check_code and not doc.draft:  # like the QR, only on the certificate
        number += "　" + _("核验码：%(code)s") % {"code": doc.check_code}
    _number(c, font, number)
    c.setFont(font, 22)
    c.drawCentredString(w / 2, h - 45 * mm, title)

    frame, used, top, name_y, cx = _layout(c, doc, font, st)
    frame.drawOn(c, margin, top - used)

    # 落款: committee and date, right of centre; the seal sits over them.
    date_y = name_y - 10 * mm
    date_text = cn_date(doc.issue_date)
    c.setFillColor(black)
    c.setFont(font, 14)
    c.drawCentredString(cx, name_y, doc.committee_name)
    c.drawCentredString(cx, date_y, date_text)
    cy = name_y - 3 * mm
    if doc.electronic and not doc.draft:
        draw_seal(
            c,
            committee_name=doc.committee_name,
            cx=cx,
            cy=cy,
            diameter=SEAL_DIAMETER_MM * mm,
            font_name=font,
        )
    else:
        c.saveState()
        c.setStrokeColor(HexColor(LIGHT))
        c.setFillColor(HexColor(LIGHT))
        c.setLineWidth(0.8)
        c.setDash(4, 3)
        c.circle(cx, cy, seal_r, stroke=1, fill=0)
        c.setFont(font, 9)
        where = _("电子印章处") if doc.electronic else _("盖章处")
        c.drawCentredString(cx, cy + seal_r - 8 * mm, where)
        c.restoreState()

    # Footer: the reserved QR square, how to verify, the catalogue version.
    c.saveState()
    c.setStrokeColor(HexColor("#CCCCCC"))
    c.setLineWidth(0.5)
    c.line(margin, footer_top, w - margin, footer_top)
    qr = QR_SIZE_MM * mm
    payload = None if doc.draft else doc.qr_payload
    if payload:
        _draw_qr(c, payload, margin, margin, qr)
    else:
        c.setStrokeColor(HexColor(LIGHT))
        c.setDash(2, 2)
        c.rect(margin, margin, qr, qr, stroke=1, fill=0)
    c.setFillColor(HexColor(GREY))
    text_x = margin + qr + 4 * mm
    c.setFont(font, 9)
    if doc.draft:
        how = _("草稿：出具后才有核验二维码")
    elif payload and doc.check_code:
        how = _("本证明可扫描二维码，或凭编号和核验码在线核验")
    elif payload:
        how = _("本证明可扫描二维码核验")
    else:  # issue 14: no promise of a QR above an empty box
        how = _("本证明可凭编号向出具单位核验")
    c.drawString(text_x, margin + qr - 6 * mm, how)
    lines = [_("出具单位代码：%(code)s") % {"code": doc.committee_code}]
    if doc.catalogue_version:
        lines.append(_("清单版本：%(version)s") % {"version": doc.catalogue_version})
    for i, line in enumerate(lines):
        c.drawString(text_x, margin + qr - 12 * mm - i * 5 * mm, line)
    c.restoreState()

    c.showPage()
    c.save()
    return buf.getvalue()


# The QR mask pattern, fixed (issue 15): segno otherwise tries all eight and scores
# each (ISO/IEC 18004 §7.8.3), two thirds of the time it takes to make the code, about
# 14 ms a certificate. Any mask is valid for every reader; the score only avoids
# patterns that are harder to read, which the random-looking token of the address
# seldom makes (test_qr_print decodes codes made with it).
QR_MASK = 4


def qr_code(payload: str) -> Any:
    """The certificate's QR code (segno): error correction M, the fixed mask."""
    import segno

    return segno.make_qr(payload, error="m", boost_error=False, mask=QR_MASK)


def _draw_qr(c, payload: str, x: float, y: float, size: float) -> None:
    """The QR code as one filled path of its dark modules (`qr_code`, with the
    standard four-module quiet zone inside `size`)."""
    matrix = [list(row) for row in qr_code(payload).matrix]
    count = len(matrix) + 8  # quiet zone of 4 modules on each side
    module = size / count
    path = c.beginPath()
    for r, row in enumerate(matrix):
        col = 0
        while col < len(row):
            if row[col]:
                start = col
                while col < len(row) and row[col]:
                    col += 1
                path.rect(
                    x + (start + 4) * module,
                    y + size - (r + 5) * module,
                    (col - start) * module,
                    module,
                )
            else:
                col += 1
    c.saveState()
    c.setFillColorRGB(0, 0, 0)
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()
