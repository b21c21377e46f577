"""The portal: the home page, and the public pages, no login: the lists and their
items' guides, the published decisions, the resident's status page, the QR check, and
the report of an unreasonable certificate demand with its status page, and the
online application with its receipt (issue 16)."""

from django.urls import path

from .views import apply, catalogue, home, reports, status, verification

app_name = "portal"
urlpatterns = [
    # The busiest public address, first: every QR scan (issue 15). The QR's address
    # is upper case, all in the QR alphanumeric alphabet (issue 14).
    path("V/<path:token>", verification.verify, name="verify_qr"),
    path("v/<path:token>", verification.verify, name="verify"),
    path("", home.home, name="home"),
    path("catalogue/", catalogue.index, name="catalogue"),
    path("catalogue/lists/<int:pk>/", catalogue.list_detail, name="catalogue_list"),
    path(
        "catalogue/lists/<int:pk>/v<int:number>/",
        catalogue.version_detail,
        name="catalogue_version",
    ),
    path("catalogue/items/<slug:key>/", catalogue.item_detail, name="catalogue_item"),
    path("catalogue/decisions/", catalogue.decisions, name="decisions"),
    path(
        "catalogue/announcements/<int:pk>/",
        catalogue.announcement,
        name="announcement",
    ),
    path("certificates/status/", status.status, name="status_lookup"),
    path("certificates/status/<str:code>/", status.status, name="status"),
    path(
        "certificates/status/<str:code>/certificate/",
        status.certificate,
        name="status_certificate",
    ),
    # Issue 16, REQ-113: apply online, then the printable receipt.
    path("apply/", apply.start, name="apply"),
    path("apply/receipt/<str:code>/", apply.receipt, name="apply_receipt"),
    path(
        "apply/receipt/<str:code>/receipt.pdf",
        apply.receipt_pdf,
        name="apply_receipt_pdf",
    ),
    path("apply/<str:committee>/", apply.item, name="apply_item"),
    path("apply/<str:committee>/<slug:item_key>/", apply.form, name="apply_form"),
    # REQ-087: before the staff's supervision/ pages, which have no report/ of theirs.
    path("supervision/report/", reports.report, name="report"),
    path("supervision/report/status/", reports.report_lookup, name="report_lookup"),
    path(
        "supervision/report/<str:number>/",
        reports.report_status,
        name="report_status",
    ),
    path("verify/", verification.verify_form, name="verify_form"),
]
