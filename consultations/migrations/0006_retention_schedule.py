"""The daily job that removes personal data from responses whose consultation's retention period
has ended (decision 17: schedules are data, made here and edited in the admin). Made only if
missing, so the office's changes survive."""

from django.db import migrations


def create(apps, schema_editor):
    from consultations.schedules import ensure_retention_schedule

    ensure_retention_schedule(apps)


def remove(apps, schema_editor):
    from consultations.schedules import remove_retention_schedule

    remove_retention_schedule(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0005_outcomes"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
