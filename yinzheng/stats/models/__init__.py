"""Statistics (统计, REQ-099–110): the statistics table and its returns so far."""

from .tables import StatsTable, TableReturn, TableRow

__all__ = ["StatsTable", "TableReturn", "TableRow"]
