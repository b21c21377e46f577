"""The certificates' endpoints: requests (REQ-016, REQ-031–049) and the
notification-commitment, post-verification and credit work (REQ-082–086)."""

from django.urls import path

from . import (
    commitments,
    credit,
    jurisdictions,
    party,
    public_status,
    reports,
    requests,
)

routes = [
    ("certificates/party-cases", party.PartyCaseViewSet, "certificate-party-case"),
    (
        "certificates/requests",
        requests.CertificateRequestViewSet,
        "certificate-request",
    ),
    (
        "certificates/demand-reports",
        reports.DemandReportViewSet,
        "certificate-demand-report",
    ),
    (
        "certificates/settings",
        jurisdictions.JurisdictionSettingViewSet,
        "certificate-setting",
    ),
    (
        "certificates/commitments",
        commitments.CommitmentViewSet,
        "certificate-commitment",
    ),
    (
        "certificates/verification-tasks",
        commitments.VerificationTaskViewSet,
        "certificate-verification-task",
    ),
    ("certificates/samplings", commitments.SamplingViewSet, "certificate-sampling"),
    (
        "certificates/credit-records",
        credit.CreditRecordViewSet,
        "certificate-credit-record",
    ),
    (
        "certificates/credit-submissions",
        credit.CreditSubmissionViewSet,
        "certificate-credit-submission",
    ),
    (
        "certificates/credit-platforms",
        credit.CreditPlatformViewSet,
        "certificate-credit-platform",
    ),
]
urlpatterns = [
    path(
        "certificates/status/<str:code>/",
        public_status.PublicStatusView.as_view(),
        name="certificate-status",
    ),
    path(
        "certificates/requests/<int:pk>/commitment/",
        commitments.RequestCommitmentView.as_view(),
        name="certificate-request-commitment",
    ),
    path(
        "certificates/requests/<int:pk>/commitment-form/",
        commitments.RequestCommitmentFormView.as_view(),
        name="certificate-request-commitment-form",
    ),
]
