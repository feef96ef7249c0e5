"""Consultations: what the office asks the public, and the questions it asks.

A consultation stores only draft / published / withdrawn. Whether it is upcoming, open or closed
follows from its dates at the moment of the request (decision 11): no job flips it.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pcc_portal.limits import LimitedTextField
from pcc_portal.uploads import validate_document

from .querysets import ConsultationQuerySet, QuestionQuerySet

# Once a consultation has responses, the answers already given must keep meaning what they meant.
QUESTION_TYPE_FIXED = _(
    "This consultation has responses, so the type of this question cannot change. "
    "You can still change its wording."
)
QUESTION_SCALE_FIXED = _(
    "This consultation has responses, so the scale of this question cannot change. "
    "You can still change its wording."
)


class AnswerScale(models.Model):
    """A named list of labelled points (decision 10), such as "excellent ... very poor"."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("answer scale")
        verbose_name_plural = _("answer scales")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ScalePoint(models.Model):
    scale = models.ForeignKey(
        AnswerScale, verbose_name=_("scale"), on_delete=models.CASCADE, related_name="points"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("label"), max_length=100)

    class Meta:
        verbose_name = _("scale point")
        verbose_name_plural = _("scale points")
        ordering = ["scale", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "position"], name="scalepoint_unique_position")
        ]

    def __str__(self):
        return self.label


