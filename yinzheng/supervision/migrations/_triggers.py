"""Supervision's records that are history, never edited: a rectification item's events
(its rounds, REQ-097) and the special-inspection draws (REQ-095: the draw is logged)."""

from yinzheng.ledger.migrations._triggers import append_only

APPEND_ONLY = append_only(["supervision_rectificationevent", "supervision_draw"])
