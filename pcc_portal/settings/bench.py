"""`make bench`: production settings, plus a bare view to measure the public pages against.

Never used to serve the portal: `python manage.py bench` starts gunicorn with it.
"""

from .production import *  # noqa: F403

ROOT_URLCONF = "pcc_portal.bench.urls"

# Every poster of the bench's consultation responses comes from one address, the loopback: the
# flood limit would refuse all but the first few of them each minute.
CONSULTATION_FLOOD_PER_MINUTE = 1_000_000
