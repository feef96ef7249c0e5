"""The forms of the staff pages that build a consultation, in the GOV.UK patterns: every error at
once, beside its field, in GOV.UK words, and what was typed kept. They turn input into the
details consultations/building.py takes; the rules live there and in the model."""

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fixed, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.boundfield import BoundField
from django.utils import timezone

from engagement.calendar_text import LONDON, format_time
from engagement.event_forms import GovukTimeField
from engagement.models import ActivityArea, Organisation
from pcc_portal.dates import GovukDateField
from pcc_portal.limits import character_count, limit_texts, too_long
from pcc_portal.models import Objective, User

from . import precept, workflow
from .building import (
    DOWN,
    OPTION_MAX,
    RETENTION_LEAST,
    RETENTION_MOST,
    RETENTION_RANGE,
    UP,
    ConsultationDetails,
    QuestionDetails,
)
from .models import AnswerScale, Consultation, Question

GROUPED_CHECKBOXES = "consultations/staff/building/_grouped_checkboxes.html"
YES, NO = "yes", "no"
SLUG_FORMAT = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_WRONG = (
    "Web address must use only lower case letters, numbers and hyphens, like 20mph-limits-2026"
)
CLOSES_BEFORE_OPENING = "The closing date must be after it opens"
NOT_A_MOVE = "Choose Publish or Withdraw again: the page was out of date"
NOT_A_QUESTION_MOVE = "Choose Move up or Move down again: the page was out of date"
NEW_OPTIONS_MAX = 10_000
# The service's keys for the dates are the model's; the page asks for each in two boxes.
SERVICE_KEYS = {"opens_at": "opens_on", "closes_at": "closes_on"}

KIND_HINTS = {
    Question.Kind.SINGLE_CHOICE: "People choose one answer from the list you give",
    Question.Kind.MULTIPLE_CHOICE: "People choose one or more answers from the list you give",
    Question.Kind.YES_NO: "People answer yes or no",
    Question.Kind.SCALE: "One point on a scale, such as excellent to very poor",
    Question.Kind.SHORT_TEXT: "A few words",
    Question.Kind.LONG_TEXT: "As much as they want to say",
    Question.Kind.NUMBER: "A number, such as an amount of money or a number of years",
    Question.Kind.WHERE_YOU_LIVE: (
        "Their policing area or council, outside the area, or prefer not to say"
    ),
    Question.Kind.RESPONDENT_TYPE: (
        "A resident, a business, or on behalf of an organisation, which they name"
    ),
    Question.Kind.EMAIL: (
        "An email address, for those who want to hear the outcome. "
        "Never asked in a sensitive consultation"
    ),
}


def add_service_errors(form: forms.Form, error: ValidationError, keys=None) -> None:
    """Show a service's ValidationError beside the fields it names, the rest at the top."""
    keys = keys or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        name = keys.get(key, key)
        form.add_error(name if name in form.fields else None, messages)


def _yes_no(label: str, required_message: str, **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[(YES, "Yes"), (NO, "No")],
        coerce=lambda value: value == YES,
        widget=forms.RadioSelect,
        error_messages={"required": required_message, "invalid_choice": required_message},
        **kwargs,
    )


def _small_legend():
    return {"legend_size": Size.for_legend(Size.SMALL)}


def _retention_in_range(value):
    if value is not None and not RETENTION_LEAST <= value <= RETENTION_MOST:
        raise ValidationError(RETENTION_RANGE.format(least=RETENTION_LEAST, most=RETENTION_MOST))


# --- Checkboxes in groups ---------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    value: str
    label: str
    checked: bool
    id: str


@dataclass(frozen=True)
class Group:
    label: str
    boxes: list[Box]

    @property
    def chosen(self) -> int:
        return sum(box.checked for box in self.boxes)


class GroupedBoundField(BoundField):
    @property
    def groups(self) -> list[Group]:
        """The groups of checkboxes as drawn, each box knowing whether it is ticked. The first
        box has the field's own id, so the error summary's link lands on it."""
        chosen = {str(value) for value in (self.value() or [])}
        groups, number = [], 0
        for label, choices in self.field.choices:
            boxes = []
            for value, text in choices:
                number += 1
                box_id = self.auto_id if number == 1 else f"{self.auto_id}_{number}"
                boxes.append(Box(str(value), text, str(value) in chosen, box_id))
            groups.append(Group(label, boxes))
        return groups


