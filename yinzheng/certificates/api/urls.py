"""The certificates' endpoints: requests (REQ-016, REQ-031–049) and the
notification-commitment, post-verification and credit work (REQ-082–086)."""

from django.urls import path

from yinzheng.api import certificates as certificates_api
from yinzheng.api import commitments as commitments_api

routes = [
    (
        "certificates/requests",
        certificates_api.CertificateRequestViewSet,
        "certificate-request",
    ),
    (
        "certificates/demand-reports",
        certificates_api.DemandReportViewSet,
        "certificate-demand-report",
    ),
    (
        "certificates/settings",
        certificates_api.JurisdictionSettingViewSet,
        "certificate-setting",
    ),
    (
        "certificates/commitments",
        commitments_api.CommitmentViewSet,
        "certificate-commitment",
    ),
    (
        "certificates/verification-tasks",
        commitments_api.VerificationTaskViewSet,
        "certificate-verification-task",
    ),
    ("certificates/samplings", commitments_api.SamplingViewSet, "certificate-sampling"),
    (
        "certificates/credit-records",
        commitments_api.CreditRecordViewSet,
        "certificate-credit-record",
    ),
    (
        "certificates/credit-submissions",
        commitments_api.CreditSubmissionViewSet,
        "certificate-credit-submission",
    ),
    (
        "certificates/credit-platforms",
        commitments_api.CreditPlatformViewSet,
        "certificate-credit-platform",
    ),
]
urlpatterns = [
    path(
        "certificates/status/<str:code>/",
        certificates_api.PublicStatusView.as_view(),
        name="certificate-status",
    ),
    path(
        "certificates/requests/<int:pk>/commitment/",
        commitments_api.RequestCommitmentView.as_view(),
        name="certificate-request-commitment",
    ),
    path(
        "certificates/requests/<int:pk>/commitment-form/",
        commitments_api.RequestCommitmentFormView.as_view(),
        name="certificate-request-commitment-form",
    ),
]
