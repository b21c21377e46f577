"""The division tree's endpoints."""

from . import views

routes = [
    ("divisions", views.DivisionViewSet, "division"),
    ("committees", views.CommitteeViewSet, "committee"),
]
urlpatterns: list = []
