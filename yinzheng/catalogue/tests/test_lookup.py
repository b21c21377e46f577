"""The “I was asked for …” lookup (issue 3, item 6; REQ-007, REQ-079)."""

import json

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from yinzheng.catalogue import lookup, selectors

from .lookup_eval import EVAL, HELD_BACK, TUNING


def rows(with_demo=True):
    from yinzheng.catalogue.reference_data import read_batch1
    from yinzheng.demo.catalogue import ITEMS

    batch1 = [
        (row["key"], row["name"], row["aliases"]) for row in read_batch1()["items"]
    ]
    demo = [(i.key, i.name, i.aliases) for i in ITEMS] if with_demo else []
    return batch1 + demo


@pytest.fixture
def index(db):
    """The national batch 1 and the demo's sample positive-list items."""
    return lookup.Index(rows())


def keys(index, query, k=5):
    return [h.key for h in index.search(query, limit=k)]


def accuracy(index, queries, k):
    return sum(want in keys(index, q, k) for q, want in queries) / len(queries)


def test_the_evaluation_set_has_two_halves_of_at_least_150_over_every_item():
    assert len(EVAL) >= 300
    assert len(TUNING) >= 150 and len(HELD_BACK) >= 150
    assert not {q for q, _ in TUNING} & {q for q, _ in HELD_BACK}
    known = {key for key, _name, _aliases in rows()}
    assert {key for _q, key in TUNING} == known
    assert {key for _q, key in HELD_BACK} == known


def test_accuracy_on_both_halves(index):
    """Issue 16: top-1 and top-3 on the tuning half and on the held-back half, which the
    matcher was never tuned on (`pytest … -s` prints them; benchmarks/README.md)."""
    figures = {
        name: (accuracy(index, queries, 1), accuracy(index, queries, 3))
        for name, queries in (("tuning", TUNING), ("held-back", HELD_BACK))
    }
    print()
    for name, (top1, top3) in figures.items():
        size = len(TUNING if name == "tuning" else HELD_BACK)
        print(f"lookup {name}: top-1 {top1:.1%}, top-3 {top3:.1%} of {size}")
    misses = [
        (q, want, keys(index, q, 3))
        for q, want in TUNING
        if keys(index, q, 1) != [want]
    ]
    assert figures["tuning"][0] >= 0.95, misses
    assert figures["tuning"][1] >= 0.98
    assert figures["held-back"][0] >= 0.85
    assert figures["held-back"][1] >= 0.90


def test_aliases_find_their_items_REQ_007(index):
    assert index.search("户籍证明")[0].key == "identity_info_certificate"
    assert index.search("收入证明")[0].key == "property_certificate"
    assert index.search("分居证明")[0].key == "marital_status_certificate"


def test_a_search_for_residence_never_answers_marital_status():
    """居住证明 answered 婚姻状况证明 because 分居证明 contains 居: a character inside
    another word matches nothing by itself."""
    batch1 = lookup.Index(rows(with_demo=False))
    assert "marital_status_certificate" not in keys(batch1, "居住证明")
    assert "marital_status_certificate" not in keys(batch1, "开个居住证明")


def test_a_search_for_residence_finds_the_residence_item(index):
    assert keys(index, "居住证明")[:1] == ["sample_actual_residence"]
    assert "marital_status_certificate" not in keys(index, "居住证明")
    assert keys(index, "分居证明")[:1] == ["marital_status_certificate"]


@pytest.mark.parametrize(
    "query",
    [
        "证明她是我妈",
        "他是我亲弟弟",
        "我和我哥的关系",
        "证明我是外婆的外孙",
        "父女关系",
    ],
)
def test_kinship_said_as_people_say_it(index, query):
    assert keys(index, query, 1) == ["kinship_certificate"]


def test_a_relative_named_in_passing_does_not_make_it_a_kinship_request(index):
    assert keys(index, "我爸去世了要开证明", 1) == ["death_certificate"]
    assert keys(index, "我妈身份证丢了", 1) == ["lost_document_certificate"]


