from django.shortcuts import render

from ..models import ActivityArea, CharterPrinciple, EngagementLevel


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
