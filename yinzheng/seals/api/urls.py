"""The seal registry's endpoints: seals, take-outs, loss reports, collection tasks,
handovers, and sealing (usage requests)."""

from . import custody, registry, usage

routes = [
    ("seals/seals", registry.SealViewSet, "seal"),
    ("seals/takeouts", custody.TakeOutViewSet, "seal-takeout"),
    ("seals/loss-reports", registry.LossReportViewSet, "seal-loss-report"),
    (
        "seals/collection-tasks",
        registry.CollectionTaskViewSet,
        "seal-collection-task",
    ),
    ("seals/handovers", custody.HandoverViewSet, "seal-handover"),
    ("seals/usage", usage.UsageViewSet, "seal-usage"),
]
urlpatterns: list = []
