"""The REST API: each app's endpoints (its `api.urls`: router `routes` and plain
`urlpatterns`) under one router, the OpenAPI schema and its offline docs."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from yinzheng.accounts.api import urls as accounts
from yinzheng.catalogue.api import urls as catalogue
from yinzheng.certificates.api import urls as certificates
from yinzheng.divisions.api import urls as divisions
from yinzheng.esign.api import urls as esign
from yinzheng.registers.api import urls as registers
from yinzheng.seals.api import urls as seals
from yinzheng.stats.api import urls as stats
from yinzheng.supervision.api import urls as supervision

from .views import SchemaView

APPS = [
    accounts,
    divisions,
    registers,
    esign,
    catalogue,
    seals,
    certificates,
    supervision,
    stats,
]

router = DefaultRouter()
for app in APPS:
    for prefix, viewset, basename in app.routes:
        router.register(prefix, viewset, basename=basename)

app_name = "api"
urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    # The docs pages in the project's templates: the site's CSP allows their one inline
    # script by the request's nonce, and no inline style (issue 13).
    path(
        "docs/",
        SpectacularSwaggerView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    # Redoc builds its search index in a worker it makes from a blob of its own code.
    path(
        "redoc/",
        csp_update({"worker-src": ["'self'", "blob:"]})(
            SpectacularRedocView.as_view(
                url_name="api:schema", template_name="api/redoc.html"
            )
        ),
        name="redoc",
    ),
    *(pattern for app in APPS for pattern in app.urlpatterns),
    path("", include(router.urls)),
]
