import django_filters
from django import forms

# The filter panel's pieces live on the floor, for every app's staff lists; the apps import
# them from here too.
from pcc_portal.filters import ANY, AnyYesNoSelect, FilterPanelMixin
from pcc_portal.models import PolicingArea

from .models import ActivityArea, Ambassador, Contact, Organisation


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
