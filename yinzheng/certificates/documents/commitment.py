"""The notification-commitment form (证明事项告知承诺书, REQ-082): what the law requires
and what a false commitment costs, the resident's commitment, and the lines to sign and
date — with the signature drawn on screen on them when there is one; without it, the
line stays empty for a pen (the printed form, or the paper page signed and scanned).
"""

import datetime
import io
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from .page import _canvas, _flow_page, _number, _p, _signature, _styles, _watermark


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
    made_at: datetime.datetime | None = None  # the PDF's CreationDate


def render_commitment(doc: CommitmentDoc) -> bytes:
    with translation.override("zh-hans"):
        return _render_commitment(doc)


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
    c = _canvas(
        buf,
        title=f"{title} {doc.number}",
        author=doc.committee_name,
        made_at=doc.made_at,
    )
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
