"""Statistics' writes (REQ-099–110): one module per process, re-exported here."""

from .surveys import entry_add, entry_dispose, survey_close, survey_open
from .tables import (
    return_open,
    return_submit,
    row_add,
    row_delete,
    row_update,
    table_create,
)

__all__ = [
    "entry_add",
    "entry_dispose",
    "return_open",
    "return_submit",
    "row_add",
    "row_delete",
    "row_update",
    "survey_close",
    "survey_open",
    "table_create",
]
