"""The engagement charter (principles, levels, activity areas) and the people and work that
carry it out: organisations, ambassadors, contact volunteers, contacts, events and meetings."""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pcc_portal.dates import check_date_range
from pcc_portal.limits import LimitedTextField

from .identifiers import (
    CHARITY_FORMAT,
    COMPANY_FORMAT,
    charity_org_id,
    company_org_id,
    is_charity_number,
    is_company_number,
    normalise_charity_number,
    normalise_company_number,
)
from .querysets import (
    AmbassadorQuerySet,
    ContactQuerySet,
    EventQuerySet,
    OrganisationQuerySet,
    RaisedIssueQuerySet,
)
from .recurrence import describe_recurrence, occurrences, validate_rrule
from .workflow import IssueStatus, State, state_of

# A contact is dated in the portal's own time: nothing before 2000 was logged by an ambassador,
# and an earlier year is a typing slip (1899 for 1999, 26 for 2026).
CONTACT_DATE_LIMITS = {
    "name": "Date of the contact",
    "earliest": date(2000, 1, 1),
    "not_in_future": True,
}
FUTURE_DATE = _("Date of the contact must be today or in the past")
ORGANISATION_NOT_THE_AMBASSADORS = _("Choose an organisation of the ambassador's policing area")
WHO_OR_ORGANISATION = _("Choose an organisation or say who you met")


