"""Shared test set-up: a small division tree and users with grants, made through services."""

import os

import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    if os.environ.get("YINZHENG_REQUIRE_POSTGRES") and not on_postgres:
        raise pytest.UsageError("YINZHENG_REQUIRE_POSTGRES is set but the database is not PostgreSQL")
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: set YINZHENG_DATABASE_URL=postgresql://… (CI does)"
    )
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Tests need a password, not a slow hash of it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
