"""The campaigns' staff pages (REQ-104–107): the templates preloaded as the documents
lay them down; the bureau starts a campaign on the page; the campaign page shows the
phases with their dates, the units' completion and the overdue deliverables in words;
a township records its own completion and no other's; withdrawal and rescheduling; the
province reads and writes nothing (REQ-098); refusals shown, never a 500."""

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse

from yinzheng.accounts.choices import Role
from yinzheng.core.tests import factories as f
from yinzheng.stats import services
from yinzheng.stats.models import Campaign, Completion, Deliverable
from yinzheng.stats.tests import factories
from yinzheng.stats.tests.factories import COUNTY, T1, T2

POTOU = "440804"


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def people(tree, clock_at):
    clock_at(2021, 1, 5, 9)
    return factories.people()


@pytest.fixture
def sunan(people):
    return services.campaign_start(
        actor=people["bureau"],
        division_code=COUNTY,
        template_code="sunan-2020",
        starts_on=dt.date(2020, 11, 1),
    )


def _item(campaign, label):
    phase, number = label.split(".")
    return Deliverable.objects.get(
        phase__campaign=campaign, phase__number=int(phase), number=int(number)
    )


def _record(user, campaign, label, unit, on):
    return services.completion_record(
        actor=user,
        deliverable_id=_item(campaign, label).pk,
        unit_code=unit,
        completed_on=on,
    )


