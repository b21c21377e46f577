"""Statistics' writes (REQ-099–110): one module per process, re-exported here."""

from .campaigns import (
    campaign_start,
    completion_record,
    completion_withdraw,
    deliverable_reschedule,
    phase_reschedule,
)
from .liaisons import assessment_record, liaison_set
from .reports import (
    report_compile,
    report_draft,
    report_receive,
    report_submit,
    report_update,
    reporting_line_for,
    reporting_line_set,
)
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
    "campaign_start",
    "completion_record",
    "completion_withdraw",
    "deliverable_reschedule",
    "phase_reschedule",
    "assessment_record",
    "liaison_set",
    "report_compile",
    "report_draft",
    "report_receive",
    "report_submit",
    "report_update",
    "reporting_line_for",
    "reporting_line_set",
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
