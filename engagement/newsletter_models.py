"""Distribution lists, subscribers and their consent, the suppression list, news items and
newsletter issues.

A list's recipients are its confirmed subscriptions plus, for lists that name organisations,
each organisation's contact email on the basis the organisation record holds; nothing is ever
sent to an address on the suppression list (`DistributionList.recipients`).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower, Trim
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pcc_portal.limits import LimitedTextField

__all__ = [
    "DistributionList",
    "ListRecipient",
    "NewsItem",
    "Newsletter",
    "Subscriber",
    "Subscription",
    "Suppression",
    "normalise_email",
]


def normalise_email(email: str) -> str:
    """An address as the lists store and compare it: trimmed and lower-case."""
    return (email or "").strip().lower()


class ConsentMethod(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    IMPORT = "import", _("Imported from existing contacts")
    IN_PERSON = "in_person", _("In person")
    CONSULTATION = "consultation", _("At the end of a consultation")


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", _("Consent")
    LEGITIMATE_INTERESTS = "legitimate_interests", _("Legitimate interests")
    PUBLIC_TASK = "public_task", _("Public task")
    CONTRACT = "contract", _("Contract")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")


@dataclass(frozen=True)
class ListRecipient:
    """One address a list sends to: `subscriber` is set for a person who subscribed,
    `organisation` for an organisation's contact email; `basis` is the lawful basis held."""

    email: str
    name: str
    basis: str
    subscriber: "Subscriber | None" = None
    organisation: object | None = None


class DistributionListQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def with_counts(self):
        """Each list with how many subscriptions are confirmed, waiting and gone, and how many
        organisations it names, in one query."""
        status = Subscription.Status

        def count(of):
            # distinct: the join to the organisations repeats each subscription once per one.
            return Count("subscriptions", filter=Q(subscriptions__status=of), distinct=True)

        return self.annotate(
            confirmed=count(status.CONFIRMED),
            pending=count(status.PENDING),
            unsubscribed=count(status.UNSUBSCRIBED),
            organisation_count=Count("organisations", distinct=True),
        )


class DistributionList(models.Model):
    """A list the office sends to: a newsletter, consultations, a group of partners. Public lists
    are offered on the sign-up page; internal ones are filled by staff (imports, organisations)."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = LimitedTextField(_("description"), max_length=1000, blank=True)
    is_public = models.BooleanField(
        _("offered on the sign-up page"),
        default=False,
        help_text=_("Anyone may subscribe to a public list; internal lists are filled by staff"),
    )
    organisations = models.ManyToManyField(
        "engagement.Organisation",
        verbose_name=_("organisations"),
        blank=True,
        related_name="distribution_lists",
        help_text=_("Their contact email receives what is sent to the list"),
    )
    organisation_kind = models.CharField(
        _("every organisation of this kind"),
        max_length=30,
        blank=True,
        help_text=_(
            "Organisations of this kind receive the list too, as they are added, "
            "e.g. town and parish councils"
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DistributionListQuerySet.as_manager()

    class Meta:
        verbose_name = _("distribution list")
        verbose_name_plural = _("distribution lists")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        from .models import Organisation

        if self.organisation_kind and self.organisation_kind not in Organisation.Kind.values:
            raise ValidationError(
                {"organisation_kind": _("Choose one of the kinds of organisation")}
            )

    def member_organisations(self) -> models.QuerySet:
        """The organisations on the list: those it names and every one of its kind."""
        from .models import Organisation

        members = models.Q(distribution_lists=self)
        if self.organisation_kind:
            members |= models.Q(kind=self.organisation_kind)
        return Organisation.objects.filter(pk__in=Organisation.objects.filter(members).values("pk"))

    def recipients(self) -> list[ListRecipient]:
        """Who receives what is sent to this list: one per address, confirmed subscribers first
        and then the organisations' contact emails they hold a basis for, less every address on
        the suppression list."""
        seen: set[str] = set()
        found: list[ListRecipient] = []
        subscriptions = (
            self.subscriptions.filter(status=Subscription.Status.CONFIRMED)
            .exclude(
                models.Exists(
                    Suppression.objects.filter(email=models.OuterRef("subscriber__email"))
                )
            )
            .select_related("subscriber")
            .order_by("subscriber__email")
        )
        for subscription in subscriptions:
            email = normalise_email(subscription.subscriber.email)
            seen.add(email)
            found.append(
                ListRecipient(
                    email=email,
                    name=subscription.subscriber.name,
                    basis=subscription.lawful_basis,
                    subscriber=subscription.subscriber,
                )
            )
        organisations = (
            self.member_organisations()
            .exclude(email="")
            .exclude(consent_basis="none_held")
            .annotate(list_address=Lower(Trim("email")))
            .exclude(
                models.Exists(Suppression.objects.filter(email=models.OuterRef("list_address")))
            )
            .order_by("name", "pk")
        )
        for organisation in organisations:
            email = normalise_email(organisation.email)
            if email in seen:
                continue
            seen.add(email)
            found.append(
                ListRecipient(
                    email=email,
                    name=organisation.contact_name or organisation.name,
                    basis=organisation.consent_basis,
                    organisation=organisation,
                )
            )
        return found


class Subscriber(models.Model):
    """A person on one or more lists, known by their email address alone; no account."""

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    policing_area = models.ForeignKey(
        "pcc_portal.PolicingArea",
        verbose_name=_("policing area"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subscribers",
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["email"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)


class Subscription(models.Model):
    """One subscriber on one list, with the record of their consent (or the stated lawful basis
    for an imported contact): when, how and the words they were shown."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    Method = ConsentMethod
    Basis = LawfulBasis

    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    list = models.ForeignKey(
        DistributionList,
        verbose_name=_("list"),
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    consent_at = models.DateTimeField(_("consent recorded"), default=timezone.now)
    consent_method = models.CharField(
        _("how consent was given"), max_length=20, choices=ConsentMethod.choices
    )
    consent_wording = LimitedTextField(
        _("words shown"),
        max_length=2000,
        blank=True,
        help_text=_("What the person read when they agreed, as it was then"),
    )
    lawful_basis = models.CharField(
        _("lawful basis"),
        max_length=30,
        choices=LawfulBasis.choices,
        default=LawfulBasis.CONSENT,
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["list", "subscriber"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "list"],
                name="subscription_once_per_list",
                violation_error_message=_("This address is already on this list"),
            )
        ]
        indexes = [models.Index(fields=["list", "status"], name="subscription_list_status_idx")]

    def __str__(self):
        return f"{self.subscriber} on {self.list}"