def test_anonymous_users_are_sent_to_login(client, db):
    response = client.get("/stats/campaigns/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_navigation_links_the_campaigns(client, people):
    client.force_login(people["t1"])
    assert 'href="/stats/campaigns/"' in text_of(client.get("/stats/tables/"))


def test_the_templates_page_shows_the_three_plans_exactly_REQ_104_106_107(
    client, people
):
    client.force_login(people["t1"])
    page = text_of(client.get("/stats/campaigns/templates/"))
    for name in (
        "安排部署工作",
        "摸排掌握情况",
        "制定事项清单",
        "编制办事指南",
        "全面组织实施",
        "认真总结评估",
    ):
        assert name in page
    for date in ("2020-11-30", "2020-12-30", "2021-03-31", "2021-05-31", "2023-06-30"):
        assert date in page
    assert "自 2021-06-01 起" in page and "2023-07-31" in page
    for step, date in (
        ("印发工作方案", "2022-04-25"),
        ("完善事项清单", "2022-06-25"),
        ("建立长效机制", "2022-08-25"),
        ("开展专项督查", "2022-09-25"),
        ("总结工作", "2022-10-25"),
    ):
        assert step in page and date in page
    assert "专项督查抽查" in page and "向上级报送报告" in page  # steps 4 and 5
    assert "2022-06-30" in page
    for deliverable in ("社区印章管理使用办法", "社区工作准入制度"):
        assert deliverable in page
    assert "按此模板发起" not in page  # a township does not start one
    client.force_login(people["bureau"])
    page = text_of(client.get("/stats/campaigns/templates/"))
    assert 'href="/stats/campaigns/new/?template=sunan-2020"' in page


def test_the_bureau_starts_a_campaign_on_the_page(client, people):
    client.force_login(people["bureau"])
    form = text_of(client.get("/stats/campaigns/new/?template=potou-2022"))
    assert f'value="{COUNTY}"' in form and 'type="month"' in form
    assert '<option value="potou-2022" selected>' in form
    response = client.post(
        "/stats/campaigns/new/",
        {"template": "sunan-2020", "division": COUNTY, "start": "2020-12", "title": ""},
    )
    campaign = Campaign.objects.get()
    assert response["Location"] == f"/stats/campaigns/{campaign.pk}/"
    assert campaign.starts_on == dt.date(2020, 12, 1)
    page = text_of(client.get(response["Location"]))
    assert "改进和规范基层群众性自治组织出具证明工作" in page
    assert "2020-12-01 至 2020-12-31" in page  # phase 1, shifted a month
    assert "2021-01-30" in page  # phase 2's 12-30 deadline
    assert campaign.title in text_of(client.get("/stats/campaigns/"))


def test_bad_input_on_the_start_form_is_shown_not_500(client, people, sunan):
    client.force_login(people["bureau"])
    bad_month = client.post(
        "/stats/campaigns/new/",
        {"template": "sunan-2020", "division": COUNTY, "start": "2020-13"},
    )
    assert bad_month.status_code == 200
    assert "请按“年-月”填写" in text_of(bad_month)
    level = client.post(
        "/stats/campaigns/new/",
        {"template": "shaanxi-2022", "division": COUNTY, "start": "2022-01"},
    )
    assert level.status_code == 200 and "该模板须由省级牵头发起" in text_of(level)
    twice = client.post(
        "/stats/campaigns/new/",
        {"template": "sunan-2020", "division": COUNTY, "start": "2020-11"},
    )
    assert twice.status_code == 200 and "已按该模板发起过" in text_of(twice)
    odd = client.post(
        "/stats/campaigns/new/",
        {"template": "sunan-2020", "division": COUNTY, "start": "0000-01"},
    )
    assert odd.status_code == 200
    assert Campaign.objects.count() == 1


def test_the_campaign_page_highlights_the_overdue_in_words_REQ_104(
    client, people, sunan
):
    _record(people["bureau"], sunan, "1.1", COUNTY, dt.date(2020, 11, 25))
    _record(people["t1"], sunan, "2.1", T1, dt.date(2020, 12, 20))
    client.force_login(people["bureau"])
    page = text_of(client.get(f"/stats/campaigns/{sunan.pk}/"))
    assert 'id="overdue"' in page and "逾期仍有单位未完成的任务" in page
    assert 'class="overdue"' in page and "逾期未完成" in page
    assert "第2阶段" in page and "第6阶段" in page
    assert 'id="phase-3" class="current' in page  # the current phase
    assert 'id="phase-1" class="done"' in page
    assert 'id="phase-2" class="overdue"' in page
    assert "✓ 2020-12-20" in page and "✓ 2020-11-25" in page
    assert f'id="unit-{T1}"' in page and f'id="unit-{T2}"' in page
    assert (
        "yinzheng/stats.css" in page and "data-print" in page and "打印进度表" in page
    )
    assert "已完成 1 / 2" in page


def test_a_township_records_its_own_completion_on_the_page(client, people, sunan):
    client.force_login(people["t1"])
    page = text_of(client.get(f"/stats/campaigns/{sunan.pk}/"))
    assert f'action="/stats/campaigns/{sunan.pk}/completions/"' in page
    assert f'value="{T1}"' in page and f'value="{T2}"' not in page
    assert f'id="unit-{T2}"' not in page  # its own row and the lead's
    step = _item(sunan, "2.1")
    response = client.post(
        f"/stats/campaigns/{sunan.pk}/completions/",
        {
            "done-deliverable": step.pk,
            "done-unit": T1,
            "done-completed_on": "2020-12-20",
            "done-note": "已完成",
        },
    )
    assert response.status_code == 302, text_of(response)
    assert Completion.objects.get().unit_id == T1
    other = client.post(
        f"/stats/campaigns/{sunan.pk}/completions/",
        {
            "done-deliverable": _item(sunan, "2.2").pk,
            "done-unit": T2,
            "done-completed_on": "2020-12-20",
        },
    )
    assert other.status_code == 200  # not among the choices: the form says so
    future = client.post(
        f"/stats/campaigns/{sunan.pk}/completions/",
        {
            "done-deliverable": _item(sunan, "2.2").pk,
            "done-unit": T1,
            "done-completed_on": "2021-02-01",
        },
    )
    assert future.status_code == 200
    assert "完成日期不能晚于今天" in text_of(future)
    assert Completion.objects.count() == 1


def test_a_mistaken_record_is_withdrawn_on_the_page(client, people, sunan):
    done = _record(people["t1"], sunan, "2.1", T1, dt.date(2020, 12, 20))
    client.force_login(people["t2"])
    assert (
        client.post(
            f"/stats/completions/{done.pk}/withdraw/", {"reason": "x"}
        ).status_code
        == 404  # outside the township's own area
    )
    client.force_login(people["t1"])
    page = text_of(client.get(f"/stats/campaigns/{sunan.pk}/"))
    assert f'action="/stats/completions/{done.pk}/withdraw/"' in page
    blank = client.post(f"/stats/completions/{done.pk}/withdraw/", {"reason": ""})
    assert blank.status_code == 302 and Completion.objects.exists()
    response = client.post(
        f"/stats/completions/{done.pk}/withdraw/", {"reason": "登记有误"}
    )
    assert response.status_code == 302
    assert not Completion.objects.exists()


def test_the_bureau_moves_a_deadline_on_the_page(client, people, sunan):
    step = _item(sunan, "2.1")
    client.force_login(people["bureau"])
    page = text_of(client.get(f"/stats/campaigns/{sunan.pk}/"))
    assert f'action="/stats/deliverables/{step.pk}/reschedule/"' in page
    response = client.post(
        f"/stats/deliverables/{step.pk}/reschedule/",
        {"due_on": "2021-01-31", "reason": "顺延"},
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.due_on == dt.date(2021, 1, 31)
    early = client.post(
        f"/stats/deliverables/{step.pk}/reschedule/",
        {"due_on": "2019-01-01", "reason": "x"},
        follow=True,
    )
    assert "不能早于专项工作开始日期" in text_of(early)
    step.refresh_from_db()
    assert step.due_on == dt.date(2021, 1, 31)


def test_the_province_reads_but_writes_nothing_REQ_098(client, people, sunan):
    done = _record(people["t1"], sunan, "2.1", T1, dt.date(2020, 12, 20))
    client.force_login(people["province"])
    page = text_of(client.get(f"/stats/campaigns/{sunan.pk}/"))
    assert "摸排掌握情况" in page
    assert "/completions/" not in page and "/reschedule/" not in page
    assert "/withdraw/" not in page
    # The province starts only its own (provincial) campaigns, never a county's.
    form = text_of(client.get("/stats/campaigns/new/"))
    assert 'value="62"' in form and f'value="{COUNTY}"' not in form
    client.post(
        "/stats/campaigns/new/",
        {"template": "sunan-2020", "division": COUNTY, "start": "2021-01"},
    )
    assert Campaign.objects.count() == 1
    step = _item(sunan, "2.2")
    assert (
        client.post(
            f"/stats/campaigns/{sunan.pk}/completions/",
            {
                "done-deliverable": step.pk,
                "done-unit": T2,
                "done-completed_on": "2020-12-20",
            },
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/stats/completions/{done.pk}/withdraw/", {"reason": "x"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/stats/deliverables/{step.pk}/reschedule/",
            {"due_on": "2021-02-01", "reason": "x"},
        ).status_code
        == 403
    )
    assert Completion.objects.count() == 1


def test_another_county_gets_404(client, people, sunan):
    other = f.user("other", role=Role.CIVIL_AFFAIRS, at=POTOU)
    client.force_login(other)
    assert client.get(f"/stats/campaigns/{sunan.pk}/").status_code == 404
    assert sunan.title not in text_of(client.get("/stats/campaigns/"))


def test_potous_steps_link_the_sampling_and_the_report_REQ_106(client, people):
    bureau = f.user("potou", role=Role.CIVIL_AFFAIRS, at=POTOU)
    campaign = services.campaign_start(
        actor=bureau,
        division_code=POTOU,
        template_code="potou-2022",
        starts_on=dt.date(2022, 4, 1),
    )
    client.force_login(bureau)
    page = text_of(client.get(f"/stats/campaigns/{campaign.pk}/"))
    assert 'href="/supervision/draws/new/"' in page
    assert 'href="/supervision/inspections/"' in page
    try:
        reports = reverse("stats:reports")
    except NoReverseMatch:
        reports = None
    assert "向上级报送报告" in page
    if reports:
        assert f'href="{reports}"' in page


def test_the_list_shows_where_each_campaign_stands(client, people, sunan):
    client.force_login(people["bureau"])
    page = text_of(client.get("/stats/campaigns/"))
    assert f'id="campaign-{sunan.pk}" class="overdue"' in page
    assert "3. 制定事项清单" in page  # the current phase
    assert "逾期 3 项" in page  # 1.1, 2.1 and 2.2
