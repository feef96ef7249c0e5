"""The portal's floor: users, the office's profile, where people are, and the Police and Crime
Plan's aims and objectives that every action, grant and consultation links to."""

import hashlib
import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .limits import LimitedTextField
from .querysets import (
    CalendarFeedQuerySet,
    DecisionQuerySet,
    DeviceTokenQuerySet,
    OfficeProfileManager,
    PolicingAreaQuerySet,
    ReminderSentQuerySet,
    UserManager,
)
from .uploads import validate_document, validate_logo


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Email is the login; roles are groups (see roles.py)."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Can use the staff pages and the admin. Set from the person's role."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # and six hex digits"))


class OfficeProfile(models.Model):
    """The office running this deployment: one row. Names and titles are data, never code."""

    singleton = models.BooleanField(default=True, editable=False, unique=True)
    office_name = models.CharField(
        _("office name"),
        max_length=200,
        help_text=_("For example: Office of the Commissioner for Anyshire"),
    )
    area_name = models.CharField(_("area name"), max_length=100, help_text=_("e.g. Anyshire"))
    holder_title = models.CharField(
        _("holder's title"),
        max_length=100,
        help_text=_("The title the office holder uses, e.g. Mayor"),
    )
    holder_name = models.CharField(_("holder's name"), max_length=150, blank=True)
    deputy_title = models.CharField(_("deputy's title"), max_length=100, blank=True)
    deputy_name = models.CharField(_("deputy's name"), max_length=150, blank=True)
    address = LimitedTextField(_("postal address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.FileField(
        _("logo"),
        upload_to="office/",
        blank=True,
        validators=[validate_logo],
        help_text=_("PNG or JPEG, at most 1 MB. Shown in the header beside the office name."),
    )
    brand_colour = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#1d3557",
        validators=[hex_colour],
        help_text=_("Header colour, e.g. #1d3557. Choose a dark colour: the text on it is white."),
    )
    threesixty_prefix = models.CharField(
        _("360Giving identifier prefix"),
        max_length=60,
        blank=True,
        help_text=_(
            "The prefix 360Giving gave the office, e.g. 360G-anyshirepcc: every grant in the "
            "office's 360Giving data is identified by it"
        ),
    )
    funder_org_id = models.CharField(
        _("the office's org-id"),
        max_length=60,
        blank=True,
        help_text=_(
            "The office's own organisation identifier (org-id.guide), e.g. GB-GOR-PC000123, "
            "named as the funder of its grants; left empty, the 360Giving prefix stands for it"
        ),
    )

    objects = OfficeProfileManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("office profile")
        verbose_name_plural = _("office profile")
        constraints = [
            models.CheckConstraint(condition=Q(singleton=True), name="officeprofile_single_row")
        ]

    def __str__(self):
        return self.office_name