class Suppression(models.Model):
    """An address nothing is ever sent to again: it unsubscribed, bounced, complained or staff
    added it. It survives re-imports: an import adds a suppressed address to no list."""

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Bounced")
        COMPLAINT = "complaint", _("Complaint")
        BY_STAFF = "by_staff", _("Added by staff")

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    source = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        help_text=_("Where it came from, e.g. the list or the mail provider's event"),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppression list")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)


class NewsItemQuerySet(models.QuerySet):
    def published(self):
        """What the public reads: the news page and the newsletters show these only."""
        return self.filter(status=NewsItem.Status.PUBLISHED)


class NewsItem(models.Model):
    """A short story for the news page and the newsletter. An ambassador's waits for an
    engagement officer's approval before it is published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    summary = models.CharField(_("summary"), max_length=300)
    body = LimitedTextField(_("story"), max_length=10000, help_text=_("Markdown"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="news_items",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_note = LimitedTextField(_("reviewer's note"), max_length=2000, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = NewsItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="newsitem_status_published_idx")
        ]

    def __str__(self):
        return self.title


class Newsletter(models.Model):
    """One issue of a newsletter: the lists it goes to, its subject and introduction, the news
    items and the sections (from every app's registered newsletter sections) it includes."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        QUARTERLY = "quarterly", _("Quarterly")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        SENT = "sent", _("Sent")

    subject = models.CharField(_("subject"), max_length=200)
    introduction = LimitedTextField(_("introduction"), max_length=4000, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    lists = models.ManyToManyField(
        DistributionList, verbose_name=_("lists"), related_name="newsletters"
    )
    news_items = models.ManyToManyField(
        NewsItem, verbose_name=_("news items"), blank=True, related_name="newsletters"
    )
    sections = models.JSONField(
        _("sections"),
        default=list,
        blank=True,
        help_text=_("The keys of the registered newsletter sections to include, in order"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The bulk mailing that sends it; its context keeps the content as sent (the web view).
    mailing = models.OneToOneField(
        "pcc_portal.BulkMailing",
        verbose_name=_("mailing"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="newsletter",
    )

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

    @property
    def is_changeable(self) -> bool:
        """A draft or a scheduled issue may still be changed, sent or rescheduled; once it is
        sending it is what its readers get."""
        return self.status in (self.Status.DRAFT, self.Status.SCHEDULED)
