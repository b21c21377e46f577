"""Statistics' writes (REQ-099–110): one module per process, re-exported here."""

from .tables import (
    return_open,
    return_submit,
    row_add,
    row_delete,
    row_update,
    table_create,
)

__all__ = [
    "return_open",
    "return_submit",
    "row_add",
    "row_delete",
    "row_update",
    "table_create",
]
