"""Reporting an unreasonable certificate demand, no login (REQ-087, REQ-088).

Anyone asked by a department, a utility or an agency for a certificate the lists do not
allow can report it here: the county (with its supervision hotline shown, DIV-09), the
committee if known, the unit and its kind, the certificate demanded (found with the
catalogue lookup, or in the reporter's own words), what happened, when, who is
reporting and, if they wish, how to reach them. The service registers the case and
returns a tracking number the reporter writes down; the status page shows, by that
number alone, where the case stands and the deadline of the current step, never the
contact details nor the staff who handled it.

There is no captcha: reports are limited per address (five a minute), status look-ups
too (thirty a minute), every field has a maximum length, and Django refuses a body over
DATA_UPLOAD_MAX_MEMORY_SIZE before the view runs. The status page is never cached nor
indexed, and a number that does not exist is a 404.
"""

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yinzheng.catalogue import selectors as catalogue
from yinzheng.catalogue.models import Item
from yinzheng.core import clock
from yinzheng.core.codes import Level, subtree_q
from yinzheng.core.errors import CoreCode, DomainError
from yinzheng.core.forms import StaffForm
from yinzheng.core.web import over_rate, too_many
from yinzheng.divisions.models import Division
from yinzheng.supervision import selectors, services
from yinzheng.supervision.choices import (
    OPEN_CASE_STATUSES,
    CaseStatus,
    ReporterType,
    UnitKind,
)
from yinzheng.supervision.errors import SupervisionCode
from yinzheng.supervision.models import Case
from yinzheng.supervision.tracking import normalise

SLUG = re.compile(r"[-a-zA-Z0-9_]+")
REPORTS_PER_MINUTE = 5
LOOKUPS_PER_MINUTE = 30
ACCOUNT_MAX = 2000
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# A refusal's code → the field it concerns (the rest show above the form).
CODE_FIELDS = {
    SupervisionCode.COUNTY_REQUIRED: "county",
    CoreCode.COMMITTEE_NOT_FOUND: "committee",
    SupervisionCode.DEMAND_UNIT_REQUIRED: "demanding_unit",
    CoreCode.ITEM_NOT_FOUND: "item_text",
    CoreCode.PHONE_INVALID: "contact_phone",
    CoreCode.TEXT_TOO_LONG: "contact_name",
}


def counties() -> QuerySet[Division]:
    """The counties a report can be about: those with committees in the tree."""
    return (
        Division.objects.filter(
            level=Level.COUNTY, children__children__level=Level.COMMITTEE
        )
        .distinct()
        .order_by("code")
    )


def committees(county_code: str) -> list[Division]:
    return list(
        Division.objects.committees()
        .filter(subtree_q(county_code))
        .select_related("parent")
        .order_by("code")
    )


