import django_filters
from django import forms

from pcc_portal.models import PolicingArea

from .models import ActivityArea, Ambassador, Contact, Organisation


class ContactFilter(django_filters.FilterSet):
    """Staff filters for the contact list and the API."""

    policing_area = django_filters.ModelChoiceFilter(
        queryset=PolicingArea.objects.all(),
        field_name="policing_area",
        label="Policing area",
        to_field_name="slug",
    )
    ambassador = django_filters.ModelChoiceFilter(
        queryset=Ambassador.objects.select_related("user"), label="Ambassador"
    )
    activity_area = django_filters.ModelChoiceFilter(
        queryset=ActivityArea.objects.all(), field_name="activity_areas", label="Activity area"
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
    )

    class Meta:
        model = Contact
        fields = ["method"]


class OrganisationFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name contains")
    policing_area = django_filters.ModelChoiceFilter(
        queryset=PolicingArea.objects.all(),
        field_name="policing_areas",
        to_field_name="slug",
        label="Policing area",
    )

    class Meta:
        model = Organisation
        fields = ["kind"]
