from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import ThrottledLoginForm

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=ThrottledLoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("grants/<str:code>/", views.grant_create, name="grant_create"),
    path("grants/<int:grant_id>/revoke/", views.grant_revoke, name="grant_revoke"),
]
