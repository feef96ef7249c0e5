"""`make bench`: production settings, plus a bare view to measure the public pages against.

Never used to serve the portal: `python manage.py bench` starts gunicorn with it.
"""

from .production import *  # noqa: F403

ROOT_URLCONF = "pcc_portal.bench.urls"
