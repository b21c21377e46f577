"""The reporting demo (REQ-105, REQ-108–110): 山丹县's line to 张掖市民政局, every township
but one with its liaison, 清泉镇's reports (one waiting, one signed for, the summary
submitted) and assessments over time; loading twice adds nothing."""

import pytest

from yinzheng.accounts.models import User
from yinzheng.core import inbox
from yinzheng.demo import stats_reports
from yinzheng.demo.loader import load_demo
from yinzheng.stats import report_selectors, services
from yinzheng.stats.choices import ReportKind, ReportStatus
from yinzheng.stats.models import Assessment, UpwardReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_reporting_demo_shows_every_part():
    load_demo()
    stats_reports.load()
    stats_reports.load()  # twice: nothing more
    bureau = User.objects.get(username="minzheng")
    line = services.reporting_line_for("620725")
    assert line.superior_id == "6207" and line.superior_name == "张掖市民政局"
    rows = report_selectors.contact_list(bureau, "620725")
    assert [r.township.name for r in rows if r.gap] == ["中牧公司山丹马场"]
    assert len(rows) == 10
    reports = {r.kind: r for r in UpwardReport.objects.filter(sender_id="620725101")}
    assert UpwardReport.objects.count() == 3
    assert reports[ReportKind.PROGRESS].status == ReportStatus.SUBMITTED
    assert reports[ReportKind.PROBLEM].status == ReportStatus.RECEIVED
    assert reports[ReportKind.SUMMARY].status == ReportStatus.SUBMITTED
    labels = {str(i.label) for i in inbox.items_for(bureau)}
    assert "待签收的报送报告：工作进展" in labels
    assert "待签收的报送报告：总结报告" in labels
    assert "未指定联络人的乡镇（街道）" in labels
    listing = report_selectors.assessments_by_township(bureau, "620725")
    twice = [t for t in listing if len(t.assessments) == 2]
    assert [t.township.code for t in twice] == ["620725101", "620725102"]
    assert Assessment.objects.count() == 4