@pytest.mark.parametrize(
    "query, want",
    [
        ("hunyin zhuangkuang zhengming", "marital_status_certificate"),
        ("hunyinzhuangkuangzhengming", "marital_status_certificate"),
        ("Hun Yin Zheng Ming", "marital_status_certificate"),
        ("siwangzhengming", "death_certificate"),
        ("hyzkzm", "marital_status_certificate"),
        ("wfzjl", "no_criminal_record_certificate"),
        ("开个 shiye 证明", "employment_status_certificate"),
        ("tiaojie zhengming", "sample_dispute_mediation"),  # 调: tiao or diao
        ("mei shouru", "property_certificate"),  # 没: mei or mo
    ],
)
def test_pinyin_with_and_without_spaces_and_initials(index, query, want):
    assert keys(index, query, 1) == [want]


def test_initials_that_spell_several_names_offer_them_all_and_say_so(db, index):
    hits = index.search("jzzm")
    assert "sample_actual_residence" in [h.key for h in hits[:3]]
    assert not lookup.is_sure([h.score for h in hits])


@pytest.mark.parametrize(
    "query", ["单身", "没结婚", "离了", "丧偶", "证明我离异", "还没成家要个证明"]
)
def test_words_for_marital_status(index, query):
    assert keys(index, query, 1) == ["marital_status_certificate"]


@pytest.mark.parametrize(
    "query, want",
    [
        ("没工作", "employment_status_certificate"),
        ("下岗了要证明", "employment_status_certificate"),
        ("失业", "employment_status_certificate"),
        ("待业在家", "employment_status_certificate"),
        ("低保", "property_certificate"),
        ("家里困难要开证明", "property_certificate"),
        ("穷", "property_certificate"),
        ("贫困生证明", "property_certificate"),
    ],
)
def test_words_for_employment_income_and_hardship(index, query, want):
    assert keys(index, query, 1) == [want]


@pytest.mark.parametrize(
    "query",
    ["改名字", "身份证号错了", "出生日期登记错了", "改民族成份", "名字写错了要改"],
)
def test_changes_of_personal_particulars(index, query):
    assert keys(index, query, 1) == ["hukou_entry_change_certificate"]


@pytest.mark.parametrize(
    "query", ["失踪", "走失了", "找不到人", "老人走丢了", "失联多年"]
)
def test_missing_persons(index, query):
    assert keys(index, query, 1) == ["missing_person_certificate"]


def test_a_person_lost_is_missing_a_document_lost_is_lost(index):
    assert keys(index, "孩子丢了", 1) == ["missing_person_certificate"]
    assert keys(index, "我哥不见了", 1) == ["missing_person_certificate"]
    assert keys(index, "身份证丢了", 1) == ["lost_document_certificate"]


@pytest.mark.parametrize(
    "query, want",
    [
        ("在家开店", "business_premises_certificate"),
        ("办营业执照", "business_premises_certificate"),
        ("开个小卖部", "business_premises_certificate"),
        ("孩子上户口", "birth_certificate"),
        ("考公务员政审", "no_criminal_record_certificate"),
    ],
)
def test_purposes_that_imply_an_item(index, query, want):
    assert keys(index, query, 1) == [want]


def test_typos_of_one_character_still_find_the_item(index):
    assert keys(index, "婚姻壮况证明", 1) == ["marital_status_certificate"]
    assert keys(index, "居民身分信息证明", 1) == ["identity_info_certificate"]


def test_an_everyday_request_is_never_answered_with_nothing(index):
    """Every query of both halves gets at least one candidate."""
    empty = [q for q, _want in EVAL if not index.search(q)]
    assert empty == []


def test_a_query_without_substance_finds_nothing(index):
    assert index.search("要个证明") == []
    assert index.search("   ") == []
    assert index.search("asdfgh qwerty") == []
    assert index.search("今天天气不错") == []


def test_confidence_follows_the_score():
    assert [lookup.confidence(s) for s in (0.9, 0.6, 0.3)] == ["high", "medium", "low"]
    assert lookup.is_sure([0.9, 0.5]) and lookup.is_sure([0.9])
    assert not lookup.is_sure([0.9, 0.88])
    assert lookup.is_sure([0.6, 0.25]) and lookup.is_sure([0.6])
    assert not lookup.is_sure([0.6, 0.4])
    assert not lookup.is_sure([0.4])
    assert not lookup.is_sure([])


