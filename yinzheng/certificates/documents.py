"""The documents of a certificate case, as PDF: certificate, refusal notice, commitment.

- The certificate (REQ-047) is laid out from the item's template (式样) in force on the
  day of issue, or from the default layout: serial top right, title, the certified
  content, 特此证明, the committee and the date bottom right under the seal (the drawn
  red seal when issued electronically, a dashed circle for the stamp when printed), and
  a footer with the catalogue version and the square reserved for the verification QR.
- The refusal notice (不予出具证明告知书, REQ-036, REQ-049) gives the reasons with their
  REQ ids, the route (办事途径) and the responsible department in a box, and the basis.
  A notice without a route or a department cannot be made: ValueError.
- The notification-commitment (证明事项告知承诺书, REQ-082): what the law requires and
  what a false commitment costs, the resident's commitment, lines to sign and date (with
  the signature drawn on screen on them, when there is one).

Everything here is a pure function of a plain dataclass: no database, no clock. The same
input gives the same bytes (ReportLab's invariant mode; the font from yinzheng.core.pdf),
because the approval binds the SHA-256 of the rendered certificate (design §3): what is
sealed is exactly what was approved. The documents are legal texts in Chinese, so they
are rendered in zh-hans whatever the language of the request.
"""

import datetime
import io
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _

from yinzheng.core.seal_image import draw_seal

SEAL_DIAMETER_MM = 42
QR_SIZE_MM = 25
MARGIN_MM = 25


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


@dataclass(frozen=True)
class RefusalDoc:
    notice_no: str
    committee_name: str
    committee_code: str
    resident_name: str
    item_name: str
    request_date: datetime.date
    notice_date: datetime.date
    reasons: list[tuple[str, str]]  # (REQ id, reason text)
    route: str  # 办事途径: never empty (REQ-049)
    responsible_department: str  # never empty (REQ-049)
    basis: str  # e.g. "《不应由基层群众性自治组织出具证明事项清单（第一批）》第10项"
    sample: bool = False

    def __post_init__(self) -> None:
        _check_refusal(self)


@dataclass(frozen=True)
class CommitmentDoc:
    number: str
    committee_name: str
    resident_name: str
    id_number_masked: str
    item_name: str
    notification: str  # 告知内容: what the law requires, consequences of a false one
    commitment: str  # 承诺内容
    date: datetime.date
    sample: bool = False
    # The signature drawn on screen (PNG): put on the signature line. None: the line
    # stays empty for a pen (the printed form) or the paper page was signed and scanned.
    signature_png: bytes | None = None


# ---------------------------------------------------------------------------------
# Template (式样)

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


def cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def template_values(doc: CertificateDoc) -> dict[str, str]:
    return {
        "resident_name": doc.resident_name,
        "id_number": doc.id_number_masked,
        "body": doc.body.strip(),
        "purpose": doc.purpose,
        "requiring_unit": doc.requiring_unit,
        "committee_name": doc.committee_name,
        "date": cn_date(doc.issue_date),
    }


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
    if doc.resident_name and doc.resident_name not in doc.body:
        first = first.removeprefix(lead)
        who = _("%(name)s（公民身份号码：%(id)s）") % {
            "name": doc.resident_name,
            "id": doc.id_number_masked,
        }
        first = who + first
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


# ---------------------------------------------------------------------------------
# Rendering


def render_certificate(doc: CertificateDoc) -> bytes:
    with translation.override("zh-hans"):
        return _render_certificate(doc)


def render_refusal(doc: RefusalDoc) -> bytes:
    _check_refusal(doc)
    with translation.override("zh-hans"):
        return _render_refusal(doc)


def render_commitment(doc: CommitmentDoc) -> bytes:
    with translation.override("zh-hans"):
        return _render_commitment(doc)


def _check_refusal(doc: RefusalDoc) -> None:
    # REQ-049: no dead ends, every refusal names where to go and who is responsible.
    if not (doc.route or "").strip():
        raise ValueError("REQ-049: a refusal notice needs the route (办事途径)")
    if not (doc.responsible_department or "").strip():
        raise ValueError("REQ-049: a refusal notice needs the responsible department")


GREY = "#666666"
LIGHT = "#999999"


def _canvas(buf: io.BytesIO, *, title: str, author: str):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor(author)
    c.setCreator("yinzheng 印证")
    c.setSubject(title)
    return c


def _styles(font: str) -> dict:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle(
        "base", fontName=font, fontSize=14, leading=26, wordWrap="CJK"
    )
    return {
        "body": ParagraphStyle("body", parent=base, firstLineIndent=28),
        "flush": ParagraphStyle("flush", parent=base),
        "title": ParagraphStyle(
            "title", parent=base, fontSize=22, leading=30, alignment=TA_CENTER
        ),
        "heading": ParagraphStyle("heading", parent=base, fontSize=14, leading=24),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "cell": ParagraphStyle("cell", parent=base, fontSize=12, leading=19),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13),
    }


