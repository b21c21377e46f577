from django.urls import path

from .views import custody, registry, usage

app_name = "seals"
urlpatterns = [
    path("", registry.index, name="index"),
    path("issue/", registry.issue, name="issue"),
    # Sealing: usage requests (REQ-050–058).
    path("usage/", usage.usage_index, name="usage_index"),
    path("usage/new/", usage.usage_new, name="usage_new"),
    path("usage/<int:pk>/", usage.usage_detail, name="usage"),
    path("usage/<int:pk>/document/", usage.usage_document, name="usage_document"),
    path("usage/<int:pk>/<slug:op>/", usage.usage_action, name="usage_action"),
    path("<int:pk>/", registry.detail, name="detail"),
    path("<int:pk>/<slug:op>/", registry.seal_action, name="action"),
    path("takeouts/<int:pk>/<slug:op>/", custody.takeout_action, name="takeout"),
    path("loss-reports/<int:pk>/reissue/", registry.reissue, name="reissue"),
    path(
        "collection-tasks/<int:pk>/confirm/",
        registry.collection_confirm,
        name="collection_confirm",
    ),
    path("committees/<str:code>/", custody.committee, name="committee"),
    path(
        "committees/<str:code>/handover/", custody.handover_open, name="handover_open"
    ),
    path("handovers/<int:pk>/", custody.handover, name="handover"),
    path(
        "handovers/<int:pk>/<slug:op>/", custody.handover_action, name="handover_action"
    ),
]
