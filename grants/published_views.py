"""What the office publishes of its grants: the list of awards with its monthly totals (the
Specified Information Order's monthly publication of each crime and disorder reduction grant,
with its conditions and reasons) and the same awards as 360Giving data, JSON and CSV.

All three are the same for every visitor, so they are cached for anonymous visitors until an
award, its application, its scheme or what they show changes (decision 35, grants/signals.py).
"""

import django_filters
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pcc_portal.models import PolicingArea
from pcc_portal.public_cache import cached_for_visitors

from . import threesixty
from .financial_years import financial_year_label, financial_year_of
from .models import Award, GrantRound, GrantScheme
from .signals import AWARDS

AWARDS_PER_PAGE = 25
FILTERS = ("scheme", "round", "year", "area", "month")
JSON_TYPE = "application/json; charset=utf-8"
CSV_TYPE = "text/csv; charset=utf-8"


class PublishedAwardFilter(django_filters.FilterSet):
    """The public list's choices, each offered only as far as published awards reach it."""

    scheme = django_filters.ModelChoiceFilter(
        queryset=GrantScheme.objects.none(),
        field_name="application__scheme",
        to_field_name="slug",
        label="Scheme",
        empty_label="All schemes",
    )
    round = django_filters.ModelChoiceFilter(
        queryset=GrantRound.objects.none(),
        field_name="application__round",
        to_field_name="slug",
        label="Round",
        empty_label="All rounds",
    )
    year = django_filters.ChoiceFilter(
        label="Financial year", method="in_year", empty_label="All years"
    )
    area = django_filters.ModelChoiceFilter(
        queryset=PolicingArea.objects.all(),
        field_name="beneficiary_areas",
        to_field_name="slug",
        label="Policing area",
        empty_label="All areas",
    )
    month = django_filters.ChoiceFilter(
        label="Month decided", method="in_month", empty_label="All months"
    )

    class Meta:
        model = Award
        fields = list(FILTERS)

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        published = Award.objects.published()
        fields = self.filters
        fields["scheme"].queryset = GrantScheme.objects.filter(
            pk__in=published.values("application__scheme")
        ).order_by("name")
        fields["round"].queryset = (
            GrantRound.objects.filter(pk__in=published.values("application__round"))
            .select_related("scheme")
            .order_by("-opens_at", "name")
        )
        months = list(published.dates("decided_on", "month", order="DESC"))
        fields["month"].extra["choices"] = [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in months]
        years = sorted({financial_year_of(m) for m in months}, reverse=True)
        fields["year"].extra["choices"] = [(str(y), financial_year_label(y)) for y in years]

    def in_year(self, queryset, name, value):
        return queryset.decided_in_financial_year(int(value))

    def in_month(self, queryset, name, value):
        year, month = (int(part) for part in value.split("-"))
        return queryset.filter(decided_on__year=year, decided_on__month=month)

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            field.widget.attrs["class"] = "govuk-select"
        return form


def _monthly(awards) -> list[dict]:
    return [
        {"month": row["month"], "awards": row["awards"], "total": row["total"]}
        for row in awards.monthly_totals()
    ]


@require_GET
@cached_for_visitors(AWARDS, query=(*FILTERS, "page"))
def awarded(request):
    """Every published award, newest first, with what it was for, its conditions and reasons,
    and the totals of each month the filters reach."""
    filters = PublishedAwardFilter(request.GET or None, queryset=Award.objects.published())
    awards = filters.qs
    totals = awards.aggregate(awards=Count("pk", distinct=True), total=Sum("amount"))
    paginator = Paginator(awards.for_lists().order_by("-decided_on", "-pk"), AWARDS_PER_PAGE)
    # The totals' query already counted the rows: spare the paginator its own count.
    paginator.count = totals["awards"]
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "grants/published/awarded.html",
        {
            "filters": filters,
            "page": page,
            "months": _monthly(awards),
            "totals": totals,
            "filtered": bool(filters.is_bound and any(request.GET.get(f) for f in FILTERS)),
        },
    )


@require_GET
@cached_for_visitors(AWARDS)
def threesixty_json(request):
    """Every published award as a 360Giving data package."""
    download_url, access_url = threesixty.download_urls(request)
    body = "".join(threesixty.json_chunks(download_url=download_url, access_url=access_url))
    response = HttpResponse(body.encode(), content_type=JSON_TYPE)
    response["Content-Disposition"] = 'inline; filename="360giving.json"'
    return response


@require_GET
@cached_for_visitors(AWARDS)
def threesixty_csv(request):
    """Every published award as a 360Giving spreadsheet, one row a grant."""
    response = HttpResponse(threesixty.csv_text().encode(), content_type=CSV_TYPE)
    response["Content-Disposition"] = 'attachment; filename="360giving.csv"'
    return response
