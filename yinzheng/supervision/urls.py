"""Supervision's staff pages (the public report form and its status page are the
portal's: /supervision/report/)."""

from django.urls import path

from .views import alerts, cases, checks, inspections, items, settings

app_name = "supervision"
urlpatterns = [
    path("", cases.index, name="index"),
    path("cases/", cases.case_list, name="cases"),
    path("cases/new/", cases.case_new, name="case_new"),
    path("cases/<int:pk>/", cases.case_detail, name="case"),
    path("cases/<int:pk>/<slug:step>/", cases.case_step, name="case_step"),
    path("inspections/", inspections.inspection_list, name="inspections"),
    path("inspections/new/", inspections.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection"),
    path("draws/new/", inspections.draw_new, name="draw_new"),
    path("draws/<int:pk>/", inspections.draw_detail, name="draw"),
    path("findings/new/", inspections.finding_new, name="finding_new"),
    path("findings/<int:pk>/item/", inspections.finding_item, name="finding_item"),
    path("items/", items.item_list, name="items"),
    path("items/export.xlsx", items.item_export, name="items_export"),
    path(
        "items/exports/<str:task_id>/",
        items.item_export_file,
        name="items_export_file",
    ),
    path("items/<int:pk>/", items.item_detail, name="item"),
    path("items/<int:pk>/<slug:step>/", items.item_step, name="item_step"),
    path("checks/", checks.check_list, name="checks"),
    path("checks/township/", checks.township_dashboard, name="township"),
    path("checks/new/", checks.check_new, name="check_new"),
    path("checks/<int:pk>/", checks.check_detail, name="check"),
    path("checks/<int:pk>/acknowledge/", checks.check_acknowledge, name="check_ack"),
    path("alerts/", alerts.alert_list, name="alerts"),
    path("alerts/<int:pk>/", alerts.alert_detail, name="alert"),
    path("alerts/<int:pk>/<slug:step>/", alerts.alert_step, name="alert_step"),
    path("settings/", settings.settings_page, name="settings"),
]
