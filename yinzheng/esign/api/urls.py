"""Electronic seals: departments verify certificates, with the legal basis (REQ-111)."""

from django.urls import path

from . import verifications as esign_api

routes: list = []
urlpatterns = [
    path(
        "esign/verifications/",
        esign_api.VerificationView.as_view(),
        name="esign-verifications",
    ),
]
