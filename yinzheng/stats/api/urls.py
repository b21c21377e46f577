"""Statistics' endpoints (REQ-099–102): the inventory surveys with their entries, the
statistics tables with each unit's status, the units' returns with their rows, and the
rows themselves."""

from . import returns, surveys, tables

routes = [
    ("stats/tables", tables.StatsTableViewSet, "stats-table"),
    ("stats/returns", returns.TableReturnViewSet, "stats-return"),
    ("stats/rows", returns.TableRowViewSet, "stats-row"),
    ("stats/surveys", surveys.SurveyViewSet, "stats-survey"),
    ("stats/survey-entries", surveys.SurveyEntryViewSet, "stats-survey-entry"),
]
urlpatterns: list = []
