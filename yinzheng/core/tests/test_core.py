"""Core helpers: masking, working days, transitions, error pages."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yinzheng.core import masking, workdays
from yinzheng.core.errors import DomainError, InvalidTransition, NotAllowed


def test_id_number_is_masked_to_first_three_and_last_four():
    assert masking.mask_id_number("620725199003071234") == "620***********1234"


def test_phone_and_name_are_masked():
    assert masking.mask_phone("13812345678") == "138****5678"
    assert masking.mask_name("张三丰") == "张**"
    assert masking.mask_name("") == ""


@given(st.text(min_size=8, max_size=30))
def test_masking_keeps_length_and_hides_the_middle(value):
    masked = masking.mask_id_number(value)
    assert len(masked) == len(value)
    assert masked[3:-4] == "*" * (len(value) - 7)


def test_working_days_skip_the_national_day_holiday():
    # 2025-09-30 is a Tuesday; 1–8 October 2025 are the National Day holidays.
    assert workdays.add_working_days(dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 9)


def test_working_days_count_an_adjusted_weekend_workday():
    # Sunday 2025-09-28 is an official working day (调休).
    assert workdays.is_working_day(dt.date(2025, 9, 28))


@given(
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2025, 12, 1)),
    st.integers(min_value=0, max_value=30),
)
def test_adding_working_days_lands_on_a_working_day(start, days):
    end = workdays.add_working_days(start, days)
    assert end >= start
    if days:
        assert workdays.is_working_day(end)


def test_domain_errors_carry_code_message_and_status():
    err = NotAllowed(detail={"action": "x"})
    assert err.as_dict()["code"] == "not_allowed" and err.status == 403
    assert str(DomainError().message)


def test_transition_table_refuses_a_move_it_does_not_list():
    from django.db import models

    from yinzheng.core.transitions import move_to

    class Thing(models.Model):  # noqa: DJ008
        status = models.CharField(choices=[("a", "A"), ("b", "B"), ("c", "C")])
        TRANSITIONS = {"a": {"b"}}

        class Meta:
            app_label = "core"
            managed = False

    thing = Thing(status="a")
    move_to(thing, "b")
    assert thing.status == "b"
    with pytest.raises(InvalidTransition):
        move_to(thing, "c")


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "未找到" in response.content.decode()


@pytest.mark.django_db
def test_domain_error_on_a_page_shows_its_message(client, tree):
    from yinzheng.core.tests import factories

    client.force_login(factories.user("c", role="clerk", at=tree["A1a"]))
    response = client.get("/ledger/")
    assert response.status_code == 403
    assert "您无权执行此操作" in response.content.decode()


@pytest.mark.django_db
def test_the_journal_page_names_chain_kinds_in_words(client, tree):
    """Issue 16: 审计日志 and the two registers, not audit / register_work."""
    from yinzheng.core.tests import factories
    from yinzheng.ledger import services as journal

    for key, kind in (
        ("audit:x", "audit"),
        ("register:w", "register_work"),
        ("register:c", "register_certificate"),
    ):
        journal.chain_get_or_create(key=key, kind=kind, division_code=None)
    client.force_login(factories.user("root", superuser=True))
    page = client.get("/ledger/").content.decode()
    for label in ("审计日志", "工作用印登记簿", "出具证明事项登记簿"):
        assert label in page
    for raw in ("<td>register_work</td>", "<td>register_certificate</td>"):
        assert raw not in page


@pytest.mark.django_db
def test_home_shows_each_grant_and_its_division(client, tree):
    from yinzheng.core.tests import factories

    client.force_login(factories.user("t", role="township", at="620725101"))
    page = client.get("/").content.decode()
    assert "乡镇（街道）工作人员" in page and "620725101" in page


def test_no_template_or_stylesheet_loads_from_a_cdn():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for path in list(root.rglob("*.html")) + list(root.rglob("*.css")):
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, path


@pytest.mark.django_db
def test_models_and_migrations_agree():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_pages_name_a_favicon_served_from_the_project(client):
    """Issue 16: a tab icon, from our own static files (no network), and /favicon.ico
    (what browsers ask for by themselves) leads to it."""
    import re

    from django.conf import settings
    from django.contrib.staticfiles import finders

    page = client.get("/accounts/login/").content.decode()
    link = re.search(r'<link rel="icon" [^>]*href="([^"]+)"', page)
    assert link, "no <link rel=icon>"
    href = link.group(1)
    found = finders.find(href.removeprefix(settings.STATIC_URL))
    assert found, href
    with open(found, encoding="utf-8") as icon:
        assert "<svg" in icon.read()
    response = client.get("/favicon.ico")
    assert response.status_code in (301, 302) and response["Location"] == href


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("某商业银行", "（某商业银行）"),
        ("（示例）某商业银行山丹支行", "（示例：某商业银行山丹支行）"),
        ("（示例）", "（示例）"),
        ("（已核实）", "（已核实）"),
        ("（甲）与（乙）", "（（甲）与（乙））"),
        ("", ""),
    ],
)
def test_a_remark_is_bracketed_once(text, shown):
    """Issue 16: demo data's （示例） never doubles the brackets around it."""
    from yinzheng.core.text import in_brackets

    assert in_brackets(text) == shown
