"""Applications and what comes with them: budget lines, attachments, answers to a round's own
questions, consortium members, the history of its moves, and its assessment (conflicts of
interest declared and scores given)."""

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from engagement.identifiers import (
    CHARITY_FORMAT,
    COMPANY_FORMAT,
    is_charity_number,
    is_company_number,
    normalise_charity_number,
    normalise_company_number,
)
from engagement.models import Organisation
from pcc_portal.dates import check_date_range
from pcc_portal.limits import LimitedTextField
from pcc_portal.uploads import validate_attachment

from ..querysets import ApplicationQuerySet, ScoreQuerySet
from ..storage import attachment_path, attachment_storage
from ..workflow import ApplicationStatus, State, state_of
from .schemes import ZERO, AssessmentCriterion, GrantRound, GrantScheme, RoundQuestion, money_field

# A UK postcode as Royal Mail writes it, with or without the space.
POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$")
POSTCODE_FORMAT = _("Enter a full UK postcode, like SY3 8HF")
# A project is dated within the portal's working life; an earlier or later year is a slip.
PROJECT_DATE_LIMITS = {"earliest": date(2000, 1, 1), "latest": date(2100, 12, 31)}
ENDS_BEFORE_STARTS = _("The end date must be the same as or after the start date")
TOO_LONG_A_PROJECT = _("The project can run for at most {months} months in this round")
ROUND_OF_ANOTHER_SCHEME = _("Choose a round of the application's scheme")
DIRECT_AWARD_HAS_NO_ROUND = _("A direct award is made outside any round")
ROUND_REQUIRED = _("Choose the round the application is for")


def normalise_postcode(text: str) -> str:
    """ "sy38hf" -> "SY3 8HF"; anything not a postcode is returned tidied, to be refused."""
    compact = re.sub(r"\s+", "", text or "").upper()
    match = POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else (text or "").strip().upper()


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


