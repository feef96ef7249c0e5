"""Coverage: who are we reaching? The staff page and its CSV; the rules are in coverage.py."""

import csv
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..coverage import CSV_COLUMNS, coverage_report, csv_rows
from ..coverage_forms import chosen_range, coverage_form
from ..rules import OPEN_COVERAGE
from .access import rule_required

# A spreadsheet runs a cell that starts with one of these as a formula; names are typed by staff.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@require_GET
@rule_required(OPEN_COVERAGE)
def coverage(request):
    form = coverage_form(request.GET, today=timezone.localdate())
    dates = chosen_range(form)
    context = {"form": form, "report": None}
    if dates is not None:
        first, last = dates
        report = coverage_report(first=first, last=last)
        query = urlencode({"first": first.isoformat(), "last": last.isoformat()})
        context.update(
            report=report,
            csv_url=f"{reverse('engagement:coverage_csv')}?{query}",
            reach_tables=[
                {
                    "id": "by-activity-area",
                    "caption": "By activity area",
                    "name_header": "Activity area",
                    "rows": report.activity_areas,
                    "empty": "There are no activity areas yet.",
                },
                {
                    "id": "by-group-reached",
                    "caption": "By group reached",
                    "name_header": "Group reached",
                    "rows": report.groups_reached,
                    "empty": "There are no groups to reach yet.",
                },
            ],
        )
    return render(
        request, "engagement/coverage.html", context, status=400 if dates is None else 200
    )


@require_GET
@rule_required(OPEN_COVERAGE)
def coverage_csv(request):
    form = coverage_form(request.GET, today=timezone.localdate())
    dates = chosen_range(form)
    if dates is None:
        messages = [error for errors in form.errors.values() for error in errors]
        return HttpResponse(
            "\n".join(messages) + "\n", status=400, content_type="text/plain; charset=utf-8"
        )
    first, last = dates
    report = coverage_report(first=first, last=last)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="coverage-{first.isoformat()}-{last.isoformat()}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(report):
        writer.writerow([_cell(value) for value in row])
    return response


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value
