from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "yinzheng.catalogue"
    label = "catalogue"
    verbose_name = _("证明事项清单")

    def ready(self) -> None:
        from . import policy  # noqa: F401  (registers the catalogue's actions)
        from .reference_data import ensure_reference_data
        from .services.admissions import (  # noqa: F401
            review,  # publishes the decisions with their version (version_published)
        )

        post_migrate.connect(ensure_reference_data, sender=self)

        from yinzheng.core import inbox

        from .inbox import follow_ups_open, reviews_due

        inbox.register(reviews_due)
        inbox.register(follow_ups_open)

        from .inbox import publications_out_of_sync

        inbox.register(publications_out_of_sync)

        from .inbox import guides_and_rules_out_of_sync

        inbox.register(guides_and_rules_out_of_sync)  # REQ-078

        from .inbox import applications_waiting, opinions_waiting

        inbox.register(applications_waiting)
        inbox.register(opinions_waiting)

        from .inbox import announcements_pending, announcements_unread

        inbox.register(announcements_unread)
        inbox.register(announcements_pending)

        from .inbox import platform_messages_waiting

        inbox.register(platform_messages_waiting)
