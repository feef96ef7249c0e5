"""Grant schemes and their rounds: what the office funds, when people may apply, how much there
is, and how applications are scored."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pcc_portal.limits import LimitedTextField

from ..querysets import GrantRoundQuerySet, GrantSchemeQuerySet
from ..workflow import (
    ROUND_STATES,
    ApplicationStatus,
    RoundPhase,
    RoundStatus,
    State,
    awaiting_decision_keys,
    phase_state,
)

ZERO = Decimal("0.00")


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    """Pounds and pence, never negative, up to £9,999,999,999.99."""
    kwargs.setdefault("validators", [MinValueValidator(ZERO)])
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


class GrantScheme(models.Model):
    """A fund the office makes grants from, such as the Commissioner's grant scheme (crime and
    disorder reduction grants, about £1m a year, in rounds and tiers) or a private fund that
    charities bid for."""

    name = models.CharField(
        _("name"), max_length=200, unique=True, help_text=_("e.g. Commissioner's grant scheme")
    )
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_("The end of its address on the portal, e.g. grant-scheme"),
    )
    description = LimitedTextField(
        _("description"),
        max_length=5000,
        help_text=_("What the scheme is for, in plain English"),
    )
    funder = models.CharField(
        _("funder"),
        max_length=200,
        help_text=_("Who the money comes from, e.g. the office, or the trust of a private fund"),
    )
    annual_budget = money_field(
        _("annual budget (£)"),
        help_text=_(
            "What the scheme may commit in one financial year (April to March). A multi-year "
            "grant's instalments count against the year each falls due in."
        ),
    )
    eligibility = LimitedTextField(
        _("who can apply"),
        max_length=5000,
        help_text=_("e.g. Registered charities and community groups working in the force area"),
    )
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("Listed on the grants pages. A hidden scheme is used for direct awards only."),
    )
    crime_and_disorder_reduction = models.BooleanField(
        _("crime and disorder reduction grants"),
        default=True,
        help_text=_(
            "Grants made under section 9 of the Police Reform and Social Responsibility Act "
            "2011: each is published every month with its conditions and reasons (the "
            "Specified Information Order)"
        ),
    )
    grant_programme_code = models.CharField(
        _("grant programme code"),
        max_length=60,
        blank=True,
        help_text=_("How the scheme is named in the 360Giving data, e.g. PCC-GS"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = GrantSchemeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grant scheme")
        verbose_name_plural = _("grant schemes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class GrantRound(models.Model):
    """One round of a scheme, such as "2015/16 tier 1": when it is open, how much it has, what
    it funds and how applications to it are scored.

    Only draft, published and withdrawn are stored. Whether a published round is upcoming,
    open, closed or decided follows from its dates and its applications at the moment of the
    request (decision 11): no job flips it.
    """

    scheme = models.ForeignKey(
        GrantScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="rounds"
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. 2015/16 tier 1"))
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_("The end of its address on the portal, e.g. 2015-16-tier-1"),
    )
    tier = models.PositiveSmallIntegerField(
        _("tier"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("e.g. 1 for small grants to local groups, 2 for larger or consortium bids"),
    )
    description = LimitedTextField(
        _("what the round funds"),
        max_length=5000,
        help_text=_("The round's rules as applicants read them"),
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"), help_text=_("Nothing is accepted after this"))
    decisions_expected_on = models.DateField(
        _("decisions expected by"),
        null=True,
        blank=True,
        help_text=_("Told to applicants so they know when to hear"),
    )
    budget = money_field(
        _("budget (£)"), help_text=_("The most the round's awards may add up to, in whole awards")
    )
    minimum_award = money_field(_("smallest award (£)"), default=ZERO)
    maximum_award = money_field(_("largest award (£)"))
    longest_project_months = models.PositiveSmallIntegerField(
        _("longest project (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("A project may run for at most this many months from its start date"),
    )
    activity_areas = models.ManyToManyField(
        "engagement.ActivityArea",
        verbose_name=_("eligible activity areas"),
        blank=True,
        related_name="grant_rounds",
        help_text=_("Leave empty if the round funds work in any activity area"),
    )
    objectives = models.ManyToManyField(
        "pcc_portal.Objective",
        verbose_name=_("police and crime objectives it funds"),
        blank=True,
        related_name="grant_rounds",
        help_text=_("Leave empty if the round funds work towards any objective"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = GrantRoundQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grant round")
        verbose_name_plural = _("grant rounds")
        ordering = ["-opens_at", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="grantround_closes_after_it_opens",
                violation_error_message=_("The closing date must be after it opens"),
            ),
            models.CheckConstraint(
                condition=Q(minimum_award__lte=F("maximum_award")),
                name="grantround_minimum_not_above_maximum",
                violation_error_message=_(
                    "The smallest award must be the same as or less than the largest"
                ),
            ),
            models.CheckConstraint(
                condition=Q(maximum_award__lte=F("budget")),
                name="grantround_maximum_within_budget",
                violation_error_message=_("The largest award cannot be more than the budget"),
            ),
        ]

    def __str__(self):
        return f"{self.scheme}: {self.name}"

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The closing date must be after it opens")})

    @property
    def state(self) -> State:
        return ROUND_STATES.get(self.status) or State(self.status, self.status, self.status, "grey")

    def phase(self, now=None) -> str | None:
        """Upcoming, open, closed or decided for a published round; None for the others.

        A closed round is decided once it has had applications and none still waits for a
        decision. A list of rounds gets the same answer without a query per round from
        GrantRoundQuerySet.with_phase(), whose `awaiting` and `sent` annotations this reads.
        """
        if self.status != RoundStatus.PUBLISHED:
            return None
        now = now or timezone.now()
        if now < self.opens_at:
            return RoundPhase.UPCOMING
        if now < self.closes_at:
            return RoundPhase.OPEN
        awaiting = getattr(self, "awaiting", None)
        sent = getattr(self, "sent", None)
        if awaiting is None or sent is None:
            sent_to_office = self.applications.exclude(status=ApplicationStatus.DRAFT)
            awaiting = sent_to_office.filter(status__in=awaiting_decision_keys()).exists()
            sent = sent_to_office.exists()
        return RoundPhase.DECIDED if sent and not awaiting else RoundPhase.CLOSED

    def phase_state(self, now=None) -> State | None:
        """The phase as the status include draws it."""
        phase = self.phase(now)
        return phase_state(phase) if phase else None

    def accepts_applications(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == RoundStatus.PUBLISHED and self.opens_at <= now < self.closes_at


class AssessmentCriterion(models.Model):
    """One thing assessors score a round's applications on, with its weight."""

    round = models.ForeignKey(
        GrantRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(
        _("criterion"), max_length=200, help_text=_("e.g. Reduces crime or the fear of crime")
    )
    guidance = LimitedTextField(
        _("guidance for assessors"),
        max_length=2000,
        blank=True,
        help_text=_("What a high and a low score look like"),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Each score is multiplied by this: a criterion of weight 2 counts double"),
    )
    max_score = models.PositiveSmallIntegerField(
        _("highest score"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Scores run from 0 to this"),
    )

    class Meta:
        verbose_name = _("assessment criterion")
        verbose_name_plural = _("assessment criteria")
        ordering = ["round", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="criterion_unique_in_round")
        ]

    def __str__(self):
        return self.name


class RoundQuestion(models.Model):
    """A question a round asks beyond the standard application."""

    round = models.ForeignKey(
        GrantRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(
        _("question"),
        max_length=500,
        help_text=_("e.g. How will you involve young people in running the project?"),
    )
    help_text = LimitedTextField(_("hint"), max_length=1000, blank=True)
    required = models.BooleanField(_("an answer is required"), default=True)
    max_length = models.PositiveIntegerField(
        _("longest answer (characters)"),
        default=2000,
        validators=[MinValueValidator(10), MaxValueValidator(10_000)],
    )

    class Meta:
        verbose_name = _("round question")
        verbose_name_plural = _("round questions")
        ordering = ["round", "position", "id"]

    def __str__(self):
        return self.text
