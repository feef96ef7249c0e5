import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcc_portal.settings.production")

application = get_wsgi_application()

# Load every URL pattern (and so every view module) now, then hand what is loaded to the
# permanent generation: the cyclic garbage collector's full passes otherwise walk all of Django
# and the portal each time, holding a long staff page up by a tenth of a second or more.
get_resolver().url_patterns  # noqa: B018
gc.collect()
gc.freeze()
