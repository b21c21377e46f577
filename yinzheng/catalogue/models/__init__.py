"""The catalogue's models, by sub-domain: the items (`items`), the lists with their
versions, publications, follow-ups and clean-ups (`lists`), the service guides
(`guides`), the admission, exit and filing applications (`admissions`), the
announcements of later national batches and their acknowledgements (`announcements`),
the government-service platform (`platform`), the channel records of guides and the
related rules published with the lists (`publishing`).

Every model is imported here: Django finds an app's models on `catalogue.models`, and
callers import them from it. `all_channels` stays here too, since migration 0006 names it
as `yinzheng.catalogue.models.all_channels`.
"""

from .admissions import Application, ApplicationQuerySet, ReviewOpinion
from .announcements import Acknowledgement, Announcement
from .guides import Guide
from .items import Basis, Item
from .lists import (
    CatalogueList,
    CleanupDecision,
    CleanupReview,
    FollowUpTask,
    ListEntry,
    ListVersion,
    Publication,
    all_channels,
)
from .platform import GovPlatform, PlatformMessage
from .publishing import GuidePublication, RelatedRule, RulePublication

__all__ = [
    "Acknowledgement",
    "Announcement",
    "Application",
    "ApplicationQuerySet",
    "Basis",
    "CatalogueList",
    "CleanupDecision",
    "CleanupReview",
    "FollowUpTask",
    "GovPlatform",
    "Guide",
    "GuidePublication",
    "Item",
    "ListEntry",
    "ListVersion",
    "PlatformMessage",
    "Publication",
    "RelatedRule",
    "ReviewOpinion",
    "RulePublication",
    "all_channels",
]
