"""Reads from streaming replicas (core.replicas, issue 15): only marked views read
there, never inside a transaction, and no write ever goes to a replica.

CI points YINZHENG_REPLICA_URLS at the test database through a connection whose
transactions are read-only (`default_transaction_read_only=on`), so a write sent
there fails the request; locally these tests skip without a replica."""

import pytest
from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from yinzheng.core import replicas
from yinzheng.core.replicas import ReplicaRouter
from yinzheng.esign.tests import conftest as esign_fixtures

ROUTER = ReplicaRouter()
# The electronic-seal tests' fixtures: a committee's people and its e-seal in use.
people, eseal = esign_fixtures.people, esign_fixtures.eseal
MODELS = apps.get_models()


@settings(max_examples=200, deadline=None)
@given(model=st.sampled_from(MODELS), reading=st.booleans())
def test_every_write_goes_to_the_primary_whatever_the_context(model, reading):
    token = replicas._replica.set("replica1" if reading else None)
    try:
        assert ROUTER.db_for_write(model) == DEFAULT_DB_ALIAS
        assert ROUTER.db_for_write(model, instance=model()) == DEFAULT_DB_ALIAS
    finally:
        replicas._replica.reset(token)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_replicas_are_never_migrated(model):
    label = model._meta.app_label
    assert ROUTER.allow_migrate(DEFAULT_DB_ALIAS, label)
    assert not ROUTER.allow_migrate(
        "replica1", label, model_name=model._meta.model_name
    )


def test_outside_a_marked_view_every_read_is_on_the_primary():
    from yinzheng.esign.models import SignedDocument

    assert ROUTER.db_for_read(SignedDocument) == DEFAULT_DB_ALIAS


def test_sessions_the_cache_table_and_rate_counters_are_read_on_the_primary():
    from django.contrib.sessions.models import Session

    from yinzheng.core.models import RateCounter
    from yinzheng.esign.models import SignedDocument

    token = replicas._replica.set("replica1")
    try:
        assert ROUTER.db_for_read(SignedDocument) == "replica1"
        assert ROUTER.db_for_read(Session) == DEFAULT_DB_ALIAS
        assert ROUTER.db_for_read(RateCounter) == DEFAULT_DB_ALIAS
    finally:
        replicas._replica.reset(token)


@pytest.mark.django_db
def test_inside_a_transaction_reads_stay_on_the_primary():
    from yinzheng.esign.models import SignedDocument

    token = replicas._replica.set("replica1")
    try:
        with transaction.atomic():
            assert ROUTER.db_for_read(SignedDocument) == DEFAULT_DB_ALIAS
    finally:
        replicas._replica.reset(token)


# Against a replica -------------------------------------------------------------------


@pytest.fixture
def replica():
    (alias, *_rest) = replicas.replicas()
    return alias


@pytest.mark.replica
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_the_replica_connection_refuses_writes(replica):
    from django.db import DatabaseError

    with pytest.raises(DatabaseError), connections[replica].cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE t (x int)")


@pytest.fixture
def issued_token(people, eseal, settings, tmp_path):
    from yinzheng.esign.tests import factories as f

    settings.MEDIA_ROOT = tmp_path / "media"
    doc, _pdf = f.issued(eseal, clerk=people.clerk, custodian=people.custodian)
    return doc.token


@pytest.mark.replica
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_public_verification_reads_the_replica_and_writes_nothing_there(
    client, replica, issued_token
):
    from yinzheng.esign import tokens

    with (
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        response = client.get(tokens.url_path(issued_token))
    assert response.status_code == 200
    assert 'data-verdict="valid"' in response.content.decode()
    assert any("esign_signeddocument" in q["sql"] for q in on_replica.captured_queries)
    assert not any(
        "esign_signeddocument" in q["sql"] for q in on_primary.captured_queries
    )


@pytest.mark.replica
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_a_name_check_is_journaled_on_the_primary(client, replica, issued_token):
    from yinzheng.esign import tokens
    from yinzheng.ledger.models import Entry

    response = client.post(tokens.url_path(issued_token), {"name": "张三"})
    assert response.status_code == 200
    assert Entry.objects.filter(event="esign.public_name_check").exists()


@pytest.mark.replica
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_the_dashboard_reads_the_replica(client, replica, tree):
    from yinzheng.accounts.choices import Role
    from yinzheng.core.tests import factories

    officer = factories.user("xian", role=Role.CIVIL_AFFAIRS, at=tree["A1a"][:6])
    client.force_login(officer)
    with CaptureQueriesContext(connections[replica]) as on_replica:
        response = client.get("/stats/dashboard/")
    assert response.status_code == 200
    assert any(
        "certificates_certificaterequest" in q["sql"]
        for q in on_replica.captured_queries
    )
