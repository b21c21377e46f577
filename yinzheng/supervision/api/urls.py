"""Supervision's endpoints (REQ-087–098): complaint cases, inspections with their draws
and findings, the rectification list, township checks, register alerts and the
counties' settings. The public report form and its status page are the portal's."""

from . import alerts, cases, checks, inspections, items, settings

routes = [
    ("supervision/cases", cases.CaseViewSet, "supervision-case"),
    (
        "supervision/inspections",
        inspections.InspectionViewSet,
        "supervision-inspection",
    ),
    ("supervision/draws", inspections.DrawViewSet, "supervision-draw"),
    ("supervision/findings", inspections.FindingViewSet, "supervision-finding"),
    ("supervision/items", items.RectificationItemViewSet, "supervision-item"),
    ("supervision/checks", checks.TownshipCheckViewSet, "supervision-check"),
    ("supervision/alerts", alerts.AlertViewSet, "supervision-alert"),
    ("supervision/settings", settings.SupervisionSettingViewSet, "supervision-setting"),
]
urlpatterns: list = []
