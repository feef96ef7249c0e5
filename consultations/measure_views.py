"""The staff pages of tracked measures: the measures in use, and one measure's trend."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from engagement.views.access import rule_required

from .measures import measure_named_by, measure_trend, measures_in_use
from .rules import SEE_RESULTS

INCLUDE = "include"


@require_GET
@rule_required(SEE_RESULTS)
def measure_list(request):
    return render(request, "consultations/staff/measures.html", {"measures": measures_in_use()})


@require_GET
@rule_required(SEE_RESULTS)
def measure_trend_page(request, slug):
    measure = measure_named_by(slug)
    if measure is None:
        raise Http404("No measure of that name is in use")
    include_suspect = request.GET.get("suspect") == INCLUDE
    return render(
        request,
        "consultations/staff/measures_trend.html",
        {
            "measure": measure,
            "trend": measure_trend(measure.name, include_suspect=include_suspect),
            "include": INCLUDE,
        },
    )
