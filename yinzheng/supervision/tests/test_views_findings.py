"""A finding recorded on the page names the register entries it concerns, by the book's
numbers or from the alert that led to it (REQ-092: linked where possible)."""

import pytest

from yinzheng.supervision import services
from yinzheng.supervision.models import Alert, Finding

from .factories import COUNTY, people, register_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(tree, clock_at):
    clock_at(2026, 11, 3, 22)
    made = [register_entry(tree["A1a"]) for _ in range(3)]
    clock_at(2026, 11, 6, 10)
    return made


def _post(client, tree, **extra):
    data = {
        "finding-committee": tree["A1a"],
        "finding-kind": "other",
        "finding-description": "夜间用印未说明理由",
        **extra,
    }
    return client.post("/supervision/findings/new/", data)


def test_a_finding_names_its_entries_by_the_books_numbers(client, tree, entries):
    client.force_login(people(tree).inspector)
    response = _post(
        client,
        tree,
        **{
            "finding-register": "work",
            "finding-register_year": "2026",
            "finding-register_seqs": "1, 3",
        },
    )
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert set(finding.register_entries.all()) == {entries[0], entries[2]}


def test_a_number_not_in_the_book_is_refused_on_the_form(client, tree, entries):
    client.force_login(people(tree).inspector)
    response = _post(
        client,
        tree,
        **{
            "finding-register": "work",
            "finding-register_year": "2026",
            "finding-register_seqs": "2-9",
        },
    )
    assert response.status_code == 200
    assert "该登记簿没有这些序号：4, 5, 6, 7, 8, 9" in response.content.decode()
    assert not Finding.objects.exists()
    response = _post(client, tree, **{"finding-register_seqs": "abc"})
    assert "登记序号格式有误" in response.content.decode()


def test_an_alert_becomes_a_finding_with_its_entries(client, tree, entries):
    services.scan(county_codes=[COUNTY])
    alert = Alert.objects.get()
    client.force_login(people(tree).inspector)
    page = client.get(f"/supervision/alerts/{alert.pk}/").content.decode()
    assert f"/supervision/findings/new/?alert={alert.pk}" in page
    form = client.get(f"/supervision/findings/new/?alert={alert.pk}").context["form"]
    assert form.initial["entries"] == ",".join(str(e.pk) for e in entries)
    response = _post(
        client,
        tree,
        **{"finding-entries": form.initial["entries"], "finding-kind": "other"},
    )
    assert response.status_code == 302
    assert set(Finding.objects.get().register_entries.all()) == set(entries)


def test_entries_of_another_committee_are_refused(client, tree, entries):
    client.force_login(people(tree).inspector)
    data = {
        "finding-committee": tree["A1b"],
        "finding-kind": "other",
        "finding-description": "x",
        "finding-entries": str(entries[0].pk),
    }
    response = client.post("/supervision/findings/new/", data)
    assert response.status_code == 200
    assert not Finding.objects.exists()
