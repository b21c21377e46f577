from django.db import models


def division_fk(label, null=False, related_name="+"):
    return models.ForeignKey(
        "divisions.Division",
        verbose_name=label,
        on_delete=models.PROTECT,
        related_name=related_name,
        null=null,
        blank=null,
    )