class ReportForm(StaffForm):
    county = forms.ChoiceField(label=gettext_lazy("县（市、区）"))
    committee = forms.ChoiceField(
        label=gettext_lazy("所涉村（居）委会（不清楚可不选）"), required=False
    )
    demanding_unit = forms.CharField(
        label=gettext_lazy("要求开具证明的单位"),
        max_length=200,
        help_text=gettext_lazy("如 某某银行某某支行、某某局某某科"),
    )
    unit_kind = forms.ChoiceField(
        label=gettext_lazy("单位类型"), choices=UnitKind.choices, initial=UnitKind.OTHER
    )
    item_key = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    item_text = forms.CharField(
        label=gettext_lazy("被要求开具的证明"),
        max_length=200,
        help_text=gettext_lazy("可先在上方查找；找不到时按对方的原话填写"),
    )
    account = forms.CharField(
        label=gettext_lazy("情况说明"),
        max_length=ACCOUNT_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": ACCOUNT_MAX}),
        # Formatted when shown, in the reader's language.
        help_text=lazy(
            lambda: (
                _("在什么情况下、为办理什么事项被要求开具该证明（%(n)d 字以内）")
                % {"n": ACCOUNT_MAX}
            ),
            str,
        )(),
    )
    demanded_on = forms.DateField(
        label=gettext_lazy("被要求日期（可不填）"), required=False, widget=DATE
    )
    reporter_type = forms.ChoiceField(
        label=gettext_lazy("反映人"),
        choices=ReporterType.choices,
        initial=ReporterType.RESIDENT,
    )
    contact_name = forms.CharField(
        label=gettext_lazy("联系人（可不填）"), max_length=50, required=False
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("联系电话（可不填）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=gettext_lazy("仅供办理人员回访，不会公开"),
    )

    def __init__(
        self,
        *args: Any,
        county_choices: list[tuple[str, str]],
        county_fixed: bool,
        committee_list: list[Division],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        county = self.fields["county"]
        assert isinstance(county, forms.ChoiceField)
        county.choices = county_choices
        if county_fixed:  # chosen above, its hotline shown there
            county.widget = forms.HiddenInput()
        # Grouped by township, as people know their village by its township.
        groups: dict[str, list[tuple[str, str]]] = {}
        for c in committee_list:
            township = c.parent.name if c.parent else c.code[:9]
            groups.setdefault(township, []).append((c.code, c.name))
        committee = self.fields["committee"]
        assert isinstance(committee, forms.ChoiceField)
        committee.choices = [("", _("不清楚或不涉及")), *groups.items()]


def _show(form: forms.Form, exc: DomainError) -> None:
    field = CODE_FIELDS.get(exc.code)
    if field is None and isinstance(exc.detail, dict) and "date" in exc.detail:
        field = "demanded_on"  # the only date a report carries
    form.add_error(field if field in form.fields else None, str(exc.message))


def _hotlines(codes: list[str]) -> dict[str, tuple[str, str]]:
    """Each county's hotline and its hours (REQ-087, DIV-09)."""
    found = {}
    for code in codes:
        setting = services.settings_for(code)
        found[code] = (setting.hotline, setting.hotline_hours)
    return found


def report(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and over_rate(
        request, "portal:report", REPORTS_PER_MINUTE
    ):
        return too_many(request, _("提交过于频繁，请一分钟后再试。"))
    areas = list(counties())
    hotlines = _hotlines([c.code for c in areas])
    codes = {c.code for c in areas}
    data = request.POST if request.method == "POST" else request.GET
    chosen = data.get("county", "")
    if chosen not in codes:
        chosen = areas[0].code if len(areas) == 1 else ""
    county = next((c for c in areas if c.code == chosen), None)
    q = request.GET.get("q", "").strip()[:100]
    item_key = (data.get("item_key") or request.GET.get("item") or "")[:100]
    # An item key is a slug; anything else (a NUL byte included) cannot be one.
    item = (
        Item.objects.filter(key=item_key).first() if SLUG.fullmatch(item_key) else None
    )
    results = catalogue.lookup_items(q, limit=8) if q else None
    form = ReportForm(
        request.POST or None,
        county_choices=[
            (
                c.code,
                f"{c.name}（{_('监督电话')} {hotlines[c.code][0]}）"
                if hotlines[c.code][0]
                else c.name,
            )
            for c in areas
        ],
        county_fixed=county is not None,
        committee_list=committees(chosen) if chosen else [],
        initial={
            "county": chosen,
            "item_key": item.key if item else "",
            "item_text": item.name if item else q,
        },
    )
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        try:
            case = services.case_report_public(
                county_code=v["county"],
                committee_code=v["committee"] or None,
                demanding_unit=v["demanding_unit"],
                unit_kind=v["unit_kind"],
                item_key=v["item_key"] or None,
                item_text=v["item_text"],
                account=v["account"],
                demanded_on=v["demanded_on"],
                reporter_type=v["reporter_type"],
                contact_name=v["contact_name"],
                contact_phone=v["contact_phone"],
            )
        except DomainError as exc:
            _show(form, exc)
        else:
            messages.success(
                request,
                _("已收到您的反映。受理编号 %(number)s，请抄写或拍照保存。")
                % {"number": case.tracking_no},
            )
            return redirect("portal:report_status", number=case.tracking_no)
    response = render(
        request,
        "portal/report.html",
        {
            "form": form,
            "county": county,
            "hotline": hotlines[county.code] if county else None,
            "hotlines": [(c, hotlines[c.code]) for c in areas],
            "q": q,
            "results": results,
            "item": item,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


class LookupForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("受理编号"), max_length=40)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def report_lookup(request: HttpRequest) -> HttpResponse:
    """The form to type a number: whatever case and dashes, it goes to its page."""
    form = LookupForm(request.GET or None)
    typed = ""
    if form.is_valid():
        typed = form.cleaned_data["number"].strip()
        number = normalise(typed)
        if number is not None:
            return redirect("portal:report_status", number=number)
    return _private(
        render(
            request,
            "portal/report_status.html",
            {"form": form, "typed": typed, "case": None},
            status=404 if typed else 200,
        )
    )


def steps(case: Case) -> list[dict[str, Any]]:
    """The steps a case has passed, with their dates, in order (DIV-08): only what the
    public may read: no notes, no contact, no names of the staff."""
    done: list[dict[str, Any]] = [
        {"label": _("登记受理"), "on": case.received_at},
    ]
    if case.verified_at:
        founded = case.status != CaseStatus.UNFOUNDED
        done.append(
            {
                "label": _("核实属实") if founded else _("经核实不属实"),
                "on": case.verified_at,
            }
        )
    if case.notice_on:
        done.append({"label": _("通报"), "on": case.notice_on})
    if case.exposed_on:
        done.append(
            {
                "label": _("公开曝光"),
                "on": case.exposed_on,
                "detail": case.exposure_platform,
            }
        )
    if case.feedback_sent_on:
        done.append({"label": _("反馈有关主管部门"), "on": case.feedback_sent_on})
    if case.response_on:
        done.append(
            {
                "label": _("主管部门整改答复"),
                "on": case.response_on,
                "detail": case.get_response_status_display(),
            }
        )
    if case.corrected_on:
        done.append({"label": _("上级主管部门纠正"), "on": case.corrected_on})
    if case.closed_at and case.status == CaseStatus.CLOSED:
        done.append({"label": _("办结"), "on": case.closed_at})
    for step in done:
        if isinstance(step["on"], dt.datetime):
            step["on"] = timezone.localdate(step["on"])
    return done


def report_status(request: HttpRequest, number: str) -> HttpResponse:
    if over_rate(request, "portal:report_status", LOOKUPS_PER_MINUTE):
        return too_many(request, _("查询过于频繁，请一分钟后再试。"))
    canonical = normalise(number)
    if canonical is not None and canonical != number:
        return redirect("portal:report_status", number=canonical)
    case = selectors.case_by_tracking(number) if canonical else None
    context: dict[str, Any] = {
        "form": LookupForm(initial={"number": number}),
        "typed": number,
        "case": case,
    }
    if case is not None:
        today = clock.today()
        is_open = case.status in OPEN_CASE_STATUSES
        context.update(
            committee=case.committee.name if case.committee_id else "",
            steps=steps(case),
            is_open=is_open,
            due_on=case.step_due_on if is_open else None,
            overdue=case.overdue_on(today),
            hotline=services.settings_for(case.county_id),
        )
    return _private(
        render(
            request,
            "portal/report_status.html",
            context,
            status=200 if case else 404,
        )
    )
