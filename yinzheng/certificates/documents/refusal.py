"""The refusal notice (不予出具证明告知书, REQ-036, REQ-049): the reasons in words (the
system's REQ ids never go on paper, issue 16), the route (办事途径) and the responsible
department in a box — with, for a route that verifies by data sharing, the departments
to query (REQ-117), and the office the case was handed to when it was referred
(REQ-118) — and the basis. A notice without a route or a department cannot be
made (ValueError, as soon as the `RefusalDoc` is built): no refusal is a dead end.
"""

import datetime
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _

from .page import (
    _canvas,
    _flow_page,
    _number,
    _p,
    _signature,
    _styles,
    _watermark,
    cn_date,
)


@dataclass(frozen=True)
class RefusalDoc:
    notice_no: str
    committee_name: str
    committee_code: str
    resident_name: str
    item_name: str
    request_date: datetime.date
    notice_date: datetime.date
    reasons: list[str]  # the reasons, in words for the resident
    route: str  # 办事途径: never empty (REQ-049)
    responsible_department: str  # never empty (REQ-049)
    basis: str  # e.g. "《不应由基层群众性自治组织出具证明事项清单（第一批）》第10项"
    sample: bool = False
    made_at: datetime.datetime | None = None  # the PDF's CreationDate
    # REQ-117: whom the handling department queries when the route verifies by data
    # sharing (信息共享), e.g. "卫生健康"; empty when the route does not.
    sharing_departments: str = ""
    # REQ-118: the department's office the case was handed to (e.g. "某县卫健"); empty
    # for a plain refusal.
    referred_to: str = ""

    def __post_init__(self) -> None:
        _check_refusal(self)


def render_refusal(doc: RefusalDoc) -> bytes:
    _check_refusal(doc)
    with translation.override("zh-hans"):
        return _render_refusal(doc)


def _check_refusal(doc: RefusalDoc) -> None:
    # REQ-049: no dead ends, every refusal names where to go and who is responsible.
    if not (doc.route or "").strip():
        raise ValueError("REQ-049: a refusal notice needs the route (办事途径)")
    if not (doc.responsible_department or "").strip():
        raise ValueError("REQ-049: a refusal notice needs the responsible department")


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
    c = _canvas(
        buf,
        title=f"{title} {doc.notice_no}",
        author=doc.committee_name,
        made_at=doc.made_at,
    )
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
    for i, reason in enumerate(doc.reasons, 1):
        flow.append(Paragraph(f"{i}. {escape(reason)}", st["body"]))
    flow += [Spacer(1, 4 * mm), _p(_("您可以通过以下途径办理："), st["body"])]
    box = Table(
        [
            [_p(_("办事途径"), st["cell"]), _p(doc.route.strip(), st["cell"])],
            [
                _p(_("责任部门"), st["cell"]),
                _p(doc.responsible_department.strip(), st["cell"]),
            ],
            *(
                [
                    [
                        _p(_("信息共享核查"), st["cell"]),
                        _p(
                            _("责任部门可与以下部门信息共享核对：%s")
                            % doc.sharing_departments.strip(),
                            st["cell"],
                        ),
                    ]
                ]
                if doc.sharing_departments.strip()
                else []
            ),
            *(
                [
                    [
                        _p(_("已转交"), st["cell"]),
                        _p(
                            _("本申请已转交%(to)s，请持本告知书前往办理")
                            % {"to": doc.referred_to.strip()},
                            st["cell"],
                        ),
                    ]
                ]
                if doc.referred_to.strip()
                else []
            ),
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
