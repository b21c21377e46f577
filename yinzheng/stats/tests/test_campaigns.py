"""Campaigns (专项工作, REQ-104–107, DIV-11): the three seed templates started with
their own dates and shifted to a county's month; per-unit completion, with the
inspection and report steps naming what they were done with; who may record (the
unit's own officers and the lead bureau, never a higher level: REQ-098); withdrawal and
rescheduling audited; overdue deliverables highlighted; the inbox."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Role
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from yinzheng.core.tests import factories as f
from yinzheng.ledger import audit
from yinzheng.stats import campaign_selectors as selectors
from yinzheng.stats import inbox, services
from yinzheng.stats.campaign_templates import (
    POTOU,
    SHAANXI,
    SUNAN,
    months_between,
    shift_months,
)
from yinzheng.stats.choices import DeliverableLink, ReportKind, ReportStatus
from yinzheng.stats.errors import StatsCode
from yinzheng.stats.models import Campaign, Completion, Deliverable, UpwardReport
from yinzheng.stats.tests import factories
from yinzheng.stats.tests.factories import COUNTY, T1, T2
from yinzheng.supervision import services as supervision

D = dt.date
POTOU_CODE, POTOU_TOWNSHIP = "440804", "440804001"
PROVINCE, OTHER_COUNTY = "62", "620721"


@pytest.fixture
def people(tree, clock_at):
    clock_at(2020, 11, 2, 9)
    return factories.people()


def _sunan(people, **over):
    fields = {
        "actor": people["bureau"],
        "division_code": COUNTY,
        "template_code": SUNAN.code,
        "starts_on": D(2020, 11, 1),
    }
    fields.update(over)
    return services.campaign_start(**fields)


def _items(campaign: Campaign) -> dict[str, Deliverable]:
    """The deliverables by their label, "phase.number"."""
    return {
        f"{d.phase.number}.{d.number}": d
        for d in Deliverable.objects.filter(phase__campaign=campaign).select_related(
            "phase"
        )
    }


def _done(actor, deliverable, unit, on, **over):
    return services.completion_record(
        actor=actor,
        deliverable_id=deliverable.pk,
        unit_code=unit,
        completed_on=on,
        **over,
    )


def _phases(campaign):
    return [
        (p.number, p.name, p.starts_on, p.ends_on)
        for p in campaign.phases.order_by("number")
    ]


# The templates, started with their own dates ------------------------------------------


def test_sunan_starts_as_six_phases_with_the_documents_dates_REQ_104(people):
    campaign = _sunan(people)
    assert (campaign.starts_on, campaign.ends_on) == (D(2020, 11, 1), D(2023, 8, 31))
    assert campaign.template == "sunan-2020" and campaign.unit_level == 4
    assert _phases(campaign) == [
        (1, "安排部署工作", D(2020, 11, 1), D(2020, 11, 30)),
        (2, "摸排掌握情况", D(2020, 12, 1), D(2020, 12, 30)),
        (3, "制定事项清单", D(2021, 1, 1), D(2021, 3, 31)),
        (4, "编制办事指南", D(2021, 4, 1), D(2021, 5, 31)),
        (5, "全面组织实施", D(2021, 6, 1), None),
        (6, "认真总结评估", D(2023, 6, 1), D(2023, 7, 31)),
    ]
    items = _items(campaign)
    assert {k: (d.due_on, d.responsible) for k, d in items.items()} == {
        "1.1": (D(2020, 11, 30), "lead"),
        "2.1": (D(2020, 12, 30), "units"),
        "2.2": (D(2020, 12, 30), "units"),
        "3.1": (D(2021, 3, 31), "lead"),
        "4.1": (D(2021, 5, 31), "lead"),
        "5.1": (None, "units"),
        "6.1": (D(2023, 6, 30), "units"),
        "6.2": (D(2023, 7, 31), "lead"),
    }
    assert items["2.2"].link == DeliverableLink.STATS_TABLE
    assert "报县民政局" in items["2.2"].text and "市民政局" in items["6.2"].text


def test_potou_starts_as_five_steps_in_2022_REQ_106(people):
    bureau = f.user("potou", role=Role.CIVIL_AFFAIRS, at=POTOU_CODE)
    campaign = services.campaign_start(
        actor=bureau,
        division_code=POTOU_CODE,
        template_code=POTOU.code,
        starts_on=D(2022, 4, 1),
    )
    assert _phases(campaign) == [
        (1, "印发工作方案", None, D(2022, 4, 25)),
        (2, "完善事项清单", None, D(2022, 6, 25)),
        (3, "建立长效机制", None, D(2022, 8, 25)),
        (4, "开展专项督查", None, D(2022, 9, 25)),
        (5, "总结工作", None, D(2022, 10, 25)),
    ]
    items = _items(campaign)
    assert [items[f"{n}.1"].due_on for n in range(1, 6)] == [
        D(2022, 4, 25),
        D(2022, 6, 25),
        D(2022, 8, 25),
        D(2022, 9, 25),
        D(2022, 10, 25),
    ]
    assert items["4.1"].link == DeliverableLink.INSPECTION  # the sampling, REQ-095
    assert items["5.1"].link == DeliverableLink.REPORT  # to the city bureau
    assert "报送市民政局" in items["5.1"].text


def test_shaanxi_is_one_county_milestone_with_three_deliverables_REQ_107(people):
    """REQ-107: one county milestone, 2022-06-30, with its three deliverables (the lists,
    the seal rules, the community work admission system)."""
    f.division(OTHER_COUNTY)
    campaign = services.campaign_start(
        actor=people["province"],
        division_code=PROVINCE,
        template_code=SHAANXI.code,
        starts_on=D(2022, 1, 1),
    )
    assert [(p.name, p.ends_on) for p in campaign.phases.all()] == [
        ("县（市、区）完成制度建设", D(2022, 6, 30))
    ]
    items = _items(campaign)
    assert sorted(items) == ["1.1", "1.2", "1.3"]
    assert {d.due_on for d in items.values()} == {D(2022, 6, 30)}
    assert {d.responsible for d in items.values()} == {"units"}
    assert "清单" in items["1.1"].text
    assert items["1.2"].text == "社区印章管理使用办法"
    assert items["1.3"].text == "社区工作准入制度"
    # Tracked per county: every county of the province is a row of its own.
    rows = selectors.progress(campaign, D(2022, 7, 1)).rows
    assert [(r.unit.code, r.is_lead) for r in rows] == [
        (PROVINCE, True),
        (OTHER_COUNTY, False),
        (COUNTY, False),
    ]
    assert [r.expected for r in rows] == [0, 3, 3]


# Shifting ----------------------------------------------------------------------------


def test_a_county_starts_from_a_template_with_its_own_month(people):
    campaign = _sunan(people, starts_on=D(2020, 12, 17), title="本县方案")
    assert campaign.title == "本县方案"
    assert (campaign.starts_on, campaign.ends_on) == (D(2020, 12, 1), D(2023, 9, 30))
    assert _phases(campaign)[:3] == [
        (1, "安排部署工作", D(2020, 12, 1), D(2020, 12, 31)),  # 11-30: a month's end
        (2, "摸排掌握情况", D(2021, 1, 1), D(2021, 1, 30)),  # 12-30 is not
        (3, "制定事项清单", D(2021, 2, 1), D(2021, 4, 30)),
    ]
    assert _items(campaign)["6.1"].due_on == D(2023, 7, 31)
    later = _sunan(people, starts_on=D(2024, 3, 1))
    assert _items(later)["2.1"].due_on == D(2024, 4, 30)


def test_month_ends_stay_month_ends():
    assert shift_months(D(2020, 11, 30), 1) == D(2020, 12, 31)
    assert shift_months(D(2021, 1, 31), 1) == D(2021, 2, 28)
    assert shift_months(D(2023, 6, 30), 8) == D(2024, 2, 29)
    assert shift_months(D(2020, 12, 30), 2) == D(2021, 2, 28)  # clamped
    assert shift_months(D(2022, 4, 25), -13) == D(2021, 3, 25)
    assert months_between(D(2020, 11, 1), D(2024, 3, 15)) == 40


days = st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31))
offsets = st.integers(min_value=-240, max_value=240)
# Pure arithmetic; a loaded machine must not fail it on the generator's speed.
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@relaxed
@given(day=days)
def test_a_shift_of_nothing_changes_nothing(day):
    assert shift_months(day, 0) == day


@relaxed
@given(a=days, b=days, months=offsets)
def test_a_shift_keeps_the_order_of_dates(a, b, months):
    if a <= b:
        assert shift_months(a, months) <= shift_months(b, months)
    if months >= 0:
        assert shift_months(a, months) >= a  # monotone in the offset
    assert months_between(a, shift_months(a, months)) == months


@relaxed
@given(day=days, months=offsets)
def test_a_shift_keeps_the_day_or_the_months_end(day, months):
    moved = shift_months(day, months)
    month_end = (day + dt.timedelta(days=1)).month != day.month
    if month_end:
        assert (moved + dt.timedelta(days=1)).day == 1
    elif day.day <= 28:
        assert moved.day == day.day
        # Back again gives the day, unless it landed on a month's end (28 February):
        # a month's end moves to the month's end (found by hypothesis in CI).
        if (moved + dt.timedelta(days=1)).month == moved.month:
            assert shift_months(moved, -months) == day


# Who may start a campaign, and bad input ------------------------------------------------


def test_only_the_lead_bureau_starts_a_campaign_REQ_098(people):
    for who in ("province", "t1", "police"):
        with pytest.raises(NotAllowed):
            _sunan(people, actor=people[who])
    other = f.user("other", role=Role.CIVIL_AFFAIRS, at=POTOU_CODE)
    with pytest.raises(NotAllowed):
        _sunan(people, actor=other)
    with pytest.raises(NotAllowed):  # the county does not run the province's plan
        services.campaign_start(
            actor=people["bureau"],
            division_code=PROVINCE,
            template_code=SHAANXI.code,
            starts_on=D(2022, 1, 1),
        )
    assert Campaign.objects.count() == 0


def test_bad_input_is_refused_in_words(people):
    with pytest.raises(InvalidInput) as exc:
        _sunan(people, template_code="nowhere-2020")
    assert exc.value.code == StatsCode.CAMPAIGN_TEMPLATE_UNKNOWN
    assert exc.value.detail["allowed"] == sorted([SUNAN.code, POTOU.code, SHAANXI.code])
    with pytest.raises(InvalidInput) as exc:  # Shaanxi's plan is a province's
        _sunan(people, template_code=SHAANXI.code)
    assert exc.value.code == StatsCode.CAMPAIGN_LEVEL_INVALID
    assert "省级" in str(exc.value.message)
    with pytest.raises(InvalidInput) as exc:
        services.campaign_start(
            actor=people["province"],
            division_code=PROVINCE,
            template_code=SUNAN.code,
            starts_on=D(2020, 11, 1),
        )
    assert exc.value.code == StatsCode.CAMPAIGN_LEVEL_INVALID
    with pytest.raises(InvalidInput) as exc:
        _sunan(people, starts_on=D(1899, 1, 1))
    assert exc.value.code == StatsCode.CAMPAIGN_DATE_INVALID
    with pytest.raises(NotFound):
        _sunan(people, division_code="999999")
    with pytest.raises(InvalidInput):
        _sunan(people, title="长" * 201)
    _sunan(people)
    with pytest.raises(Conflict) as exc:  # a double click starts it once
        _sunan(people, starts_on=D(2020, 11, 20))
    assert exc.value.code == StatsCode.CAMPAIGN_EXISTS
    assert "2020-11-01" in str(exc.value.message)


def test_starting_is_audited(people):
    campaign = _sunan(people)
    (event,) = audit.history(campaign)
    assert event.event == "stats.campaign_started"
    assert event.after["template"] == "sunan-2020"
    assert event.after["months_from_template"] == 0
    assert event.after["phases"] == 6


def test_the_system_starts_any_campaign(people):
    campaign = services.campaign_start(
        actor=SYSTEM,
        division_code=COUNTY,
        template_code=SUNAN.code,
        starts_on=D(2021, 1, 1),
    )
    assert campaign.created_by is None


# Completions -------------------------------------------------------------------------


@pytest.fixture
def sunan(people, clock_at):
    campaign = _sunan(people)
    clock_at(2021, 1, 5, 9)
    return campaign


def test_a_township_records_its_own_completion_REQ_104(people, sunan):
    items = _items(sunan)
    done = _done(people["t1"], items["2.1"], T1, D(2020, 12, 20), note="已完成摸排")
    assert done.unit_id == T1 and done.recorded_by == people["t1"]
    event = audit.history(sunan)[-1]
    assert event.event == "stats.campaign_completion_recorded"
    assert event.after["unit"] == T1 and event.after["completed_on"] == "2020-12-20"


def test_a_township_cannot_record_for_another_township(people, sunan):
    items = _items(sunan)
    with pytest.raises(NotAllowed):
        _done(people["t1"], items["2.1"], T2, D(2020, 12, 20))
    with pytest.raises(NotAllowed):  # nor the bureau's own work
        _done(people["t1"], items["1.1"], COUNTY, D(2020, 11, 20))
    with pytest.raises(InvalidInput) as exc:  # its own code on the lead's work
        _done(people["t1"], items["1.1"], T1, D(2020, 11, 20))
    assert exc.value.code == StatsCode.COMPLETION_UNIT_INVALID
    assert str(exc.value.message) == "该工作任务由牵头单位完成"


def test_the_lead_bureau_records_for_itself_and_its_units(people, sunan):
    items = _items(sunan)
    _done(people["bureau"], items["1.1"], COUNTY, D(2020, 11, 25))
    _done(people["bureau"], items["2.1"], T2, D(2020, 12, 28))
    with pytest.raises(InvalidInput) as exc:  # a committee is not a unit here
        _done(people["bureau"], items["2.1"], "620725101001", D(2020, 12, 28))
    assert exc.value.code == StatsCode.COMPLETION_UNIT_INVALID
    with pytest.raises(InvalidInput):  # the county is not one of its townships
        _done(people["bureau"], items["2.1"], COUNTY, D(2020, 12, 28))
    assert Completion.objects.count() == 2


def test_higher_levels_read_but_do_not_record_REQ_098(people, sunan):
    items = _items(sunan)
    _done(people["t1"], items["2.1"], T1, D(2020, 12, 20))
    province = people["province"]
    assert list(selectors.campaigns(province)) == [sunan]
    assert list(selectors.campaigns(people["t1"])) == [sunan]  # its county's
    with pytest.raises(NotAllowed):
        _done(province, items["2.1"], T2, D(2020, 12, 20))
    with pytest.raises(NotAllowed):
        _done(province, items["1.1"], COUNTY, D(2020, 12, 20))
    city = f.user("city", role=Role.CIVIL_AFFAIRS, at="6207")
    with pytest.raises(NotAllowed):
        _done(city, items["2.1"], T2, D(2020, 12, 20))
    completion = Completion.objects.get()
    with pytest.raises(NotAllowed):
        services.completion_withdraw(
            actor=province, completion_id=completion.pk, reason="误登"
        )
    assert not policy.allowed_actions(province, sunan)["manage"]
    assert not policy.allowed_actions(province, completion)["withdraw"]
    assert policy.allowed_actions(people["bureau"], sunan)["manage"]
    assert policy.allowed_actions(people["t1"], completion)["withdraw"]
    assert not policy.allowed_actions(people["t2"], completion)["withdraw"]
    other = f.user("other", role=Role.CIVIL_AFFAIRS, at=POTOU_CODE)
    assert list(selectors.campaigns(other)) == []


def test_a_completion_is_recorded_once_on_a_past_date(people, sunan):
    items = _items(sunan)
    with pytest.raises(InvalidInput) as exc:
        _done(people["t1"], items["2.1"], T1, D(2021, 1, 6))
    assert exc.value.code == StatsCode.COMPLETION_DATE_INVALID
    assert str(exc.value.message) == "完成日期不能晚于今天"
    with pytest.raises(InvalidInput) as exc:
        _done(people["t1"], items["2.1"], T1, D(2020, 10, 31))
    assert "2020-11-01" in str(exc.value.message)
    with pytest.raises(InvalidInput):
        _done(people["t1"], items["2.1"], T1, D(2020, 12, 1), note="长" * 2001)
    _done(people["t1"], items["2.1"], T1, D(2020, 12, 20))
    with pytest.raises(Conflict) as exc:
        _done(people["t1"], items["2.1"], T1, D(2020, 12, 21))
    assert exc.value.code == StatsCode.COMPLETION_EXISTS
    with pytest.raises(NotFound):
        _done(people["t1"], Deliverable(pk=999999), T1, D(2020, 12, 21))
    with pytest.raises(InvalidInput) as exc:  # only step 4 names an inspection
        _done(people["t1"], items["2.2"], T1, D(2020, 12, 21), inspection_id=1)
    assert exc.value.code == StatsCode.COMPLETION_INSPECTION_INVALID
    with pytest.raises(InvalidInput) as exc:
        _done(people["t1"], items["2.2"], T1, D(2020, 12, 21), report_id=1)
    assert exc.value.code == StatsCode.COMPLETION_REPORT_INVALID


def test_a_mistaken_record_is_withdrawn_with_the_reason(people, sunan):
    items = _items(sunan)
    done = _done(people["t1"], items["2.1"], T1, D(2020, 12, 20))
    with pytest.raises(NotAllowed):
        services.completion_withdraw(
            actor=people["t2"], completion_id=done.pk, reason="误登"
        )
    with pytest.raises(InvalidInput):
        services.completion_withdraw(
            actor=people["t1"], completion_id=done.pk, reason=" "
        )
    services.completion_withdraw(
        actor=people["bureau"], completion_id=done.pk, reason="实际尚未报送"
    )
    assert not Completion.objects.exists()
    event = audit.history(sunan)[-1]
    assert event.event == "stats.campaign_completion_withdrawn"
    assert event.before["unit"] == T1 and event.note == "实际尚未报送"
    with pytest.raises(NotFound):
        services.completion_withdraw(
            actor=people["t1"], completion_id=done.pk, reason="again"
        )
    _done(people["t1"], items["2.1"], T1, D(2020, 12, 29))  # recorded again


def test_the_lead_bureau_moves_a_deadline_with_the_reason(people, sunan):
    items = _items(sunan)
    moved = services.deliverable_reschedule(
        actor=people["bureau"],
        deliverable_id=items["2.1"].pk,
        due_on=D(2021, 1, 15),
        reason="受疫情影响顺延",
    )
    assert moved.due_on == D(2021, 1, 15)
    event = audit.history(sunan)[-1]
    assert event.event == "stats.campaign_deliverable_rescheduled"
    assert event.before["due_on"] == "2020-12-30"
    assert event.after["due_on"] == "2021-01-15" and event.note == "受疫情影响顺延"
    for who in ("province", "t1"):
        with pytest.raises(NotAllowed):
            services.deliverable_reschedule(
                actor=people[who],
                deliverable_id=items["2.1"].pk,
                due_on=D(2021, 1, 20),
                reason="x",
            )
    with pytest.raises(InvalidInput) as exc:
        services.deliverable_reschedule(
            actor=people["bureau"],
            deliverable_id=items["2.1"].pk,
            due_on=D(2020, 10, 1),
            reason="x",
        )
    assert exc.value.code == StatsCode.CAMPAIGN_DATE_INVALID
    with pytest.raises(InvalidInput):
        services.deliverable_reschedule(
            actor=people["bureau"],
            deliverable_id=items["2.1"].pk,
            due_on=D(2021, 1, 20),
            reason="",
        )
    services.deliverable_reschedule(
        actor=people["bureau"],
        deliverable_id=items["6.2"].pk,
        due_on=D(2023, 12, 31),
        reason="总结推迟",
    )
    sunan.refresh_from_db()
    assert sunan.ends_on == D(2023, 12, 31)  # the campaign's end moves with it


def test_the_lead_bureau_moves_a_phase(people, sunan):
    phase = sunan.phases.get(number=6)
    services.phase_reschedule(
        actor=people["bureau"],
        phase_id=phase.pk,
        starts_on=D(2023, 7, 1),
        ends_on=D(2023, 8, 31),
        reason="与年度考核同步",
    )
    phase.refresh_from_db()
    assert (phase.starts_on, phase.ends_on) == (D(2023, 7, 1), D(2023, 8, 31))
    assert audit.history(sunan)[-1].event == "stats.campaign_phase_rescheduled"
    with pytest.raises(InvalidInput):
        services.phase_reschedule(
            actor=people["bureau"],
            phase_id=phase.pk,
            starts_on=D(2023, 9, 1),
            ends_on=D(2023, 8, 1),
            reason="x",
        )
    with pytest.raises(NotFound):
        services.phase_reschedule(
            actor=people["bureau"],
            phase_id=999999,
            starts_on=None,
            ends_on=None,
            reason="x",
        )


# Potou's step 4 and 5 (REQ-106) ---------------------------------------------------------


@pytest.fixture
def potou(people, clock_at):
    bureau = f.user("potou", role=Role.CIVIL_AFFAIRS, at=POTOU_CODE)
    clock_at(2022, 4, 1, 9)
    campaign = services.campaign_start(
        actor=bureau,
        division_code=POTOU_CODE,
        template_code=POTOU.code,
        starts_on=D(2022, 4, 1),
    )
    clock_at(2022, 10, 20, 9)
    return campaign, bureau


def _inspection(bureau, drawn: bool):
    draw = supervision.draw_create(actor=bureau, county_code=POTOU_CODE, seed="s")
    return supervision.inspection_create(
        actor=bureau,
        county_code=POTOU_CODE,
        title="证明事项专项督查",
        mode="special",
        started_on=D(2022, 9, 10),
        inspectors="联合督查组",
        draw_id=draw.pk if drawn else None,
        committee_codes=[] if drawn else ["440804001001"],
    )


def test_step_4_is_done_with_a_special_inspection_from_a_draw_REQ_106(potou):
    campaign, bureau = potou
    step4 = _items(campaign)["4.1"]
    with pytest.raises(InvalidInput) as exc:
        _done(bureau, step4, POTOU_CODE, D(2022, 9, 20))
    assert exc.value.code == StatsCode.COMPLETION_INSPECTION_INVALID
    undrawn = _inspection(bureau, drawn=False)
    with pytest.raises(InvalidInput) as exc:
        _done(bureau, step4, POTOU_CODE, D(2022, 9, 20), inspection_id=undrawn.pk)
    assert "抽取" in str(exc.value.message)
    with pytest.raises(InvalidInput):
        _done(bureau, step4, POTOU_CODE, D(2022, 9, 20), inspection_id=999999)
    drawn = _inspection(bureau, drawn=True)
    done = _done(bureau, step4, POTOU_CODE, D(2022, 9, 20), inspection_id=drawn.pk)
    assert done.inspection == drawn


def test_step_5_is_done_with_a_report_to_the_city_bureau_REQ_106(potou):
    campaign, bureau = potou
    step5 = _items(campaign)["5.1"]
    with pytest.raises(InvalidInput) as exc:
        _done(bureau, step5, POTOU_CODE, D(2022, 10, 20))
    assert exc.value.code == StatsCode.COMPLETION_REPORT_INVALID

    def report(sender, status):
        return UpwardReport.objects.create(
            kind=ReportKind.PROGRESS,
            sender_id=sender,
            recipient_id="4408",
            recipient_name="湛江市民政局",
            campaign=campaign,
            title="坡头区专项行动工作总结",
            body="……",
            status=status,
            created_at=dt.datetime(2022, 10, 19, tzinfo=dt.UTC),
            submitted_at=(
                dt.datetime(2022, 10, 20, tzinfo=dt.UTC)
                if status != ReportStatus.DRAFT
                else None
            ),
        )

    draft = report(POTOU_CODE, ReportStatus.DRAFT)
    with pytest.raises(InvalidInput) as exc:
        _done(bureau, step5, POTOU_CODE, D(2022, 10, 20), report_id=draft.pk)
    assert str(exc.value.message) == "所选报告尚未报送"
    f.division("440804001")
    foreign = report("440804001", ReportStatus.SUBMITTED)
    with pytest.raises(InvalidInput):
        _done(bureau, step5, POTOU_CODE, D(2022, 10, 20), report_id=foreign.pk)
    sent = report(POTOU_CODE, ReportStatus.SUBMITTED)
    done = _done(bureau, step5, POTOU_CODE, D(2022, 10, 20), report_id=sent.pk)
    assert done.report == sent


def test_potous_current_step_follows_the_deadlines(potou):
    campaign, _bureau = potou
    assert selectors.progress(campaign, D(2022, 4, 1)).current.phase.number == 1
    assert selectors.progress(campaign, D(2022, 4, 26)).current.phase.number == 2
    assert selectors.progress(campaign, D(2022, 9, 25)).current.phase.number == 4
    assert selectors.progress(campaign, D(2022, 10, 26)).current is None


# Progress, overdue and the inbox ---------------------------------------------------------


def test_a_phase_past_its_deadline_with_units_not_done_is_highlighted_REQ_104(
    people, sunan, django_assert_max_num_queries
):
    items = _items(sunan)
    _done(people["bureau"], items["1.1"], COUNTY, D(2020, 11, 25))
    _done(people["t1"], items["2.1"], T1, D(2020, 12, 20))
    _done(people["t1"], items["2.2"], T1, D(2020, 12, 28))
    _done(people["bureau"], items["2.1"], T2, D(2020, 12, 30))
    with django_assert_max_num_queries(5):
        progress = selectors.progress(sunan, D(2021, 1, 5))
    states = [p.state for p in progress.phases]
    assert states == ["done", "overdue", "current", "upcoming", "upcoming", "upcoming"]
    assert progress.current.phase.number == 3
    (late,) = progress.overdue
    assert late.label == "2.2" and [u.code for u in late.missing] == [T2]
    # The matrix: the lead, then each township; cells in the deliverables' order.
    assert [r.unit.code for r in progress.rows] == [COUNTY, T1, T2]
    lead, first, second = progress.rows
    assert [c.applies for c in lead.cells] == [
        True,
        False,
        False,
        True,
        True,
        False,
        False,
        True,
    ]
    assert (first.done, first.expected, first.overdue) == (2, 4, False)
    assert (second.done, second.expected, second.overdue) == (1, 4, True)
    assert second.cells[2].overdue and not second.cells[1].overdue
    # A township sees its own row and the lead's.
    own = selectors.progress(sunan, D(2021, 1, 5), viewer=people["t1"])
    assert [r.unit.code for r in own.rows] == [COUNTY, T1]
    assert own.overdue == []


def test_the_inbox_tells_a_unit_what_is_due_and_the_bureau_what_is_late(
    people, sunan, clock_at
):
    def counts(user):
        return {
            str(i.label): i.count
            for provider in (inbox.campaign_due, inbox.campaign_overdue)
            for i in provider(user)
            if i.count
        }

    clock_at(2020, 12, 20, 9)
    assert counts(people["t1"]) == {"本单位临近截止或已逾期的专项工作任务": 2}
    items = _items(sunan)
    _done(people["t1"], items["2.1"], T1, D(2020, 12, 20))
    assert counts(people["t1"]) == {"本单位临近截止或已逾期的专项工作任务": 1}
    assert counts(people["province"]) == {}
    clock_at(2021, 1, 5, 9)
    assert counts(people["bureau"]) == {
        "本单位临近截止或已逾期的专项工作任务": 1,  # its own 1.1, overdue
        "专项工作中逾期仍有单位未完成的任务": 2,  # 2.1 (T2) and 2.2 (T1, T2)
    }


# The command line -------------------------------------------------------------------------


def test_the_command_starts_a_campaign_in_a_month(people):
    out = io.StringIO()
    call_command(
        "stats",
        "campaign-start",
        "--division",
        COUNTY,
        "--template",
        "sunan-2020",
        "--start",
        "2024-03",
        stdout=out,
    )
    campaign = Campaign.objects.get()
    assert (campaign.starts_on, campaign.ends_on) == (D(2024, 3, 1), D(2026, 12, 31))
    assert "已发起专项工作" in out.getvalue() and "6 个阶段" in out.getvalue()
    assert audit.history(campaign)[0].actor == "system"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--start", "2024-13"], "开始月份应为 YYYY-MM"),
        (["--start", "1999-01"], "开始年份应在"),
        (["--template", "nowhere"], "未知的专项工作模板"),
        (["--template", "shaanxi-2022"], "该模板须由省级牵头发起"),
        (["--division", "999999"], "行政区划不存在"),
    ],
)
def test_the_command_refuses_bad_input_in_words(people, args, message):
    given_args = {
        "--division": COUNTY,
        "--template": "sunan-2020",
        "--start": "2024-03",
    }
    given_args.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(CommandError) as exc:
        call_command(
            "stats", "campaign-start", *[x for kv in given_args.items() for x in kv]
        )
    assert message in str(exc.value)


def test_the_demo_campaign_is_mid_way(people, clock_at):
    from yinzheng.demo import stats_campaigns

    f.user("xiangzhen", role=Role.TOWNSHIP, at=T1)
    f.division("620725103")
    clock_at(2021, 5, 10, 9)
    campaign = stats_campaigns.load()
    assert campaign.starts_on == D(2021, 2, 1)
    progress = selectors.progress(campaign, D(2021, 5, 10))
    assert [p.state for p in progress.phases] == [
        "done",
        "overdue",
        "current",
        "upcoming",
        "upcoming",
        "upcoming",
    ]
    assert {d.label: [u.code for u in d.missing] for d in progress.overdue} == {
        "2.1": ["620725103"],
        "2.2": ["620725103"],
    }
    assert stats_campaigns.load() is None  # loaded once
