from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("overdue/", views.overdue, name="overdue"),
    path("reports/", views.reports, name="reports"),
    path("settings/", views.settings_page, name="settings"),
    # The resident's status page: no login, by tracking code.
    path("status/", views.status, name="status_lookup"),
    path("status/<str:code>/", views.status, name="status"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/files/<slug:kind>.pdf", views.document, name="document"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("<int:pk>/<slug:op>/", views.action, name="action"),
]