class Consultation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Phase(models.TextChoices):
        """What a published consultation is at a given moment, from its dates."""

        UPCOMING = "upcoming", _("Upcoming")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_("The end of its address on the portal, for example 20mph-limits-2026"),
    )
    summary = LimitedTextField(
        _("summary"),
        max_length=1000,
        help_text=_("In plain English: what the consultation is about, in a few sentences"),
    )
    why = LimitedTextField(
        _("why we are asking"),
        max_length=2000,
        help_text=_("The charter's first principle: be clear about why we are engaging"),
    )
    can_change = LimitedTextField(_("what your views can change"), max_length=2000, blank=True)
    cannot_change = LimitedTextField(
        _("what your views cannot change"),
        max_length=2000,
        blank=True,
        help_text=_("For example, decisions already made or set by law"),
    )
    audience = models.CharField(
        _("who it is for"),
        max_length=300,
        help_text=_("For example: residents, businesses and victims of crime"),
    )
    activity_areas = models.ManyToManyField(
        "engagement.ActivityArea",
        verbose_name=_("activity areas"),
        related_name="consultations",
        blank=True,
    )
    objectives = models.ManyToManyField(
        "pcc_portal.Objective",
        verbose_name=_("police and crime objectives"),
        related_name="consultations",
        blank=True,
    )
    partners = models.ManyToManyField(
        "engagement.Organisation",
        verbose_name=_("partner organisations"),
        related_name="consultations",
        blank=True,
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="consultations_owned",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_(
            "For example victims of domestic abuse: an 'Exit this page' button, no emails, "
            "no name or contact questions (decision 22)"
        ),
    )
    asks_equality = models.BooleanField(
        _("ask the equality monitoring questions"),
        default=True,
        help_text=_(
            "An optional 'About you' section: age, sex, ethnicity, disability and the rest, "
            "each with 'Prefer not to say', stored apart from the answers"
        ),
    )
    retention_months = models.PositiveSmallIntegerField(
        _("keep personal data for (months)"),
        default=24,
        help_text=_("After the consultation closes; then names and contact details are removed"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    history = HistoricalRecords()
    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_it_opens",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The closing date must be after it opens")})

    def phase(self, now=None) -> str | None:
        """Upcoming, open or closed for a published consultation; None for the others."""
        if self.status != self.Status.PUBLISHED:
            return None
        now = now or timezone.now()
        if now < self.opens_at:
            return self.Phase.UPCOMING
        if now < self.closes_at:
            return self.Phase.OPEN
        return self.Phase.CLOSED

    def accepts_responses(self, now=None) -> bool:
        return self.phase(now) == self.Phase.OPEN

    def has_responses(self) -> bool:
        """Once it has, its questions can be reworded but not removed or retyped: the answers
        already given must keep meaning what they meant."""
        return self.pk is not None and self.responses.exists()


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        YES_NO = "yes_no", _("Yes or no")
        SCALE = "scale", _("Scale")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        WHERE_YOU_LIVE = "where_you_live", _("Where you live")
        RESPONDENT_TYPE = "respondent_type", _("Who is responding")
        EMAIL = "email", _("Email address")

    # Kinds whose answers are chosen from the question's own options.
    WITH_OPTIONS = (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE)
    # Kinds that ask for personal data, never asked in a sensitive consultation (decision 22).
    PERSONAL = (Kind.EMAIL,)

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=500)
    help_text = LimitedTextField(_("hint"), max_length=1000, blank=True)
    required = models.BooleanField(_("an answer is required"), default=False)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    scale = models.ForeignKey(
        AnswerScale,
        verbose_name=_("scale"),
        on_delete=models.PROTECT,
        related_name="questions",
        null=True,
        blank=True,
    )
    # A measure tracked across consultations, such as the 2008 strategy's confidence measure.
    measure_name = models.CharField(
        _("tracked measure"),
        max_length=200,
        blank=True,
        help_text=_("Give the same name in each year's consultation to see it as a trend"),
    )
    measure_points = models.ManyToManyField(
        ScalePoint,
        verbose_name=_("answers that count towards the measure"),
        related_name="measured_by",
        blank=True,
        help_text=_("For confidence in the police: excellent and good"),
    )
    show_if_question = models.ForeignKey(
        "self",
        verbose_name=_("show only if the answer to"),
        on_delete=models.PROTECT,
        related_name="dependants",
        null=True,
        blank=True,
    )
    show_if_options = models.ManyToManyField(
        "QuestionOption",
        verbose_name=_("is one of"),
        related_name="shown_questions",
        blank=True,
    )

    history = HistoricalRecords()
    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["consultation", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="scale", scale__isnull=False) | ~Q(kind="scale"),
                name="question_scale_questions_name_a_scale",
            )
        ]

    def __str__(self):
        return self.text

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == self.Kind.SCALE and self.scale_id is None:
            errors["scale"] = _("Choose the scale people answer on")
        if self.kind != self.Kind.SCALE and self.scale_id is not None:
            errors["scale"] = _("Only a scale question has a scale")
        if self.show_if_question_id and self.show_if_question.consultation_id != (
            self.consultation_id
        ):
            errors["show_if_question"] = _("Choose a question of the same consultation")
        if (
            self.show_if_question_id
            and self.show_if_question.position >= self.position
            and self.show_if_question_id != self.pk
        ):
            errors["show_if_question"] = _("Choose a question that comes before this one")
        if self.show_if_question_id == self.pk and self.pk is not None:
            errors["show_if_question"] = _("A question cannot depend on itself")
        errors.update(self._changes_refused_once_answered())
        if errors:
            raise ValidationError(errors)

    def _changes_refused_once_answered(self) -> dict:
        if self.pk is None:
            return {}
        stored = Question.objects.filter(pk=self.pk).values("kind", "scale_id").first()
        if stored is None or (stored["kind"], stored["scale_id"]) == (self.kind, self.scale_id):
            return {}
        if not self.consultation.has_responses():
            return {}
        errors = {}
        if stored["kind"] != self.kind:
            errors["kind"] = QUESTION_TYPE_FIXED
        if stored["scale_id"] != self.scale_id:
            errors["scale"] = QUESTION_SCALE_FIXED
        return errors


class QuestionOption(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("answer"), max_length=200)

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["question", "position", "id"]

    def __str__(self):
        return self.label


