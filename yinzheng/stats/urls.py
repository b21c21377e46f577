"""Statistics' staff pages: the inventory survey (REQ-099) and the statistics table
(REQ-100–102)."""

from django.urls import path

from .views import surveys, tables

app_name = "stats"
urlpatterns = [
    path("tables/", tables.table_list, name="tables"),
    path("tables/new/", tables.table_new, name="table_new"),
    path("tables/<int:pk>/", tables.table_detail, name="table"),
    path("tables/<int:pk>/export/", tables.table_export, name="table_export"),
    path("tables/<int:pk>/open/", tables.return_open, name="return_open"),
    path("returns/<int:pk>/", tables.return_detail, name="return"),
    path("returns/<int:pk>/rows/", tables.row_add, name="row_add"),
    path("returns/<int:pk>/submit/", tables.return_submit, name="return_submit"),
    path("returns/<int:pk>/export/", tables.return_export, name="return_export"),
    path("rows/<int:pk>/", tables.row_edit, name="row_edit"),
    path("rows/<int:pk>/delete/", tables.row_delete, name="row_delete"),
    path("surveys/", surveys.survey_list, name="surveys"),
    path("surveys/new/", surveys.survey_new, name="survey_new"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey"),
    path("surveys/<int:pk>/entries/", surveys.entry_add, name="entry_add"),
    path("surveys/<int:pk>/close/", surveys.survey_close, name="survey_close"),
    path("entries/<int:pk>/dispose/", surveys.entry_dispose, name="entry_dispose"),
]