class GroupedChoiceField(forms.MultipleChoiceField):
    """Checkboxes in named groups, cleaned to the records chosen.

    With `collapsible`, each group is a GOV.UK details element, open when something in it is
    ticked: a long list (the office's partner organisations) stays short to read, and works
    without JavaScript.
    """

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, records=(), group_of=None, label_of=str, collapsible=False, **kw):
        kw.setdefault("required", False)
        super().__init__(**kw)
        self.collapsible = collapsible
        self.records = {str(record.pk): record for record in records}
        groups: dict[str, list] = {}
        for record in records:
            groups.setdefault(str(group_of(record)), []).append((str(record.pk), label_of(record)))
        self.choices = list(groups.items())

    def get_bound_field(self, form, field_name):
        return GroupedBoundField(form, self, field_name)

    def prepare_value(self, value):
        return [str(getattr(item, "pk", item)) for item in value or []]

    def clean(self, value):
        return [self.records[key] for key in super().clean(value)]


# --- Details ----------------------------------------------------------------------------------


def builders(keep: User | None = None):
    """Who may own a consultation: those who build them, and the owner it has now."""
    builds = Q(
        groups__permissions__codename="change_consultation",
        groups__permissions__content_type__app_label="consultations",
    ) | Q(
        user_permissions__codename="change_consultation",
        user_permissions__content_type__app_label="consultations",
    )
    people = Q(is_active=True, is_staff=True) & (Q(is_superuser=True) | builds)
    if keep is not None:
        people |= Q(pk=keep.pk)
    return User.objects.filter(people).distinct().order_by("full_name", "email")


class OwnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.full_name} ({user.email})" if user.full_name else user.email


