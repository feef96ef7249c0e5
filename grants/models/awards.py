"""Awards: what was granted, on what conditions and why; the instalments it is paid in; and the
monitoring reports the grantee sends, with the beneficiary figures they give."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pcc_portal.limits import LimitedTextField

from ..financial_years import financial_year_label, financial_year_of
from ..querysets import AwardQuerySet, InstalmentQuerySet, MonitoringReportQuerySet
from ..workflow import REPORT_STATES, ReportStatus, State
from .applications import ENDS_BEFORE_STARTS, Application
from .schemes import ZERO, money_field


class Award(models.Model):
    """A grant made: the decision on an application (or a direct award), its amount, conditions
    and reasons. Published every month under the Specified Information Order and in the
    360Giving data; the decision itself is entered in the decisions register and linked here."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="award",
    )
    amount = money_field(_("amount awarded (£)"))
    conditions = LimitedTextField(
        _("conditions"),
        max_length=5000,
        blank=True,
        help_text=_("The conditions of the grant, as the offer letter states them; published"),
    )
    reasons = LimitedTextField(
        _("reasons"),
        max_length=5000,
        help_text=_("Why the grant was made; published with it (Specified Information Order)"),
    )
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    decided_by = models.CharField(
        _("decided by"),
        max_length=200,
        help_text=_("The office holder who decided, with their title, e.g. Alex Holder, Deputy"),
    )
    decided_on = models.DateField(_("date decided"))
    decision_record = models.ForeignKey(
        "pcc_portal.Decision",
        verbose_name=_("decision in the register"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grant_awards",
        help_text=_("The decision notice this award was made under"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Who entered the decision in the portal"),
    )
    is_multi_year = models.BooleanField(
        _("multi-year"),
        default=False,
        help_text=_(
            "Paid over more than one financial year; each later instalment waits for a "
            "satisfactory monitoring report"
        ),
    )
    beneficiary_areas = models.ManyToManyField(
        "pcc_portal.PolicingArea",
        verbose_name=_("where the beneficiaries are"),
        blank=True,
        related_name="grant_awards",
        help_text=_("The policing areas the grant serves (the 360Giving beneficiary location)"),
    )
    offer_accepted_at = models.DateTimeField(_("offer accepted"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    underspend_returned = money_field(
        _("underspend returned (£)"),
        default=ZERO,
        help_text=_("Money the grantee did not spend and paid back"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = AwardQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["decided_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="award_amount_positive",
                violation_error_message=_("The amount awarded must be more than £0"),
            ),
            models.CheckConstraint(
                condition=Q(underspend_returned__gte=0) & Q(underspend_returned__lte=F("amount")),
                name="award_underspend_within_amount",
                violation_error_message=_(
                    "The underspend returned cannot be more than the amount awarded"
                ),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="award_ends_after_it_starts",
                violation_error_message=ENDS_BEFORE_STARTS,
            ),
        ]

    def __str__(self):
        return f"£{self.amount:,.2f} to {self.recipient_name}"

    @property
    def recipient_name(self) -> str:
        application = self.application
        if application.organisation_id:
            return application.organisation.name
        return application.organisation_name


class Instalment(models.Model):
    """One payment of an award. It counts against the scheme's annual budget of the financial
    year (April to March) it falls due in; a multi-year award's later instalments are held until
    the monitoring report before them is accepted."""

    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.CASCADE, related_name="instalments"
    )
    number = models.PositiveSmallIntegerField(_("instalment"), default=1)
    due_on = models.DateField(_("due"))
    amount = money_field(_("amount (£)"))
    financial_year = models.PositiveSmallIntegerField(
        _("financial year"),
        editable=False,
        help_text=_("The year its financial year starts in: 2015 for 2015/16"),
    )
    held_for_report = models.OneToOneField(
        "grants.MonitoringReport",
        verbose_name=_("held until this report is accepted"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="held_instalment",
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    objects = InstalmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["award", "number"]
        indexes = [models.Index(fields=["financial_year"])]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="instalment_unique_number"),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="instalment_amount_positive",
                violation_error_message=_("Each instalment must be more than £0"),
            ),
        ]

    def __str__(self):
        return f"Instalment {self.number}: £{self.amount:,.2f} due {self.due_on:%d %B %Y}"

    def save(self, *args, **kwargs):
        self.financial_year = financial_year_of(self.due_on)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "due_on" in update_fields:
            kwargs["update_fields"] = {*update_fields, "financial_year"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.due_on:
            self.financial_year = financial_year_of(self.due_on)

    @property
    def financial_year_label(self) -> str:
        return financial_year_label(financial_year_of(self.due_on))


class MonitoringReport(models.Model):
    """A report the grantee owes by its due date: what the grant did, for how many people, and
    what has been spent. An officer accepts it or asks for more."""

    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.CASCADE, related_name="reports"
    )
    title = models.CharField(
        _("report"), max_length=100, help_text=_("e.g. End of year 1, Final report")
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DUE
    )
    is_final = models.BooleanField(_("final report"), default=False)
    narrative = LimitedTextField(
        _("what the grant did"),
        max_length=5000,
        blank=True,
        help_text=_("Progress against the expected outcomes, in the grantee's words"),
    )
    people_reached = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    spend_to_date = money_field(_("spent so far (£)"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("sent"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    officer_note = LimitedTextField(
        _("officer's note"),
        max_length=3000,
        blank=True,
        help_text=_("What more is needed, or a note on accepting it; the grantee sees it"),
    )

    objects = MonitoringReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("monitoring report")
        verbose_name_plural = _("monitoring reports")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"{self.title} (due {self.due_on:%d %B %Y})"

    @property
    def state(self) -> State:
        unknown = State(self.status, self.status, self.status, "grey")
        return REPORT_STATES.get(self.status) or unknown


class BeneficiaryFigure(models.Model):
    """How many of the people a report reached fall in one group: optional and aggregated, never
    about one person."""

    class Category(models.TextChoices):
        AGE = "age", _("Age")
        GENDER = "gender", _("Gender")
        ETHNICITY = "ethnicity", _("Ethnic group")
        DISABILITY = "disability", _("Disability")

    # The groups of each category, as the report form offers them.
    BANDS = {
        Category.AGE: (
            "Under 10",
            "10 to 15",
            "16 to 19",
            "20 to 24",
            "25 to 34",
            "35 to 44",
            "45 to 54",
            "55 to 64",
            "65 and over",
            "Not known",
        ),
        Category.GENDER: ("Female", "Male", "Another gender", "Not known"),
        Category.ETHNICITY: (
            "Asian or Asian British",
            "Black, Black British, Caribbean or African",
            "Mixed or multiple ethnic groups",
            "White",
            "Other ethnic group",
            "Not known",
        ),
        Category.DISABILITY: ("Disabled", "Not disabled", "Not known"),
    }

    report = models.ForeignKey(
        MonitoringReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="figures",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    band = models.CharField(_("group"), max_length=60, help_text=_("e.g. 16 to 19"))
    count = models.PositiveIntegerField(_("people"))

    class Meta:
        verbose_name = _("beneficiary figure")
        verbose_name_plural = _("beneficiary figures")
        ordering = ["report", "category", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "category", "band"], name="figure_once_per_group"
            )
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.band}: {self.count}"

    def clean(self):
        super().clean()
        bands = self.BANDS.get(self.category, ())
        if self.category and self.band not in bands:
            raise ValidationError({"band": _("Choose one of the groups listed")})
