"""The catalogue's endpoints: lists, versions, items, clean-ups, the lookup, and the
admission, exit and filing applications with their opinions and decisions."""

from django.urls import path

from yinzheng.api import applications, catalogue

routes = [
    ("catalogue/lists", catalogue.CatalogueListViewSet, "catalogue-list"),
    ("catalogue/versions", catalogue.VersionViewSet, "catalogue-version"),
    ("catalogue/items", catalogue.ItemViewSet, "catalogue-item"),
    ("catalogue/cleanups", catalogue.CleanupViewSet, "catalogue-cleanup"),
    (
        "catalogue/applications",
        applications.ApplicationViewSet,
        "catalogue-application",
    ),
]
urlpatterns = [
    path("catalogue/lookup/", catalogue.LookupView.as_view(), name="catalogue-lookup"),
    path(
        "catalogue/opinions/<int:pk>/record/",
        applications.OpinionRecordView.as_view(),
        name="catalogue-opinion-record",
    ),
    path(
        "catalogue/decisions/",
        applications.DecisionListView.as_view(),
        name="catalogue-decisions",
    ),
]
