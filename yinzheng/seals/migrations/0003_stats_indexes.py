# REQ-103: the statistics dashboard counts a division's sealings over a period.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('seals', '0002_usage_requests'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='usagerequest',
            index=models.Index(fields=['committee', 'sealed_at'], name='usage_cmte_sealed'),
        ),
    ]
