from django.urls import path

from . import application_views, staff_views, views

app_name = "catalogue"
urlpatterns = [
    path("", views.index, name="index"),
    path("lists/<int:pk>/", views.list_detail, name="list"),
    path("lists/<int:pk>/v<int:number>/", views.version_detail, name="version"),
    path("items/<slug:key>/", views.item_detail, name="item"),
    # Staff pages (catalogue.manage): staff_views.py.
    path("manage/", staff_views.manage_index, name="manage"),
    path("manage/lists/new/", staff_views.manage_list_create, name="manage_create"),
    path(
        "manage/lists/<int:pk>/review/", staff_views.manage_review, name="manage_review"
    ),
    path(
        "manage/lists/<int:pk>/follow-ups/<int:task_id>/close/",
        staff_views.manage_follow_up_close,
        name="manage_follow_up_close",
    ),
    path("manage/lists/<int:pk>/", staff_views.manage_list, name="manage_list"),
    path("manage/lists/<int:pk>/draft/", staff_views.manage_draft, name="manage_draft"),
    path(
        "manage/versions/<int:version_id>/add/",
        staff_views.manage_add_item,
        name="manage_add",
    ),
    path(
        "manage/versions/<int:version_id>/remove/",
        staff_views.manage_remove_item,
        name="manage_remove",
    ),
    path(
        "manage/versions/<int:version_id>/approve/",
        staff_views.manage_approve,
        name="manage_approve",
    ),
    path(
        "manage/versions/<int:version_id>/publish/",
        staff_views.manage_publish,
        name="manage_publish",
    ),
    path(
        "manage/items/<slug:key>/edit/",
        staff_views.manage_item_edit,
        name="manage_item_edit",
    ),
    path(
        "manage/items/<slug:key>/guide/",
        staff_views.manage_guide,
        name="manage_guide",
    ),
    path(
        "manage/items/<slug:key>/guide/publish/",
        staff_views.manage_guide_publish,
        name="manage_guide_publish",
    ),
    path(
        "manage/items/<slug:key>/guide/withdraw/",
        staff_views.manage_guide_withdraw,
        name="manage_guide_withdraw",
    ),
    path(
        "manage/lists/<int:pk>/publications/",
        staff_views.manage_publication_record,
        name="manage_publication",
    ),
    path(
        "manage/lists/<int:pk>/channels/",
        staff_views.manage_channels,
        name="manage_channels",
    ),
    path(
        "manage/lists/<int:pk>/cleanup/",
        staff_views.manage_cleanup_start,
        name="manage_cleanup_start",
    ),
    path(
        "manage/cleanups/<int:review_id>/",
        staff_views.manage_cleanup,
        name="manage_cleanup",
    ),
    path(
        "manage/cleanups/<int:review_id>/complete/",
        staff_views.manage_cleanup_complete,
        name="manage_cleanup_complete",
    ),
]

# Admission, exit and filing applications (REQ-021–030): application_views.py; the
# published decisions are public (REQ-024).
urlpatterns += [
    path("decisions/", views.decisions, name="decisions"),
    path(
        "manage/applications/",
        application_views.application_list,
        name="manage_applications",
    ),
    path(
        "manage/applications/new/",
        application_views.application_new,
        name="manage_application_new",
    ),
    path(
        "manage/applications/<int:pk>/",
        application_views.application_detail,
        name="manage_application",
    ),
    path(
        "manage/applications/<int:pk>/justification/",
        application_views.application_justification,
        name="manage_application_justification",
    ),
    path(
        "manage/applications/<int:pk>/open-review/",
        application_views.application_open_review,
        name="manage_application_open_review",
    ),
    path(
        "manage/applications/<int:pk>/supply-guide/",
        application_views.application_supply_guide,
        name="manage_application_supply_guide",
    ),
    path(
        "manage/applications/<int:pk>/decide/",
        application_views.application_decide,
        name="manage_application_decide",
    ),
    path(
        "manage/applications/<int:pk>/law-amendment/",
        application_views.application_law_amendment,
        name="manage_application_law_amendment",
    ),
    path(
        "manage/applications/<int:pk>/file/",
        application_views.application_file,
        name="manage_application_file",
    ),
    path(
        "manage/applications/<int:pk>/withdraw/",
        application_views.application_withdraw,
        name="manage_application_withdraw",
    ),
    path(
        "manage/opinions/<int:opinion_id>/record/",
        application_views.opinion_record,
        name="manage_opinion_record",
    ),
]