class Response(models.Model):
    """One person's (or organisation's) answers to a consultation, however they reached us."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper form")
        EMAIL = "email", _("Email")
        MEETING = "meeting", _("Public meeting")
        PHONE = "phone", _("Phone")

    class RespondentType(models.TextChoices):
        RESIDENT = "resident", _("A resident")
        BUSINESS = "business", _("A business")
        ORGANISATION = "organisation", _("On behalf of an organisation")

    class Whereabouts(models.TextChoices):
        """Decision 4: a policing area or local authority, or one of these."""

        IN_AREA = "in_area", _("In the area")
        OUTSIDE = "outside", _("Outside the area")
        PREFER_NOT = "prefer_not", _("Prefer not to say")

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    channel = models.CharField(
        _("how it reached us"), max_length=20, choices=Channel.choices, default=Channel.ONLINE
    )
    respondent_type = models.CharField(
        _("who is responding"), max_length=20, choices=RespondentType.choices, blank=True
    )
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    whereabouts = models.CharField(
        _("where they live"), max_length=20, choices=Whereabouts.choices, blank=True
    )
    policing_area = models.ForeignKey(
        "pcc_portal.PolicingArea",
        verbose_name=_("policing area"),
        on_delete=models.PROTECT,
        related_name="consultation_responses",
        null=True,
        blank=True,
    )
    local_authority = models.ForeignKey(
        "pcc_portal.LocalAuthority",
        verbose_name=_("local authority"),
        on_delete=models.PROTECT,
        related_name="consultation_responses",
        null=True,
        blank=True,
    )
    # Personal data: removed when the consultation's retention period ends.
    email = models.EmailField(_("email address"), blank=True)
    wants_feedback = models.BooleanField(_("wants to hear the outcome"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    # The one-time token of the rendered form: a double submit or a replay stores one response.
    form_token = models.UUIDField(_("form token"), unique=True, null=True, blank=True)
    # The client address as a keyed hash that changes daily (pcc_portal/client_ip.py).
    client_key = models.CharField(_("source"), max_length=64, blank=True)
    # A hash of the answers, so a repeat from one source is found by one indexed lookup.
    answers_fingerprint = models.CharField(_("answers fingerprint"), max_length=64, blank=True)
    suspect = models.BooleanField(_("suspect"), default=False)
    suspect_reasons = models.JSONField(_("why it is suspect"), default=list, blank=True)
    keyed_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("keyed in by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    anonymised_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["consultation", "submitted_at"]),
            models.Index(
                fields=["consultation", "client_key", "submitted_at"],
                name="response_from_one_source",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(respondent_type="organisation") | Q(organisation_name=""),
                name="response_organisation_named_only_on_its_behalf",
            )
        ]

    def __str__(self):
        return f"Response {self.pk} to {self.consultation}"


class Answer(models.Model):
    """One answer to one question. A multiple-choice answer is one row per option chosen."""

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    option = models.ForeignKey(
        QuestionOption,
        verbose_name=_("option"),
        on_delete=models.PROTECT,
        related_name="answers",
        null=True,
        blank=True,
    )
    scale_point = models.ForeignKey(
        ScalePoint,
        verbose_name=_("point on the scale"),
        on_delete=models.PROTECT,
        related_name="answers",
        null=True,
        blank=True,
    )
    yes = models.BooleanField(_("yes"), null=True, blank=True)
    number = models.DecimalField(
        _("number"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    text = LimitedTextField(_("text"), max_length=5000, blank=True)
    themes = models.ManyToManyField(
        "Theme", verbose_name=_("themes"), related_name="answers", blank=True
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question__position", "id"]
        indexes = [models.Index(fields=["question", "option"])]

    def __str__(self):
        return f"Answer to {self.question}"


class EqualityAnswers(models.Model):
    """One respondent's answers to the optional equality-monitoring questions.

    Special category data (UK GDPR article 9), kept apart from the answers to the consultation:
    whoever reads those does not read these. Only people named in the admin hold the permission
    to see them raw, and no role gets it through a wildcard; everyone else sees the fixed tables
    of consultations/equality.py, in groups of 10 or more. Every answer is optional.
    """

    class AgeBand(models.TextChoices):
        UNDER_16 = "under_16", _("Under 16")
        # The 2008 joint strategy finds people aged 16 to 19 among the least likely to report.
        AGE_16_19 = "16_19", _("16 to 19")
        AGE_20_24 = "20_24", _("20 to 24")
        AGE_25_34 = "25_34", _("25 to 34")
        AGE_35_44 = "35_44", _("35 to 44")
        AGE_45_54 = "45_54", _("45 to 54")
        AGE_55_64 = "55_64", _("55 to 64")
        AGE_65_74 = "65_74", _("65 to 74")
        AGE_75_PLUS = "75_plus", _("75 or over")
        PREFER_NOT = "prefer_not", _("Prefer not to say")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        PREFER_NOT = "prefer_not", _("Prefer not to say")

    class YesNo(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        PREFER_NOT = "prefer_not", _("Prefer not to say")

    # The high-level groups of the 2021 census in England and Wales.
    class Ethnicity(models.TextChoices):
        ASIAN = "asian", _("Asian, Asian British or Asian Welsh")
        BLACK = "black", _("Black, Black British, Black Welsh, Caribbean or African")
        MIXED = "mixed", _("Mixed or multiple ethnic groups")
        WHITE = "white", _("White")
        OTHER = "other", _("Other ethnic group")
        PREFER_NOT = "prefer_not", _("Prefer not to say")

    class Religion(models.TextChoices):
        NONE = "none", _("No religion")
        CHRISTIAN = "christian", _("Christian")
        BUDDHIST = "buddhist", _("Buddhist")
        HINDU = "hindu", _("Hindu")
        JEWISH = "jewish", _("Jewish")
        MUSLIM = "muslim", _("Muslim")
        SIKH = "sikh", _("Sikh")
        OTHER = "other", _("Any other religion")
        PREFER_NOT = "prefer_not", _("Prefer not to say")

    class SexualOrientation(models.TextChoices):
        STRAIGHT = "straight", _("Straight or heterosexual")
        GAY_LESBIAN = "gay_lesbian", _("Gay or lesbian")
        BISEXUAL = "bisexual", _("Bisexual")
        OTHER = "other", _("Another sexual orientation")
        PREFER_NOT = "prefer_not", _("Prefer not to say")

    response = models.OneToOneField(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="equality"
    )
    age_band = models.CharField(_("age"), max_length=20, choices=AgeBand.choices, blank=True)
    sex = models.CharField(_("sex"), max_length=20, choices=Sex.choices, blank=True)
    gender_same_as_birth = models.CharField(
        _("gender the same as the sex registered at birth"),
        max_length=20,
        choices=YesNo.choices,
        blank=True,
    )
    ethnicity = models.CharField(
        _("ethnic group"), max_length=20, choices=Ethnicity.choices, blank=True
    )
    disability = models.CharField(_("disabled"), max_length=20, choices=YesNo.choices, blank=True)
    religion = models.CharField(_("religion"), max_length=20, choices=Religion.choices, blank=True)
    sexual_orientation = models.CharField(
        _("sexual orientation"), max_length=20, choices=SexualOrientation.choices, blank=True
    )
    groups = models.ManyToManyField(
        "engagement.ReachedGroup",
        verbose_name=_("groups they belong to"),
        related_name="equality_answers",
        blank=True,
    )

    class Meta:
        verbose_name = _("equality monitoring answers")
        verbose_name_plural = _("equality monitoring answers")
        ordering = ["-id"]
        # Only the two named permissions exist, so no ordinary model permission can open them.
        default_permissions = ()
        permissions = [
            ("view_equality_answers", "Can see raw equality monitoring answers"),
            ("export_equality_answers", "Can export raw equality monitoring answers"),
        ]

    def __str__(self):
        return f"Equality monitoring answers of response {self.response_id}"


class EqualityAccess(models.Model):
    """Who viewed or exported raw equality-monitoring answers, and when. Nobody edits it."""

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        EXPORTED = "exported", _("Exported")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.PROTECT,
        related_name="equality_accesses",
        null=True,
        blank=True,
        help_text=_("Empty when the answers to every consultation were listed"),
    )
    action = models.CharField(_("what they did"), max_length=20, choices=Action.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("access to equality monitoring answers")
        verbose_name_plural = _("access to equality monitoring answers")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.user} {self.get_action_display().lower()} {self.at:%d %B %Y %H:%M}"


class Outcome(models.Model):
    """A consultation's "You said, we did": what people told us, what was decided and how their
    views shaped it.

    Written once the consultation has closed, perhaps in parts (the decision may be recorded
    first), and published once when complete (consultations/outcomes.py): publishing shows it on
    the consultation's page and tells everyone who asked to hear.
    """

    consultation = models.OneToOneField(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.PROTECT,
        related_name="outcome",
    )
    said = LimitedTextField(
        _("what people said"),
        max_length=5000,
        blank=True,
        help_text=_("In plain English: the main things people told us"),
    )
    decision = LimitedTextField(_("what was decided"), max_length=5000, blank=True)
    shaped_by = LimitedTextField(
        _("how the views shaped it"),
        max_length=5000,
        blank=True,
        help_text=_("What changed because of what people said, and what did not and why"),
    )
    decision_record = models.ForeignKey(
        "pcc_portal.Decision",
        verbose_name=_("decision in the register"),
        on_delete=models.PROTECT,
        related_name="consultation_outcomes",
        null=True,
        blank=True,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return f"Outcome of {self.consultation}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


def consultation_document_path(document, filename: str) -> str:
    """Where a document consulted on is stored. Files in the default storage are open to whoever
    has their address, so the address holds a part nobody can guess: a draft uploaded before
    the consultation is published cannot be found from its slug or the file's name."""
    return f"consultations/{secrets.token_urlsafe(16)}/{filename}"