class OrganisationDetails(models.Model):
    """An organisation's details as the applicant typed them, kept as typed on the application.

    A grants officer links them to the one engagement `Organisation` (found by its charity or
    company number); the applicant never changes that shared record.
    """

    organisation_name = models.CharField(
        _("organisation's name"), max_length=255, blank=True, help_text=_("Its registered name")
    )
    organisation_kind = models.CharField(
        _("kind of organisation"), max_length=30, choices=Organisation.Kind.choices, blank=True
    )
    charity_number = models.CharField(
        _("charity number"),
        max_length=20,
        blank=True,
        help_text=_("If it is a registered charity, e.g. 1123456"),
    )
    company_number = models.CharField(
        _("company number"),
        max_length=20,
        blank=True,
        help_text=_("If it is a registered company, e.g. 01234567"),
    )
    organisation = models.ForeignKey(
        "engagement.Organisation",
        verbose_name=_("organisation on record"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grant_%(class)ss",
        help_text=_(
            "Set by a grants officer: the one organisation with this charity or company number"
        ),
    )

    class Meta:
        abstract = True

    def clean_numbers(self, errors: dict) -> None:
        """One way of writing each number, so the organisation found (and its org-id) does not
        depend on how it was typed."""
        self.charity_number = normalise_charity_number(self.charity_number)
        if self.charity_number and not is_charity_number(self.charity_number):
            errors["charity_number"] = CHARITY_FORMAT
        self.company_number = normalise_company_number(self.company_number)
        if self.company_number and not is_company_number(self.company_number):
            errors["company_number"] = COMPANY_FORMAT


class Application(OrganisationDetails):
    """An application for a grant, or a direct award the office makes.

    Its status follows the workflow in grants/workflow.py, moved only by grants/services.py,
    which records each move (ApplicationTransition).
    """

    class Kind(models.TextChoices):
        OPEN_ROUND = "open_round", _("Application to an open round")
        DIRECT_AWARD = "direct_award", _("Direct award")

    class GoverningDocument(models.TextChoices):
        CONSTITUTION = "constitution", _("Constitution")
        TRUST_DEED = "trust_deed", _("Trust deed")
        ARTICLES = "articles", _("Memorandum and articles of association")
        RULES = "rules", _("Rules (for example of a community benefit society)")
        STATUTE = "statute", _("Set by law (a public body)")
        OTHER = "other", _("Other")

    reference = models.CharField(
        _("reference"),
        max_length=30,
        blank=True,
        editable=False,
        help_text=_("Given when the application is sent, e.g. G2015-00042"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OPEN_ROUND)
    scheme = models.ForeignKey(
        GrantScheme,
        verbose_name=_("scheme"),
        on_delete=models.PROTECT,
        related_name="applications",
        help_text=_("The scheme whose budget pays: the round's, for an application to a round"),
    )
    round = models.ForeignKey(
        GrantRound,
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        help_text=_("Empty for a direct award"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant's account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grant_applications",
        help_text=_("Who applied online; empty for a direct award made without one"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )

    # --- The organisation (as typed; OrganisationDetails holds the name and numbers) ---
    organisation_address = LimitedTextField(_("organisation's address"), max_length=500, blank=True)
    organisation_postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    organisation_website = models.URLField(_("website"), blank=True)
    has_safeguarding_policy = models.BooleanField(
        _("has a safeguarding policy"),
        null=True,
        blank=True,
        help_text=_("If yes, the policy is attached to the application"),
    )
    governing_document = models.CharField(
        _("governing document"),
        max_length=20,
        choices=GoverningDocument.choices,
        blank=True,
        help_text=_("What sets out how the organisation is run; attached to the application"),
    )
    is_consortium = models.BooleanField(
        _("a consortium bid"),
        default=False,
        help_text=_("The organisation applies as the lead of a consortium; members listed below"),
    )

    # --- Who to talk to ---
    contact_name = models.CharField(_("contact's name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact's email"), blank=True)
    contact_phone = models.CharField(_("contact's phone"), max_length=40, blank=True)

    # --- The project ---
    project_title = models.CharField(
        _("project title"), max_length=200, blank=True, help_text=_("e.g. Safer Streets Shrewsbury")
    )
    project_summary = LimitedTextField(
        _("summary"),
        max_length=1000,
        blank=True,
        help_text=_("A few sentences; published with the award if it is funded"),
    )
    project_activities = LimitedTextField(
        _("what the project will do"), max_length=5000, blank=True
    )
    project_beneficiaries = LimitedTextField(
        _("who it is for"),
        max_length=2000,
        blank=True,
        help_text=_("e.g. Young people aged 11 to 16 at risk of exploitation"),
    )
    activity_area = models.ForeignKey(
        "engagement.ActivityArea",
        verbose_name=_("activity area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grant_applications",
    )
    objectives = models.ManyToManyField(
        "pcc_portal.Objective",
        verbose_name=_("police and crime objectives"),
        blank=True,
        related_name="grant_applications",
    )
    policing_areas = models.ManyToManyField(
        "pcc_portal.PolicingArea",
        verbose_name=_("policing areas served"),
        blank=True,
        related_name="grant_applications",
    )
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    amount_requested = money_field(
        _("amount requested (£)"),
        null=True,
        blank=True,
        help_text=_("The budget lines must add up to this"),
    )
    other_funding = LimitedTextField(
        _("other funding"),
        max_length=2000,
        blank=True,
        help_text=_("Other money for the project, secured or applied for, and from whom"),
    )
    other_funding_amount = money_field(_("other funding (£)"), null=True, blank=True)
    expected_outcomes = LimitedTextField(
        _("expected outcomes"),
        max_length=3000,
        blank=True,
        help_text=_("What will be different because of the project, and how you will know"),
    )
    declaration_given_at = models.DateTimeField(
        _("declaration given"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the applicant confirmed the declaration"),
    )
    submitted_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)

    # --- What the office made of it ---
    recommended_amount = money_field(
        _("recommended amount (£)"),
        null=True,
        blank=True,
        help_text=_("What the grants officer recommends; the decision sets the award"),
    )
    recommendation = LimitedTextField(
        _("recommendation"), max_length=3000, blank=True, help_text=_("Why it is recommended")
    )
    outcome_reason = LimitedTextField(
        _("reason given"),
        max_length=3000,
        blank=True,
        help_text=_("Why it was found ineligible, declined or withdrawn; told to the applicant"),
    )
    decided_by = models.CharField(
        _("decided by"),
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("Who approved or declined it, with their title"),
    )
    decided_on = models.DateField(_("date decided"), null=True, blank=True, editable=False)
    # An approval's entry in the register hangs from its award; a decline's from here.
    decision_record = models.ForeignKey(
        "pcc_portal.Decision",
        verbose_name=_("decision in the register"),
        on_delete=models.PROTECT,
        related_name="declined_applications",
        null=True,
        blank=True,
        editable=False,
    )

    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("grant application")
        verbose_name_plural = _("grant applications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["round", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="application_unique_reference",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on"))
                | Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True),
                name="application_ends_after_it_starts",
                violation_error_message=ENDS_BEFORE_STARTS,
            ),
            # An application to a round names it; a direct award has none.
            models.CheckConstraint(
                condition=Q(kind="direct_award", round__isnull=True)
                | Q(kind="open_round", round__isnull=False),
                name="application_round_exactly_when_open_round",
                violation_error_message=ROUND_REQUIRED,
            ),
        ]

    def __str__(self):
        title = self.project_title or _("Untitled application")
        return f"{self.reference}: {title}" if self.reference else str(title)

    def save(self, *args, **kwargs):
        if self.round_id and not self.scheme_id:
            self.scheme_id = self.round.scheme_id
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors: dict = {}
        self.clean_numbers(errors)
        if self.organisation_postcode:
            self.organisation_postcode = normalise_postcode(self.organisation_postcode)
            if not POSTCODE.match(self.organisation_postcode):
                errors["organisation_postcode"] = POSTCODE_FORMAT
        if self.round_id and not self.scheme_id:
            self.scheme_id = self.round.scheme_id
        if self.kind == self.Kind.DIRECT_AWARD and self.round_id:
            errors["round"] = DIRECT_AWARD_HAS_NO_ROUND
        elif self.kind == self.Kind.OPEN_ROUND and not self.round_id:
            errors["round"] = ROUND_REQUIRED
        elif self.round_id and self.round.scheme_id != self.scheme_id:
            errors["round"] = ROUND_OF_ANOTHER_SCHEME
        for name, label in (("starts_on", "Start date"), ("ends_on", "End date")):
            try:
                check_date_range(getattr(self, name), name=label, **PROJECT_DATE_LIMITS)
            except ValidationError as error:
                errors[name] = error.messages
        if self.starts_on and self.ends_on and "ends_on" not in errors:
            if self.ends_on < self.starts_on:
                errors["ends_on"] = ENDS_BEFORE_STARTS
            elif self.round_id:
                months = self.round.longest_project_months
                if self.ends_on > add_months(self.starts_on, months):
                    errors["ends_on"] = TOO_LONG_A_PROJECT.format(months=months)
        if errors:
            raise ValidationError(errors)

    @property
    def state(self) -> State:
        """Where the application is: its staff name, the applicant's name and its colour."""
        return state_of(self.status)

    @property
    def budget_total(self):
        """What the budget lines add up to (the lines as prefetched, if they were)."""
        return sum((line.amount for line in self.budget_lines.all()), ZERO)


class ConsortiumMember(OrganisationDetails):
    """A member organisation of a consortium bid, as the lead applicant typed it."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="consortium_members",
    )
    role = models.CharField(
        _("what it does in the project"),
        max_length=300,
        blank=True,
        help_text=_("e.g. Runs the evening sessions in Telford"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("consortium member")
        verbose_name_plural = _("consortium members")
        ordering = ["application", "position", "id"]

    def __str__(self):
        return self.organisation_name

    def clean(self):
        super().clean()
        errors: dict = {}
        self.clean_numbers(errors)
        if not self.organisation_name.strip():
            errors["organisation_name"] = _("Enter the member organisation's name")
        if errors:
            raise ValidationError(errors)


class BudgetLine(models.Model):
    """One line of the project's budget; the lines add up to the amount requested."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="budget_lines",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.CharField(
        _("what it pays for"), max_length=200, help_text=_("e.g. Youth worker, 6 hours a week")
    )
    amount = money_field(_("amount (£)"))

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["application", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="budgetline_amount_positive",
                violation_error_message=_("Each budget line must be more than £0"),
            )
        ]

    def __str__(self):
        return f"{self.description}: £{self.amount:,.2f}"


