"""Certificate requests made through the services, as a clerk takes them in."""

import itertools
from types import SimpleNamespace
from typing import Any

from stdnum.cn import ric

from yinzheng.accounts.choices import Role
from yinzheng.catalogue.choices import Complexity, ListKind
from yinzheng.catalogue.models import Guide, Item
from yinzheng.certificates import services
from yinzheng.core.tests import factories as f
from yinzheng.seals.tests import factories as seal_factories

_seq = itertools.count(100)
COUNTY = "620725"
TOWNSHIP = "620725101"


def committee_people(tree: dict[str, str]) -> SimpleNamespace:
    """Committee A1a: two clerks, the head, the custodian; the township; civil affairs;
    a clerk of the sibling committee A1b."""
    a1a = tree["A1a"]
    return SimpleNamespace(
        clerk=f.user("jingban", role=Role.CLERK, at=a1a),
        clerk2=f.user("jingban2", role=Role.CLERK, at=a1a),
        head=f.user("zhuren", role=Role.HEAD, at=a1a),
        custodian=f.user("yinzhang", role=Role.CUSTODIAN, at=a1a),
        township=f.user("xiangzhen", role=Role.TOWNSHIP, at=TOWNSHIP),
        civil=f.user("minzheng", role=Role.CIVIL_AFFAIRS, at=COUNTY),
        other_clerk=f.user("jingban_b", role=Role.CLERK, at=tree["A1b"]),
    )


def committee_seal(people: SimpleNamespace, committee: str):
    """The committee's physical seal in use, kept by `people.custodian`."""
    return seal_factories.in_use(
        officer=people.township,
        head=people.head,
        custodian=people.custodian,
        committee=committee,
    )


def county_catalogue() -> SimpleNamespace:
    """The county's positive list: a simple item and a complex one (5 working days)."""
    from yinzheng.catalogue.tests import factories as cf

    simple = cf.item("实际居住情况证明", key="residence")
    complex_ = complex_item("土地承包经营情况证明", key="land", days=5)
    cf.published(COUNTY, ListKind.POSITIVE, [simple, complex_])
    return SimpleNamespace(simple=simple, complex=complex_)


def id_number(birth: str = "20050101") -> str:
    """A valid 公民身份号码 of 山丹县 (620725) with a correct check digit."""
    body = f"620725{birth}{next(_seq) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # the last digit is ignored


def complex_item(name: str, *, key: str, days: int) -> Item:
    """A positive-list item that needs investigation, its guide giving the time limit."""
    from yinzheng.catalogue.tests import factories as cf

    item = cf.item(name, key=key)
    Item.objects.filter(pk=item.pk).update(
        complexity=Complexity.COMPLEX, time_limit_days=days
    )
    Guide.objects.filter(item=item).update(time_limit_days=days)
    item.refresh_from_db()
    return item


def request(*, actor: Any, committee: str, item: Item | None = None, **over: Any):
    values = {
        "resident_name": "张三",
        "id_number": id_number(),
        "phone": "13812345678",
        "purpose": "办理低保申请",
        "requiring_unit": "县民政局",
        "facts": "兹证明张三自2020年起在本社区实际居住。",
        **over,
    }
    return services.request_create(
        actor=actor,
        committee_code=committee,
        item_key=item.key if item is not None else None,
        **values,
    )


def issued(people, committee: str, item: Item, **over: Any):
    """A request taken in, verified, approved and sealed by three different people."""
    req = request(actor=people.clerk, committee=committee, item=item, **over)
    services.request_verify(
        actor=people.clerk, request_id=req.pk, what="居住事实", how="入户查看"
    )
    services.request_approve(actor=people.head, request_id=req.pk)
    return services.request_issue(actor=people.custodian, request_id=req.pk)


def commitment_item(name: str = "居住情况告知承诺证明", *, key: str = "commit") -> Item:
    """A positive-list item of the county for which the commitment route is open
    (REQ-082): published on its own county list."""
    from yinzheng.catalogue.tests import factories as cf

    item = cf.item(name, key=key)
    Item.objects.filter(pk=item.pk).update(commitment_allowed=True)
    item.refresh_from_db()
    cf.published(COUNTY, ListKind.POSITIVE, [item])
    return item


def signature_png(width: int = 240, height: int = 80) -> bytes:
    """A signature as signature.js sends it: a PNG with a stroke on white."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).line(
        [(10, height - 20), (width // 2, 15), (width - 10, height - 25)],
        fill="black",
        width=3,
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def committed(people, committee: str, item: Item, **over: Any):
    """A request taken in and closed by the resident's commitment signed on screen."""
    req = request(actor=people.clerk, committee=committee, item=item, **over)
    return services.commitment_record(
        actor=people.clerk,
        request_id=req.pk,
        signature=("signature.png", signature_png()),
        signature_method="screen",
    )
