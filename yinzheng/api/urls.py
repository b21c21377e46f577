from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework.routers import DefaultRouter

from . import applications, catalogue, views
from . import certificates as certificates_api
from . import commitments as commitments_api
from . import esign as esign_api
from . import registers as registers_api
from . import seals as seals_api

router = DefaultRouter()
router.register("divisions", views.DivisionViewSet, basename="division")
router.register("committees", views.CommitteeViewSet, basename="committee")
router.register("grants", views.GrantViewSet, basename="grant")
router.register(
    "catalogue/lists", catalogue.CatalogueListViewSet, basename="catalogue-list"
)
router.register(
    "catalogue/versions", catalogue.VersionViewSet, basename="catalogue-version"
)
router.register("catalogue/items", catalogue.ItemViewSet, basename="catalogue-item")
router.register(
    "catalogue/cleanups", catalogue.CleanupViewSet, basename="catalogue-cleanup"
)
router.register(
    "catalogue/applications",
    applications.ApplicationViewSet,
    basename="catalogue-application",
)
router.register("seals/seals", seals_api.SealViewSet, basename="seal")
router.register("seals/takeouts", seals_api.TakeOutViewSet, basename="seal-takeout")
router.register(
    "seals/loss-reports", seals_api.LossReportViewSet, basename="seal-loss-report"
)
router.register(
    "seals/collection-tasks",
    seals_api.CollectionTaskViewSet,
    basename="seal-collection-task",
)
router.register("seals/handovers", seals_api.HandoverViewSet, basename="seal-handover")
# Certificate requests (REQ-016, REQ-031–049).
router.register(
    "certificates/requests",
    certificates_api.CertificateRequestViewSet,
    basename="certificate-request",
)
router.register(
    "certificates/demand-reports",
    certificates_api.DemandReportViewSet,
    basename="certificate-demand-report",
)
router.register(
    "certificates/settings",
    certificates_api.JurisdictionSettingViewSet,
    basename="certificate-setting",
)
# Notification-commitment, post-verification, credit (REQ-082–086).
router.register(
    "certificates/commitments",
    commitments_api.CommitmentViewSet,
    basename="certificate-commitment",
)
router.register(
    "certificates/verification-tasks",
    commitments_api.VerificationTaskViewSet,
    basename="certificate-verification-task",
)
router.register(
    "certificates/samplings",
    commitments_api.SamplingViewSet,
    basename="certificate-sampling",
)
router.register(
    "certificates/credit-records",
    commitments_api.CreditRecordViewSet,
    basename="certificate-credit-record",
)
router.register(
    "certificates/credit-submissions",
    commitments_api.CreditSubmissionViewSet,
    basename="certificate-credit-submission",
)
router.register(
    "certificates/credit-platforms",
    commitments_api.CreditPlatformViewSet,
    basename="certificate-credit-platform",
)
router.register("seals/usage", seals_api.UsageViewSet, basename="seal-usage")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("me/", views.MeView.as_view(), name="me"),
    path("ledger/verify/", views.LedgerVerifyView.as_view(), name="ledger-verify"),
    # Departments verify electronic certificates, with the legal basis (REQ-111).
    path(
        "esign/verifications/",
        esign_api.VerificationView.as_view(),
        name="esign-verifications",
    ),
    path("catalogue/lookup/", catalogue.LookupView.as_view(), name="catalogue-lookup"),
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
    # The committees' seal-use registers (REQ-069–074).
    path(
        "registers/checkpoints/",
        registers_api.CheckpointsView.as_view(),
        name="register-checkpoints",
    ),
    path(
        "registers/<str:committee>/",
        registers_api.CommitteeRegistersView.as_view(),
        name="register-committee",
    ),
    path(
        "registers/<str:committee>/<str:register>/<int:year>/",
        registers_api.BookView.as_view(),
        name="register-book",
    ),
    path(
        "registers/<str:committee>/<str:register>/<int:year>/entries/"
        "<int:entry_id>/confirm/",
        registers_api.ConfirmView.as_view(),
        name="register-confirm",
    ),
    path(
        "registers/<str:committee>/<str:register>/<int:year>/archive/",
        registers_api.ArchiveView.as_view(),
        name="register-archive",
    ),
    path(
        "registers/<str:committee>/<str:register>/<int:year>/archive/<str:fmt>/",
        registers_api.ArchiveFileView.as_view(),
        name="register-archive-file",
    ),
    path(
        "catalogue/opinions/<int:pk>/record/",
        applications.OpinionRecordView.as_view(),
        name="catalogue-opinion-record",
    ),
    path(
        "catalogue/decisions/",
        applications.DecisionListView.as_view(),
        name="catalogue-decisions",
    ),
    path("", include(router.urls)),
]