class Attachment(models.Model):
    """A file sent with an application or a monitoring report, checked by
    pcc_portal/uploads.py: PDF, DOCX, XLSX, ODT, JPG or PNG, at most 10 MB, and really what its
    name says (office files are checked inside; macros and zip bombs are refused)."""

    class Kind(models.TextChoices):
        SAFEGUARDING_POLICY = "safeguarding_policy", _("Safeguarding policy")
        GOVERNING_DOCUMENT = "governing_document", _("Governing document")
        ACCOUNTS = "accounts", _("Accounts")
        BUDGET = "budget", _("Budget")
        MONITORING_EVIDENCE = "monitoring_evidence", _("Monitoring evidence")
        OTHER = "other", _("Other supporting document")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    monitoring_report = models.ForeignKey(
        "grants.MonitoringReport",
        verbose_name=_("monitoring report"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        help_text=_("Set when the file was sent with a monitoring report"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    file = models.FileField(
        _("file"),
        upload_to=attachment_path,
        storage=attachment_storage,
        max_length=255,
        validators=[validate_attachment],
        help_text=_("PDF, Word, Excel, OpenDocument text, JPEG or PNG, at most 10 MB"),
    )
    original_name = models.CharField(_("file name"), max_length=255, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "uploaded_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"


class RoundAnswer(models.Model):
    """An answer to one of the round's own questions."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        RoundQuestion, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    answer = LimitedTextField(_("answer"), max_length=10_000, blank=True)

    class Meta:
        verbose_name = _("answer to a round question")
        verbose_name_plural = _("answers to round questions")
        ordering = ["application", "question__position", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question"], name="roundanswer_one_per_question"
            )
        ]

    def __str__(self):
        return f"{self.question}: {self.answer[:50]}"

    def clean(self):
        super().clean()
        if self.question_id and len(self.answer) > self.question.max_length:
            raise ValidationError(
                {
                    "answer": _("Your answer must be {limit} characters or fewer").format(
                        limit=f"{self.question.max_length:,}"
                    )
                }
            )
        in_another_round = (
            self.question_id
            and self.application_id
            and self.question.round_id != self.application.round_id
        )
        if in_another_round:
            raise ValidationError({"question": _("Choose a question of the round applied to")})


class ApplicationTransition(models.Model):
    """Who moved an application, when, from what to what, and why."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ApplicationStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=ApplicationStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = LimitedTextField(
        _("note or reason"),
        max_length=3000,
        blank=True,
        help_text=_("Why: a reason the applicant is told, or a note for the file"),
    )

    class Meta:
        verbose_name = _("application status change")
        verbose_name_plural = _("application status changes")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

    @property
    def from_state(self) -> State:
        return state_of(self.from_status)

    @property
    def to_state(self) -> State:
        return state_of(self.to_status)


class ConflictOfInterest(models.Model):
    """An assessor's declared interest in an application: they never score it."""

    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.PROTECT,
        related_name="grant_conflicts",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="conflicts",
    )
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)
    note = LimitedTextField(
        _("the interest"),
        max_length=1000,
        blank=True,
        help_text=_("e.g. I am a trustee of the applicant"),
    )

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessor", "application"], name="conflict_once_per_assessor"
            )
        ]

    def __str__(self):
        return f"{self.assessor} on {self.application}"


class Score(models.Model):
    """One assessor's score of one application against one of its round's criteria."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="scores"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.PROTECT,
        related_name="grant_scores",
    )
    criterion = models.ForeignKey(
        AssessmentCriterion,
        verbose_name=_("criterion"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = LimitedTextField(_("comment"), max_length=2000, blank=True)
    scored_at = models.DateTimeField(_("scored"), default=timezone.now)

    objects = ScoreQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["application", "criterion__position", "assessor_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "assessor", "criterion"],
                name="score_once_per_assessor_and_criterion",
            )
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"

    def clean(self):
        super().clean()
        if self.criterion_id and self.score is not None and self.score > self.criterion.max_score:
            raise ValidationError(
                {"score": _("Enter a score from 0 to {top}").format(top=self.criterion.max_score)}
            )
        in_another_round = (
            self.criterion_id
            and self.application_id
            and self.criterion.round_id != self.application.round_id
        )
        if in_another_round:
            raise ValidationError({"criterion": _("Choose a criterion of the application's round")})

    @property
    def weighted(self) -> int:
        return self.score * self.criterion.weight
