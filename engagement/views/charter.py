from django.shortcuts import render

from pcc_portal.public_cache import cached_for_visitors

from ..models import ActivityArea, CharterPrinciple, EngagementLevel
from ..signals import CHARTER


@cached_for_visitors(CHARTER)
def charter(request):
    """The engagement charter: its principles, the levels of engagement and the activity areas."""
    return render(
        request,
        "engagement/charter.html",
        {
            "principles": CharterPrinciple.objects.all(),
            "levels": EngagementLevel.objects.all(),
            "activity_areas": ActivityArea.objects.all(),
        },
    )
