"""The departments' verification queries (REQ-111) and their seals into the audit
journal (issue 15) refuse UPDATE, DELETE (and TRUNCATE): a query is a legal record."""

from yinzheng.ledger.migrations._triggers import append_only

APPEND_ONLY = append_only(["esign_verificationquery", "esign_queryseal"])
