"""Public addresses, no login: CRLs and the trust list (stable, written into the
certificates and the verifier apps). The page the QR code opens is the portal's."""

from django.urls import path, re_path

from . import views

app_name = "esign"
urlpatterns = [
    re_path(
        r"^esign/crl/(?P<code>\d{6}|\d{9}|[0-9a-f]{16})\.crl$", views.crl, name="crl"
    ),
    path("esign/trust-list.json", views.trust_list, name="trust_list"),
]
