"""The filter panel of the grants officers' queue of applications, and its counts by status."""

import django_filters
from django.db.models import Count, Q
from django.http import QueryDict

from engagement.filters import ANY, FilterPanelMixin
from engagement.models import ActivityArea
from pcc_portal.models import PolicingArea

from .models import Application, GrantRound, GrantScheme
from .workflow import STATES, ApplicationStatus

# Staff never see an applicant's draft: the queue starts where the office's work does.
QUEUE_STATUSES = [
    (key, state.staff_name) for key, state in STATES.items() if key != ApplicationStatus.DRAFT
]
SEARCH_MAX_LENGTH = 100


class ApplicationFilter(FilterPanelMixin, django_filters.FilterSet):
    search = django_filters.CharFilter(
        label="Reference, project or organisation",
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
    )
    status = django_filters.ChoiceFilter(choices=QUEUE_STATUSES, label="Status", empty_label=ANY)
    scheme = django_filters.ModelChoiceFilter(
        queryset=GrantScheme.objects.order_by("name"),
        to_field_name="slug",
        label="Scheme",
        empty_label=ANY,
    )
    round = django_filters.ModelChoiceFilter(
        queryset=GrantRound.objects.select_related("scheme").order_by("-opens_at", "name"),
        label="Round",
        empty_label=ANY,
    )
    policing_area = django_filters.ModelChoiceFilter(
        queryset=PolicingArea.objects.all(),
        field_name="policing_areas",
        to_field_name="slug",
        label="Policing area",
        empty_label=ANY,
    )
    activity_area = django_filters.ModelChoiceFilter(
        queryset=ActivityArea.objects.all(), label="Activity area", empty_label=ANY
    )

    class Meta:
        model = Application
        fields = ["search", "status", "scheme", "round", "policing_area", "activity_area"]

    def filter_search(self, queryset, name, value):
        words = value.strip()
        if not words:
            return queryset
        return queryset.filter(
            Q(reference__icontains=words)
            | Q(project_title__icontains=words)
            | Q(organisation_name__icontains=words)
            | Q(organisation__name__icontains=words)
        )

    def without_status(self) -> "ApplicationFilter":
        """The same choices but any status: what the counts by status are taken over."""
        data = self.data.copy() if isinstance(self.data, QueryDict) else QueryDict(mutable=True)
        data.pop("status", None)
        return type(self)(data, queryset=self.queryset, request=self.request)


def count_by_status(applications) -> dict[str, int]:
    """{status: how many} of these applications, every queue status present, in one query."""
    counts = applications.order_by().aggregate(
        **{key: Count("pk", filter=Q(status=key), distinct=True) for key, _ in QUEUE_STATUSES}
    )
    return {key: counts.get(key) or 0 for key, _ in QUEUE_STATUSES}
