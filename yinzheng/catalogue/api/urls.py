"""The catalogue's endpoints: lists, versions, items, clean-ups, the lookup, and the
admission, exit and filing applications with their opinions and decisions."""

from django.urls import path

from . import (
    applications,
    changes,
    cleanups,
    decisions,
    items,
    lists,
    opinions,
    versions,
)

routes = [
    ("catalogue/lists", lists.CatalogueListViewSet, "catalogue-list"),
    ("catalogue/versions", versions.VersionViewSet, "catalogue-version"),
    ("catalogue/items", items.ItemViewSet, "catalogue-item"),
    ("catalogue/cleanups", cleanups.CleanupViewSet, "catalogue-cleanup"),
    (
        "catalogue/applications",
        applications.ApplicationViewSet,
        "catalogue-application",
    ),
]
urlpatterns = [
    path("catalogue/lookup/", items.LookupView.as_view(), name="catalogue-lookup"),
    path(
        "catalogue/changes/",
        changes.ChangeReportView.as_view(),
        name="catalogue-changes",
    ),
    path(
        "catalogue/opinions/<int:pk>/record/",
        opinions.OpinionRecordView.as_view(),
        name="catalogue-opinion-record",
    ),
    path(
        "catalogue/decisions/",
        decisions.DecisionListView.as_view(),
        name="catalogue-decisions",
    ),
]
