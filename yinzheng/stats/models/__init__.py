"""Statistics (统计, REQ-099–110): the inventory survey, the statistics table and
its returns so far."""

from .surveys import Survey, SurveyEntry
from .tables import StatsTable, TableReturn, TableRow

__all__ = ["StatsTable", "Survey", "SurveyEntry", "TableReturn", "TableRow"]
