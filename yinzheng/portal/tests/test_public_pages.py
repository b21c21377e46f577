"""The public pages (no login) show no internal requirement ids (issue 16)."""

import re

import pytest
from django.urls import reverse

from yinzheng.catalogue.models import CatalogueList, Item

REQUIREMENT_ID = re.compile(r"\b(?:REQ|DIV)-\d+")


@pytest.mark.django_db
def test_no_public_page_shows_a_requirement_id(client, tree):
    pages = [
        reverse("portal:catalogue"),
        reverse("portal:decisions"),
        reverse("portal:report"),
        reverse("portal:report_lookup"),
        reverse("portal:verify_form"),
        reverse("portal:status_lookup"),
    ]
    pages += [
        reverse("portal:catalogue_item", args=[key])
        for key in Item.objects.values_list("key", flat=True)
    ]
    pages += [
        reverse("portal:catalogue_list", args=[pk])
        for pk in CatalogueList.objects.values_list("pk", flat=True)
    ]
    assert len(pages) > 20  # the national negative list's items are there
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        found = REQUIREMENT_ID.findall(response.content.decode())
        assert not found, (url, found)