class ConsultationDocument(models.Model):
    """A document the public is consulted on: a draft plan, a precept proposal, a map."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("As people will see it, for example: Draft police and crime plan 2026 to 2029"),
    )
    file = models.FileField(
        _("file"),
        upload_to=consultation_document_path,
        max_length=255,
        validators=[validate_document],
        help_text=_("PDF, Word or OpenDocument text, at most 20 MB"),
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("document consulted on")
        verbose_name_plural = _("documents consulted on")
        ordering = ["consultation", "position", "id"]

    def __str__(self):
        return self.title


class SavedResponse(models.Model):
    """Answers saved part-way through a long consultation, to be finished from a link sent by
    email. Only a hash of the link's secret is kept, so the table cannot be used to open anyone's
    answers; the row goes when the answers are submitted or the consultation closes."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="saved_responses",
    )
    # Personal data, as the answers themselves may be.
    email = models.EmailField(_("email address"))
    secret_hash = models.CharField(_("link secret (hashed)"), max_length=64, unique=True)
    answers = models.JSONField(_("answers so far"), default=dict, blank=True)
    created_at = models.DateTimeField(_("first saved"), auto_now_add=True)
    saved_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("saved response")
        verbose_name_plural = _("saved responses")
        ordering = ["-saved_at"]

    def __str__(self):
        return f"Saved answers to {self.consultation}"


class Theme(models.Model):
    """A theme staff tag free-text answers with while analysing ("speeding", "visibility")."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="themes",
    )
    name = models.CharField(_("theme"), max_length=100)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["consultation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "name"], name="theme_named_once_per_consultation"
            )
        ]

    def __str__(self):
        return self.name
