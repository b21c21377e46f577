"""What every document of a certificate case is laid out on: an A4 page from ReportLab's
invariant canvas (the same input gives the same bytes), the CJK font and the paragraph
styles, the number top right, the "示例" watermark of demo data, a flow of paragraphs
kept to one page, and the committee and the date bottom right (落款).

The certificate, the refusal notice and the commitment build on these and never on
each other.
"""

import datetime
import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

SEAL_DIAMETER_MM = 42
QR_SIZE_MM = 25
MARGIN_MM = 25


def cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


GREY = "#666666"
LIGHT = "#999999"


def _canvas(
    buf: io.BytesIO,
    *,
    title: str,
    author: str,
    made_at: datetime.datetime | None = None,
):
    """The invariant canvas, dated `made_at` in its metadata (issue 16: the time is an
    input, so the bytes stay a function of the input; None: ReportLab's fixed date)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from yinzheng.core.pdf import date_pdf

    c = Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    date_pdf(c, made_at)
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


def _draft_mark(c, font: str) -> None:
    """The "草稿·未生效" mark across a document before it is issued (issue 14): a
    draft must never pass for the certificate, so it is red, large and in the text."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4

    w, h = A4
    c.saveState()
    c.setFillColor(HexColor("#C62828"))
    c.setFillAlpha(0.30)
    c.translate(w / 2, h / 2)
    c.rotate(35)
    c.setFont(font, 96)
    c.drawCentredString(0, 0, _("草稿·未生效"))
    c.setFont(font, 18)
    c.drawCentredString(0, -50, _("签批、盖章前的草稿，不具有证明效力"))
    c.restoreState()
    c.saveState()
    c.setFillColor(HexColor("#C62828"))
    c.setFont(font, 12)
    c.drawString(20, h - 28, _("草稿·未生效"))
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