class PolicingArea(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = PolicingAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("policing area")
        verbose_name_plural = _("policing areas")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class LocalAuthority(models.Model):
    class Kind(models.TextChoices):
        UNITARY = "unitary", _("Unitary authority")
        COUNTY = "county", _("County council")
        DISTRICT = "district", _("District council")

    name = models.CharField(_("name"), max_length=150)
    ons_code = models.CharField(
        _("ONS code"),
        max_length=9,
        unique=True,
        validators=[RegexValidator(r"^[EWSN]\d{8}$", _("Enter an ONS code such as E06000019"))],
        help_text=_("The nine-character GSS code, e.g. E06000019"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="districts",
        help_text=_("For a district council, the county it lies in"),
    )
    policing_area = models.ForeignKey(
        PolicingArea,
        verbose_name=_("policing area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="local_authorities",
        help_text=_("Leave empty for a county that spans several policing areas"),
    )
    residents = models.PositiveIntegerField(
        _("residents"), null=True, blank=True, help_text=_("Published population estimate")
    )
    residents_source = models.CharField(_("population source"), max_length=200, blank=True)
    residents_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)

    class Meta:
        verbose_name = _("local authority")
        verbose_name_plural = _("local authorities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Aim(models.Model):
    """One of the Police and Crime Plan's strategic aims."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=255)

    class Meta:
        verbose_name = _("strategic aim")
        verbose_name_plural = _("strategic aims")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Objective(models.Model):
    """A police and crime objective; numbered across the whole plan, grouped under an aim."""

    aim = models.ForeignKey(
        Aim, verbose_name=_("aim"), on_delete=models.PROTECT, related_name="objectives"
    )
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=255)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("police and crime objective")
        verbose_name_plural = _("police and crime objectives")
        ordering = ["number"]

    def __str__(self):
        return f"Objective {self.number}: {self.title}"


class SuccessMeasure(models.Model):
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.CASCADE,
        related_name="success_measures",
    )
    text = LimitedTextField(_("success measure"), max_length=1000)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("success measure")
        verbose_name_plural = _("success measures")
        ordering = ["objective__number", "position"]

    def __str__(self):
        return self.text


class SitePage(models.Model):
    """Pages the office writes itself, such as the accessibility statement (a legal duty of UK
    public bodies) and the privacy notice."""

    class Slug(models.TextChoices):
        ACCESSIBILITY = "accessibility", _("Accessibility statement")
        PRIVACY = "privacy", _("Privacy notice")

    slug = models.CharField(_("page"), max_length=40, choices=Slug.choices, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = LimitedTextField(
        _("body"),
        max_length=20_000,
        help_text=_("Markdown: ## for a heading, a blank line between paragraphs"),
    )
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")
        ordering = ["slug"]

    def __str__(self):
        return self.title


def hash_token_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class DeviceToken(models.Model):
    """A revocable, expiring API token for one named device, such as an ambassador's phone.

    Only a hash of the key is stored: the key itself is shown once, when it is issued.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="device_tokens",
    )
    name = models.CharField(_("device name"), max_length=100, help_text=_("e.g. Work phone"))
    key_prefix = models.CharField(_("key starts"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = DeviceTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("device token")
        verbose_name_plural = _("device tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def new_key() -> str:
        # Never the shape of a calendar feed's secret, which the API refuses unseen.
        while (key := secrets.token_urlsafe(32)).startswith(CalendarFeed.KEY_PREFIX):
            pass
        return key

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class CalendarFeed(models.Model):
    """A private calendar link: its secret opens that one feed, read-only, and nothing else.

    It is not a device token because a feed's address is handed to outside calendar services
    and lands in their access logs: whoever reads it there must not get the API with it. Only
    a hash of the secret is stored; the link is shown once, when it is issued.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    name = models.CharField(
        _("name"), max_length=100, default="Calendar feed", help_text=_("e.g. Work calendar")
    )
    key_prefix = models.CharField(_("link starts"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    # Every feed secret starts with this, so the API can refuse one without looking it up.
    KEY_PREFIX = "cal_"

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def new_key(cls) -> str:
        return cls.KEY_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AccountSignInFailures(models.Model):
    """Wrong passwords given for one account name, from any address.

    django-axes locks a name from one address at a time; this count spans addresses, so that
    guesses spread over many addresses slow that account's sign-in down instead of going
    unnoticed (pcc_portal/account_limits.py). The name is kept only as a keyed hash: people
    type all sorts into the email field, passwords included.
    """

    username_key = models.CharField(_("account name (hashed)"), max_length=64, unique=True)
    failures = models.PositiveIntegerField(_("wrong passwords"), default=0)
    first_failure_at = models.DateTimeField(_("first wrong password"), default=timezone.now)
    last_failure_at = models.DateTimeField(_("last wrong password"), default=timezone.now)
    owner_told_at = models.DateTimeField(
        _("owner emailed"),
        null=True,
        blank=True,
        help_text=_("When the owner was told of the attempts; once each time sign-in slows"),
    )

    class Meta:
        verbose_name = _("sign-in failures of an account")
        verbose_name_plural = _("sign-in failures of accounts")
        ordering = ["-last_failure_at"]

    def __str__(self):
        return f"{self.failures} wrong passwords, the last at {self.last_failure_at:%Y-%m-%d %H:%M}"


class StaffMember(models.Model):
    """A person who leads or attends: OPCC staff, the office holders, partners' officers. Not
    everyone has a user account (the plan's "AG/GB" leads may never sign in)."""

    initials = models.CharField(_("initials"), max_length=10, blank=True, help_text=_("e.g. AG"))
    name = models.CharField(_("name"), max_length=150)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_member",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["name"]
        # Decision 7: the delivery plan names leads by their initials ("AG/GB").
        constraints = [
            models.UniqueConstraint(
                Upper("initials"),
                condition=~Q(initials=""),
                name="staffmember_initials_unique_where_set",
                violation_error_message=_("Someone else already has these initials"),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.initials})" if self.initials else self.name


# The mail package's model lives here because Django looks for models in this module; its imports
# sit beside it so the rest of the file stays as it was.
from django.contrib.contenttypes.fields import GenericForeignKey  # noqa: E402


def new_message_id() -> str:
    """A Message-ID for a new outbound email, on the domain of DEFAULT_FROM_EMAIL.

    It is fixed when the row is written, so a message sent twice (decision 15) carries the same
    one: mail clients show it once, and the duplicate can be counted.
    """
    from email.utils import parseaddr

    from django.core.mail import make_msgid

    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return make_msgid(domain=domain)


class OutboundMessage(models.Model):
    """One email, written in the sender's transaction and delivered by a Celery task.

    Send with `pcc_portal.mail.services.send_email`, never by creating rows: the service checks
    the address and queues the delivery. Delivery is at least once: the row is claimed (sending)
    before the SMTP call and marked sent after it, and a row left sending by a killed worker is
    sent again with the same Message-ID.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to_email = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    template = models.CharField(
        _("template"),
        max_length=200,
        help_text=_(
            "Template base name, e.g. <app>/email/<name>: the .txt is required, the .html optional"
        ),
    )
    context = models.JSONField(
        _("context"), default=dict, blank=True, help_text=_("JSON values only: ids and text")
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("about (type)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.CharField(_("about (id)"), max_length=64, blank=True)
    related = GenericForeignKey("content_type", "object_id")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("Times the portal has tried to send it")
    )
    message_id = models.CharField(
        _("Message-ID"), max_length=255, unique=True, default=new_message_id, editable=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(
        _("next attempt"),
        default=timezone.now,
        help_text=_("When a waiting message is due to be tried; the sweep looks for late ones"),
    )
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sweep (pending and late, sending and stale) and the rate cap's look-ups.
            models.Index(fields=["status", "next_attempt_at"], name="outbound_status_next_idx"),
            models.Index(fields=["claimed_at"], name="outbound_claimed_idx"),
            models.Index(fields=["sent_at"], name="outbound_sent_idx"),
            models.Index(fields=["content_type", "object_id"], name="outbound_related_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="outboundmessage_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(claimed_at__isnull=False),
                name="outboundmessage_sending_has_claim",
            ),
        ]

    def __str__(self):
        return f"{self.subject} (to {self.to_email})"


class ReminderSent(models.Model):
    """One reminder that went to one person in a daily digest (decision 18).

    Unique on (key, recipient): a second run of the digest, or a second beat, finds the row and
    sends nothing again. Written in the same transaction as the digest's email.
    """

    key = models.CharField(
        _("reminder"),
        max_length=200,
        help_text=_("Stable across runs: the app, the kind of item, its id and its date"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent to"),
        on_delete=models.CASCADE,
        related_name="reminders_sent",
    )
    due_on = models.DateField(_("due on"))
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    message = models.ForeignKey(
        OutboundMessage,
        verbose_name=_("email"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
    )

    objects = ReminderSentQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at", "due_on", "pk"]
        indexes = [
            models.Index(fields=["-sent_at"], name="remindersent_sent_idx"),
            models.Index(fields=["recipient", "-sent_at"], name="remindersent_recipient_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "recipient"],
                name="remindersent_once_per_person",
                violation_error_message="This reminder has already been sent to this person",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.due_on:%d %B %Y})"


class BulkMailing(models.Model):
    """One email to many addresses, a newsletter issue say: its subject, templates and shared
    context, with a `BulkDelivery` row per address.

    Start one with `pcc_portal.mail.services.send_bulk`, never by creating rows: the service
    writes the deliveries in bulk and queues the batches that send them (decision 42).
    """

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    subject = models.CharField(_("subject"), max_length=255)
    template = models.CharField(
        _("template"),
        max_length=200,
        help_text=_(
            "Template base name, e.g. <app>/email/<name>: the .txt is required, the .html optional"
        ),
    )
    context = models.JSONField(
        _("context"),
        default=dict,
        blank=True,
        help_text=_("JSON values only, shared by every address; each delivery adds its own"),
    )
    headers = models.JSONField(
        _("extra headers"), default=dict, blank=True, help_text=_("Added to every message")
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("about (type)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.CharField(_("about (id)"), max_length=64, blank=True)
    related = GenericForeignKey("content_type", "object_id")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SENDING
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(
        _("next batch due"),
        default=timezone.now,
        help_text=_("When a batch is next due to work on it; the sweep looks for late ones"),
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk mailing")
        verbose_name_plural = _("bulk mailings")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="bulkmailing_status_next_idx"),
            models.Index(fields=["content_type", "object_id"], name="bulkmailing_related_idx"),
        ]

    def __str__(self):
        return self.subject

    def progress(self) -> dict[str, int]:
        """How far it has gone, in one query: sent, failed, remaining (waiting or being sent)
        and total."""
        counts = self.deliveries.aggregate(
            total=models.Count("pk"),
            sent=models.Count("pk", filter=Q(status=BulkDelivery.Status.SENT)),
            failed=models.Count("pk", filter=Q(status=BulkDelivery.Status.FAILED)),
        )
        return {
            "sent": counts["sent"],
            "failed": counts["failed"],
            "remaining": counts["total"] - counts["sent"] - counts["failed"],
            "total": counts["total"],
        }


class BulkDelivery(models.Model):
    """One address of a bulk mailing. Claimed (sending) before its SMTP call and marked sent
    right after it, like an outbound email; its Message-ID is fixed when the row is written, so
    a copy sent again after a worker dies carries the same one."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    mailing = models.ForeignKey(
        BulkMailing,
        verbose_name=_("mailing"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    to_email = models.EmailField(_("to"), max_length=254)
    context = models.JSONField(
        _("context"),
        default=dict,
        blank=True,
        help_text=_("This address's own values, e.g. its unsubscribe_url"),
    )
    message_id = models.CharField(
        _("Message-ID"), max_length=255, unique=True, default=new_message_id, editable=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk delivery")
        verbose_name_plural = _("bulk deliveries")
        ordering = ["pk"]
        indexes = [
            # A batch's claim (the mailing's next due rows), the sweep and the rate cap.
            models.Index(
                fields=["mailing", "status", "next_attempt_at"], name="bulkdelivery_claim_idx"
            ),
            models.Index(fields=["status", "claimed_at"], name="bulkdelivery_stale_idx"),
            models.Index(fields=["claimed_at"], name="bulkdelivery_claimed_idx"),
            models.Index(fields=["sent_at"], name="bulkdelivery_sent_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "to_email"],
                name="bulkdelivery_once_per_address",
                violation_error_message="This mailing already goes to this address",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="bulkdelivery_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(claimed_at__isnull=False),
                name="bulkdelivery_sending_has_claim",
            ),
        ]

    def __str__(self):
        return f"{self.mailing} (to {self.to_email})"


def decision_report_path(decision, filename: str) -> str:
    """Where a decision's report is stored. Files in the default storage are open to whoever
    has their address, so the address holds a part nobody can guess: a report uploaded before
    its decision is made public cannot be found from the reference or the file's name."""
    return f"decisions/{secrets.token_urlsafe(16)}/{filename}"


def decision_slug(reference: str) -> str:
    """A decision's address from its reference: "DN 2015/042" -> "dn-2015-042" (slugify alone
    would run 2015 and 042 together)."""
    return slugify(reference.replace("/", " "))[:60]


class Decision(models.Model):
    """A decision of the office, as published in its register; consultation outcomes, grant
    decisions and the precept link to theirs."""

    reference = models.CharField(
        _("reference"), max_length=40, unique=True, help_text=_("e.g. DN 2015/042")
    )
    slug = models.SlugField(_("address"), max_length=60, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=255)
    decided_on = models.DateField(_("date decided"))
    decided_by = models.CharField(
        _("decided by"),
        max_length=200,
        help_text=_("The office holder's name and title, e.g. Alex Holder, Commissioner"),
    )
    summary = LimitedTextField(
        _("summary"),
        max_length=5000,
        help_text=_("What was decided and why, in plain English"),
    )
    document = models.FileField(
        _("report"),
        upload_to=decision_report_path,
        max_length=255,
        blank=True,
        validators=[validate_document],
        help_text=_("The decision report: PDF, Word or OpenDocument text, at most 20 MB"),
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Shown in the public decisions register"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = DecisionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_on", "-reference"]
        indexes = [
            models.Index(fields=["is_public", "-decided_on"], name="decision_public_newest_idx")
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def save(self, *args, **kwargs):
        self.slug = decision_slug(self.reference)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("pcc_portal:decision_detail", args=[self.slug])

    def clean(self):
        super().clean()
        self.slug = decision_slug(self.reference)
        if not self.slug:
            raise ValidationError({"reference": _("Enter a reference with letters or numbers")})
        # The same reference is refused by its unique check; this is one that differs only in
        # punctuation or case, which would share its address.
        twins = (
            Decision.objects.filter(slug=self.slug)
            .exclude(pk=self.pk)
            .exclude(reference=self.reference)
        )
        if twins.exists():
            raise ValidationError(
                {
                    "reference": _(
                        "A decision with a reference that differs only in punctuation already "
                        "exists"
                    )
                }
            )

    @property
    def document_kind(self) -> str:
        """The report's format in the words of a download link: "PDF", "DOCX"."""
        return PurePosixPath(self.document.name).suffix.lstrip(".").upper()
