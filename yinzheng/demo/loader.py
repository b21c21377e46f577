"""The demo county: seed localities and one account for every role, all made through the
services. Running it twice changes nothing; it refuses a database that holds real work
and marks the one it fills (demo.safety, issue 13)."""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from yinzheng.accounts import services as accounts
from yinzheng.accounts.choices import Department, Role
from yinzheng.accounts.models import RoleGrant, User
from yinzheng.core.actors import SYSTEM
from yinzheng.demo import stats_campaigns, stats_reports
from yinzheng.demo.applications import ensure_demo_applications
from yinzheng.demo.catalogue import load_demo_catalogue
from yinzheng.demo.certificates import load_demo_certificates
from yinzheng.demo.safety import (
    DEMO_PASSWORD,
    mark_demo_database,
    require_demo_database,
)
from yinzheng.demo.seals import load_demo_seals
from yinzheng.demo.stats import load_demo_stats
from yinzheng.demo.supervision import load_demo_supervision
from yinzheng.divisions.importer import import_divisions

DEMO_DIVISIONS = Path(__file__).resolve().parent / "data" / "divisions"
__all__ = ["ACCOUNTS", "DEMO_PASSWORD", "DemoAccount", "load_demo"]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    division: str
    department: str = ""
    superuser: bool = False


ACCOUNTS = [
    DemoAccount("admin", "系统管理员（演示）", Role.ADMIN, "CN", superuser=True),
    DemoAccount("minzheng", "山丹县民政局 王民政", Role.CIVIL_AFFAIRS, "620725"),
    DemoAccount(
        "gongan",
        "山丹县公安局 赵公安",
        Role.DEPARTMENT,
        "620725",
        Department.PUBLIC_SECURITY,
    ),
    # REQ-118: the county health bureau finds the cases referred to it in its queue.
    DemoAccount(
        "weijian",
        "山丹县卫生健康局 孙卫健",
        Role.DEPARTMENT,
        "620725",
        Department.HEALTH,
    ),
    # REQ-118: a department's office at a township finds the cases referred there.
    DemoAccount(
        "paichusuo",
        "清泉派出所 钱民警",
        Role.DEPARTMENT,
        "620725101",
        Department.PUBLIC_SECURITY,
    ),
    # REQ-098: the city's inspector reads its counties' supervision, writes nothing.
    DemoAccount("ducha", "张掖市督查 钱督查", Role.INSPECTOR, "6207"),
    # REQ-105, REQ-108: the city bureau receives the counties' reports.
    DemoAccount("minzheng_shi", "张掖市民政局 蒋民政", Role.CIVIL_AFFAIRS, "6207"),
    DemoAccount("ducha_shandan", "山丹县督查 卫督查", Role.INSPECTOR, "620725"),
    DemoAccount("xiangzhen", "清泉镇 孙乡镇", Role.TOWNSHIP, "620725101"),
    DemoAccount("zhuren", "长城社区 李主任", Role.HEAD, "620725101001"),
    DemoAccount("jingban", "长城社区 周经办", Role.CLERK, "620725101001"),
    DemoAccount("yinzhang", "长城社区 吴管印", Role.CUSTODIAN, "620725101001"),
    DemoAccount("yinzhang2", "长城社区 何管印", Role.CUSTODIAN, "620725101001"),
    # REQ-043: the Party organisation finds the transferred Party matter in its queue.
    DemoAccount("dangzhibu", "长城社区党委 韩书记", Role.PARTY, "620725101001"),
    DemoAccount("jingban2", "北滩村 郑经办", Role.CLERK, "620725101201"),
    DemoAccount("minzheng_sunan", "肃南县民政局 冯民政", Role.CIVIL_AFFAIRS, "620721"),
    DemoAccount("minzheng_potou", "坡头区民政局 陈民政", Role.CIVIL_AFFAIRS, "440804"),
    DemoAccount("jingban_potou", "海东居委会 褚经办", Role.CLERK, "440804001001"),
]


@transaction.atomic
def load_demo() -> list[DemoAccount]:
    require_demo_database()  # raises NotADemoDatabase before anything is written
    mark_demo_database()
    import_divisions(actor=SYSTEM, directory=DEMO_DIVISIONS)
    for acc in ACCOUNTS:
        user = User.objects.filter(username=acc.username).first()
        if user is None:
            user = accounts.user_create(
                actor=SYSTEM,
                username=acc.username,
                password=DEMO_PASSWORD,
                full_name=acc.full_name,
                is_superuser=acc.superuser,
            )
        exists = (
            RoleGrant.objects.active()
            .filter(user=user, role=acc.role, division_id=acc.division)
            .exists()
        )
        if not exists:
            accounts.grant_role(
                actor=SYSTEM,
                user=user,
                role=acc.role,
                division_code=acc.division,
                department=acc.department,
            )
    load_demo_catalogue()
    ensure_demo_applications()  # REQ-021–030: sample applications in 山丹县
    load_demo_seals()
    load_demo_certificates()
    load_demo_supervision()  # REQ-087–098: cases, inspections, checks, alerts
    load_demo_stats()  # REQ-100–102: the statistics table, submitted, draft and late
    stats_reports.load()  # REQ-105, REQ-108–110: reporting line, liaisons, reports
    stats_campaigns.load()  # REQ-104: 山丹县 on Sunan's plan, mid-way (phase 2 overdue)
    return ACCOUNTS