class ConsultationForm(forms.Form):
    title = forms.CharField(
        label="Title",
        help_text="As the public will see it, for example 20mph speed limits in villages",
        max_length=200,
        error_messages={"required": "Enter the title of the consultation"},
    )
    slug = forms.CharField(
        label="Web address",
        help_text=(
            "The end of its address on the portal, in lower case letters, numbers and hyphens, "
            "for example 20mph-limits-2026"
        ),
        max_length=80,
        error_messages={"required": "Enter the web address"},
    )
    summary = forms.CharField(
        label="Summary",
        help_text="In plain English: what the consultation is about, in a few sentences",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter a summary of the consultation"},
    )
    why = forms.CharField(
        label="Why we are asking",
        help_text="Be clear about why we are engaging: what will be decided, by whom and when",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter why we are asking"},
    )
    can_change = forms.CharField(
        label="What people's views can change (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    cannot_change = forms.CharField(
        label="What people's views cannot change (optional)",
        help_text="For example, decisions already made or set by law",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    audience = forms.CharField(
        label="Who it is for",
        help_text="For example: residents, businesses and victims of crime",
        max_length=300,
        error_messages={"required": "Enter who the consultation is for"},
    )
    opens_on = GovukDateField(
        label="Opening date", help_text="For example, 1 12 2026", name="Opening date"
    )
    opens_time = GovukTimeField(label="Opening time", name="Opening time")
    closes_on = GovukDateField(
        label="Closing date", help_text="For example, 18 1 2027", name="Closing date"
    )
    closes_time = GovukTimeField(label="Closing time", name="Closing time")
    owner = OwnerChoice(
        label="Owner",
        help_text="Reminders about closing and feedback go to them",
        queryset=User.objects.none(),
        empty_label="Choose the owner",
        error_messages={
            "required": "Choose the owner of the consultation",
            "invalid_choice": "Choose the owner of the consultation",
        },
    )
    sensitive = _yes_no(
        "Is it a sensitive consultation?",
        "Select yes if the consultation is sensitive",
        help_text=(
            "For example, for victims of domestic abuse. People see an ‘Exit this page’ button, "
            "get no emails and are asked no name or contact details"
        ),
    )
    asks_equality = _yes_no(
        "Ask the equality monitoring questions?",
        "Select yes to ask the equality monitoring questions",
        help_text=(
            "An optional ‘About you’ section: age, sex, ethnicity, disability and the rest, "
            "each with ‘Prefer not to say’, kept apart from the answers"
        ),
    )
    retention_months = forms.IntegerField(
        label="How many months after it closes should personal data be kept?",
        help_text="Then names and contact details are removed. For example, 24",
        validators=[_retention_in_range],
        error_messages={
            "required": "Enter how many months to keep personal data",
            "invalid": "Enter the number of months as a whole number, like 24",
        },
    )
    activity_areas = forms.ModelMultipleChoiceField(
        label="Activity areas (optional)",
        queryset=ActivityArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, consultation: Consultation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        if consultation is None:
            self.fields["slug"].required = False
            self.fields["slug"].help_text += ". Leave it empty to make one from the title"
        self.fields["owner"].queryset = builders(consultation.owner if consultation else None)
        self.fields["objectives"] = GroupedChoiceField(
            label="Police and crime objectives (optional)",
            records=list(Objective.objects.select_related("aim").order_by("number")),
            group_of=lambda objective: objective.aim,
            label_of=lambda objective: f"{objective.number}. {objective.title}",
        )
        self.fields["partners"] = GroupedChoiceField(
            label="Partner organisations (optional)",
            help_text="Open a kind of organisation to choose from it",
            records=list(Organisation.objects.order_by("kind", "name")),
            group_of=lambda organisation: organisation.get_kind_display(),
            collapsible=True,
        )
        limit_texts(
            self,
            {
                "title": "Title",
                "slug": "Web address",
                "summary": "Summary",
                "why": "Why we are asking",
                "can_change": "What people's views can change",
                "cannot_change": "What people's views cannot change",
                "audience": "Who it is for",
            },
        )
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("title"),
            Field.text("slug", field_width=Fixed.TWENTY),
            character_count(self, "summary", rows=4),
            character_count(self, "why", rows=5),
            character_count(self, "can_change", rows=4),
            character_count(self, "cannot_change", rows=4),
            Field.text("audience"),
            Field("opens_on", context=_small_legend()),
            Field.text("opens_time", field_width=Fixed.TEN),
            Field("closes_on", context=_small_legend()),
            Field.text("closes_time", field_width=Fixed.TEN),
            Field.select("owner"),
            Field.radios("sensitive", small=True, legend_size=Size.SMALL),
            Field.radios("asks_equality", small=True, legend_size=Size.SMALL),
            Field.text("retention_months", field_width=Fixed.FIVE, inputmode="numeric"),
            Field.checkboxes("activity_areas", small=True, legend_size=Size.SMALL),
            Field("objectives", template=GROUPED_CHECKBOXES),
            Field("partners", template=GROUPED_CHECKBOXES),
            Submit(
                "save",
                "Save the details" if consultation else "Create the consultation",
            ),
        )

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip().lower()
        if slug and not SLUG_FORMAT.match(slug):
            raise ValidationError(SLUG_WRONG)
        return slug

    def clean(self):
        data = super().clean()
        for moment, day, clock in (
            ("opens_at", "opens_on", "opens_time"),
            ("closes_at", "closes_on", "closes_time"),
        ):
            if data.get(day) and data.get(clock):
                data[moment] = datetime.combine(data[day], data[clock], tzinfo=LONDON)
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_on", CLOSES_BEFORE_OPENING)
        return data

    def details(self) -> ConsultationDetails:
        return ConsultationDetails.from_input(self.cleaned_data)

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error, SERVICE_KEYS)

    @staticmethod
    def initial_for(consultation: Consultation | None, owner: User) -> dict:
        if consultation is None:
            return {
                "owner": owner.pk,
                "sensitive": NO,
                "asks_equality": YES,
                "retention_months": Consultation._meta.get_field("retention_months").default,
            }
        opens = timezone.localtime(consultation.opens_at, LONDON)
        closes = timezone.localtime(consultation.closes_at, LONDON)
        initial = {
            name: getattr(consultation, name)
            for name in (
                "title",
                "slug",
                "summary",
                "why",
                "can_change",
                "cannot_change",
                "audience",
                "retention_months",
            )
        }
        initial.update(
            {
                "opens_on": opens.date(),
                "opens_time": format_time(opens),
                "closes_on": closes.date(),
                "closes_time": format_time(closes),
                "owner": consultation.owner_id,
                "sensitive": YES if consultation.sensitive else NO,
                "asks_equality": YES if consultation.asks_equality else NO,
                "activity_areas": [area.pk for area in consultation.activity_areas.all()],
                "objectives": [objective.pk for objective in consultation.objectives.all()],
                "partners": [partner.pk for partner in consultation.partners.all()],
            }
        )
        return initial


