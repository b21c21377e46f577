"""The registers' endpoints (REQ-069–074) and the journal's verification."""

from django.urls import path

from . import books as registers_api
from . import journal

routes: list = []
urlpatterns = [
    path("ledger/verify/", journal.LedgerVerifyView.as_view(), name="ledger-verify"),
    path(
        "registers/checkpoints/",
        registers_api.CheckpointsView.as_view(),
        name="register-checkpoints",
    ),
    path(
        "registers/<str:committee>/",
        registers_api.CommitteeRegistersView.as_view(),
        name="register-committee",
    ),
    path(
        "registers/<str:committee>/<str:register>/<int:year>/",
        registers_api.BookView.as_view(),
        name="register-book",
    ),
    path(
        "registers/<str:committee>/<str:register>/<int:year>/entries/"
        "<int:entry_id>/confirm/",
        registers_api.ConfirmView.as_view(),
        name="register-confirm",
    ),
    path(
        "registers/<str:committee>/<str:register>/<int:year>/entries/"
        "<int:entry_id>/personal/",
        registers_api.RevealView.as_view(),
        name="register-entry-personal",
    ),
    path(
        "registers/<str:committee>/<str:register>/<int:year>/archive/",
        registers_api.ArchiveView.as_view(),
        name="register-archive",
    ),
    path(
        "registers/<str:committee>/<str:register>/<int:year>/archive/<str:fmt>/",
        registers_api.ArchiveFileView.as_view(),
        name="register-archive-file",
    ),
]