class ActivityArea(models.Model):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=150, unique=True)
    description = LimitedTextField(_("description"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("activity area")
        verbose_name_plural = _("activity areas")
        ordering = ["number"]

    def __str__(self):
        return self.name


class CharterPrinciple(models.Model):
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(
        _("principle"), max_length=200, unique=True, help_text=_("e.g. I will use clear language")
    )
    commitment = LimitedTextField(_("what it commits the office to"), max_length=2000)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("charter principle")
        verbose_name_plural = _("charter principles")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class EngagementLevel(models.Model):
    """A level of the IAP2 public participation spectrum as the office adapted it."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=50, unique=True, help_text=_("e.g. Consult"))
    aim = LimitedTextField(_("community engagement aim"), max_length=2000)
    commitment = LimitedTextField(_("commitment to communities"), max_length=2000)
    ways_to_engage = LimitedTextField(
        _("ways to engage"), max_length=2000, help_text=_("One per line")
    )

    class Meta:
        verbose_name = _("engagement level")
        verbose_name_plural = _("engagement levels")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name

    @property
    def ways(self) -> list[str]:
        return [line.strip() for line in self.ways_to_engage.splitlines() if line.strip()]


class ReachedGroup(models.Model):
    """A group of people the office wants to reach, from the seeds' least-reached groups and the
    activity areas (decision 9). Contacts and equality-monitoring answers name them."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = LimitedTextField(_("why it matters"), max_length=1000, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("group reached")
        verbose_name_plural = _("groups reached")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Network(models.Model):
    """An existing network organisations belong to, e.g. a town and parish council association."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = LimitedTextField(_("description"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    """One organisation, whatever brings it to the portal: grant applicant, consultation partner,
    meeting body or the group an ambassador met (decision 5)."""

    class Kind(models.TextChoices):
        PARISH_COUNCIL = "parish_council", _("Town or parish council")
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        COMMUNITY_SAFETY_PARTNERSHIP = "csp", _("Community safety partnership")
        WATCH_SCHEME = "watch_scheme", _("Watch scheme")
        INDEPENDENT_ADVISORY_GROUP = "iag", _("Independent advisory group")
        YOUTH_GROUP = "youth_group", _("Youth group")
        BUSINESS_GROUP = "business_group", _("Business group")
        FAITH_COMMUNITY_GROUP = "faith_community", _("Faith or community group")
        VICTIM_SERVICE = "victim_service", _("Victim service")
        VOLUNTARY_ORGANISATION = "voluntary", _("Voluntary organisation")
        STATUTORY_AGENCY = "statutory", _("Statutory agency")
        SCHOOL_COLLEGE = "education", _("School or college")
        OTHER = "other", _("Other")

    class ConsentBasis(models.TextChoices):
        NONE_HELD = "none_held", _("No personal contact details held")
        CONSENT = "consent", _("Consent given by the contact person")
        LEGITIMATE_INTERESTS = "legitimate_interests", _("Legitimate interests")
        PUBLIC_TASK = "public_task", _("Public task")

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    charity_number = models.CharField(
        _("charity number"),
        max_length=20,
        blank=True,
        help_text=_("Charity Commission, e.g. 1123456"),
    )
    company_number = models.CharField(
        _("company number"),
        max_length=20,
        blank=True,
        help_text=_("Companies House, e.g. 01234567"),
    )
    address = LimitedTextField(_("address"), max_length=500, blank=True)
    policing_areas = models.ManyToManyField(
        "pcc_portal.PolicingArea",
        verbose_name=_("policing areas"),
        blank=True,
        related_name="organisations",
    )
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    notes = LimitedTextField(_("notes"), max_length=2000, blank=True)
    consent_basis = models.CharField(
        _("basis for keeping contact details"),
        max_length=30,
        choices=ConsentBasis.choices,
        default=ConsentBasis.NONE_HELD,
    )
    networks = models.ManyToManyField(
        Network, verbose_name=_("networks"), blank=True, related_name="organisations"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]
        # One record per registered body, so its org-id (decision 5) names one organisation.
        constraints = [
            models.UniqueConstraint(
                fields=["charity_number"],
                condition=~models.Q(charity_number=""),
                name="organisation_charity_number_unique_where_set",
                violation_error_message=_(
                    "An organisation with this charity number is already recorded"
                ),
            ),
            models.UniqueConstraint(
                fields=["company_number"],
                condition=~models.Q(company_number=""),
                name="organisation_company_number_unique_where_set",
                violation_error_message=_(
                    "An organisation with this company number is already recorded"
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        has_personal = self.contact_name or self.email or self.phone
        if has_personal and self.consent_basis == self.ConsentBasis.NONE_HELD:
            errors["consent_basis"] = _("Select the basis for keeping the contact person's details")
        # One way of writing each number, so the org-id does not change with how it was typed.
        self.charity_number = normalise_charity_number(self.charity_number)
        if self.charity_number and not is_charity_number(self.charity_number):
            errors["charity_number"] = CHARITY_FORMAT
        self.company_number = normalise_company_number(self.company_number)
        if self.company_number and not is_company_number(self.company_number):
            errors["company_number"] = COMPANY_FORMAT
        if errors:
            raise ValidationError(errors)

    @property
    def org_id(self) -> str:
        """The 360Giving organisation identifier: the charity regulator's, then Companies
        House's, else a local one (a number not in its format gives none)."""
        return (
            charity_org_id(self.charity_number)
            or company_org_id(self.company_number)
            or f"{settings.LOCAL_ORG_ID_PREFIX}-{self.pk}"
        )


class Ambassador(models.Model):
    """A community ambassador: one per policing area, and one for communications."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="ambassador",
    )
    policing_area = models.ForeignKey(
        "pcc_portal.PolicingArea",
        verbose_name=_("policing area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ambassadors",
        help_text=_("Leave empty for the communications ambassador"),
    )
    communications = models.BooleanField(_("communications remit"), default=False)
    started_on = models.DateField(_("start date"))
    active = models.BooleanField(_("active"), default=True)

    objects = AmbassadorQuerySet.as_manager()

    class Meta:
        verbose_name = _("ambassador")
        verbose_name_plural = _("ambassadors")
        ordering = ["user__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(policing_area__isnull=False) | Q(communications=True),
                name="ambassador_has_a_remit",
                violation_error_message=_("Choose a policing area, or the communications remit"),
            )
        ]

    def __str__(self):
        return str(self.user)

    @property
    def remit(self) -> str:
        return str(self.policing_area) if self.policing_area_id else str(_("Communications"))


class WorkPlan(models.Model):
    """An ambassador's work plan, "refreshed following review"."""

    ambassador = models.OneToOneField(
        Ambassador,
        verbose_name=_("ambassador"),
        on_delete=models.CASCADE,
        related_name="work_plan",
    )
    next_review_on = models.DateField(_("next review"))

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["next_review_on"]

    def __str__(self):
        return f"Work plan: {self.ambassador}"


class WorkPlanFocus(models.Model):
    work_plan = models.ForeignKey(
        WorkPlan, verbose_name=_("work plan"), on_delete=models.CASCADE, related_name="focus_areas"
    )
    text = models.CharField(_("focus"), max_length=255)
    activity_area = models.ForeignKey(
        ActivityArea,
        verbose_name=_("activity area"),
        on_delete=models.PROTECT,
        related_name="work_plan_focus_areas",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["position", "id"]

    def __str__(self):
        return self.text


class WorkPlanReview(models.Model):
    work_plan = models.ForeignKey(
        WorkPlan, verbose_name=_("work plan"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_on = models.DateField(_("reviewed on"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = LimitedTextField(_("notes"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("work plan review")
        verbose_name_plural = _("work plan reviews")
        ordering = ["-reviewed_on"]

    def __str__(self):
        return f"Review on {self.reviewed_on:%d %B %Y}"


class ContactVolunteer(models.Model):
    """A member of the Community Contact Volunteer Scheme: the Commissioner's eyes and ears."""

    name = models.CharField(_("name"), max_length=150)
    policing_area = models.ForeignKey(
        "pcc_portal.PolicingArea",
        verbose_name=_("policing area"),
        on_delete=models.PROTECT,
        related_name="contact_volunteers",
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    consent_given_on = models.DateField(
        _("consent recorded on"),
        help_text=_("The date the volunteer agreed we may keep these details"),
    )
    consent_note = models.CharField(_("how consent was given"), max_length=255, blank=True)
    ambassador = models.ForeignKey(
        Ambassador,
        verbose_name=_("ambassador"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_volunteers",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contact volunteer")
        verbose_name_plural = _("contact volunteers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """One engagement an ambassador logged: who they met, where, how, and what was raised."""

    class Method(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        EVENT = "event", _("Event")
        VISIT = "visit", _("Visit")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        SOCIAL_MEDIA = "social_media", _("Social media")
        STREET = "street", _("Street or surgery")
        OTHER = "other", _("Other")

    ambassador = models.ForeignKey(
        Ambassador, verbose_name=_("ambassador"), on_delete=models.PROTECT, related_name="contacts"
    )
    occurred_on = models.DateField(_("date"))
    policing_area = models.ForeignKey(
        "pcc_portal.PolicingArea",
        verbose_name=_("policing area"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    who = models.CharField(
        _("who you met"),
        max_length=255,
        blank=True,
        help_text=_("If not an organisation, e.g. parents at the school gate"),
    )
    people_reached = models.PositiveIntegerField(
        _("people reached"), validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    engagement_level = models.ForeignKey(
        EngagementLevel,
        verbose_name=_("engagement level"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    activity_areas = models.ManyToManyField(
        ActivityArea, verbose_name=_("activity areas"), related_name="contacts"
    )
    groups_reached = models.ManyToManyField(
        ReachedGroup, verbose_name=_("groups reached"), blank=True, related_name="contacts"
    )
    topics = models.CharField(_("topics"), max_length=255, blank=True)
    issues_raised = LimitedTextField(_("issues raised"), max_length=5000, blank=True)
    submission_key = models.UUIDField(
        _("submission key"),
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("One per form: a second tap of the same form finds the first contact"),
    )
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-occurred_on", "-created_at"]
        indexes = [
            models.Index(fields=["occurred_on"]),
            models.Index(fields=["policing_area", "occurred_on"]),
        ]

    def __str__(self):
        return f"{self.organisation or self.who or _('Contact')} on {self.occurred_on:%d %b %Y}"

    @property
    def editable_until(self):
        """An ambassador may correct a contact for a few days after logging it."""
        logged = self.created_at or timezone.now()
        return timezone.localdate(logged) + timedelta(days=settings.CONTACT_EDIT_DAYS)

    def clean(self):
        """The rules of a single contact, met alike by the phone form, the API and the admin.
        (Its activity areas are many-to-many and saved after it: the service and the admin's
        form ask for at least one.)"""
        super().clean()
        errors = {}
        if not self.organisation_id and not self.who.strip():
            errors["who"] = WHO_OR_ORGANISATION
        try:
            check_date_range(self.occurred_on, **CONTACT_DATE_LIMITS)
        except ValidationError as error:
            errors["occurred_on"] = error.messages
        if (
            self.organisation_id
            and self.ambassador_id
            and not Organisation.objects.of_ambassadors_area(self.ambassador)
            .filter(pk=self.organisation_id)
            .exists()
        ):
            errors["organisation"] = ORGANISATION_NOT_THE_AMBASSADORS
        if errors:
            raise ValidationError(errors)


ISSUE_DETAILS_MAX_LENGTH = 5000
SOURCE_NEEDS_A_CONTACT = _("Choose where the issue came from: it was not raised from a contact")
SOURCE_IS_THE_CONTACT = _("An issue raised from a contact comes from the ambassador's contact")


class RaisedIssue(models.Model):
    """An issue raised for the office holder: the staff officer's queue. An ambassador raises
    one from a contact; the office logs those it learns of otherwise ("feedback from public and
    others, correspondence, complaints"), saying where each came from."""

    class Source(models.TextChoices):
        AMBASSADOR_CONTACT = "ambassador_contact", _("An ambassador's contact")
        PUBLIC_FEEDBACK = "public_feedback", _("Feedback from the public")
        CORRESPONDENCE = "correspondence", _("Correspondence")
        COMPLAINT = "complaint", _("Complaint")
        PARTNER = "partner_organisation", _("A partner organisation")
        OTHER = "other", _("Other")

    contact = models.OneToOneField(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="raised_issue",
    )
    source = models.CharField(
        _("where it came from"),
        max_length=30,
        choices=Source.choices,
        default=Source.AMBASSADOR_CONTACT,
    )
    raised_by_name = models.CharField(
        _("raised by"),
        max_length=150,
        blank=True,
        help_text=_("Who raised it, if they gave a name, e.g. a resident or a parish council"),
    )
    raised_by_contact = models.CharField(
        _("how to reach them"),
        max_length=255,
        blank=True,
        help_text=_("An email address, phone number or postal address, if they gave one"),
    )
    details = LimitedTextField(_("details"), max_length=ISSUE_DETAILS_MAX_LENGTH, blank=True)
    summary = models.CharField(_("summary"), max_length=300)
    status = models.CharField(
        _("status"), max_length=30, choices=IssueStatus.choices, default=IssueStatus.OPEN
    )
    answer = LimitedTextField(_("answer"), max_length=5000, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The member of staff who logged an issue that did not come from a contact"),
    )
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = RaisedIssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("raised issue")
        verbose_name_plural = _("raised issues")
        ordering = ["-raised_at"]
        constraints = [
            # An ambassador's issue is tied to the contact it came from; any other has none.
            models.CheckConstraint(
                condition=(Q(contact__isnull=False) & Q(source="ambassador_contact"))
                | (Q(contact__isnull=True) & ~Q(source="ambassador_contact")),
                name="raisedissue_contact_exactly_when_from_a_contact",
            )
        ]

    def __str__(self):
        return self.summary

    def clean(self):
        super().clean()
        from_contact = self.source == self.Source.AMBASSADOR_CONTACT
        if self.contact_id is None and from_contact:
            raise ValidationError({"source": SOURCE_NEEDS_A_CONTACT})
        if self.contact_id is not None and not from_contact:
            raise ValidationError({"source": SOURCE_IS_THE_CONTACT})

    @property
    def state(self) -> State:
        """Where the issue is in the workflow: its staff name, public name and tag colour."""
        return state_of(self.status)

    @property
    def raised_by(self) -> str:
        """Who raised it, as the queue names them: the ambassador, or the source and a name."""
        if self.contact_id is not None:
            return str(self.contact.ambassador)
        source = str(self.get_source_display())
        return f"{source}: {self.raised_by_name}" if self.raised_by_name else source

    @property
    def days_open(self) -> int:
        """Whole days from raising to closing, or to today while the office still owes something.
        A closed issue changes no more, so its last change is when it was closed."""
        end = timezone.now() if self.state.outstanding else self.updated_at
        return (timezone.localdate(end) - timezone.localdate(self.raised_at)).days


class RaisedIssueTransition(models.Model):
    """Who moved an issue, when, and from what to what."""

    issue = models.ForeignKey(
        RaisedIssue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=30, choices=IssueStatus.choices)
    to_status = models.CharField(_("to"), max_length=30, choices=IssueStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = LimitedTextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("issue status change")
        verbose_name_plural = _("issue status changes")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

    @property
    def from_state(self) -> State:
        return state_of(self.from_status)

    @property
    def to_state(self) -> State:
        return state_of(self.to_status)


class Event(models.Model):
    """A date in the engagement calendar: public meetings, visits, forums, surgeries ..."""

    class Kind(models.TextChoices):
        PUBLIC_MEETING = "public_meeting", _("Public meeting")
        VISIT = "visit", _("Commissioner or deputy visit")
        FORUM = "forum", _("Forum")
        SURGERY = "surgery", _("Surgery")
        CONFERENCE = "conference", _("Conference or awards")
        RADIO = "radio", _("Radio phone-in")
        OTHER = "other", _("Other")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    policing_area = models.ForeignKey(
        "pcc_portal.PolicingArea",
        verbose_name=_("policing area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("Empty for the whole force area"),
    )
    holder_attends = models.BooleanField(_("the Commissioner attends"), default=False)
    deputy_attends = models.BooleanField(_("the deputy attends"), default=False)
    ambassadors = models.ManyToManyField(
        Ambassador, verbose_name=_("ambassadors attending"), blank=True, related_name="events"
    )
    officers = models.ManyToManyField(
        "pcc_portal.StaffMember",
        verbose_name=_("officers attending"),
        blank=True,
        related_name="events",
    )
    activity_areas = models.ManyToManyField(
        ActivityArea,
        verbose_name=_("activity areas"),
        blank=True,
        related_name="events",
        help_text=_(
            "The strategy's activity areas the event serves, so the delivery plan counts it"
        ),
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Public events are listed on the public calendar")
    )
    description = LimitedTextField(_("description"), max_length=2000, blank=True)
    booking_url = models.URLField(_("booking link"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")),
                name="event_ends_after_it_starts",
                violation_error_message=_("The end must be the same as or after the start"),
            )
        ]

    def __str__(self):
        return self.title


class StandingMeeting(models.Model):
    """A meeting the office attends as a matter of course (the schedule of standing meetings)."""

    class Category(models.TextChoices):
        PUBLIC_ACCOUNTABILITY = "public_accountability", _("Public accountability")
        COUNCILS = "councils", _("Councils")
        STAKEHOLDER_GROUPS = "stakeholder_groups", _("Stakeholder groups")
        VOLUNTARY_ORGANISATIONS = "voluntary_organisations", _("Voluntary organisations")
        CRIMINAL_JUSTICE = "criminal_justice", _("Criminal justice and statutory agencies")

    name = models.CharField(_("meeting"), max_length=255)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    chair = models.CharField(_("chair / lead officer"), max_length=255, blank=True)
    recurrence = models.CharField(
        _("recurrence rule"),
        max_length=255,
        blank=True,
        validators=[validate_rrule],
        help_text=_("An iCalendar RRULE, e.g. FREQ=MONTHLY;INTERVAL=2. Empty if irregular."),
    )
    first_meeting_on = models.DateField(
        _("first or next meeting"),
        null=True,
        blank=True,
        help_text=_("Where the recurrence starts counting from"),
    )
    frequency = models.CharField(
        _("frequency as written"), max_length=100, blank=True, help_text=_("e.g. As required")
    )
    opcc_attendance = models.CharField(_("office attendance"), max_length=255, blank=True)
    opcc_lead = models.CharField(_("office lead officer"), max_length=255, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="standing_meetings",
    )
    notes = LimitedTextField(_("notes"), max_length=2000, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("standing meeting")
        verbose_name_plural = _("standing meetings")
        ordering = ["category", "position", "name"]

    def __str__(self):
        return self.name

    @property
    def frequency_text(self) -> str:
        """How often it meets, in plain English where there is a rule, else as written."""
        return describe_recurrence(self.recurrence) or self.frequency

    def next_meeting_on(self, today):
        """The next date the rule falls on within about a year, or None."""
        if not (self.recurrence and self.first_meeting_on):
            return None
        upcoming = occurrences(
            self.recurrence, self.first_meeting_on, (today, today + timedelta(days=400))
        )
        return upcoming[0] if upcoming else None

    def clean(self):
        super().clean()
        if self.recurrence and not self.first_meeting_on:
            raise ValidationError(
                {"first_meeting_on": _("Enter the date the recurrence counts from")}
            )


# Distribution lists, subscribers, news items and newsletters live in a module of their own.
from .newsletter_models import *  # noqa: E402, F403
