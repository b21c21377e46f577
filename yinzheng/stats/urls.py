"""Statistics' staff pages: the inventory survey (REQ-099), the statistics table
(REQ-100–102), the campaigns (REQ-104–107), and reports upward with the townships'
liaisons and assessments (REQ-105, REQ-108–110)."""

from django.urls import path

from .views import campaigns, dashboard, liaisons, reports, surveys, tables

app_name = "stats"
urlpatterns = [
    # The dashboard (REQ-103): ?division=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD.
    path("dashboard/", dashboard.dashboard, name="dashboard"),
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
    # Campaigns (REQ-104–107).
    path("campaigns/", campaigns.campaign_list, name="campaigns"),
    path("campaigns/templates/", campaigns.template_list, name="campaign_templates"),
    path("campaigns/new/", campaigns.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign"),
    path(
        "campaigns/<int:pk>/completions/",
        campaigns.completion_add,
        name="completion_add",
    ),
    path(
        "completions/<int:pk>/withdraw/",
        campaigns.completion_withdraw,
        name="completion_withdraw",
    ),
    path(
        "deliverables/<int:pk>/reschedule/",
        campaigns.deliverable_reschedule,
        name="deliverable_reschedule",
    ),
    # Reports upward, liaisons and assessments (REQ-105, REQ-108–110).
    path("reports/", reports.report_list, name="reports"),
    path("reports/new/", reports.report_new, name="report_new"),
    path("reports/compile/", reports.report_compile, name="report_compile"),
    path("reports/line/", reports.reporting_line, name="reporting_line"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", reports.report_submit, name="report_submit"),
    path("reports/<int:pk>/receive/", reports.report_receive, name="report_receive"),
    path(
        "reports/<int:pk>/attachment/",
        reports.report_attachment,
        name="report_attachment",
    ),
    path("contacts/", liaisons.contact_list, name="contacts"),
    path("contacts/<str:code>/", liaisons.liaison_edit, name="liaison_edit"),
    path("assessments/", liaisons.assessment_list, name="assessments"),
    path("assessments/new/", liaisons.assessment_add, name="assessment_add"),
]