def _p(text: str, style):
    """A paragraph of plain text (escaped: names may hold < or &)."""
    from reportlab.platypus import Paragraph

    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _watermark(c, font: str) -> None:
    """The "示例" mark across the page of a document made from demo data."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4

    w, h = A4
    c.saveState()
    c.setFillColor(HexColor("#B0B0B0"))
    c.setFillAlpha(0.35)
    c.translate(w / 2, h / 2)
    c.rotate(35)
    c.setFont(font, 130)
    c.drawCentredString(0, -45, _("示例"))
    c.setFont(font, 20)
    c.drawCentredString(0, -95, _("演示数据，不具有证明效力"))
    c.restoreState()


def _number(c, font: str, label: str) -> None:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    w, h = A4
    c.setFont(font, 10)
    c.setFillColor(HexColor("#333333"))
    c.drawRightString(w - MARGIN_MM * mm, h - 18 * mm, label)
    c.setFillColor(HexColor("#000000"))


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
    c = _canvas(buf, title=f"{title} {doc.serial}", author=doc.committee_name)
    if doc.sample:
        _watermark(c, font)

    _number(c, font, _("编号：%(serial)s") % {"serial": doc.serial})
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
    if doc.electronic:
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
        c.drawCentredString(cx, cy + seal_r - 8 * mm, _("盖章处"))
        c.restoreState()

    # Footer: the reserved QR square, how to verify, the catalogue version.
    c.saveState()
    c.setStrokeColor(HexColor("#CCCCCC"))
    c.setLineWidth(0.5)
    c.line(margin, footer_top, w - margin, footer_top)
    qr = QR_SIZE_MM * mm
    if doc.qr_payload:
        _draw_qr(c, doc.qr_payload, margin, margin, qr)
    else:
        c.setStrokeColor(HexColor(LIGHT))
        c.setDash(2, 2)
        c.rect(margin, margin, qr, qr, stroke=1, fill=0)
    c.setFillColor(HexColor(GREY))
    text_x = margin + qr + 4 * mm
    c.setFont(font, 9)
    c.drawString(text_x, margin + qr - 6 * mm, _("本证明可扫描二维码核验"))
    lines = [_("出具单位代码：%(code)s") % {"code": doc.committee_code}]
    if doc.catalogue_version:
        lines.append(_("清单版本：%(version)s") % {"version": doc.catalogue_version})
    for i, line in enumerate(lines):
        c.drawString(text_x, margin + qr - 12 * mm - i * 5 * mm, line)
    c.restoreState()

    c.showPage()
    c.save()
    return buf.getvalue()


def _draw_qr(c, payload: str, x: float, y: float, size: float) -> None:
    """The QR code as one filled path of its dark modules (segno computes the matrix,
    error correction M, with the standard four-module quiet zone inside `size`)."""
    import segno

    qr = segno.make_qr(payload, error="m", boost_error=False)
    matrix = [list(row) for row in qr.matrix]
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


def _flow_page(c, flow: list, *, top: float) -> None:
    """Lay the flowables out between `top` and the bottom margin, on this one page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepInFrame

    w, _h = A4
    margin = MARGIN_MM * mm
    frame = KeepInFrame(w - 2 * margin, top - margin, flow, mode="shrink")
    used = frame.wrapOn(c, w - 2 * margin, top - margin)[1]
    frame.drawOn(c, margin, top - used)


def _signature(doc_committee: str, day: datetime.date, st) -> list:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    return [
        Spacer(1, 12 * mm),
        _p(doc_committee, st["right"]),
        _p(cn_date(day), st["right"]),
    ]


