"""Statistics' endpoints (REQ-100–102): the statistics tables with each unit's status,
the units' returns with their rows, and the rows themselves."""

from . import returns, tables

routes = [
    ("stats/tables", tables.StatsTableViewSet, "stats-table"),
    ("stats/returns", returns.TableReturnViewSet, "stats-return"),
    ("stats/rows", returns.TableRowViewSet, "stats-row"),
]
urlpatterns: list = []
