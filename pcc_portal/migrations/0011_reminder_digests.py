"""The record of reminders sent in the daily digests, and the digest's beat schedule (decision
17: schedules are data, made here and edited in the admin). The schedule is made only if
missing, so the office's changes survive."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

DIGEST_NAME = "Send reminder digests"
DIGEST_TASK = "pcc_portal.tasks.send_reminder_digests_task"


def create_digest_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    if PeriodicTask.objects.filter(name=DIGEST_NAME).exists():
        return
    # Early in the working day, before the office reads its email. Crontab schedules are not
    # unique: reuse the office's if it has this one.
    fields = {
        "minute": "0",
        "hour": "7",
        "day_of_week": "*",
        "day_of_month": "*",
        "month_of_year": "*",
        "timezone": "Europe/London",
    }
    daily = CrontabSchedule.objects.filter(**fields).first()
    if daily is None:
        daily = CrontabSchedule.objects.create(**fields)
    PeriodicTask.objects.create(
        name=DIGEST_NAME,
        task=DIGEST_TASK,
        crontab=daily,
        description=(
            "Sends each person one email listing the milestones, reviews and other dates every "
            "part of the portal has for them, and records what was sent so nothing goes twice."
        ),
    )
    # A running beat reloads its schedule only when this stamp moves (django-celery-beat's own
    # signal does not fire for a migration's historical models).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_digest_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=DIGEST_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pcc_portal", "0010_staff_initials_unique"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReminderSent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "key",
                    models.CharField(
                        help_text="Stable across runs: the app, the kind of item, its id and its date",
                        max_length=200,
                        verbose_name="reminder",
                    ),
                ),
                ("due_on", models.DateField(verbose_name="due on")),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("url", models.CharField(blank=True, max_length=500, verbose_name="link")),
                (
                    "sent_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="sent"),
                ),
                (
                    "message",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="reminders",
                        to="pcc_portal.outboundmessage",
                        verbose_name="email",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminders_sent",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="sent to",
                    ),
                ),
            ],
            options={
                "verbose_name": "reminder sent",
                "verbose_name_plural": "reminders sent",
                "ordering": ["-sent_at", "due_on", "pk"],
                "indexes": [
                    models.Index(fields=["-sent_at"], name="remindersent_sent_idx"),
                    models.Index(
                        fields=["recipient", "-sent_at"], name="remindersent_recipient_idx"
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("key", "recipient"),
                        name="remindersent_once_per_person",
                        violation_error_message="This reminder has already been sent to this person",
                    )
                ],
            },
        ),
        migrations.RunPython(create_digest_schedule, remove_digest_schedule),
    ]
