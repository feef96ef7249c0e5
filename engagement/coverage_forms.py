"""The coverage page's one form: the range of dates to report on.

Plain `type=date` inputs rather than the GOV.UK three-box date input: the form is sent by GET,
so the address (and the CSV link) carries two readable ISO dates, `?first=2025-08-01&last=...`,
that a person can bookmark or share. Browsers without a date picker show a text box, which
takes 2025-08-01 or 01/08/2025.
"""

from datetime import date

from django import forms

from pcc_portal.forms import BaseForm

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %m %Y"]
LONGEST_RANGE_YEARS = 5

ENTER_START = "Enter a start date"
REAL_START = "The start date must be a real date, for example 01/08/2025"
ENTER_END = "Enter an end date"
REAL_END = "The end date must be a real date, for example 31/10/2025"
END_BEFORE_START = "The end date must be the same as or after the start date"
TOO_LONG = f"The dates must be no more than {LONGEST_RANGE_YEARS} years apart"


def default_range(today: date) -> tuple[date, date]:
    """The last three full calendar months and this month up to today.

    On 23 November that is 1 August to 23 November: three whole months to compare, and nothing
    logged this month left out.
    """
    month = today.month - 3
    year = today.year
    if month < 1:
        month += 12
        year -= 1
    return date(year, month, 1), today


def years_later(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 1 March in a year with no 29th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def date_field(label: str, required: str, invalid: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            attrs={"type": "date", "class": "govuk-input govuk-input--width-10"},
            format="%Y-%m-%d",
        ),
        error_messages={"required": required, "invalid": invalid},
    )


class CoverageForm(BaseForm):
    submit_label = "Show coverage"

    first = date_field("From", ENTER_START, REAL_START)
    last = date_field("To", ENTER_END, REAL_END)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # GET: the report changes nothing, and its address can be bookmarked and shared.
        self.helper.form_method = "get"
        self.helper.form_id = "coverage-dates"

    def full_clean(self):
        super().full_clean()
        # crispy-forms-gds marks only its text inputs as in error; a date input needs telling.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} govuk-input--error"

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last:
            if last < first:
                self.add_error("last", END_BEFORE_START)
            elif last >= years_later(first, LONGEST_RANGE_YEARS):
                self.add_error("last", TOO_LONG)
        return cleaned


def coverage_form(query, *, today: date) -> CoverageForm:
    """The form for a request's query string: bound when it names either date, else the
    default range. Other parameters (the button's own name) are ignored."""
    if "first" in query or "last" in query:
        return CoverageForm(query)
    first, last = default_range(today)
    return CoverageForm(initial={"first": first, "last": last})


def chosen_range(form: CoverageForm) -> tuple[date, date] | None:
    """The range the form asks for, or None when it has errors."""
    if not form.is_bound:
        return form.initial["first"], form.initial["last"]
    if form.is_valid():
        return form.cleaned_data["first"], form.cleaned_data["last"]
    return None
