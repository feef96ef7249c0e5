"""The staff reports on grants and their workbook: for those who run the schemes or decide their
grants (rule grants.see_awards); an assessor, who sees no money, is refused."""

import django_filters
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from engagement.filters import ANY, FilterPanelMixin
from engagement.views.access import rule_required

from . import reports
from .financial_years import financial_year_label, financial_year_of
from .models import Award, GrantScheme
from .rules import SEE_AWARDS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportFilter(FilterPanelMixin, django_filters.FilterSet):
    year = django_filters.ChoiceFilter(
        label="Financial year",
        method="in_year",
        empty_label=ANY,
        help_text="The awards decided in it, the rounds opened in it and the instalments due in it",
    )
    scheme = django_filters.ModelChoiceFilter(
        queryset=GrantScheme.objects.order_by("name"),
        field_name="application__scheme",
        to_field_name="slug",
        label="Scheme",
        empty_label=ANY,
    )

    class Meta:
        model = Award
        fields = ["year", "scheme"]

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        decided = Award.objects.live().dates("decided_on", "month")
        years = {financial_year_of(month) for month in decided}
        years.add(financial_year_of(timezone.localdate()))
        self.filters["year"].extra["choices"] = [
            (str(year), financial_year_label(year)) for year in sorted(years, reverse=True)
        ]

    def in_year(self, queryset, name, value):
        return queryset.decided_in_financial_year(int(value))

    def chosen(self) -> dict:
        """The year (as its first calendar year) and scheme chosen: each only where valid, as
        the awards are filtered."""
        if not self.is_bound:
            return {"year": None, "scheme": None}
        self.is_valid()
        data = self.form.cleaned_data
        year = data.get("year")
        return {"year": int(year) if year else None, "scheme": data.get("scheme")}


def _report(request):
    filters = ReportFilter(request.GET or None, queryset=Award.objects.live())
    chosen = filters.chosen()
    report = reports.build_report(awards=filters.qs, **chosen)
    return filters, report


@require_GET
@rule_required(SEE_AWARDS)
def report_page(request):
    filters, report = _report(request)
    return render(
        request,
        "grants/staff/reports/reports.html",
        {
            "filters": filters,
            "report": report,
            "export_query": request.GET.urlencode(),
        },
    )


@require_GET
@rule_required(SEE_AWARDS)
def report_xlsx(request):
    _, report = _report(request)
    return FileResponse(
        reports.write_xlsx(report),
        as_attachment=True,
        filename=reports.filename(report),
        content_type=XLSX_TYPE,
    )
