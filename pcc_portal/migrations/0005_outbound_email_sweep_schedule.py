"""The beat schedule of the outbound email sweep (decision 17: schedules are data, made here and
edited in the admin). Made only if missing, so the office's changes survive."""

from django.db import migrations
from django.utils import timezone

SWEEP_NAME = "Sweep outbound email"
SWEEP_TASK = "pcc_portal.tasks.sweep_outbound_messages"


def create_sweep_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    if PeriodicTask.objects.filter(name=SWEEP_NAME).exists():
        return
    # Interval schedules are not unique: reuse one every five minutes if the office has one.
    every_five_minutes = IntervalSchedule.objects.filter(every=5, period="minutes").first()
    if every_five_minutes is None:
        every_five_minutes = IntervalSchedule.objects.create(every=5, period="minutes")
    PeriodicTask.objects.create(
        name=SWEEP_NAME,
        task=SWEEP_TASK,
        interval=every_five_minutes,
        description=(
            "Queues again outbound emails whose delivery task was lost, and emails left "
            "'sending' by a worker that stopped."
        ),
    )
    # A running beat reloads its schedule only when this stamp moves (django-celery-beat's own
    # signal does not fire for a migration's historical models).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_sweep_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pcc_portal", "0004_outboundmessage"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_sweep_schedule, remove_sweep_schedule)]
