"""A newsletter issue's bulk mailing, and the newsletters' beat schedules (decision 17: schedules
are data, made here and edited in the admin): the weekly issue drafted on Monday mornings, and
scheduled issues sent when their time comes. Each is made only if missing, so the office's
changes survive."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

WEEKLY_NAME = "Draft the weekly newsletter"
WEEKLY_TASK = "engagement.tasks.draft_weekly_newsletter"
SCHEDULED_NAME = "Send scheduled newsletters"
SCHEDULED_TASK = "engagement.tasks.send_scheduled_newsletters"


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    if not PeriodicTask.objects.filter(name=WEEKLY_NAME).exists():
        # Monday, early, so the draft is waiting when the office starts the week. Crontab
        # schedules are not unique: reuse the office's if it has this one.
        fields = {
            "minute": "0",
            "hour": "6",
            "day_of_week": "1",
            "day_of_month": "*",
            "month_of_year": "*",
            "timezone": "Europe/London",
        }
        mondays = CrontabSchedule.objects.filter(**fields).first()
        if mondays is None:
            mondays = CrontabSchedule.objects.create(**fields)
        PeriodicTask.objects.create(
            name=WEEKLY_NAME,
            task=WEEKLY_TASK,
            crontab=mondays,
            description=(
                "Drafts the week's newsletter from the week's news, events, consultations and "
                "grant rounds, for a person to review and send. Nothing is sent by this job."
            ),
        )
    if not PeriodicTask.objects.filter(name=SCHEDULED_NAME).exists():
        every_five_minutes = IntervalSchedule.objects.filter(every=5, period="minutes").first()
        if every_five_minutes is None:
            every_five_minutes = IntervalSchedule.objects.create(every=5, period="minutes")
        PeriodicTask.objects.create(
            name=SCHEDULED_NAME,
            task=SCHEDULED_TASK,
            interval=every_five_minutes,
            description="Sends the newsletter issues whose scheduled time has come.",
        )
    # A running beat reloads its schedule only when this stamp moves (django-celery-beat's own
    # signal does not fire for a migration's historical models).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[WEEKLY_NAME, SCHEDULED_NAME]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0007_newsletters"),
        ("pcc_portal", "0012_bulk_mailings"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="newsletter",
            name="mailing",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="newsletter",
                to="pcc_portal.bulkmailing",
                verbose_name="mailing",
            ),
        ),
        migrations.RunPython(create_schedules, remove_schedules),
    ]
