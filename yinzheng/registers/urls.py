from django.urls import path

from . import views

app_name = "registers"
BOOK = "registers/<str:code>/<str:register>/<int:year>/"
urlpatterns = [
    path("", views.index, name="index"),
    # The committees' seal-use registers (REQ-069–074).
    path("registers/", views.registers_index, name="registers"),
    path(
        "registers/checkpoints/",
        views.registers_checkpoint,
        name="registers_checkpoint",
    ),
    path(
        "registers/<str:code>/",
        views.register_committee,
        name="register_committee",
    ),
    path(BOOK, views.register_book, name="register_book"),
    path(f"{BOOK}export.xlsx", views.register_export, name="register_export"),
    path(f"{BOOK}archive/", views.register_archive, name="register_archive"),
    path(
        f"{BOOK}archive.<str:fmt>",
        views.register_archive_file,
        name="register_archive_file",
    ),
    path(
        f"{BOOK}entries/<int:entry_id>/personal/",
        views.register_personal,
        name="register_personal",
    ),
    path(
        "registers/<str:code>/certificate/<int:year>/entries/<int:entry_id>/confirm/",
        views.register_confirm,
        name="register_confirm",
    ),
]
