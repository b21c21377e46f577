# REQ-103: the statistics dashboard counts a division's cases over a period.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0004_request_date_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='certificaterequest',
            index=models.Index(fields=['committee', 'received_at'], name='certreq_cmte_received'),
        ),
    ]
