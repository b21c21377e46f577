"""The seal registry's endpoints: seals, take-outs, loss reports, collection tasks,
handovers, and sealing (usage requests)."""

from yinzheng.api import seals as seals_api

routes = [
    ("seals/seals", seals_api.SealViewSet, "seal"),
    ("seals/takeouts", seals_api.TakeOutViewSet, "seal-takeout"),
    ("seals/loss-reports", seals_api.LossReportViewSet, "seal-loss-report"),
    (
        "seals/collection-tasks",
        seals_api.CollectionTaskViewSet,
        "seal-collection-task",
    ),
    ("seals/handovers", seals_api.HandoverViewSet, "seal-handover"),
    ("seals/usage", seals_api.UsageViewSet, "seal-usage"),
]
urlpatterns: list = []
