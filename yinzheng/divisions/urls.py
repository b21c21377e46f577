from django.urls import path

from . import views

app_name = "divisions"
urlpatterns = [
    path("", views.index, name="index"),
    path("staffing/", views.staffing, name="staffing"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/merge/", views.merge, name="merge"),
    path("<str:code>/abolish/", views.abolish, name="abolish"),
]
