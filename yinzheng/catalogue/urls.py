from django.urls import path

from .views import (
    announcements,
    applications,
    changes,
    cleanup,
    items,
    lists,
    platform,
    publications,
)

app_name = "catalogue"
urlpatterns = [
    # Staff pages (catalogue.manage): views/lists.py, items.py, publications.py,
    # cleanup.py.
    path("manage/", lists.manage_index, name="manage"),
    # REQ-112: the government-service platform (views/platform.py).
    path("manage/platform/", platform.platform_index, name="platform"),
    path("manage/platform/save/", platform.platform_save, name="platform_save"),
    path(
        "manage/platform/messages/<int:pk>/retry/",
        platform.platform_retry,
        name="platform_retry",
    ),
    # REQ-078: guides and related rules on the channels (views/publications.py).
    path("manage/publishing/", publications.publishing_index, name="publishing"),
    path(
        "manage/publishing/guides/record/",
        publications.publishing_guide_record,
        name="publishing_guide_record",
    ),
    path(
        "manage/publishing/rules/new/",
        publications.publishing_rule_create,
        name="publishing_rule_create",
    ),
    path(
        "manage/publishing/rules/record/",
        publications.publishing_rule_record,
        name="publishing_rule_record",
    ),
    # REQ-122: the batch announcements' acknowledgements (views/announcements.py).
    path(
        "manage/announcements/<int:pk>/",
        announcements.announcement_progress,
        name="announcement_progress",
    ),
    path(
        "manage/announcements/<int:pk>/acknowledge/",
        announcements.announcement_acknowledge,
        name="announcement_acknowledge",
    ),
    path("manage/changes/", changes.manage_changes, name="manage_changes"),
    path("manage/lists/new/", lists.manage_list_create, name="manage_create"),
    path("manage/lists/<int:pk>/review/", lists.manage_review, name="manage_review"),
    path(
        "manage/lists/<int:pk>/follow-ups/<int:task_id>/close/",
        lists.manage_follow_up_close,
        name="manage_follow_up_close",
    ),
    path("manage/lists/<int:pk>/", lists.manage_list, name="manage_list"),
    path("manage/lists/<int:pk>/draft/", lists.manage_draft, name="manage_draft"),
    path(
        "manage/versions/<int:version_id>/add/",
        lists.manage_add_item,
        name="manage_add",
    ),
    path(
        "manage/versions/<int:version_id>/remove/",
        lists.manage_remove_item,
        name="manage_remove",
    ),
    path(
        "manage/versions/<int:version_id>/approve/",
        lists.manage_approve,
        name="manage_approve",
    ),
    path(
        "manage/versions/<int:version_id>/publish/",
        lists.manage_publish,
        name="manage_publish",
    ),
    path(
        "manage/items/<slug:key>/edit/",
        items.manage_item_edit,
        name="manage_item_edit",
    ),
    path(
        "manage/items/<slug:key>/guide/",
        items.manage_guide,
        name="manage_guide",
    ),
    path(
        "manage/items/<slug:key>/guide/publish/",
        items.manage_guide_publish,
        name="manage_guide_publish",
    ),
    path(
        "manage/items/<slug:key>/guide/withdraw/",
        items.manage_guide_withdraw,
        name="manage_guide_withdraw",
    ),
    path(
        "manage/lists/<int:pk>/publications/",
        publications.manage_publication_record,
        name="manage_publication",
    ),
    path(
        "manage/lists/<int:pk>/channels/",
        publications.manage_channels,
        name="manage_channels",
    ),
    path(
        "manage/lists/<int:pk>/cleanup/",
        cleanup.manage_cleanup_start,
        name="manage_cleanup_start",
    ),
    path(
        "manage/cleanups/<int:review_id>/",
        cleanup.manage_cleanup,
        name="manage_cleanup",
    ),
    path(
        "manage/cleanups/<int:review_id>/complete/",
        cleanup.manage_cleanup_complete,
        name="manage_cleanup_complete",
    ),
]

# Admission, exit and filing applications (REQ-021–030): views/applications.py (the
# published decisions are the portal's public page, REQ-024).
urlpatterns += [
    path(
        "manage/applications/",
        applications.application_list,
        name="manage_applications",
    ),
    path(
        "manage/applications/new/",
        applications.application_new,
        name="manage_application_new",
    ),
    path(
        "manage/applications/<int:pk>/",
        applications.application_detail,
        name="manage_application",
    ),
    path(
        "manage/applications/<int:pk>/justification/",
        applications.application_justification,
        name="manage_application_justification",
    ),
    path(
        "manage/applications/<int:pk>/open-review/",
        applications.application_open_review,
        name="manage_application_open_review",
    ),
    path(
        "manage/applications/<int:pk>/supply-guide/",
        applications.application_supply_guide,
        name="manage_application_supply_guide",
    ),
    path(
        "manage/applications/<int:pk>/decide/",
        applications.application_decide,
        name="manage_application_decide",
    ),
    path(
        "manage/applications/<int:pk>/law-amendment/",
        applications.application_law_amendment,
        name="manage_application_law_amendment",
    ),
    path(
        "manage/applications/<int:pk>/file/",
        applications.application_file,
        name="manage_application_file",
    ),
    path(
        "manage/applications/<int:pk>/withdraw/",
        applications.application_withdraw,
        name="manage_application_withdraw",
    ),
    path(
        "manage/opinions/<int:opinion_id>/record/",
        applications.opinion_record,
        name="manage_opinion_record",
    ),
]
