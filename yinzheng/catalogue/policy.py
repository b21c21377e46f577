"""The catalogue's actions in the one policy."""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Role

policy.register(
    policy.Action(
        "catalogue.manage",
        _("起草、批准、公布本级清单"),
        frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
    )
)
policy.register(
    policy.Action(
        "catalogue.apply",
        _("提交证明事项准入、退出申请或报备"),
        frozenset({Role.DEPARTMENT, Role.CIVIL_AFFAIRS, Role.ADMIN}),
    )
)
policy.register(
    policy.Action(
        "catalogue.opinion_township",
        _("反馈乡镇（街道）对准入、退出申请的意见"),
        frozenset({Role.TOWNSHIP}),
    )
)
# DIV-14: the requesting or competent department supplies a guide's content (saved as a
# draft); the list owner (catalogue.manage) reviews and publishes it.
policy.register(
    policy.Action(
        "catalogue.guide_propose",
        _("提供办事指南内容（保存草稿，由清单制定机关审核公布）"),
        frozenset({Role.DEPARTMENT, Role.CIVIL_AFFAIRS, Role.ADMIN}),
    )
)
# REQ-122: each committee acknowledges the announcement of a later national batch; the
# levels above see which of theirs have not.
policy.register(
    policy.Action(
        "catalogue.acknowledge",
        _("阅知国家负面清单新批次公告（本村（居）委会）"),
        frozenset({Role.CLERK, Role.HEAD}),
    )
)
policy.register(
    policy.Action(
        "catalogue.announcement_progress",
        _("查看所辖村（居）委会对批次公告的阅知情况"),
        frozenset({Role.TOWNSHIP, Role.CIVIL_AFFAIRS, Role.INSPECTOR, Role.ADMIN}),
    )
)


# What an application's page and the API offer (policy.allowed_actions) --------------


def _offers() -> None:
    from .choices import ApplicationKind, ApplicationStatus, LawAmendmentStatus
    from .models import Application, ReviewOpinion
    from .selectors import may_record_opinion
    from .services.admissions import may_act_for_applicant

    open_statuses = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW)
    manage = "catalogue.manage"

    def submitted(kind_is_filing: bool) -> Callable[[Any, Any], bool]:
        return lambda a, _u: (
            a.status == ApplicationStatus.SUBMITTED
            and (a.kind == ApplicationKind.FILING) is kind_is_filing
        )

    def applicant(test: Callable[[Any], bool]) -> Callable[[Any, Any], bool]:
        # Departments act for themselves, civil affairs for a paper form (the
        # service's own check, admissions.submission._require_applicant).
        return lambda a, u: test(a) and may_act_for_applicant(u, a)

    policy.offer(
        Application,
        policy.ObjectAction("file", manage, submitted(True)),
        policy.ObjectAction("open_review", manage, submitted(False)),
        policy.ObjectAction(
            "decide", manage, lambda a, u: a.status == ApplicationStatus.IN_REVIEW
        ),
        policy.ObjectAction(
            "law_amendment",
            manage,
            lambda a, u: (
                a.kind == ApplicationKind.EXIT
                and a.status == ApplicationStatus.APPROVED
                and a.law_amendment_status
                in (LawAmendmentStatus.PROPOSED, LawAmendmentStatus.SUBMITTED)
            ),
        ),
        policy.ObjectAction(
            "supply_guide",
            "catalogue.guide_propose",
            applicant(
                lambda a: (
                    a.kind == ApplicationKind.ADMISSION and a.status in open_statuses
                )
            ),
        ),
        policy.ObjectAction(
            "withdraw",
            ("catalogue.apply", manage),
            applicant(lambda a: a.status in open_statuses),
        ),
    )
    policy.offer(
        ReviewOpinion,
        policy.ObjectAction(
            "record",
            # Civil affairs for a paper opinion, the department or the township itself
            # (may_record_opinion asks the policy at the township, not the list).
            None,
            lambda o, u: (
                o.application.status == ApplicationStatus.IN_REVIEW
                and not o.opinion
                and may_record_opinion(u, o)
            ),
        ),
    )


_offers()
