from django.urls import path

from . import views

app_name = "seals"
urlpatterns = [
    path("", views.index, name="index"),
    path("issue/", views.issue, name="issue"),
    # Sealing: usage requests (REQ-050–058).
    path("usage/", views.usage_index, name="usage_index"),
    path("usage/new/", views.usage_new, name="usage_new"),
    path("usage/<int:pk>/", views.usage_detail, name="usage"),
    path("usage/<int:pk>/document/", views.usage_document, name="usage_document"),
    path("usage/<int:pk>/<slug:op>/", views.usage_action, name="usage_action"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:op>/", views.seal_action, name="action"),
    path("takeouts/<int:pk>/<slug:op>/", views.takeout_action, name="takeout"),
    path("loss-reports/<int:pk>/reissue/", views.reissue, name="reissue"),
    path(
        "collection-tasks/<int:pk>/confirm/",
        views.collection_confirm,
        name="collection_confirm",
    ),
    path("committees/<str:code>/", views.committee, name="committee"),
    path("committees/<str:code>/handover/", views.handover_open, name="handover_open"),
    path("handovers/<int:pk>/", views.handover, name="handover"),
    path(
        "handovers/<int:pk>/<slug:op>/", views.handover_action, name="handover_action"
    ),
]
