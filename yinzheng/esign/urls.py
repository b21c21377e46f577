"""Public addresses, no login: CRLs, issuing certificates and the trust list, plain
and signed (stable, written into the certificates and the verifier apps), the county
timestamp authority (views_pki). The page the QR code opens is
the portal's. Signed in: the departments' verification page and the query log
(views_queries, REQ-111)."""

from django.urls import path, re_path

from . import views, views_pki, views_queries

app_name = "esign"
urlpatterns = [
    re_path(
        r"^esign/crl/(?P<code>\d{6}|\d{9}|[0-9a-f]{16})\.crl$", views.crl, name="crl"
    ),
    re_path(
        r"^esign/ca/(?P<code>\d{6}|\d{9}|[0-9a-f]{16})\.cer$",
        views_pki.ca_certificate,
        name="ca_certificate",
    ),
    re_path(r"^esign/tsa/(?P<county>\d{6})/$", views_pki.timestamp, name="tsa"),
    path("esign/trust-list.json", views.trust_list, name="trust_list"),
    path("esign/trust-list.cose", views.trust_list_signed, name="trust_list_signed"),
    # The departments' verification page and the query log (REQ-111), signed in.
    path("esign/verifications/", views_queries.verifications, name="verifications"),
    path(
        "esign/verifications/<int:pk>/",
        views_queries.verification,
        name="verification",
    ),
]
