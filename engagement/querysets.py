"""The engagement questions: who may see which contacts, what is coming up, how far we reach."""

from datetime import date

from django.db import models
from django.utils import timezone

from .rules import SEE_ALL_CONTACTS, SEE_ALL_ORGANISATIONS, SEE_INTERNAL_EVENTS
from .workflow import STATES, outstanding_keys


class OrganisationQuerySet(models.QuerySet):
    def in_area(self, area):
        return self.filter(policing_areas=area)

    def visible_to(self, user):
        """Staff see every organisation; an ambassador those of their own area."""
        if user.has_perm(SEE_ALL_ORGANISATIONS):
            return self
        ambassador = getattr(user, "ambassador", None) if user.is_authenticated else None
        if ambassador is None:
            return self.none()
        return self.of_ambassadors_area(ambassador)

    def of_ambassadors_area(self, ambassador):
        """The organisations an ambassador works with: those of their policing area, or all of
        them for the communications ambassador, whose remit is the whole force area."""
        if ambassador.policing_area_id is None:
            return self
        return self.filter(policing_areas=ambassador.policing_area_id).distinct()

    def search(self, text: str):
        return self.filter(name__icontains=text.strip()) if text and text.strip() else self


class AmbassadorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class ContactQuerySet(models.QuerySet):
    def for_lists(self):
        return self.select_related(
            "ambassador__user", "policing_area", "organisation", "engagement_level", "raised_issue"
        ).prefetch_related("activity_areas", "groups_reached")

    def visible_to(self, user):
        """Staff with the view permission see all contacts; an ambassador only their own."""
        if user.has_perm(SEE_ALL_CONTACTS):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(ambassador__user=user)

    def between(self, first: date, last: date):
        return self.filter(occurred_on__gte=first, occurred_on__lte=last)


class RaisedIssueQuerySet(models.QuerySet):
    def for_queue(self):
        # Outer joins: an issue the office logged itself has no contact.
        return self.select_related(
            "contact__ambassador__user",
            "contact__policing_area",
            "contact__organisation",
            "logged_by",
        )

    def outstanding(self):
        return self.filter(status__in=outstanding_keys())

    def count_by_status(self) -> dict[str, int]:
        """How many issues are in each state, and how many are outstanding, in one query:
        {"outstanding": 4, "open": 3, ...}, with a 0 for an empty state."""
        counts = {key: models.Count("pk", filter=models.Q(status=key)) for key in STATES}
        counts["outstanding"] = models.Count("pk", filter=models.Q(status__in=outstanding_keys()))
        return self.order_by().aggregate(**counts)


class EventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now())

    def visible_to(self, user):
        return self if user.has_perm(SEE_INTERNAL_EVENTS) else self.public()

    def with_people(self):
        """Everything an event's listing shows, in a fixed number of queries whatever the rows."""
        from .models import Ambassador

        return self.select_related("policing_area").prefetch_related(
            models.Prefetch(
                "ambassadors", queryset=Ambassador.objects.select_related("user", "policing_area")
            ),
            "officers",
        )
