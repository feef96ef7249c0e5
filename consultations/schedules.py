"""The consultations' beat schedules (decision 17: schedules are data, made by a migration and
edited in the admin). Made only if missing, so the office's changes survive.

The functions take an app registry: a data migration passes its historical one.
"""

from django.utils import timezone

RETENTION_NAME = "Remove personal data past its retention period"
RETENTION_TASK = "consultations.tasks.anonymise_expired_responses_task"
# Early morning, when nobody is answering or reading results.
RETENTION_HOUR = "3"
RETENTION_MINUTE = "15"
RETENTION_TIMEZONE = "Europe/London"


def ensure_retention_schedule(apps) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    if PeriodicTask.objects.filter(name=RETENTION_NAME).exists():
        return
    # Crontab schedules are not unique: reuse the office's if it has this one.
    fields = {
        "minute": RETENTION_MINUTE,
        "hour": RETENTION_HOUR,
        "day_of_week": "*",
        "day_of_month": "*",
        "month_of_year": "*",
        "timezone": RETENTION_TIMEZONE,
    }
    daily = CrontabSchedule.objects.filter(**fields).first()
    if daily is None:
        daily = CrontabSchedule.objects.create(**fields)
    PeriodicTask.objects.create(
        name=RETENTION_NAME,
        task=RETENTION_TASK,
        crontab=daily,
        description=(
            "Removes respondents' email addresses and equality monitoring answers once a "
            "consultation's retention period has ended."
        ),
    )
    # A running beat reloads its schedule only when this stamp moves (django-celery-beat's own
    # signal does not fire for a migration's historical models).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_retention_schedule(apps) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name=RETENTION_NAME
    ).delete()
