from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework.routers import DefaultRouter

from . import catalogue, views

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

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("me/", views.MeView.as_view(), name="me"),
    path("ledger/verify/", views.LedgerVerifyView.as_view(), name="ledger-verify"),
    path("catalogue/lookup/", catalogue.LookupView.as_view(), name="catalogue-lookup"),
    path("", include(router.urls)),
]
