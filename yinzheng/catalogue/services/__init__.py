"""Every write of the catalogue, by sub-domain.

The lists: `items` (certificate items and their bases), `lists` (a list's creation and
periodic review), `versions` (drafts, entries, approval, publishing), `publications`
(channels and the dates a version went out on them), `cleanup` (the clean-up pass) and
`batches` (national negative-list batches and the follow-ups they open). The guides:
`guides` (service guides). The admissions: `admissions` (admission, exit and filing
applications, which write into the lists and the guides).

The names of `items`, `lists` and `versions` are re-exported here, so callers keep
writing `services.version_publish(...)`; import the other modules by name
(`from yinzheng.catalogue.services import admissions`). Each module imports only those
listed before it, and the admissions build on the list services: publishing tells them
through the `version_published` signal. Reads are the selectors'.
"""

from .items import (
    ITEM_EDITABLE_FIELDS,
    ITEM_FIELDS,
    ITEM_LIST_FIELDS,
    NAMING_STATUSES,
    item_create,
    item_edit_refusal,
    item_update,
    lists_naming,
    may_edit_item,
    require_editable_item_fields,
)
from .lists import LIST_OWNER_LEVELS, list_create, list_review_record
from .versions import (
    VERSION_FIELDS,
    AdmissionRequired,
    ListRuleViolation,
    admission_needed,
    entry_problems,
    listed_at_owner,
    publish_problems,
    version_add_item,
    version_approve,
    version_discard,
    version_draft,
    version_publish,
    version_published,
    version_remove_item,
    version_reopen,
)

__all__ = [
    "ITEM_EDITABLE_FIELDS",
    "ITEM_FIELDS",
    "ITEM_LIST_FIELDS",
    "LIST_OWNER_LEVELS",
    "NAMING_STATUSES",
    "VERSION_FIELDS",
    "AdmissionRequired",
    "ListRuleViolation",
    "admission_needed",
    "entry_problems",
    "item_create",
    "item_edit_refusal",
    "item_update",
    "list_create",
    "list_review_record",
    "listed_at_owner",
    "lists_naming",
    "may_edit_item",
    "publish_problems",
    "require_editable_item_fields",
    "version_add_item",
    "version_approve",
    "version_discard",
    "version_draft",
    "version_publish",
    "version_published",
    "version_remove_item",
    "version_reopen",
]
