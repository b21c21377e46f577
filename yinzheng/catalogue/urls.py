from django.urls import path

from . import staff_views, views

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
]
