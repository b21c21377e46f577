"""The accounts' endpoints: grants, the signed-in user."""

from django.urls import path

from . import views

routes = [("grants", views.GrantViewSet, "grant")]
urlpatterns = [path("me/", views.MeView.as_view(), name="me")]