# --- Publishing and withdrawing ---------------------------------------------------------------


class MoveForm(forms.Form):
    """The Publish and Withdraw buttons: which status the consultation moves to. Its errors are
    the page's own, shown in its error summary: the service's, or a button from an old page."""

    to = forms.CharField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("to") not in workflow.STATES:
            raise ValidationError(NOT_A_MOVE)
        return data


class ConfirmForm(forms.Form):
    """A confirmation button and nothing else: what a refusal is shown against."""


# --- Questions --------------------------------------------------------------------------------


def _question_label(number: int, question: Question) -> str:
    return f"Question {number}: {question.text}"


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Question",
        help_text="In plain English, as people will read it",
        max_length=Question._meta.get_field("text").max_length,
        error_messages={"required": "Enter the question"},
    )
    help_text = forms.CharField(
        label="Hint (optional)",
        help_text="Shown under the question: what to think about, or an example",
        max_length=Question._meta.get_field("help_text").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kind = forms.ChoiceField(
        label="Type of answer",
        choices=[Choice(kind, kind.label, hint=KIND_HINTS[kind]) for kind in Question.Kind],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the type of answer",
            "invalid_choice": "Select the type of answer",
        },
    )
    scale = forms.ModelChoiceField(
        label="Scale (for a scale question)",
        queryset=AnswerScale.objects.none(),
        required=False,
        empty_label="Not a scale question",
        error_messages={"invalid_choice": "Choose one of the scales"},
    )
    new_options = forms.CharField(
        label="Answers people can choose from",
        help_text="For a single or multiple choice question: one answer a line",
        max_length=NEW_OPTIONS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    required = _yes_no("Must people answer it?", "Select yes if people must answer it")
    measure_name = forms.CharField(
        label="Tracked measure (optional)",
        help_text=(
            "For a scale question. Give the same name in each year's consultation to see it as "
            "a trend, for example Confidence in the police"
        ),
        max_length=Question._meta.get_field("measure_name").max_length,
        required=False,
    )

    def __init__(
        self,
        *args,
        consultation: Consultation,
        question: Question | None = None,
        numbers: dict[int, int],
        earlier: list[Question],
        **kwargs,
    ):
        """`numbers` gives each question of the consultation its number; `earlier` are the
        choice questions before this one (their options prefetched), which it may depend on."""
        super().__init__(*args, **kwargs)
        self.consultation, self.question = consultation, question
        scales = list(AnswerScale.objects.prefetch_related("points"))
        self.fields["scale"].queryset = AnswerScale.objects.prefetch_related("points")
        self.fields["scale"].label_from_instance = lambda scale: (
            f"{scale.name}: {', '.join(point.label for point in scale.points.all())}"
        )
        self.existing = list(question.options.all()) if question else []
        option_fields = []
        for number, option in enumerate(self.existing, start=1):
            name = f"option_{option.pk}"
            self.fields[name] = forms.CharField(
                label=f"Answer {number}",
                max_length=OPTION_MAX,
                required=False,
                initial=option.label,
            )
            limit_texts(self, {name: f"Answer {number}"})
            option_fields.append(Field.text(name))
        if self.existing:
            self.fields["new_options"].label = "More answers (optional)"
            self.fields[
                "new_options"
            ].help_text = (
                "One answer a line, added after those above. To remove an answer, empty its box"
            )
        self.fields["new_options"].error_messages["max_length"] = too_long(
            "The answers", NEW_OPTIONS_MAX
        )
        parents = {parent.pk: _question_label(numbers[parent.pk], parent) for parent in earlier}
        self.fields["show_if_options"] = GroupedChoiceField(
            label="Show this question only if the answer to an earlier question is (optional)",
            help_text=(
                "Choose answers to one earlier single or multiple choice question. "
                "Leave them all unticked to ask everyone"
            ),
            records=[option for parent in earlier for option in parent.options.all()],
            group_of=lambda option: parents[option.question_id],
        )
        points = [point for scale in scales for point in scale.points.all()]
        scale_names = {scale.pk: scale.name for scale in scales}
        self.fields["measure_points"] = GroupedChoiceField(
            label="Answers that count towards the measure",
            help_text=(
                "From the question's scale. For confidence in the police: excellent and good"
            ),
            records=points,
            group_of=lambda point: scale_names[point.scale_id],
            collapsible=True,
        )
        limit_texts(
            self,
            {"text": "Question", "help_text": "Hint", "measure_name": "Tracked measure"},
        )
        conditional = [Field("show_if_options", template=GROUPED_CHECKBOXES)] if earlier else []
        if not earlier:
            del self.fields["show_if_options"]
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("text"),
            character_count(self, "help_text", rows=3),
            Field.radios("kind", small=True, legend_size=Size.SMALL),
            Field.select("scale"),
            *(
                [Fieldset(*option_fields, legend="Answers people can choose from", legend_size="s")]
                if option_fields
                else []
            ),
            Field.textarea("new_options", rows=5),
            Field.radios("required", small=True, legend_size=Size.SMALL),
            *conditional,
            HTML('<h2 class="govuk-heading-m govuk-!-margin-top-6">Tracked measure</h2>'),
            Field.text("measure_name"),
            Field("measure_points", template=GROUPED_CHECKBOXES),
            Submit("save", "Save the question" if question else "Add the question"),
        )

    def details(self) -> QuestionDetails:
        data = self.cleaned_data
        return QuestionDetails(
            text=data["text"],
            help_text=data["help_text"],
            kind=data["kind"],
            required=data["required"],
            scale=data["scale"],
            option_labels={
                option.pk: data.get(f"option_{option.pk}", "") for option in self.existing
            },
            new_options=data["new_options"].splitlines(),
            show_if_options=data.get("show_if_options", []),
            measure_name=data["measure_name"],
            measure_points=data["measure_points"],
        )

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)

    @staticmethod
    def initial_for(question: Question | None) -> dict:
        if question is None:
            return {"required": NO}
        return {
            "text": question.text,
            "help_text": question.help_text,
            "kind": question.kind,
            "scale": question.scale_id,
            "required": YES if question.required else NO,
            "show_if_options": [option.pk for option in question.show_if_options.all()],
            "measure_name": question.measure_name,
            "measure_points": [point.pk for point in question.measure_points.all()],
        }


