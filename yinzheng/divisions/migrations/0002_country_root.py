from django.db import migrations


def create_root(apps, schema_editor):
    Division = apps.get_model("divisions", "Division")
    Division.objects.get_or_create(
        code="CN", defaults={"name": "中华人民共和国", "level": 0}
    )


class Migration(migrations.Migration):
    dependencies = [("divisions", "0001_initial")]

    operations = [migrations.RunPython(create_root, migrations.RunPython.noop)]
