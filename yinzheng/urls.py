from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from yinzheng.accounts.forms import ThrottledAdminLoginForm
from yinzheng.core import views as core_views

admin.site.site_header = "印证 yinzheng 系统管理"
admin.site.login_form = ThrottledAdminLoginForm
admin.site.site_title = "印证 yinzheng"

urlpatterns = [
    path("", include("yinzheng.portal.urls")),
    # The staffing list moved to the division tree; old bookmarks still arrive.
    path(
        "accounts/staffing/",
        RedirectView.as_view(pattern_name="divisions:staffing", permanent=True),
    ),
    path("accounts/", include("yinzheng.accounts.urls")),
    path("divisions/", include("yinzheng.divisions.urls")),
    path("ledger/", include("yinzheng.registers.urls")),
    path("catalogue/", include("yinzheng.catalogue.urls")),
    path("seals/", include("yinzheng.seals.urls")),
    # Electronic seals: CRLs, trust list, the QR verification page (no login).
    path("", include("yinzheng.esign.urls")),
    path("certificates/", include("yinzheng.certificates.urls")),
    path("supervision/", include("yinzheng.supervision.urls")),
    path("stats/", include("yinzheng.stats.urls")),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("api/", include("yinzheng.api.urls")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico by themselves: the project's own icon (issue 16).
    path("favicon.ico", core_views.favicon),
]

handler400 = "yinzheng.core.views.bad_request"
handler403 = "yinzheng.core.views.permission_denied"
handler404 = "yinzheng.core.views.page_not_found"
handler500 = "yinzheng.core.views.server_error"
