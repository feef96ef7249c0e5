import django_filters
from django import forms
from django.http import QueryDict
from django.utils import dateformat

from pcc_portal.models import PolicingArea

from .models import ActivityArea, Ambassador, Contact, Organisation

# What an unchosen filter reads in a filter panel (never "---------" or "Unknown").
ANY = "Any"


class AnyYesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter whose empty choice reads "Any". It reads the same values as Django's
    NullBooleanSelect ("true"/"false", "2"/"3" ...), so links and API calls keep working."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", ANY), ("true", "Yes"), ("false", "No")]

    def format_value(self, value):
        # A list, as other choice widgets give: a bare string would match "" too ("" in "true").
        value = super().format_value(value)
        return ["" if value == "unknown" else value]


class FilterPanelMixin:
    """A FilterSet drawn as the MOJ filter panel (templates/includes/filter_panel.html): its
    fields carry GOV.UK classes, an error is tied to its field, and selected_filters() lists the
    filters in use, each with the query string that removes it (the page number is dropped too)."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_govuk_styled", False):
            form._govuk_styled = True
            for name, field in form.fields.items():
                widget = field.widget
                css = "govuk-select" if isinstance(widget, forms.Select) else "govuk-input"
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
                if form.is_bound and form.errors.get(name):
                    widget.attrs["class"] += f" {css}--error"
                    widget.attrs["aria-describedby"] = f"{form[name].auto_id}-error"
        return form

    def selected_filters(self) -> list[dict]:
        if not self.is_bound or not self.is_valid():
            return []
        selected = []
        for name, field in self.form.fields.items():
            value = self.form.cleaned_data.get(name)
            if value in (None, "", [], ()):
                continue
            query = (
                self.data.copy() if isinstance(self.data, QueryDict) else QueryDict(mutable=True)
            )
            if not isinstance(self.data, QueryDict):
                query.update(self.data)
            query.pop(name, None)
            query.pop("page", None)
            selected.append(
                {
                    "name": name,
                    "label": field.label,
                    "text": _display(field, value),
                    "remove_query": query.urlencode(),
                }
            )
        return selected


def _display(field, value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "year") and hasattr(value, "month"):
        return dateformat.format(value, "j F Y")
    if isinstance(field, forms.ModelChoiceField):
        return str(value)
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    return str(value)


class ContactFilter(FilterPanelMixin, django_filters.FilterSet):
    """Staff filters for the contact list and the API."""

    policing_area = django_filters.ModelChoiceFilter(
        queryset=PolicingArea.objects.all(),
        field_name="policing_area",
        label="Policing area",
        to_field_name="slug",
        empty_label=ANY,
    )
    ambassador = django_filters.ModelChoiceFilter(
        queryset=Ambassador.objects.select_related("user"), label="Ambassador", empty_label=ANY
    )
    activity_area = django_filters.ModelChoiceFilter(
        queryset=ActivityArea.objects.all(),
        field_name="activity_areas",
        label="Activity area",
        empty_label=ANY,
    )
    method = django_filters.ChoiceFilter(
        choices=Contact.Method.choices, label="How", empty_label=ANY
    )
    occurred_from = django_filters.DateFilter(
        field_name="occurred_on",
        lookup_expr="gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    occurred_to = django_filters.DateFilter(
        field_name="occurred_on",
        lookup_expr="lte",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    raised = django_filters.BooleanFilter(
        field_name="raised_issue",
        lookup_expr="isnull",
        exclude=True,
        label="Raised with the Commissioner",
        widget=AnyYesNoSelect,
    )

    class Meta:
        model = Contact
        fields = [
            "policing_area",
            "ambassador",
            "activity_area",
            "method",
            "occurred_from",
            "occurred_to",
            "raised",
        ]


class OrganisationFilter(FilterPanelMixin, django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name contains")
    policing_area = django_filters.ModelChoiceFilter(
        queryset=PolicingArea.objects.all(),
        field_name="policing_areas",
        to_field_name="slug",
        label="Policing area",
        empty_label=ANY,
    )
    kind = django_filters.ChoiceFilter(
        choices=Organisation.Kind.choices, label="Kind", empty_label=ANY
    )

    class Meta:
        model = Organisation
        fields = ["name", "policing_area", "kind"]
