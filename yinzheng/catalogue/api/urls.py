"""The catalogue's endpoints: lists, versions, items, clean-ups, the lookup, and the
admission, exit and filing applications with their opinions and decisions."""

from django.urls import path

from . import (
    announcements,
    applications,
    changes,
    cleanups,
    decisions,
    items,
    lists,
    opinions,
    platform,
    publishing,
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
    # REQ-112: the messages to the government-service platforms.
    path(
        "catalogue/platform-messages/",
        platform.PlatformMessageListView.as_view(),
        name="catalogue-platform-messages",
    ),
    path(
        "catalogue/platform-messages/<int:pk>/retry/",
        platform.PlatformMessageRetryView.as_view(),
        name="catalogue-platform-message-retry",
    ),
    # REQ-078: guides and related rules on the publication channels.
    path(
        "catalogue/guide-publications/",
        publishing.GuidePublicationsView.as_view(),
        name="catalogue-guide-publications",
    ),
    path("catalogue/rules/", publishing.RulesView.as_view(), name="catalogue-rules"),
    path(
        "catalogue/rules/<int:pk>/publications/",
        publishing.RulePublicationView.as_view(),
        name="catalogue-rule-publications",
    ),
    # REQ-122: the announcements of later national batches.
    path(
        "catalogue/announcements/",
        announcements.AnnouncementListView.as_view(),
        name="catalogue-announcements",
    ),
    path(
        "catalogue/announcements/<int:pk>/acknowledge/",
        announcements.AcknowledgeView.as_view(),
        name="catalogue-announcement-acknowledge",
    ),
    path(
        "catalogue/announcements/<int:pk>/pending/",
        announcements.PendingView.as_view(),
        name="catalogue-announcement-pending",
    ),
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