def test_jieba_loads_quietly_once_per_process():
    """The segmenter loads on first use, says nothing on stderr, and once."""
    import subprocess
    import sys

    code = (
        "from yinzheng.catalogue import lookup\n"
        "assert lookup._segmenter is None\n"
        "a = lookup.segmenter(); b = lookup.segmenter()\n"
        "assert a is b and '没结婚' in a.FREQ\n"
        "print(lookup.words_of('没结婚'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.strip() == "['没结婚']"


@given(st.text(max_size=30))
def test_any_text_gives_ranked_scores_between_0_and_1(text):
    hits = lookup.Index(rows(with_demo=False)).search(text)
    assert all(0 < h.score <= 1 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.django_db
def test_lookup_for_a_committee_says_negative_with_the_route(tree):
    (first, *_rest) = selectors.lookup_items("开个户籍证明", committee_code=tree["A1a"])
    assert first.item.key == "identity_info_certificate"
    assert first.list == "negative"
    assert "公安" in first.item.route


@pytest.mark.django_db
def test_the_command_prints_the_documented_json(tree, capsys):
    call_command(
        "lookup",
        "村里开个收入证名",
        "--committee",
        tree["A1a"],
        "--limit",
        "2",
        "--json",
    )
    out = json.loads(capsys.readouterr().out)
    assert out["query"] == "村里开个收入证名"
    best = out["results"][0]
    assert best["name"] == "居民财产证明" and best["list"] == "negative"
    assert best["route"] and 0 < best["score"] <= 1
    assert best["confidence"] == "high"
    assert (out["confidence"], out["unsure"]) == ("high", False)
    assert "居民财产证明" in out["message"]
    assert len(out["results"]) <= 2


@pytest.mark.django_db
def test_the_command_says_when_it_is_unsure_or_found_nothing(tree, capsys):
    call_command("lookup", "jzzm")
    unsure = capsys.readouterr().out
    call_command("lookup", "asdfgh")
    nothing = capsys.readouterr().out
    assert "您是不是要找" in unsure and "健在证明" in unsure and "急诊证明" in unsure
    assert "没有找到相符的证明事项" in nothing


@pytest.mark.django_db
def test_the_lookup_endpoint_is_public_and_in_the_schema(tree):
    from rest_framework.test import APIClient

    api = APIClient()
    response = api.get(
        "/api/catalogue/lookup/", {"q": "开个无犯罪证明", "committee": tree["A1a"]}
    )
    assert response.status_code == 200
    best = response.json()["results"][0]
    assert (best["key"], best["list"]) == ("no_criminal_record_certificate", "negative")
    # Most of one name (记录 left out), little of any other: medium, and no doubt.
    assert best["confidence"] == "medium"
    assert (response.json()["confidence"], response.json()["unsure"]) == (
        "medium",
        False,
    )
    unsure = api.get("/api/catalogue/lookup/", {"q": "jzzm"}).json()
    assert unsure["unsure"] is True and "您是不是要找" in unsure["message"]
    nothing = api.get("/api/catalogue/lookup/", {"q": "asdfgh"}).json()
    assert (nothing["results"], nothing["confidence"]) == ([], "none")
    assert nothing["message"]
    assert api.get("/api/catalogue/lookup/", {"q": ""}).status_code == 400
    bad = api.get("/api/catalogue/lookup/", {"q": "x", "committee": "999999999999"})
    assert bad.status_code == 404 and bad.json()["code"] == "committee_not_found"
    assert (
        api.get("/api/catalogue/lookup/", {"q": "x", "limit": "²"}).status_code == 400
    )
    schema = api.get("/api/schema/", {"format": "json"}).json()
    assert "/api/catalogue/lookup/" in schema["paths"]
    documented = schema["components"]["schemas"]
    assert {"confidence", "unsure", "message"} <= set(
        documented["Lookup"]["properties"]
    )
    assert "confidence" in documented["LookupResult"]["properties"]


@pytest.mark.django_db
def test_the_public_page_shows_the_confidence_and_asks_back_when_unsure(tree, client):
    from django.urls import reverse

    url = reverse("portal:catalogue")
    sure = client.get(url, {"q": "开个无犯罪证明"}).content.decode()
    unsure = client.get(url, {"q": "jzzm"}).content.decode()
    nothing = client.get(url, {"q": "asdfgh"}).content.decode()
    assert "无犯罪记录证明" in sure and "相符" in sure and "您是不是要找" not in sure
    assert "您是不是要找" in unsure and "仅供参考" not in unsure
    assert "没有找到相符的证明事项" in nothing


@pytest.mark.django_db
def test_a_lookup_sees_a_publication_made_after_the_last_lookup_REQ_009(tree):
    """The per-process cache of the lookup follows every publication at once."""
    import datetime as dt

    from yinzheng.catalogue.choices import ListKind

    from . import factories

    bees = factories.item(name="蜂农养殖证明")
    assert "蜂农养殖证明" not in [
        r.item.name
        for r in selectors.lookup_items("蜂农养殖证明", committee_code=tree["A1a"])
    ]

    v1 = factories.published("620725", ListKind.POSITIVE, [bees])
    added = selectors.lookup_items("蜂农养殖证明", committee_code=tree["A1a"])
    v2 = factories.published(
        "620725",
        ListKind.POSITIVE,
        [],
        valid_from=dt.date(2025, 1, 1),
        catalogue_list=v1.catalogue_list,
    )
    removed = selectors.lookup_items("蜂农养殖证明", committee_code=tree["A1a"])
    on_v1 = selectors.lookup_items(
        "蜂农养殖证明", committee_code=tree["A1a"], on=dt.date(2024, 6, 1)
    )

    assert (added[0].item.key, added[0].list) == (bees.key, "positive")
    assert added[0].list_title == v1.catalogue_list.title
    assert bees.key not in [r.item.key for r in removed]
    assert v2.entries.count() == 0
    assert (on_v1[0].item.key, on_v1[0].list) == (bees.key, "positive")


@pytest.mark.django_db
def test_a_negative_list_published_above_turns_a_positive_item_negative_REQ_010(tree):
    from yinzheng.catalogue.choices import ListKind

    from . import factories

    honey = factories.item(
        name="蜂蜜产地证明", route="向县农业农村部门申请", departments=["农业农村"]
    )
    factories.published("620725", ListKind.POSITIVE, [honey])
    before = selectors.lookup_items("蜂蜜产地证明", committee_code=tree["A1a"])
    factories.published("62", ListKind.NEGATIVE, [honey])
    after = selectors.lookup_items("蜂蜜产地证明", committee_code=tree["A1a"])
    elsewhere = selectors.lookup_items("蜂蜜产地证明", committee_code=tree["B1a"])

    assert (before[0].item.key, before[0].list) == (honey.key, "positive")
    assert (after[0].item.key, after[0].list) == (honey.key, "negative")
    assert (elsewhere[0].item.key, elsewhere[0].list) == (honey.key, "none")


@pytest.mark.django_db
def test_a_repeated_lookup_asks_the_database_one_query(tree, django_assert_num_queries):
    """Issue 3: ≥ 1,000 lookups a second needs the catalogue kept between lookups; the
    one query left is the catalogue generation."""
    selectors.lookup_items("开个户籍证明", committee_code=tree["A1a"])
    with django_assert_num_queries(1):
        results = selectors.lookup_items("收入证名", committee_code=tree["A2a"])
    assert results[0].item.key == "property_certificate"


@pytest.mark.django_db
def test_a_publication_rolled_back_and_redone_at_the_same_moment_is_read_afresh(
    tree, clock_at
):
    """The per-process catalogue must not outlive a rolled-back publication: with the
    clock standing still, the publication made after it has the same counts and the
    same publication time, only a new primary key (PostgreSQL sequences do not roll
    back), and the lookup must see it (found by the survey follow-ups on issue 12)."""
    import datetime as dt

    from django.db import transaction

    from yinzheng.catalogue.choices import ListKind
    from yinzheng.catalogue.selectors.in_force import effective_catalogue

    from . import factories

    clock_at(2024, 6, 1, 10)
    first = factories.item(name="蜂蜡证明")
    second = factories.item(name="蜂箱证明")
    with transaction.atomic():
        factories.published("620725", ListKind.POSITIVE, [first])
        assert first.key in effective_catalogue(tree["A1a"], dt.date(2024, 6, 1))
        transaction.set_rollback(True)
    factories.published("620725", ListKind.POSITIVE, [second])

    in_force = effective_catalogue(tree["A1a"], dt.date(2024, 6, 1))
    assert second.key in in_force
    assert first.key not in in_force