class QuestionMoveForm(forms.Form):
    """The Move up and Move down buttons of the questions page: each names its question."""

    up = forms.CharField(required=False)
    down = forms.CharField(required=False)

    def clean(self):
        data = super().clean()
        up, down = data.get("up") or "", data.get("down") or ""
        chosen = [(value, direction) for value, direction in ((up, UP), (down, DOWN)) if value]
        if len(chosen) != 1 or not chosen[0][0].isascii() or not chosen[0][0].isdigit():
            raise ValidationError(NOT_A_QUESTION_MOVE)
        data["question"], data["direction"] = int(chosen[0][0]), chosen[0][1]
        return data


# --- The precept questions --------------------------------------------------------------------

POUNDS = re.compile(r"^£?\s*(?P<amount>\d{1,7}(?:\.\d+)?)$")


class PreceptForm(forms.Form):
    band_d_increase = forms.CharField(
        label="How much more a year for a Band D property, in pounds?",
        help_text="For example, 4.99",
        max_length=20,
        error_messages={"required": "Enter the Band D increase, like 4.99"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("band_d_increase", field_width=Fixed.TEN, inputmode="decimal"),
            Submit("add", "Add the precept questions"),
        )

    def clean_band_d_increase(self):
        typed = self.cleaned_data["band_d_increase"].strip().replace(",", "")
        match = POUNDS.match(typed)
        if not match:
            raise ValidationError(precept.NOT_AN_AMOUNT)
        # Digits and one point: always a Decimal. Whether it is a sensible amount is the
        # precept service's rule.
        return Decimal(match["amount"])

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)
