from django.urls import path

from .views import (
    commitments,
    credit,
    files,
    intake,
    party,
    referrals,
    requests,
    settings,
)

app_name = "certificates"
urlpatterns = [
    path("", requests.index, name="index"),
    path("new/", intake.new, name="new"),
    path("overdue/", requests.overdue, name="overdue"),
    path("reports/", requests.reports, name="reports"),
    path("settings/", settings.settings_page, name="settings"),
    # REQ-043: the Party organisation's queue.
    path("party/", party.party_queue, name="party_queue"),
    path("party/<int:pk>/close/", party.party_close, name="party_close"),
    # REQ-118: the departments' queue of referred cases.
    path("referrals/", referrals.referral_queue, name="referral_queue"),
    path(
        "referrals/<int:pk>/acknowledge/",
        referrals.referral_acknowledge,
        name="referral_acknowledge",
    ),
    path("referrals/<int:pk>/close/", referrals.referral_close, name="referral_close"),
    # Notification-commitment: post-verification and credit (REQ-083–086).
    path("commitments/", commitments.tasks, name="commitment_tasks"),
    path("commitments/<int:pk>/", commitments.task_detail, name="commitment_task"),
    path("credit/", credit.credit_records, name="credit_records"),
    path("credit/platforms/", credit.credit_platforms, name="credit_platforms"),
    path("credit/<int:pk>/", credit.credit_record, name="credit_record"),
    # The resident's status page: no login, by tracking code.
    path("<int:pk>/", requests.detail, name="detail"),
    path("<int:pk>/files/<slug:kind>.pdf", files.document, name="document"),
    path(
        "<int:pk>/commitment/signature/",
        files.commitment_signature,
        name="commitment_signature",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_id>/",
        files.attachment,
        name="attachment",
    ),
    path("<int:pk>/<slug:op>/", requests.action, name="action"),
]
