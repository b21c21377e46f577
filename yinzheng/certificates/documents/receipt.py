"""The receipt of an online application (受理回执, issue 16, REQ-113): the tracking code
large enough to read aloud, the item, the committee, when it came in, the time limit in
working days and the due date, how to follow the case — and nothing personal unmasked
(the caller passes the masked name, ID number and phone)."""

import datetime
import io
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from .page import _canvas, _flow_page, _p, _styles, _watermark, cn_date


@dataclass(frozen=True)
class ReceiptDoc:
    tracking_code: str
    item_name: str
    committee_name: str
    received_on: datetime.date
    time_limit_days: int | None
    due_on: datetime.date | None
    resident_name: str  # masked
    id_number: str  # masked
    phone: str  # masked
    how: str  # electronic / paper / commitment, in words
    status_url: str
    sample: bool = False


def render_receipt(doc: ReceiptDoc) -> bytes:
    with translation.override("zh-hans"):
        return _render_receipt(doc)


def _render_receipt(doc: ReceiptDoc) -> bytes:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table, TableStyle

    from yinzheng.core.pdf import cjk_font

    font = cjk_font()
    st = _styles(font)
    code_style = ParagraphStyle(
        "code", parent=st["title"], fontSize=30, leading=40, alignment=TA_CENTER
    )
    _w, h = A4
    buf = io.BytesIO()
    title = _("证明申请受理回执")
    c = _canvas(buf, title=f"{title} {doc.tracking_code}", author=doc.committee_name)
    if doc.sample:
        _watermark(c, font)
    if doc.time_limit_days:
        limit = _("%(days)d 个工作日") % {"days": doc.time_limit_days}
        if doc.due_on:
            limit += _("（%(due)s前办结）") % {"due": cn_date(doc.due_on)}
    else:
        limit = "—"
    rows = [
        (_("证明事项"), doc.item_name),
        (_("受理单位"), doc.committee_name),
        (_("申请人"), doc.resident_name),
        (_("公民身份号码"), doc.id_number),
        (_("联系电话"), doc.phone),
        (_("申请日期"), cn_date(doc.received_on)),
        (_("办理时限"), limit),
        (_("出具方式"), doc.how),
    ]
    table = Table(
        [[_p(k, st["cell"]), _p(v, st["cell"])] for k, v in rows],
        colWidths=[32 * mm, None],
    )
    table.setStyle(
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
    flow: list = [
        _p(title, st["title"]),
        Spacer(1, 8 * mm),
        _p(
            _("查询码"),
            ParagraphStyle("label", parent=st["flush"], alignment=TA_CENTER),
        ),
        _p(doc.tracking_code, code_style),
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 6 * mm),
        _p(
            _(
                "查询进度：在“证明办理进度查询”中输入查询码（不区分大小写，可不输入横线），"
                "或打开 %(url)s 。到村（居）委会窗口时报出查询码即可。"
            )
            % {"url": doc.status_url},
            st["body"],
        ),
        _p(_("本回执不含完整的个人信息。"), st["small"]),
    ]
    _flow_page(c, flow, top=h - 25 * mm)
    c.showPage()
    c.save()
    return buf.getvalue()
