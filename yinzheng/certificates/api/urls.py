"""The certificates' endpoints: requests (REQ-016, REQ-031–049) and the
notification-commitment, post-verification and credit work (REQ-082–086), and the
resident's online application with the download of an electronic certificate
(REQ-113, issue 16)."""

from django.urls import path

from . import (
    commitments,
    credit,
    jurisdictions,
    online,
    party,
    public_status,
    referrals,
    reports,
    requests,
)

routes = [
    ("certificates/party-cases", party.PartyCaseViewSet, "certificate-party-case"),
    ("certificates/referrals", referrals.ReferralViewSet, "certificate-referral"),
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
    # Issue 16, REQ-113: the resident's online application and the download.
    path(
        "certificates/status/<str:code>/certificate/",
        online.CertificateDownloadView.as_view(),
        name="certificate-status-certificate",
    ),
    path("portal/phone-codes/", online.PhoneCodeView.as_view(), name="phone-codes"),
    path(
        "portal/phone-codes/confirm/",
        online.PhoneCodeConfirmView.as_view(),
        name="phone-codes-confirm",
    ),
    path(
        "portal/applications/",
        online.ApplicationView.as_view(),
        name="portal-applications",
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
