"""The supervision-scan benchmark's data (benchmarks/_supervision_data.py), small: every
register entry has the sealed seal-use request it records and the head's approval in
the audit journal, so the REQ-121 watch flags only the sealings planted without one
(issue 15: the benchmark measured a worst case in which it flagged every entry)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from benchmarks._supervision_data import Generator, make_divisions
from yinzheng.core import clock
from yinzheng.ledger import services as ledger
from yinzheng.ledger.models import Chain
from yinzheng.supervision.services import alerts, settings_for

pytestmark = pytest.mark.django_db
COUNTY, TOWNSHIP = "620522", "620522100"


def test_only_the_planted_sealings_lack_an_approval_REQ_121():
    committees = [(f"{TOWNSHIP}{n:03d}", f"基准村{n}") for n in range(1, 13)]
    make_divisions(COUNTY, {TOWNSHIP: "基准镇"}, committees)
    args = SimpleNamespace(entries=480, year=2025, seed=7, county=COUNTY)
    generator = Generator(args, committees)
    for index, (code, _name) in enumerate(committees):
        generator.committee(index, code)
    assert generator.counts["seal-use requests"] == generator.counts["entries"]
    planted = generator.counts["planted sealings without approval"]
    assert planted == 2  # the tenth committee (index 9)
    window = alerts.Window(
        COUNTY,
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
        clock.now(),
        settings_for(COUNTY),
    )
    hits = alerts.sealed_without_approval(window)
    flagged = [e for hit in hits for e in hit.evidence]
    assert {hit.committee for hit in hits} == {committees[9][0]}
    assert len(flagged) == planted
    assert {e["problem"] for e in flagged} == {"not_approved"}
    audit = Chain.objects.get(key=f"audit:{COUNTY}")
    assert ledger.verify_chain(audit).ok  # the journal is hash-chained as written
