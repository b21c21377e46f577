"""The division tree's endpoints."""

from yinzheng.api import views

routes = [
    ("divisions", views.DivisionViewSet, "division"),
    ("committees", views.CommitteeViewSet, "committee"),
]
urlpatterns: list = []