def _render_refusal(doc: RefusalDoc) -> bytes:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from yinzheng.core.pdf import cjk_font

    font = cjk_font()
    st = _styles(font)
    _w, h = A4
    buf = io.BytesIO()
    title = _("不予出具证明告知书")
    c = _canvas(buf, title=f"{title} {doc.notice_no}", author=doc.committee_name)
    if doc.sample:
        _watermark(c, font)
    _number(c, font, _("编号：%(no)s") % {"no": doc.notice_no})

    flow: list = [_p(title, st["title"]), Spacer(1, 10 * mm)]
    flow.append(_p(f"{doc.resident_name}：", st["flush"]))
    asked = _("您于%(date)s申请出具“%(item)s”。经审查，本委员会依法不予出具") % {
        "date": cn_date(doc.request_date),
        "item": doc.item_name,
    }
    flow.append(_p(asked + (_("，理由如下：") if doc.reasons else "。"), st["body"]))
    for i, (req, reason) in enumerate(doc.reasons, 1):
        flow.append(
            Paragraph(
                f"{i}. {escape(reason)}"
                f' <font size="8" color="{LIGHT}">{escape(req)}</font>',
                st["body"],
            )
        )
    flow += [Spacer(1, 4 * mm), _p(_("您可以通过以下途径办理："), st["body"])]
    box = Table(
        [
            [_p(_("办事途径"), st["cell"]), _p(doc.route.strip(), st["cell"])],
            [
                _p(_("责任部门"), st["cell"]),
                _p(doc.responsible_department.strip(), st["cell"]),
            ],
        ],
        colWidths=[28 * mm, None],
    )
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.0, HexColor("#333333")),
                ("INNERGRID", (0, 0), (-1, -1), 0.4, HexColor("#999999")),
                ("BACKGROUND", (0, 0), (0, -1), HexColor("#F0F0F0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    flow += [box, Spacer(1, 4 * mm)]
    if doc.basis.strip():
        flow.append(_p(_("依据：%(basis)s") % {"basis": doc.basis.strip()}, st["body"]))
    flow.append(
        _p(
            _(
                "如对本告知有异议，可向所在乡镇人民政府（街道办事处）或县级人民政府"
                "民政部门反映。"
            ),
            st["body"],
        )
    )
    flow += _signature(doc.committee_name, doc.notice_date, st)
    _flow_page(c, flow, top=h - 30 * mm)
    c.showPage()
    c.save()
    return buf.getvalue()


def _signature_image(png: bytes):
    """The drawn signature, at most 60 × 18 mm, proportions kept."""
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    width, height = ImageReader(io.BytesIO(png)).getSize()
    scale = min(60 * mm / width, 18 * mm / height)
    return Image(
        io.BytesIO(png), width=width * scale, height=height * scale, hAlign="LEFT"
    )


def _render_commitment(doc: CommitmentDoc) -> bytes:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table, TableStyle

    from yinzheng.core.pdf import cjk_font

    font = cjk_font()
    st = _styles(font)
    _w, h = A4
    buf = io.BytesIO()
    title = _("证明事项告知承诺书")
    c = _canvas(buf, title=f"{title} {doc.number}", author=doc.committee_name)
    if doc.sample:
        _watermark(c, font)
    _number(c, font, _("编号：%(no)s") % {"no": doc.number})

    cell = st["cell"]
    facts = Table(
        [
            [_p(_("证明事项"), cell), _p(doc.item_name, cell)],
            [_p(_("承诺人"), cell), _p(doc.resident_name, cell)],
            [_p(_("公民身份号码"), cell), _p(doc.id_number_masked, cell)],
            [_p(_("受理单位"), cell), _p(doc.committee_name, cell)],
        ],
        colWidths=[32 * mm, None],
    )
    facts.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, HexColor("#999999")),
                ("BACKGROUND", (0, 0), (0, -1), HexColor("#F0F0F0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    flow: list = [_p(title, st["title"]), Spacer(1, 8 * mm), facts, Spacer(1, 6 * mm)]
    for heading, text in (
        (_("一、告知内容"), doc.notification),
        (_("二、承诺内容"), doc.commitment),
    ):
        flow.append(_p(heading, st["heading"]))
        flow += [
            _p(line.strip(), st["body"]) for line in text.splitlines() if line.strip()
        ]
        flow.append(Spacer(1, 3 * mm))
    line = HexColor("#333333")
    signed: object = ""
    day: list = ["", "", ""]
    if doc.signature_png:
        signed = _signature_image(doc.signature_png)
        day = [str(doc.date.year), str(doc.date.month), str(doc.date.day)]
        day = [_p(v, cell) for v in day]
    sign = Table(
        [
            [_p(_("承诺人（签字）："), cell), signed, "", "", "", "", ""],
            [_p(_("签字日期："), cell), day[0], _p(_("年"), cell), day[1]]
            + [_p(_("月"), cell), day[2], _p(_("日"), cell)],
        ],
        colWidths=[40 * mm, 22 * mm, 8 * mm, 14 * mm, 8 * mm, 14 * mm, 8 * mm],
        hAlign="LEFT",
    )
    sign.setStyle(
        TableStyle(
            [
                ("SPAN", (1, 0), (-1, 0)),
                ("LINEBELOW", (1, 0), (-1, 0), 0.6, line),
                ("LINEBELOW", (1, 1), (1, 1), 0.6, line),
                ("LINEBELOW", (3, 1), (3, 1), 0.6, line),
                ("LINEBELOW", (5, 1), (5, 1), 0.6, line),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("TOPPADDING", (0, 0), (-1, -1), 12),
            ]
        )
    )
    flow += [Spacer(1, 8 * mm), sign]
    flow += _signature(doc.committee_name, doc.date, st)
    _flow_page(c, flow, top=h - 30 * mm)
    c.showPage()
    c.save()
    return buf.getvalue()
