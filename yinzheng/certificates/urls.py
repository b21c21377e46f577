from django.urls import path

from . import commitment_views, views

app_name = "certificates"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("overdue/", views.overdue, name="overdue"),
    path("reports/", views.reports, name="reports"),
    path("settings/", views.settings_page, name="settings"),
    # Notification-commitment: post-verification and credit (REQ-083–086).
    path("commitments/", commitment_views.tasks, name="commitment_tasks"),
    path("commitments/<int:pk>/", commitment_views.task_detail, name="commitment_task"),
    path("credit/", commitment_views.credit_records, name="credit_records"),
    path(
        "credit/platforms/",
        commitment_views.credit_platforms,
        name="credit_platforms",
    ),
    path("credit/<int:pk>/", commitment_views.credit_record, name="credit_record"),
    # The resident's status page: no login, by tracking code.
    path("status/", views.status, name="status_lookup"),
    path("status/<str:code>/", views.status, name="status"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/files/<slug:kind>.pdf", views.document, name="document"),
    path(
        "<int:pk>/commitment/signature/",
        views.commitment_signature,
        name="commitment_signature",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("<int:pk>/<slug:op>/", views.action, name="action"),
]
