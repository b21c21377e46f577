from django.urls import path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("", views.index, name="index"),
    path("lists/<int:pk>/", views.list_detail, name="list"),
    path("lists/<int:pk>/v<int:number>/", views.version_detail, name="version"),
    path("items/<slug:key>/", views.item_detail, name="item"),
]
