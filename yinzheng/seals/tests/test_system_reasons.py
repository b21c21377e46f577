"""Reasons the system writes itself (a permit that lapsed, a vote that failed, a
committee abolished) are kept as a code and read in the reader's language (issue 16):
the same record reads in Chinese on a Chinese page and in English on an English one."""

import datetime as dt

from django.conf import settings
from django.urls import reverse

from yinzheng.core import clock
from yinzheng.divisions import services as divisions
from yinzheng.seals import services
from yinzheng.seals.choices import (
    CollectionReason,
    MajorMatter,
    TakeOutRefusal,
    UsageClosing,
    VoteResult,
)
from yinzheng.seals.models import CollectionTask, Handover, TakeOut, UsageRequest
from yinzheng.seals.services import usage

from .test_usage import through_approval


def _page(client, user, url: str, language: str) -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_lapsed_permit_reads_in_the_readers_language(client, seal, people):
    services.takeout_request(
        actor=people.custodian,
        seal_id=seal.pk,
        purpose="村民代表会议现场用印",
        due_back_at=clock.now() + dt.timedelta(hours=4),
    )
    services.seal_revoke(actor=people.township, seal_id=seal.pk, reason="作废")
    takeout = TakeOut.objects.get()
    assert takeout.refusal_code == TakeOutRefusal.SEAL_RETIRED
    url = reverse("seals:detail", args=[seal.pk])
    assert "印章已停止使用" in _page(client, people.head, url, "zh-hans")
    english = _page(client, people.head, url, "en")
    assert "The seal has been taken out of use" in english
    assert "印章已停止使用" not in english


def test_a_failed_vote_reads_in_the_readers_language(client, seal, people):
    failed = through_approval(people, seal, major_matter=MajorMatter.VOTE)
    usage.usage_record_vote(
        actor=people.clerk,
        usage_id=failed.pk,
        body="村民会议",
        date=dt.date.today(),
        result=VoteResult.FAILED,
        record="赞成 10，反对 30",
    )
    failed.refresh_from_db()
    assert failed.closing_code == UsageClosing.VOTE_FAILED
    url = failed.get_absolute_url()
    assert "表决未通过，不予用印" in _page(client, people.clerk, url, "zh-hans")
    english = _page(client, people.clerk, url, "en")
    assert "The vote did not pass" in english
    assert "表决未通过" not in english


def test_an_abolished_committees_collection_and_handover_read_in_the_readers_language(
    client, seal, people, tree
):
    handover = services.handover_open(
        actor=people.head,
        committee_code=tree["A1a"],
        trigger="term_election",
        trigger_date=dt.date.today(),
        outgoing_id=people.custodian.pk,
        incoming_id=people.custodian2.pk,
    )
    divisions.committee_abolish(
        actor=people.civil, code=tree["A1a"], reference="山政发〔2024〕3号"
    )
    task = CollectionTask.objects.get()
    assert task.reason_code == CollectionReason.ABOLISHED
    assert task.reason == "山政发〔2024〕3号"  # the reference alone: no words stored
    index = reverse("seals:index")
    assert "已撤销（山政发〔2024〕3号）" in _page(
        client, people.township, index, "zh-hans"
    )
    english = _page(client, people.township, index, "en")
    assert "(山政发〔2024〕3号)" in english and "已撤销" not in english

    handover = Handover.objects.get(pk=handover.pk)
    assert handover.cancel_reason == "" and handover.cancel_code
    url = reverse("seals:handover", args=[handover.pk])
    assert "村（居）委会已合并或撤销" in _page(client, people.head, url, "zh-hans")
    english = _page(client, people.head, url, "en")
    assert "The committee has been merged or abolished" in english


def test_a_free_text_reason_stays_as_it_was_written(seal, people):
    """Only the system's own words are coded: a person's reason is kept verbatim."""
    u = through_approval(people, seal)
    usage.usage_withdraw(actor=people.clerk, usage_id=u.pk, reason="文件有误，重新起草")
    u = UsageRequest.objects.get(pk=u.pk)
    assert u.closing_code == "" and u.closing_reason == "文件有误，重新起草"
    assert u.closing_text == "文件有误，重新起草"


def test_reasons_stored_worded_before_become_codes_in_either_language(
    seal, people, tree
):
    """Migration seals 0007: what earlier versions stored worded, in Chinese or in
    English (the language of whoever caused it), is turned into its code; a person's
    own words are left alone."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("yinzheng.seals.migrations.0007_system_phrases")
    chinese, english, own = (through_approval(people, seal) for _ in range(3))
    UsageRequest.objects.filter(pk=chinese.pk).update(
        review_note="已核实：居住事实", closing_reason="不予出具：材料不全"
    )
    UsageRequest.objects.filter(pk=english.pk).update(
        closing_reason="Withdrawn by the applicant: 不再需要"
    )
    UsageRequest.objects.filter(pk=own.pk).update(closing_reason="已核实的文件有误")
    migration.to_codes(apps, None)
    rows = {
        u.pk: (u.review_code, u.review_note, u.closing_code, u.closing_reason)
        for u in UsageRequest.objects.all()
    }
    assert rows[chinese.pk] == ("verified", "居住事实", "refused", "材料不全")
    assert rows[english.pk][2:] == ("withdrawn", "不再需要")
    assert rows[own.pk][2:] == ("", "已核实的文件有误")


def test_a_closed_requests_steps_not_reached_read_not_done(client, seal, people):
    """Labels follow the state (issue 16): a request closed by a failed vote did not
    leave review, approval and sealing "to do"; and the label's colon is the
    reader's (": " in English, not "：")."""
    failed = through_approval(people, seal, major_matter=MajorMatter.VOTE)
    usage.usage_record_vote(
        actor=people.clerk,
        usage_id=failed.pk,
        body="村民会议",
        date=dt.date.today(),
        result=VoteResult.FAILED,
        record="赞成 10，反对 30",
    )
    english = _page(client, people.clerk, failed.get_absolute_url(), "en")
    assert "Not done" in english and "To do" not in english
    assert "Reason for closing or returning: The vote did not pass" in english
    open_one = through_approval(people, seal)
    english = _page(client, people.clerk, open_one.get_absolute_url(), "en")
    assert "To do" in english and "Not done" not in english
