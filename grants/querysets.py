"""The grants questions: which rounds are open, which applications a person may see, how they
scored, and how much of each budget is committed."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from .rules import SEE_ALL_APPLICATIONS
from .workflow import (
    REPORT_OUTSTANDING,
    ApplicationStatus,
    RoundStatus,
    awaiting_decision_keys,
)

ZERO = Decimal("0.00")
MONEY = models.DecimalField(max_digits=14, decimal_places=2)


class GrantSchemeQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)


class GrantRoundQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=RoundStatus.PUBLISHED)

    def upcoming(self, now=None):
        return self.published().filter(opens_at__gt=now or timezone.now())

    def open(self, now=None):
        now = now or timezone.now()
        return self.published().filter(opens_at__lte=now, closes_at__gt=now)

    def closed(self, now=None):
        """Closed to applications, whether or not every one has been decided."""
        return self.published().filter(closes_at__lte=now or timezone.now())

    def with_phase(self):
        """What GrantRound.phase() needs to tell closed from decided, for a whole list in one
        query: whether any application was sent, and whether any still waits for a decision."""
        from .models import Application

        sent = Application.objects.filter(round=OuterRef("pk")).exclude(
            status=ApplicationStatus.DRAFT
        )
        return self.annotate(
            sent=Exists(sent),
            awaiting=Exists(sent.filter(status__in=awaiting_decision_keys())),
        )

    def decided(self, now=None):
        """Closed, with applications, every one of them decided (decision 11)."""
        return self.closed(now).with_phase().filter(sent=True, awaiting=False)

    def with_committed(self):
        """`committed`: what the round's live awards add up to (whole awards)."""
        from .models import Award

        awards = (
            Award.objects.live()
            .filter(application__round=OuterRef("pk"))
            .order_by()
            .values("application__round")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return self.annotate(committed=Coalesce(Subquery(awards, output_field=MONEY), ZERO))

    def for_lists(self):
        return self.select_related("scheme").prefetch_related("activity_areas", "objectives")


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff who work on grants see every application sent to the office (and direct
        awards); an applicant sees only their own, drafts included; anyone else none."""
        if not user.is_authenticated:
            return self.none()
        own = Q(applicant=user)
        if user.has_perm(SEE_ALL_APPLICATIONS):
            return self.filter(own | ~Q(status=ApplicationStatus.DRAFT) | Q(kind="direct_award"))
        return self.filter(own)

    def sent(self):
        return self.exclude(status=ApplicationStatus.DRAFT)

    def awaiting_decision(self):
        return self.filter(status__in=awaiting_decision_keys())

    def in_round(self, grant_round):
        return self.filter(round=grant_round)

    def for_lists(self):
        return self.select_related(
            "scheme", "round__scheme", "applicant", "organisation", "activity_area"
        )

    def with_scores(self):
        """`weighted_total` (every score times its criterion's weight), `assessors` (how many
        scored it) and `average_score` (the weighted total per assessor): the assessment view's
        ranking, in one query whatever the rows."""
        from .models import Score

        scores = Score.objects.filter(application=OuterRef("pk")).order_by().values("application")
        total = scores.annotate(total=Sum(F("score") * F("criterion__weight"))).values("total")
        people = scores.annotate(people=Count("assessor", distinct=True)).values("people")
        return self.annotate(
            weighted_total=Coalesce(Subquery(total, output_field=models.IntegerField()), 0),
            assessors=Coalesce(Subquery(people, output_field=models.IntegerField()), 0),
        ).annotate(
            average_score=models.Case(
                models.When(assessors=0, then=None),
                default=models.ExpressionWrapper(
                    Cast("weighted_total", models.FloatField()) / F("assessors"),
                    output_field=models.FloatField(),
                ),
                output_field=models.FloatField(),
            )
        )


class ScoreQuerySet(models.QuerySet):
    def by(self, assessor):
        return self.filter(assessor=assessor)


class AwardQuerySet(models.QuerySet):
    def live(self):
        """Awards that stand: an offer withdrawn (refused, or given back) commits nothing."""
        return self.exclude(application__status=ApplicationStatus.WITHDRAWN)

    def in_scheme(self, scheme):
        return self.filter(application__scheme=scheme)

    def for_lists(self):
        return self.select_related(
            "application__scheme",
            "application__round",
            "application__organisation",
            "application__activity_area",
            "decision_record",
        ).prefetch_related("beneficiary_areas")

    def committed_to_round(self, grant_round) -> Decimal:
        """What a round's live awards add up to: a round's budget counts whole awards."""
        total = self.live().filter(application__round=grant_round).aggregate(t=Sum("amount"))["t"]
        return total or ZERO

    def published(self):
        """The awards the public list and the 360Giving data show.

        The Specified Information Order requires every crime and disorder reduction grant to be
        published with its conditions and reasons, so such a scheme's awards are published even
        when the scheme itself is hidden (one kept for direct awards): hiding a scheme keeps it
        off the pages where people apply, not its grants out of the publication. A public
        scheme's awards are published too; only a hidden scheme outside section 9 keeps its
        awards to the office. An offer withdrawn made no grant and is not shown.
        """
        return self.live().filter(
            Q(application__scheme__crime_and_disorder_reduction=True)
            | Q(application__scheme__is_public=True)
        )

    def decided_in_financial_year(self, start_year: int):
        from .financial_years import financial_year_bounds

        first, last = financial_year_bounds(start_year)
        return self.filter(decided_on__gte=first, decided_on__lte=last)

    def monthly_totals(self):
        """Rows of `month` (its first day), `awards` and `total`, newest month first: the
        Specified Information Order's monthly publication, in one query."""
        from django.db.models.functions import TruncMonth

        return (
            self.order_by()
            .annotate(month=TruncMonth("decided_on"))
            .values("month")
            .annotate(awards=Count("pk", distinct=True), total=Sum("amount"))
            .order_by("-month")
        )

    def totals_by(self, *fields: str):
        """Rows of `fields`, `awards` and `total` (what they add up to). Through a many-to-many
        field (the policing areas served, the objectives) an award counts once in each of its
        rows, so those rows together can add up to more than every award."""
        return (
            self.order_by()
            .values(*fields)
            .annotate(awards=Count("pk", distinct=True), total=Sum("amount"))
            .order_by(*fields)
        )

    def with_disbursed(self):
        """`disbursed`: what the award's instalments paid so far add up to."""
        from .models import Instalment

        paid = (
            Instalment.objects.filter(award=OuterRef("pk"), paid_at__isnull=False)
            .order_by()
            .values("award")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return self.annotate(disbursed=Coalesce(Subquery(paid, output_field=MONEY), ZERO))


class InstalmentQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(award__application__status=ApplicationStatus.WITHDRAWN)

    def in_financial_year(self, start_year: int):
        return self.filter(financial_year=start_year)

    def committed_in(self, scheme, start_year: int) -> Decimal:
        """What a scheme has committed in one financial year: the live instalments falling due
        in it, whatever year their award was made."""
        total = (
            self.live()
            .filter(award__application__scheme=scheme, financial_year=start_year)
            .aggregate(t=Sum("amount"))["t"]
        )
        return total or ZERO

    def unreleased(self):
        return self.filter(released_at__isnull=True)

    def committed_by_scheme_and_year(self):
        """What committed_in() adds up for one scheme and year, for every scheme and financial
        year at once: rows of `scheme` (its id), `financial_year` and `committed`."""
        return (
            self.live()
            .order_by()
            .values("financial_year", scheme=F("award__application__scheme"))
            .annotate(committed=Sum("amount"))
            .order_by("scheme", "financial_year")
        )


class MonitoringReportQuerySet(models.QuerySet):
    def outstanding(self):
        """Still owed by the grantee: not yet sent, or sent back for more information."""
        return self.filter(status__in=REPORT_OUTSTANDING)

    def overdue(self, today: date | None = None):
        return self.outstanding().filter(due_on__lt=today or timezone.localdate())

    def due_within(self, days: int, today: date | None = None):
        today = today or timezone.localdate()
        return self.outstanding().filter(due_on__gte=today, due_on__lte=today + timedelta(days))

    def for_lists(self):
        return self.select_related("award__application__organisation", "award__application")


def committed_by_financial_year(schemes=None) -> dict[tuple[int, int], Decimal]:
    """{(scheme id, financial year): committed} for every scheme and year with live instalments
    falling due in it, in one query: what InstalmentQuerySet.committed_in gives for one of them.
    `schemes` narrows it to those schemes."""
    from .models import Instalment

    instalments = Instalment.objects.live()
    if schemes is not None:
        instalments = instalments.filter(award__application__scheme__in=schemes)
    rows = (
        instalments.order_by()
        .values_list("award__application__scheme", "financial_year")
        .annotate(total=Sum("amount"))
    )
    return {(scheme, year): total for scheme, year, total in rows}
