"""The Celery app. Its settings are the CELERY_* names in pcc_portal/settings/base.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcc_portal.settings.local")

app = Celery("pcc_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
