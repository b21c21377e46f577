"""Statistics (统计, REQ-099–110): the inventory survey, the statistics table and its
returns, campaigns with their phases, and reports upward with liaisons and
assessments."""

from .campaigns import Campaign, Completion, Deliverable, Phase
from .reports import Assessment, Liaison, ReportingLine, UpwardReport
from .surveys import Survey, SurveyEntry
from .tables import StatsTable, TableReturn, TableRow

__all__ = [
    "Assessment",
    "Campaign",
    "Completion",
    "Deliverable",
    "Liaison",
    "Phase",
    "ReportingLine",
    "StatsTable",
    "Survey",
    "SurveyEntry",
    "TableReturn",
    "TableRow",
    "UpwardReport",
]
